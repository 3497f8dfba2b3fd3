import Foundation
import NeymanCore
import Testing
@testable import NeymanStats

@Suite("AUC with DeLong's variance")
struct AUCPlacementsTests {
    /// The AUC equals ROC.auc (ties included), and the placements are the per-event fractions counted by brute force.
    @Test func aucAndPlacementsMatchBruteForce() throws {
        let rng = RandomStream(seed: 3, task: 0)
        let n = 300
        let isSignal = (0..<n).map { _ in rng.uniform() < 0.4 }
        let scores = isSignal.map { s in (rng.normal(mean: s ? 0.7 : 0) * 4).rounded() / 4 }   // many ties
        let p = try AUCPlacements(scores: scores, isSignal: isSignal)
        #expect(abs(p.auc - (try ROC.auc(scores: scores, labels: isSignal.map { $0 ? 1 : 0 }))) < 1e-12)
        let sIdx = scores.indices.filter { isSignal[$0] }, bIdx = scores.indices.filter { !isSignal[$0] }
        for (k, i) in sIdx.enumerated() {
            let v = bIdx.reduce(0.0) { $0 + (scores[$1] < scores[i] ? 1 : scores[$1] == scores[i] ? 0.5 : 0) } / Double(bIdx.count)
            #expect(abs(p.signal[k] - v) < 1e-12)
        }
        for (k, j) in bIdx.enumerated() {
            let w = sIdx.reduce(0.0) { $0 + (scores[$1] > scores[j] ? 1 : scores[$1] == scores[j] ? 0.5 : 0) } / Double(sIdx.count)
            #expect(abs(p.background[k] - w) < 1e-12)
        }
        // A strictly increasing transform orders the events the same way: zero difference, zero paired error.
        let q = try AUCPlacements(scores: scores.map { exp($0) }, isSignal: isSignal)
        #expect(q.auc == p.auc && q.differenceError(p) == 0)
    }

    /// For two unit normals `|dmu|` apart the variance of the empirical AUC is known exactly (Mann-Whitney):
    /// `[A(1-A) + (n-1)(Q1 - A^2) + (n-1)(Q2 - A^2)] / n^2` with `Q1 = int phi(b) Phi(dmu - b)^2 db = Q2`, `A = Phi(dmu/sqrt 2)`.
    /// DeLong's estimate from one sample of 2 x 20000 events agrees within 5%.
    @Test func delongErrorMatchesTheExactBinormalVariance() throws {
        let dmu = 1.5, n = 20_000
        let rng = RandomStream(seed: 5, task: 0)
        let scores = (0..<n).map { _ in rng.normal(mean: dmu) } + (0..<n).map { _ in rng.normal() }
        let isSignal = [Bool](repeating: true, count: n) + [Bool](repeating: false, count: n)
        let p = try AUCPlacements(scores: scores, isSignal: isSignal)
        let a = Normal.cdf(dmu / 2.0.squareRoot())
        let q = try Quadrature.integrate({ b in exp(-0.5 * b * b) / (2 * Double.pi).squareRoot() * pow(Normal.cdf(dmu - b), 2) },
                                         over: -12...12)
        let exact = ((a * (1 - a) + 2 * Double(n - 1) * (q - a * a)) / Double(n * n)).squareRoot()
        #expect(abs(p.error / exact - 1) < 0.05, "DeLong \(p.error), exact \(exact)")
        #expect(abs(p.auc - a) < 4 * exact)
    }

    @Test func rejectsBadInput() {
        #expect(throws: NeymanError.self) { try AUCPlacements(scores: [1, 2, 3], isSignal: [true, false]) }
        #expect(throws: NeymanError.self) { try AUCPlacements(scores: [1, .nan, 3, 4], isSignal: [true, true, false, false]) }
        #expect(throws: NeymanError.self) { try AUCPlacements(scores: [1, 2, 3], isSignal: [true, false, false]) }
    }
}
