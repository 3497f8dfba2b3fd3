import Foundation
import NeymanCore
import Testing
@testable import NeymanNN

/// The Poisson bootstrap of ensemble members (``Trainer/bootstrapCounts(count:seed:)``).
@Suite("Poisson bootstrap counts")
struct BootstrapCountsTests {
    @Test func countsArePoissonOfMeanOne() {
        let n = 200_000
        let k = Trainer.bootstrapCounts(count: n, seed: 42)
        try? #require(k.count == n)
        // P(k) = e^-1 / k!: the frequencies of 0, 1, 2, 3 within 5 binomial standard deviations.
        for (value, p) in [(0, exp(-1.0)), (1, exp(-1.0)), (2, exp(-1.0) / 2), (3, exp(-1.0) / 6)] {
            let f = Double(k.filter { $0 == Float(value) }.count) / Double(n)
            #expect(abs(f - p) < 5 * (p * (1 - p) / Double(n)).squareRoot(), "P(\(value)) = \(f), expected \(p)")
        }
        let mean = k.reduce(0) { $0 + Double($1) } / Double(n)
        #expect(abs(mean - 1) < 5 / Double(n).squareRoot())
        // Seeded: the same counts again, others for another seed.
        #expect(Trainer.bootstrapCounts(count: 1000, seed: 42) == Array(k.prefix(1000)))
        #expect(Trainer.bootstrapCounts(count: 1000, seed: 43) != Array(k.prefix(1000)))
    }

    /// A bootstrapped training only sees the events with a count above zero, each weighted by its count: the same
    /// weights as training on the reweighted set by hand give the same class weights.
    @Test func bootstrapReweightsTheTrainingPart() throws {
        var x: [Float] = [], y: [Float] = []
        for i in 0..<400 { x.append(Float(i % 17) / 17); y.append(Float(i % 2)) }
        let data = try LabelledEvents(features: x, labels: y, featureCount: 1)
        var o = TrainerSettings()
        o.epochs = 1
        o.seed = 9
        o.bootstrap = true
        let net = try Network.dense(inputs: 1, hidden: [4], activation: .relu, dropout: 0, initializer: .glorotNormal, seed: 1, lossKind: .bce)
        try Trainer(network: net, options: o).train(data)
        let (_, training) = Trainer.split(count: 400, options: o)
        let k = Trainer.bootstrapCounts(count: training.count, seed: 9)
        var a = 0.0, b = 0.0
        for (row, c) in zip(training, k) { if y[row] == 1 { a += Double(c) } else { b += Double(c) } }
        #expect(net.classWeights.a == a && net.classWeights.b == b, "\(net.classWeights) vs \(a), \(b)")
    }
}
