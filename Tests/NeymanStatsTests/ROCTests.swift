import Foundation
import Testing
@testable import NeymanStats
import NeymanCore

/// Weighted AUC against the reference cases (Tests/Fixtures/cases/auc, scikit-learn 1.9.1 and a brute-force pairwise
/// sum), including negative weights and tied scores.
@Suite("ROC AUC")
struct ROCTests {
    func load(_ name: String) throws -> (s: [Double], y: [Double], w: [Double], expected: Double) {
        let csv = try CSVReader.read(path: Fixtures.root.appendingPathComponent("auc/\(name).csv").path)
        let e = try Fixtures.json("auc/\(name).expected.json")
        return (try csv.column("score"), try csv.column("label"), try csv.column("weight"), e.double("expected_auc"))
    }

    @Test(arguments: ["posw_ties_n2000", "negw_noties_n2000"])
    func matchesReference(_ name: String) throws {
        let c = try load(name)
        let auc = try ROC.auc(scores: c.s, labels: c.y, weights: c.w)
        #expect(abs(auc - c.expected) < 1e-12, "\(name): \(auc) vs \(c.expected)")
    }

    /// Brute force over all pairs on a small sample with ties and signed weights.
    @Test func equalsThePairwiseDefinition() throws {
        let rng = RandomStream(seed: 12)
        let n = 300
        let s = (0..<n).map { _ in (rng.uniform() * 10).rounded() / 10 }
        let ws = (0..<n).map { _ in rng.normal(mean: 0.6, sigma: 0.8) }
        let wb = (0..<n).map { _ in rng.normal(mean: 0.4, sigma: 0.8) }
        var num = 0.0
        for i in 0..<n { for j in 0..<n { num += ws[i] * wb[j] * (s[i] > s[j] ? 1 : (s[i] == s[j] ? 0.5 : 0)) } }
        let expected = num / (ws.reduce(0, +) * wb.reduce(0, +))
        #expect(abs(try ROC.auc(scores: s, signalWeights: ws, backgroundWeights: wb) - expected) < 1e-12)
    }

    @Test func badInput() {
        #expect(throws: NeymanError.self) { try ROC.auc(scores: [1, 2], labels: [1, 1]) }
        #expect(throws: NeymanError.self) { try ROC.auc(scores: [1, .nan], labels: [1, 0]) }
        #expect(throws: NeymanError.self) { try ROC.auc(scores: [1], labels: [1, 0]) }
    }
}
