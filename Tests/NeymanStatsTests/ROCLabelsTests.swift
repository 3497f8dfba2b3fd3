import Foundation
import NeymanCore
import Testing
@testable import NeymanStats

/// The AUC from labels and weights is the AUC of the per-class weights `wS_i = w_i [label_i > 0.5]`,
/// `wB_i = w_i [label_i <= 0.5]`, bit for bit, though it never builds those arrays.
@Suite("ROC AUC from labels")
struct ROCLabelsTests {
    static func perClass(_ labels: [Double], _ w: [Double]) -> ([Double], [Double]) {
        (zip(labels, w).map { $0 > 0.5 ? $1 : 0 }, zip(labels, w).map { $0 > 0.5 ? 0 : $1 })
    }

    @Test("signed weights, ties, signed zeros, every byte of the keys varying: the same bits as per-class weights")
    func sameBitsAsPerClassWeights() throws {
        let rng = RandomStream(seed: 31)
        let n = 200_000
        let labels = (0..<n).map { _ in rng.uniform() < 0.4 ? 1.0 : 0.0 }
        var scores = labels.map { rng.normal(mean: $0, sigma: 1) }
        for i in stride(from: 0, to: n, by: 7) { scores[i] = (scores[i] * 4).rounded() / 4 }   // ties
        for i in stride(from: 3, to: n, by: 1000) { scores[i] = i % 2 == 0 ? 0.0 : -0.0 }
        let w = (0..<n).map { i in i % 11 == 0 ? -rng.uniform(0.1, 1) : rng.uniform(0.1, 3) }
        let (wS, wB) = Self.perClass(labels, w)
        let fromLabels = try ROC.auc(scores: scores, labels: labels, weights: w)
        let fromWeights = try ROC.auc(scores: scores, signalWeights: wS, backgroundWeights: wB)
        #expect(fromLabels.bitPattern == fromWeights.bitPattern)
        let unweighted = try ROC.auc(scores: scores, labels: labels)
        let ones = Self.perClass(labels, [Double](repeating: 1, count: n))
        #expect(unweighted.bitPattern == (try ROC.auc(scores: scores, signalWeights: ones.0, backgroundWeights: ones.1)).bitPattern)
    }

    /// The pairwise definition, summed directly, on a small sample with ties, signed weights and both zeros.
    @Test func equalsThePairwiseDefinition() throws {
        let rng = RandomStream(seed: 32)
        let n = 400
        let labels = (0..<n).map { _ in rng.uniform() < 0.5 ? 1.0 : 0.0 }
        let s = (0..<n).map { i -> Double in i % 9 == 0 ? (i % 2 == 0 ? 0.0 : -0.0) : (rng.normal() * 5).rounded() / 5 }
        let w = (0..<n).map { _ in rng.normal(mean: 0.7, sigma: 1) }
        var num = 0.0, totalS = 0.0, totalB = 0.0
        for i in 0..<n where labels[i] == 1 {
            totalS += w[i]
            for j in 0..<n where labels[j] == 0 { num += w[i] * w[j] * (s[i] > s[j] ? 1 : (s[i] == s[j] ? 0.5 : 0)) }
        }
        for j in 0..<n where labels[j] == 0 { totalB += w[j] }
        let auc = try ROC.auc(scores: s, labels: labels, weights: w)
        #expect(abs(auc - num / (totalS * totalB)) < 1e-12)
    }

    @Test("errors as the per-class form: lengths, no events, non-finite score or weight, a class of zero weight")
    func errors() {
        let e1 = #expect(throws: NeymanError.self) { try ROC.auc(scores: [1, 2], labels: [1], weights: nil) }
        #expect(e1?.message == "scores, labels and weights differ in length")
        let e2 = #expect(throws: NeymanError.self) { try ROC.auc(scores: [], labels: [], weights: nil) }
        #expect(e2?.message == "no events")
        let e3 = #expect(throws: NeymanError.self) { try ROC.auc(scores: [1, 2, 3], labels: [1, 0, 1], weights: [1, .infinity, 1]) }
        #expect(e3?.message == "event 1 has a non-finite score or weight")
        let e4 = #expect(throws: NeymanError.self) { try ROC.auc(scores: [1, .nan], labels: [1, 0]) }
        #expect(e4?.message == "event 1 has a non-finite score or weight")
        let e5 = #expect(throws: NeymanError.self) { try ROC.auc(scores: [1, 2, 3], labels: [1, 0, 1], weights: [1, 0, 2]) }
        #expect(e5?.message == "a class has zero total weight")
    }
}
