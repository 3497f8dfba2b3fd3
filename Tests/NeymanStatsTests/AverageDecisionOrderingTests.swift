import Foundation
import Testing
import NeymanCore
@testable import NeymanStats

/// ADO (docs/formulas.md §7): the O(n log n) sweep against brute force over all pairs, with ties and signed weights;
/// the public reference case; the restricted ADO of the guided search, exact and sampled.
@Suite("Average decision ordering")
struct AverageDecisionOrderingTests {
    /// Brute force: sum over (signal, background) pairs of w_i w_j K_ij / (sum_S w sum_B w).
    static func bruteForce(_ f: [Double], _ g: [Double], _ s: [Bool], _ w: [Double]) -> Double {
        var num = 0.0, ws = 0.0, wb = 0.0
        for i in f.indices { if s[i] { ws += w[i] } else { wb += w[i] } }
        for i in f.indices where s[i] {
            for j in f.indices where !s[j] {
                let k: Double
                if f[i] == f[j] || g[i] == g[j] { k = 0.5 } else { k = (f[i] > f[j]) == (g[i] > g[j]) ? 1 : 0 }
                num += w[i] * w[j] * k
            }
        }
        return num / (ws * wb)
    }

    @Test func referenceCaseN500() throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/cases/ado")
        let data = try CSVReader.read(path: dir.appendingPathComponent("ado_n500.csv").path)
        let f = try data.column("f"), g = try data.column("g"), label = try data.column("label")
        let expected = try Fixtures.json("ado/ado_n500.expected.json")
        #expect(f.count == Int(expected.double("n")))
        let ado = try AverageDecisionOrdering.ado(f: f, g: g, isSignal: label.map { $0 == 1 })
        #expect(abs(ado - expected.double("ado")) < 1e-14, "\(ado)")
        // The exact pair counts: ADO = (concordant + tied / 2) / pairs.
        let c = expected.double("n_concordant_pairs"), t = expected.double("n_pairs_with_tie"), p = expected.double("n_pairs")
        #expect(abs(ado - (c + t / 2) / p) < 1e-15)
    }

    @Test(arguments: [1, 2, 3, 4, 5])
    func sweepMatchesBruteForceWithTiesAndSignedWeights(seed: UInt64) throws {
        let rng = RandomStream(seed: seed)
        let n = 300
        let s = (0..<n).map { _ in rng.uniform() < 0.45 }
        // Coarse values so that both f and g have many ties, and g partly follows f.
        let f = (0..<n).map { _ in (rng.uniform() * 12).rounded() }
        let g = f.map { ($0 + rng.normal(sigma: 3)).rounded() }
        let w = (0..<n).map { _ in rng.uniform() < 0.2 ? -rng.uniform(0, 0.5) : rng.uniform(0.2, 2) }
        let fast = try AverageDecisionOrdering.ado(f: f, g: g, isSignal: s, weights: w)
        let slow = Self.bruteForce(f, g, s, w)
        #expect(abs(fast - slow) < 1e-12 * max(1, abs(slow)), "\(fast) vs \(slow)")
        let unit = try AverageDecisionOrdering.ado(f: f, g: g, isSignal: s)
        #expect(abs(unit - Self.bruteForce(f, g, s, [Double](repeating: 1, count: n))) < 1e-13)
    }

    @Test func orderingsAlikeReversedAndMonotoneMaps() throws {
        let rng = RandomStream(seed: 9)
        let n = 400
        let s = (0..<n).map { $0 % 3 == 0 }
        let f = (0..<n).map { _ in rng.normal() }   // continuous: no ties
        #expect(try AverageDecisionOrdering.ado(f: f, g: f, isSignal: s) == 1)
        #expect(try AverageDecisionOrdering.ado(f: f, g: f.map { -$0 }, isSignal: s) == 0)
        // Only the order matters.
        #expect(try AverageDecisionOrdering.ado(f: f, g: f.map { exp(3 * $0) }, isSignal: s) == 1)
        // A constant g ties every pair: 1/2.
        #expect(try AverageDecisionOrdering.ado(f: f, g: [Double](repeating: 2, count: n), isSignal: s) == 0.5)
    }

    @Test func badInputIsAnError() {
        #expect(throws: NeymanError.self) { try AverageDecisionOrdering.ado(f: [1, 2], g: [1], isSignal: [true, false]) }
        #expect(throws: NeymanError.self) { try AverageDecisionOrdering.ado(f: [1, .nan], g: [1, 2], isSignal: [true, false]) }
        #expect(throws: NeymanError.self) { try AverageDecisionOrdering.ado(f: [1, 2], g: [1, 2], isSignal: [true, true]) }
        #expect(throws: NeymanError.self) {
            try AverageDecisionOrdering.ado(f: [1, 2, 3], g: [1, 2, 3], isSignal: [true, false, false], weights: [1, 1, -1])
        }
    }

    /// The restricted ADO against a direct loop over the pairs on which h1 and h2 disagree.
    @Test func restrictedMatchesBruteForceAndSamplingAgrees() throws {
        let rng = RandomStream(seed: 4)
        let n = 240
        let s = (0..<n).map { _ in rng.uniform() < 0.5 }
        let x = (0..<n).map { _ in rng.normal() }
        let h1 = x.map { ($0 + rng.normal(sigma: 0.8) * 4).rounded() / 4 }
        let h2 = x.map { $0 + rng.normal(sigma: 0.5) }
        let f = x.map { ($0 + rng.normal(sigma: 1)).rounded() }
        let w = (0..<n).map { _ in rng.uniform(0.5, 1.5) }
        func sgn(_ v: Double) -> Double { v > 0 ? 1 : v < 0 ? -1 : 0 }
        var num = 0.0, den = 0.0, pairs = 0
        for i in 0..<n where s[i] {
            for j in 0..<n where !s[j] && sgn(h1[i] - h1[j]) * sgn(h2[i] - h2[j]) < 0 {
                let k = f[i] == f[j] || h2[i] == h2[j] ? 0.5 : ((f[i] > f[j]) == (h2[i] > h2[j]) ? 1.0 : 0.0)
                num += w[i] * w[j] * k; den += w[i] * w[j]; pairs += 1
            }
        }
        #expect(pairs > 100)
        let exact = try AverageDecisionOrdering.restricted(f: f, g: h2, isSignal: s, weights: w, disagreementOf: h1, and: h2)
        #expect(!exact.sampled && exact.error == 0 && exact.disagreeingPairs == pairs)
        #expect(abs(exact.ado - num / den) < 1e-13)
        // A budget below the pair count samples: within 4 standard errors, and reproducible for a seed.
        let a = try AverageDecisionOrdering.restricted(f: f, g: h2, isSignal: s, weights: w, disagreementOf: h1, and: h2,
                                                        pairBudget: 5000, seed: 3)
        let b = try AverageDecisionOrdering.restricted(f: f, g: h2, isSignal: s, weights: w, disagreementOf: h1, and: h2,
                                                        pairBudget: 5000, seed: 3)
        #expect(a == b && a.sampled && a.pairsExamined == 5000 && a.error > 0)
        #expect(abs(a.ado - exact.ado) < 4 * a.error, "\(a.ado) ± \(a.error) vs \(exact.ado)")
    }

    /// The disordered pairs collected once score many candidates exactly as the restricted ADO does one by one.
    @Test func disorderedPairsScoreCandidatesLikeTheRestrictedADO() throws {
        let rng = RandomStream(seed: 9)
        let n = 300
        let s = (0..<n).map { _ in rng.uniform() < 0.4 }
        let x = (0..<n).map { _ in rng.normal() }
        let h1 = x.map { $0 + rng.normal(sigma: 1) }
        let h2 = x.map { $0 + rng.normal(sigma: 0.3) }
        let w = (0..<n).map { _ in rng.uniform(0.2, 2) }
        let pairs = try DisorderedPairs(isSignal: s, weights: w, h1: h1, h2: h2)
        var brute = 0
        for i in 0..<n where s[i] { for j in 0..<n where !s[j] && (h1[i] - h1[j]) * (h2[i] - h2[j]) < 0 { brute += 1 } }
        #expect(pairs.count == brute && brute > 1000 && !pairs.sampled && pairs.pairsExamined == s.filter { $0 }.count * s.filter { !$0 }.count)
        for noise in [0.1, 1.0, 3.0] {
            let f = x.map { $0 + rng.normal(sigma: noise) }
            let one = try AverageDecisionOrdering.restricted(f: f, g: h2, isSignal: s, weights: w, disagreementOf: h1, and: h2)
            #expect(abs(try pairs.ado(f: f, g: h2) - one.ado) < 1e-13)
        }
        // The guide itself orders every disordered pair as the guide does: ADO 1; its negation 0.
        #expect(try pairs.ado(f: h2, g: h2) == 1)
        #expect(try pairs.ado(f: h2.map { -$0 }, g: h2) == 0)
        #expect(throws: NeymanError.self) { try pairs.ado(f: [1, 2], g: h2) }
        #expect(throws: NeymanError.self) { try DisorderedPairs(isSignal: s, h1: h1, h2: Array(h2.dropLast())) }
    }
}
