import Foundation
import Testing
import NeymanCore
@testable import NeymanStats

/// Working-point thresholds and efficiencies per bin against hand computations, a brute-force threshold search on
/// weighted events, and the weighted error formula.
@Suite("Efficiency at a working point")
struct EfficiencyCurveTests {
    // Events: (score, label, pt). Bins [0, 10), [10, 20). Two events outside (pt 25 and -1).
    static let events: [(Double, Double, Double)] = [
        (0.9, 1, 1), (0.7, 1, 5), (0.4, 1, 9), (0.2, 1, 2),          // signal, bin 0
        (0.8, 1, 11), (0.3, 1, 15), (0.3, 1, 19), (0.1, 1, 10),      // signal, bin 1 (a tie at 0.3)
        (0.5, 0, 3), (0.1, 0, 4),                                    // label 0, bin 0
        (0.35, 0, 12), (0.05, 0, 13), (0.6, 0, 18),                  // label 0, bin 1
        (0.8, 2, 7),                                                 // label 2, bin 0 only
        (0.99, 1, 25), (0.01, 0, -1),                                // outside the bins
    ]
    var scores: [Double] { Self.events.map(\.0) }
    var labels: [Double] { Self.events.map(\.1) }
    var pt: [Double] { Self.events.map(\.2) }

    func binomial(_ e: Double, _ n: Double) -> Double { (e * (1 - e) / n).squareRoot() }

    /// One threshold: the 8 signal scores in the bins, 50 % -> the 4th highest, 0.4.
    @Test func globalThresholdByHand() throws {
        let c = try EfficiencyCurve.atWorkingPoint(scores: scores, labels: labels, variable: pt, edges: [0, 10, 20], workingPoint: 0.5)
        #expect(c.thresholds == [0.4])
        #expect(c.labels == [0, 1, 2])
        let eff = c.efficiency, err = c.efficiencyError
        #expect(eff[1] == [0.75, 0.25])
        #expect(eff[0][0] == 0.5 && abs(eff[0][1] - 1.0 / 3) < 1e-15)
        #expect(eff[2][0] == 1 && eff[2][1].isNaN && err[2][1].isNaN)
        #expect(c.events == [[2, 3], [4, 4], [1, 0]])
        #expect(abs(err[1][0] - binomial(0.75, 4)) < 1e-15 && abs(err[0][1] - binomial(1.0 / 3, 3)) < 1e-15)
        #expect(err[2][0] == 0)
    }

    /// One threshold per bin: 0.7 in bin 0 (2 of 4), 0.3 in bin 1 (the tie passes together: 3 of 4, not 2).
    @Test func flatThresholdsByHandWithTies() throws {
        let c = try EfficiencyCurve.atWorkingPoint(scores: scores, labels: labels, variable: pt, edges: [0, 10, 20], workingPoint: 0.5, flat: true)
        #expect(c.thresholds == [0.7, 0.3])
        #expect(c.efficiency[1] == [0.5, 0.75])
        #expect(c.efficiency[0][0] == 0 && abs(c.efficiency[0][1] - 2.0 / 3) < 1e-15)
        #expect(c.efficiency[2][0] == 1)
        // A working point of 1 keeps every signal event: the lowest score of each bin.
        let all = try EfficiencyCurve.atWorkingPoint(scores: scores, labels: labels, variable: pt, edges: [0, 10, 20], workingPoint: 1, flat: true)
        #expect(all.thresholds == [0.2, 0.1] && all.efficiency[1] == [1, 1])
        // An overflow bin takes the event at pt 25; the one at -1 stays outside.
        let over = try EfficiencyCurve.atWorkingPoint(scores: scores, labels: labels, variable: pt, edges: [0, 10, .infinity], workingPoint: 0.5)
        #expect(over.events[1] == [4, 5] && over.events[0] == [2, 3])
    }

    /// Weighted events: the threshold against a brute-force search over every candidate, the efficiencies and
    /// errors against the formulas evaluated directly.
    @Test func weightedAgainstBruteForce() throws {
        let rng = RandomStream(seed: 11)
        let n = 300
        let s = (0..<n).map { _ in (rng.uniform() * 20).rounded() / 20 }   // many ties
        let y = (0..<n).map { _ in Double(rng.integer(below: 3)) }
        let v = (0..<n).map { _ in rng.uniform(0, 30) }
        let w = (0..<n).map { _ in rng.uniform(0, 2) }
        let edges = [0.0, 10, 20, 30]
        for p in [0.3, 0.5, 0.9] {
            let c = try EfficiencyCurve.atWorkingPoint(scores: s, labels: y, variable: v, weights: w, edges: edges, workingPoint: p, flat: true)
            #expect(c.thresholds.count == 3)
            for k in 0..<3 {
                let inBin = (0..<n).filter { v[$0] >= edges[k] && v[$0] < edges[k + 1] }
                let sig = inBin.filter { y[$0] == 1 }
                let total = sig.reduce(0.0) { $0 + w[$1] }
                func eff(_ t: Double) -> Double { sig.filter { s[$0] >= t }.reduce(0.0) { $0 + w[$1] } / total }
                let best = Set(sig.map { s[$0] }).filter { eff($0) >= p }.max()
                #expect(c.thresholds[k] == best, "p \(p) bin \(k)")
                for (ci, label) in c.labels.enumerated() {
                    let members = inBin.filter { y[$0] == label }
                    let pass = members.filter { s[$0] >= c.thresholds[k] }, fail = members.filter { s[$0] < c.thresholds[k] }
                    let wp = pass.reduce(0.0) { $0 + w[$1] }, wf = fail.reduce(0.0) { $0 + w[$1] }
                    let e = wp / (wp + wf)
                    let var2 = ((1 - e) * (1 - e) * pass.reduce(0.0) { $0 + w[$1] * w[$1] } + e * e * fail.reduce(0.0) { $0 + w[$1] * w[$1] })
                        / ((wp + wf) * (wp + wf))
                    #expect(abs(c.efficiency[ci][k] - e) < 1e-12)
                    #expect(abs(c.efficiencyError[ci][k] - var2.squareRoot()) < 1e-12)
                }
            }
        }
    }

    /// The weighted error by hand: pass weights {2, 1}, fail {3}: eps = 1/2, var = (1/4 * 5 + 1/4 * 9) / 36.
    @Test func weightedErrorByHand() {
        var t = WorkingPoint.Tally()
        t.add(passes: true, weight: 2); t.add(passes: true, weight: 1); t.add(passes: false, weight: 3)
        #expect(t.efficiency == 0.5 && t.events == 3)
        #expect(abs(t.efficiencyError - 3.5.squareRoot() / 6) < 1e-15)
    }

    /// Thresholds fixed elsewhere are applied as given (no re-tuning), one or one per bin.
    @Test func fixedThresholdsAreApplied() throws {
        let c = try EfficiencyCurve.atThresholds(scores: scores, labels: labels, variable: pt, edges: [0, 10, 20], thresholds: [0.8, 0.05])
        #expect(c.thresholds == [0.8, 0.05])
        #expect(c.efficiency[1] == [0.25, 1] && c.efficiency[0][1] == 1)
        #expect(throws: NeymanError.self) {
            try EfficiencyCurve.atThresholds(scores: scores, labels: labels, variable: pt, edges: [0, 10, 20], thresholds: [0.1, 0.2, 0.3])
        }
    }

    @Test func labelKeysAndBadInput() throws {
        #expect(EfficiencyCurve.key(label: 1) == "1" && EfficiencyCurve.key(label: -2) == "-2" && EfficiencyCurve.key(label: 0.5) == "0.5")
        func fails(_ edges: [Double], p: Double = 0.5, signal: Double = 1, flat: Bool = false, _ mention: String) {
            do {
                _ = try EfficiencyCurve.atWorkingPoint(scores: scores, labels: labels, variable: pt, edges: edges, workingPoint: p,
                                                       signalLabel: signal, flat: flat)
                Issue.record("no error for \(mention)")
            } catch {
                #expect("\(error)".contains(mention), "\(error)")
            }
        }
        fails([0], "at least two")
        fails([0, 10, 10], "ascending")
        fails([.infinity, 10], "finite")
        fails([0, 10], p: 0, "(0, 1]")
        fails([0, 10], signal: 7, "signal label 7")
        fails([0, 10, 20, 24], flat: true, "bin 2 [20.0, 24.0)")
    }
}
