import Foundation
import NeymanCore

/// A binned analysis of a network's output written as a pyhf (HistFactory JSON, schema 1.0.0) workspace: one
/// channel whose bins are intervals of the score, the histograms of the simulated signal and background, the data.
///
/// ```
///   signal:      data = S_b = sum_{i in b} w_i,   modifiers: mu (normfactor, the POI), staterror
///   background:  data = B_b,                      modifiers: staterror
///   staterror:   data = sqrt(sum_{i in b} w_i^2) per sample (pyhf combines the samples in quadrature per bin)
///   a variation with up/down samples (files U, D of the same sample):
///     normsys   hi = sum_b U_b / sum_b N_b,  lo = sum_b D_b / sum_b N_b                (the rate)
///     histosys  hi_data = U_b * sum N / sum U,  lo_data = D_b * sum N / sum D           (the shape, at fixed rate)
///   a rate-only systematic: normsys with the given lo, hi
///   observations: the data's counts per bin (unweighted: data are events)
/// ```
/// Bins are `[e_k, e_{k+1})`, the last one closed; events outside `[e_0, e_K]` are left out and counted. Splitting a
/// variation into a rate and a shape at fixed rate is HistFitter's convention, and it keeps pyhf's interpolations
/// (normsys code 4, histosys code 0 in the default) well behaved.
public struct WorkspaceExport {
    /// One weighted histogram: sums of weights and of squared weights per bin, and the events outside the bins.
    public struct Histogram: Sendable, Equatable {
        public var sums: [Double]
        public var squares: [Double]
        public var outside: Int
        public var total: Double { sums.reduce(0, +) }
    }

    /// A sample of the workspace.
    public enum Sample: String, Sendable, CaseIterable { case signal, background }

    /// A systematic variation given by up/down samples of one sample.
    public struct Variation: Sendable {
        public var name: String
        public var sample: Sample
        public var up: Histogram
        public var down: Histogram
        public init(name: String, sample: Sample, up: Histogram, down: Histogram) {
            self.name = name; self.sample = sample; self.up = up; self.down = down
        }
    }

    /// A rate-only systematic.
    public struct RateSystematic: Sendable {
        public var name: String
        public var sample: Sample
        public var lo: Double
        public var hi: Double
        public init(name: String, sample: Sample, lo: Double, hi: Double) { self.name = name; self.sample = sample; self.lo = lo; self.hi = hi }
    }

    /// The histogram of `scores` (with `weights`, or 1) in the bins of `edges` (strictly increasing, at least two).
    /// - Throws: ``NeymanError`` if the edges are not strictly increasing and finite, or a score or weight is not finite.
    public static func histogram(scores: [Double], weights: [Double]?, edges: [Double]) throws -> Histogram {
        guard edges.count >= 2, edges.allSatisfy(\.isFinite), zip(edges, edges.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw NeymanError.invalid("bin edges must be at least two finite, strictly increasing numbers", parameter: "bins")
        }
        let k = edges.count - 1
        var sums = [Double](repeating: 0, count: k), squares = sums, outside = 0
        for (i, s) in scores.enumerated() {
            let w = weights?[i] ?? 1
            guard s.isFinite else { throw NeymanError.invalid("score \(s) of event \(i) is not finite") }
            guard w.isFinite else { throw NeymanError.invalid("weight \(w) of event \(i) is not finite") }
            guard s >= edges[0], s <= edges[k] else { outside += 1; continue }
            // The last bin is closed: s == e_K falls in it. Binary search for the bin [e_b, e_{b+1}).
            var lo = 0, hi = k
            while hi - lo > 1 { let m = (lo + hi) / 2; if s >= edges[m] { lo = m } else { hi = m } }
            sums[lo] += w
            squares[lo] += w * w
        }
        return Histogram(sums: sums, squares: squares, outside: outside)
    }

    public var channel: String
    public var edges: [Double]
    public var signal: Histogram
    public var background: Histogram
    public var data: Histogram
    public var variations: [Variation] = []
    public var rates: [RateSystematic] = []

    public init(channel: String, edges: [Double], signal: Histogram, background: Histogram, data: Histogram) {
        self.channel = channel; self.edges = edges; self.signal = signal; self.background = background; self.data = data
    }

    /// The workspace as JSON (pyhf schema 1.0.0).
    /// - Throws: ``NeymanError``: a bin whose expected signal plus background is not positive (pyhf's staterror and
    ///   Poisson terms are undefined there: merge bins), a nominal sample with no weight (a variation's rate is
    ///   undefined), a varied sample with no weight, or a rate `lo`/`hi` that is not positive, naming the systematic.
    public func json() throws -> JSONValue {
        let k = edges.count - 1
        for b in 0..<k where !(signal.sums[b] + background.sums[b] > 0) {
            throw NeymanError.invalid("bin \(b + 1) ([\(edges[b]), \(edges[b + 1])]) has no expected events (signal + background = "
                                      + "\(signal.sums[b] + background.sums[b])); merge it with a neighbour", parameter: "bins")
        }
        let names = Set(variations.map(\.name) + rates.map(\.name))
        guard names.count == variations.count + rates.count, !names.contains("mu"), !names.contains("staterror_\(channel)") else {
            throw NeymanError.invalid("systematic names must be distinct and differ from mu and staterror_\(channel)", parameter: "systematic")
        }
        func modifiers(_ sample: Sample, _ h: Histogram) throws -> [JSONValue] {
            var m: [JSONValue] = []
            if sample == .signal { m.append(.object([("name", .string("mu")), ("type", .string("normfactor")), ("data", .null)])) }
            m.append(.object([("name", .string("staterror_\(channel)")), ("type", .string("staterror")),
                              ("data", .numbers(h.squares.map { $0.squareRoot() }))]))
            for v in variations where v.sample == sample {
                let n = h.total, u = v.up.total, d = v.down.total
                guard n > 0, u > 0, d > 0 else {
                    throw NeymanError.invalid("the \(sample.rawValue) histograms (nominal \(n), up \(u), down \(d)) need positive totals",
                                              parameter: "systematic \(v.name)")
                }
                m.append(.object([("name", .string(v.name)), ("type", .string("normsys")),
                                  ("data", .object([("hi", .number(u / n)), ("lo", .number(d / n))]))]))
                m.append(.object([("name", .string(v.name)), ("type", .string("histosys")),
                                  ("data", .object([("hi_data", .numbers(v.up.sums.map { $0 * n / u })),
                                                    ("lo_data", .numbers(v.down.sums.map { $0 * n / d }))]))]))
            }
            for r in rates where r.sample == sample {
                guard r.lo > 0, r.hi > 0, r.lo.isFinite, r.hi.isFinite else {
                    throw NeymanError.invalid("lo and hi must be positive and finite, got \(r.lo), \(r.hi)", parameter: "normsys \(r.name)")
                }
                m.append(.object([("name", .string(r.name)), ("type", .string("normsys")),
                                  ("data", .object([("hi", .number(r.hi)), ("lo", .number(r.lo))]))]))
            }
            return m
        }
        let samples: [JSONValue] = [
            .object([("name", .string("signal")), ("data", .numbers(signal.sums)), ("modifiers", .array(try modifiers(.signal, signal)))]),
            .object([("name", .string("background")), ("data", .numbers(background.sums)), ("modifiers", .array(try modifiers(.background, background)))]),
        ]
        return .object([
            ("channels", .array([.object([("name", .string(channel)), ("samples", .array(samples))])])),
            ("observations", .array([.object([("name", .string(channel)), ("data", .numbers(data.sums))])])),
            ("measurements", .array([.object([("name", .string("measurement")),
                                              ("config", .object([("poi", .string("mu")), ("parameters", .array([]))]))])])),
            ("version", .string("1.0.0")),
        ])
    }
}
