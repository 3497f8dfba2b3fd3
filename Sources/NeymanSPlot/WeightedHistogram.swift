import NeymanCore

/// A histogram of a column with per-event weights of any sign (e.g. sWeights): bin contents `sum w` and bin errors
/// `sqrt(sum w^2)` (the usual estimate of the variance of a sum of weights, Dembinski et al. 2022 §3; it neglects the
/// uncertainty of the sWeight matrix itself).
///
/// Bins: `count` equal bins on `[lower, upper)`; the last bin also holds `x == upper`. Values outside go to
/// ``underflow`` / ``overflow`` (with their own `sum w^2`); NaN values are rejected.
public struct WeightedHistogram: Sendable, Equatable {
    public let lower: Double
    public let upper: Double
    /// `sum w` per bin.
    public private(set) var contents: [Double]
    /// `sum w^2` per bin.
    public private(set) var sumsOfSquares: [Double]
    public private(set) var underflow: (sum: Double, sumOfSquares: Double) = (0, 0)
    public private(set) var overflow: (sum: Double, sumOfSquares: Double) = (0, 0)

    public static func == (a: WeightedHistogram, b: WeightedHistogram) -> Bool {
        a.lower == b.lower && a.upper == b.upper && a.contents == b.contents && a.sumsOfSquares == b.sumsOfSquares
            && a.underflow == b.underflow && a.overflow == b.overflow
    }

    /// - Throws: ``NeymanError/invalidInput(_:_:)`` unless `count >= 1` and `lower < upper` (finite), the arrays
    ///   have equal lengths, and every value and weight is not NaN (weights also finite).
    public init(values: [Double], weights: [Double], bins count: Int, lower: Double, upper: Double) throws {
        guard count >= 1 else { throw NeymanError.invalid("need at least one bin, got \(count)", parameter: "bins") }
        guard lower.isFinite, upper.isFinite, lower < upper else {
            throw NeymanError.invalid("histogram range must be finite and increasing, got [\(lower), \(upper)]", parameter: "range")
        }
        guard values.count == weights.count else {
            throw NeymanError.invalid("\(values.count) values but \(weights.count) weights", parameter: "weights")
        }
        self.lower = lower
        self.upper = upper
        contents = [Double](repeating: 0, count: count)
        sumsOfSquares = contents
        let scale = Double(count) / (upper - lower)
        for (x, w) in zip(values, weights) {
            guard !x.isNaN, w.isFinite else { throw NeymanError.invalid("a value or weight is not a number") }
            if x < lower { underflow.sum += w; underflow.sumOfSquares += w * w; continue }
            if x > upper { overflow.sum += w; overflow.sumOfSquares += w * w; continue }
            let b = min(count - 1, Int((x - lower) * scale))
            contents[b] += w
            sumsOfSquares[b] += w * w
        }
    }

    /// `sqrt(sum w^2)` per bin.
    public var errors: [Double] { sumsOfSquares.map { $0.squareRoot() } }
    /// The `count + 1` bin edges.
    public var edges: [Double] {
        let n = contents.count
        return (0...n).map { lower + (upper - lower) * Double($0) / Double(n) }
    }
}
