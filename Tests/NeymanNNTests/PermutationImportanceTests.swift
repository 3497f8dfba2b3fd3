import Foundation
import Testing
@testable import NeymanNN
import NeymanCore
import NeymanStats

/// Permutation importance against a hand computation (a score that is one feature, the permutations rebuilt from
/// the documented streams, AUCs by counting pairs), and on a trained network: a feature without information has an
/// importance compatible with zero.
@Suite("Permutation importance")
struct PermutationImportanceTests {
    /// AUC by counting pairs: P(s_signal > s_background) + P(=)/2.
    func pairAUC(_ s: [Double], _ y: [Double]) -> Double {
        var num = 0.0, pairs = 0.0
        for i in s.indices where y[i] == 1 {
            for j in s.indices where y[j] == 0 {
                num += s[i] > s[j] ? 1 : (s[i] == s[j] ? 0.5 : 0)
                pairs += 1
            }
        }
        return num / pairs
    }

    /// Score = x0; x1 is ignored. Two repeats, seed 3: drops of x0 from the documented permutations, x1's exactly 0;
    /// importances D_j / mean(D) = (2, 0).
    @Test func handComputation() throws {
        let x0: [Double] = [0.1, 0.9, 0.4, 0.8, 0.3, 0.7, 0.2, 0.6]
        let x1: [Double] = [5, 1, 4, 2, 3, 8, 7, 6]
        let y: [Double] = [0, 1, 0, 1, 0, 1, 1, 0]
        var features: [Float] = []
        for i in 0..<8 { features += [Float(x0[i]), Float(x1[i])] }
        let r = try PermutationImportance.compute(features: features, featureCount: 2, labels: y, repeats: 2, seed: 3) { x, rows in
            (0..<rows).map { Double(x[$0 * 2]) }
        }
        let auc = pairAUC(x0.map { Double(Float($0)) }, y)
        #expect(r.auc == auc)
        var drops: [Double] = []
        for rep in 0..<2 {
            let perm = RandomStream(seed: 3, task: UInt64(rep * 2 + 0)).permutation(8)
            drops.append(auc - pairAUC((0..<8).map { Double(Float(x0[perm[$0]])) }, y))
        }
        #expect(r.drops.count == 2 && r.drops[0].count == 2)
        #expect(abs(r.drops[0][0] - drops[0]) < 1e-12 && abs(r.drops[0][1] - drops[1]) < 1e-12)
        #expect(r.drops[1] == [0, 0])
        let mean = (drops[0] + drops[1]) / 2
        #expect(abs(r.meanDrop[0] - mean) < 1e-12)
        let sd = ((drops[0] - mean) * (drops[0] - mean) + (drops[1] - mean) * (drops[1] - mean)).squareRoot()   // K - 1 = 1
        #expect(abs(r.meanDropError[0] - sd * 1.5.squareRoot()) < 1e-12)
        #expect(abs(r.normalisation - mean / 2) < 1e-12)
        #expect(mean > 0.05, "shuffling the only informative feature lowers the AUC")
        #expect(abs(r.importance[0] - 2) < 1e-12 && r.importance[1] == 0 && r.importanceError[1] == 0)
        #expect(throws: NeymanError.self) {
            try PermutationImportance.compute(features: features, featureCount: 2, labels: y, repeats: 1, seed: 3) { _, rows in [Double](repeating: 0, count: rows) }
        }
    }

    /// A network trained on (x0 informative, x1 weakly informative, x2 noise): the noise feature's importance is
    /// compatible with zero, x0's is the largest; the same seed gives the same numbers.
    @Test func noiseFeatureIsCompatibleWithZero() throws {
        let rng = RandomStream(seed: 21)
        let n = 4000
        var features: [Float] = [], labels: [Float] = []
        for i in 0..<n {
            let y: Float = i % 2 == 0 ? 1 : 0
            let shift = y == 1 ? 1.0 : -1.0
            features += [Float(rng.normal(mean: shift)), Float(rng.normal(mean: 0.3 * shift)), Float(rng.normal())]
            labels.append(y)
        }
        let data = try LabelledEvents(features: features, labels: labels, featureCount: 3)
        let net = try Network.dense(inputs: 3, hidden: [16, 16], seed: 5)
        var o = TrainerSettings(); o.epochs = 5; o.batchSize = 128; o.seed = 6; o.quiet = true
        try Trainer(network: net, options: o).train(data)
        let l = labels.map(Double.init)
        let r = try PermutationImportance.compute(network: net, features: features, labels: l, repeats: 6, seed: 7)
        let again = try PermutationImportance.compute(network: net, features: features, labels: l, repeats: 6, seed: 7)
        #expect(r == again)
        let imp = r.importance, err = r.importanceError
        #expect(abs((imp[0] + imp[1] + imp[2]) / 3 - 1) < 1e-12, "normalised to mean 1")
        #expect(imp[0] > imp[1] && imp[1] > imp[2], "\(imp)")
        #expect(abs(imp[2]) < 3 * err[2] + 0.01, "noise feature: \(imp[2]) +- \(err[2])")
        #expect(imp[1] > 3 * err[1], "weak feature is measurably important: \(imp[1]) +- \(err[1])")
    }
}
