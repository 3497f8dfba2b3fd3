import Foundation
import NeymanCore

/// The efficiency of each class in bins of a variable (a pT) at a score threshold fixed by a working point: what
/// `neyman efficiency` prints and the tau-muon study plots (ATLAS prompt-vs-tau-muon talk, slides 4-6).
///
/// ```
///   bins        [e_0, e_1), [e_1, e_2), ..., [e_{K-1}, e_K)     half-open; e_K may be +inf (an overflow bin);
///                                                              events outside [e_0, e_K) are not counted
///   threshold   one t for all bins: t(p) over the signal events in [e_0, e_K)          (global)
///               or t_k = t(p) over the signal events of bin k                          (flat: eps_signal = p in every bin)
///   eps_c,k     sum_{label c, bin k, s >= t_k} w / sum_{label c, bin k} w, with its error (WorkingPoint.Tally)
/// ```
/// `t(p)` is ``WorkingPoint/threshold(scores:weights:efficiency:)``: the highest score at which the signal efficiency
/// reaches `p`, ties passing together. Classes are the distinct values of the label column (any finite numbers;
/// sorted ascending); the signal class is the one of `signalLabel`. A class without events (or without weight) in a
/// bin has efficiency and error NaN there (`null` in JSON).
public struct EfficiencyCurve: Sendable, Equatable {
    /// The bin edges `e_0 < ... < e_K` (`e_K` may be `+inf`).
    public let edges: [Double]
    /// One threshold for all bins, or one per bin (flat).
    public let thresholds: [Double]
    /// The distinct labels, ascending.
    public let labels: [Double]
    /// `tallies[c][k]`: the pass/fail sums of weights of label `labels[c]` in bin `k`.
    public let tallies: [[WorkingPoint.Tally]]

    /// Number of bins `K`.
    public var binCount: Int { edges.count - 1 }
    /// The threshold applied in bin `k`.
    public func threshold(bin k: Int) -> Double { thresholds.count == 1 ? thresholds[0] : thresholds[k] }
    /// `efficiency[c][k]` (NaN for an empty class and bin).
    public var efficiency: [[Double]] { tallies.map { $0.map(\.efficiency) } }
    /// `efficiencyError[c][k]` (NaN for an empty class and bin).
    public var efficiencyError: [[Double]] { tallies.map { $0.map(\.efficiencyError) } }
    /// Events of each label in each bin.
    public var events: [[Int]] { tallies.map { $0.map(\.events) } }

    /// The tallies of `label` (nil if no event has it).
    public func tallies(label: Double) -> [WorkingPoint.Tally]? { labels.firstIndex(of: label).map { tallies[$0] } }

    /// The JSON key of a label: its shortest decimal form, integral values without a decimal point (`"0"`, `"1"`,
    /// `"2"`, `"-1"`, `"0.5"`).
    public static func key(label: Double) -> String {
        if label == label.rounded(), abs(label) < 9.007_199_254_740_992e15 { return String(Int64(label)) }
        return "\(label)"
    }

    /// The bin of `v`: `k` with `e_k <= v < e_{k+1}`, or nil outside `[e_0, e_K)`.
    public static func bin(of v: Double, edges: [Double]) -> Int? {
        guard edges.count >= 2, v >= edges[0], v < edges[edges.count - 1] else { return nil }
        var lo = 0, hi = edges.count - 2
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if edges[mid] <= v { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }

    /// Checks edges: at least two, strictly ascending, all finite except a last `+inf`.
    /// - Throws: ``NeymanError`` naming the parameter `edges`.
    public static func validate(edges: [Double]) throws {
        guard edges.count >= 2 else { throw NeymanError.invalid("give at least two bin edges (got \(edges.count))", parameter: "edges") }
        for (i, e) in edges.enumerated() where !(e.isFinite || (i == edges.count - 1 && e == .infinity)) {
            throw NeymanError.invalid("edge \(i + 1) is \(e): edges must be finite (the last may be inf, an overflow bin)", parameter: "edges")
        }
        for k in 1..<edges.count where !(edges[k] > edges[k - 1]) {
            throw NeymanError.invalid("edges must be strictly ascending (edge \(k + 1) = \(edges[k]) follows \(edges[k - 1]))", parameter: "edges")
        }
    }

    /// Checks the columns: equal lengths, finite scores, labels and variable, weights finite and `>= 0`.
    /// - Throws: ``NeymanError`` naming the array (`scores`, `labels`, `variable`, `weights`) and the 0-based event.
    static func validate(scores: [Double], labels: [Double], variable: [Double], weights: [Double]?) throws {
        for (name, c) in [("labels", labels), ("variable", variable)] + (weights.map { [("weights", $0)] } ?? []) where c.count != scores.count {
            throw NeymanError.invalid("\(c.count) \(name) for \(scores.count) scores", parameter: name)
        }
        for (name, c) in [("scores", scores), ("labels", labels), ("variable", variable)] {
            if let i = c.firstIndex(where: { !$0.isFinite }) { throw NeymanError.invalid("event \(i) (0-based) has \(name) value \(c[i])", parameter: name) }
        }
        if let w = weights, let i = w.firstIndex(where: { !($0.isFinite && $0 >= 0) }) {
            throw NeymanError.invalid("event \(i) (0-based) has weight \(w[i]); weights must be finite and >= 0", parameter: "weights")
        }
    }

    /// Efficiencies at the threshold(s) of working point `p` for the class `signalLabel` (see the type's
    /// documentation).
    /// - Throws: ``NeymanError`` for bad edges or columns, `p` outside (0, 1], a signal label no event has, or no
    ///   signal weight in the bins (with `flat`: in some bin, named by its range).
    public static func atWorkingPoint(scores: [Double], labels: [Double], variable: [Double], weights: [Double]? = nil,
                                      edges: [Double], workingPoint p: Double, signalLabel: Double = 1,
                                      flat: Bool = false) throws -> EfficiencyCurve {
        try validate(edges: edges)
        try validate(scores: scores, labels: labels, variable: variable, weights: weights)
        guard p > 0, p <= 1 else { throw NeymanError.invalid("must be in (0, 1] (got \(p))", parameter: "working-point") }
        guard labels.contains(signalLabel) else {
            throw NeymanError.invalid("no event has the signal label \(key(label: signalLabel))", parameter: "signal-label")
        }
        let k = edges.count - 1
        var signalScores = [[Double]](repeating: [], count: flat ? k : 1)
        var signalWeights = [[Double]](repeating: [], count: flat ? k : 1)
        for i in scores.indices where labels[i] == signalLabel {
            guard let b = bin(of: variable[i], edges: edges) else { continue }
            signalScores[flat ? b : 0].append(scores[i])
            signalWeights[flat ? b : 0].append(weights?[i] ?? 1)
        }
        var thresholds: [Double] = []
        for (b, s) in signalScores.enumerated() {
            guard let t = WorkingPoint.threshold(scores: s, weights: signalWeights[b], efficiency: p) else {
                let range = flat ? "bin \(b) [\(edges[b]), \(edges[b + 1]))" : "the bins [\(edges[0]), \(edges[k]))"
                throw NeymanError.invalid("\(range) hold\(flat ? "s" : "") no signal event (label \(key(label: signalLabel))) with "
                                          + "positive weight: no threshold can be set there", parameter: flat ? "flat" : "edges")
            }
            thresholds.append(t)
        }
        return try atThresholds(scores: scores, labels: labels, variable: variable, weights: weights, edges: edges, thresholds: thresholds)
    }

    /// Efficiencies at given thresholds: one for all bins, or one per bin (e.g. thresholds fixed on one process and
    /// applied to another, without re-tuning).
    /// - Throws: ``NeymanError`` for bad edges or columns, or a number of thresholds other than 1 or the bins'.
    public static func atThresholds(scores: [Double], labels: [Double], variable: [Double], weights: [Double]? = nil,
                                    edges: [Double], thresholds: [Double]) throws -> EfficiencyCurve {
        try validate(edges: edges)
        try validate(scores: scores, labels: labels, variable: variable, weights: weights)
        let k = edges.count - 1
        guard thresholds.count == 1 || thresholds.count == k else {
            throw NeymanError.invalid("give one threshold or one per bin (\(k)); got \(thresholds.count)", parameter: "thresholds")
        }
        let distinct = Array(Set(labels)).sorted()
        let index = Dictionary(uniqueKeysWithValues: distinct.enumerated().map { ($1, $0) })
        var tallies = [[WorkingPoint.Tally]](repeating: [WorkingPoint.Tally](repeating: .init(), count: k), count: distinct.count)
        for i in scores.indices {
            guard let b = bin(of: variable[i], edges: edges), let c = index[labels[i]] else { continue }
            let t = thresholds.count == 1 ? thresholds[0] : thresholds[b]
            tallies[c][b].add(passes: scores[i] >= t, weight: weights?[i] ?? 1)
        }
        return EfficiencyCurve(edges: edges, thresholds: thresholds, labels: distinct, tallies: tallies)
    }
}
