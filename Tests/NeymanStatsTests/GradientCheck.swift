import Testing
@testable import NeymanStats

/// Expects the analytic gradient of `likelihood` at each of `points` to match central differences of its value with
/// step `step`, each component within `tolerance * max(1, |numeric|)`.
func expectGradientMatchesFiniteDifferences(_ likelihood: some Likelihood, at points: [[Double]], step: Double = 1e-6,
                                            tolerance: Double = 1e-5, sourceLocation: SourceLocation = #_sourceLocation) {
    for x in points {
        var g = [Double](repeating: 0, count: x.count)
        _ = likelihood.negativeLogLikelihood(x, gradient: &g)
        for k in x.indices {
            var up = x, dn = x
            up[k] += step
            dn[k] -= step
            let numeric = (likelihood.negativeLogLikelihood(up) - likelihood.negativeLogLikelihood(dn)) / (2 * step)
            #expect(abs(g[k] - numeric) < tolerance * max(1, abs(numeric)), "x = \(x), k = \(k): \(g[k]) vs \(numeric)",
                    sourceLocation: sourceLocation)
        }
    }
}
