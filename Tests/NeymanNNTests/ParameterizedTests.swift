import Foundation
import Testing
@testable import NeymanNN
import NeymanCore

@Suite("Parameterized networks and k-fold")
struct ParameterizedTests {
    /// Class A: x ~ N(theta, 1); class B: x ~ N(0, 2^2), independent of theta. Trained at theta in {-1, 0, 1},
    /// evaluated at theta = 0.5 (never seen) against the exact p_A/p_B = N(x; theta, 1) / N(x; 0, 2).
    @Test func interpolatesBetweenGridPoints() throws {
        let rng = RandomStream(seed: 31)
        var signal: [(theta: [Float], features: [Float])] = []
        for theta in [-1.0, 0.0, 1.0] {
            signal.append(([Float(theta)], (0..<30_000).map { _ in Float(rng.normal(mean: theta)) }))
        }
        let background = (0..<90_000).map { _ in Float(rng.normal(sigma: 2)) }
        let data = try ParameterizedTraining.build(signal: signal, background: background, featureCount: 1, seed: 4)
        #expect(data.featureCount == 2 && data.count == 180_000)
        let net = try Network.dense(inputs: 2, hidden: [32, 32], activation: .relu, seed: 6)
        var o = TrainerSettings()
        o.epochs = 30; o.batchSize = 256; o.learningRate = 1e-3; o.patience = 0; o.validationFraction = 0
        o.weightDecay = 1e-3; o.learningRateDecayPatience = 3; o.seed = 3
        try Trainer(network: net, options: o).train(data)
        let lr = try LikelihoodRatio(network: net)
        let theta = 0.5
        var worst = 0.0
        // The bulk: within one standard deviation of the class-A peak (68% of its events).
        for x in stride(from: theta - 1, through: theta + 1, by: 0.1) {
            let exact = exp(-0.5 * (x - theta) * (x - theta)) / exp(-0.5 * x * x / 4) * 2
            let learned = lr.ratio(score: Double(net.score([Float(x), Float(theta)], rows: 1)[0]))
            worst = max(worst, abs(learned / exact - 1))
        }
        #expect(worst < 0.10, "worst relative deviation at theta = 0.5: \(worst)")
    }

    @Test func backgroundThetasComeFromTheGrid() throws {
        let data = try ParameterizedTraining.build(signal: [([2], [1, 1]), ([5], [3])], background: [0, 0, 0, 0, 0, 0],
                                                   featureCount: 1, seed: 1)
        let thetas = (0..<data.count).map { data.features[2 * $0 + 1] }
        #expect(Array(thetas.prefix(3)) == [2, 2, 5])
        #expect(thetas.dropFirst(3).allSatisfy { $0 == 2 || $0 == 5 })
        #expect(Set(thetas.dropFirst(3)).count == 2)
    }

    @Test func stratifiedFoldsPartitionAndBalance() throws {
        let labels: [Float] = (0..<1000).map { $0 % 10 < 3 ? 1 : 0 }  // 30% class A
        let folds = try KFold.stratified(labels: labels, k: 5, seed: 2)
        #expect(folds.flatMap { $0 }.sorted() == Array(0..<1000))
        for f in folds {
            #expect(f.count == 200)
            #expect(f.filter { labels[$0] == 1 }.count == 60)
        }
        #expect(throws: NeymanError.self) { try KFold.stratified(labels: labels, k: 1, seed: 2) }
    }
}
