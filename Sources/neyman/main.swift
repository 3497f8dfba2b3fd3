import NeymanCore
import NeymanStats
print(Normal.cdf(1.0), RandomStream(seed: 1).uniform())
