import Foundation
import NeymanCore

/// The maximum-likelihood fit of a signal fraction `mu` from per-event density ratios, with its profile-likelihood
/// interval (guide §3.3, fig. 5; docs/formulas.md §3):
///
/// ```
///   p(y) = mu p_S(y) + (1 - mu) p_B(y)   =>   ln L(mu) - ln L(0) = sum_i ln(1 + mu (r_i - 1)),   r_i = p_S/p_B (y_i)
/// ```
/// `ln L` is concave in `mu` (each term is the log of a linear function), so the maximum is unique; it is found by
/// Brent's method on the derivative `sum_i (r_i - 1) / (1 + mu (r_i - 1))`, and the interval ends where
/// `-2 [ln L(mu) - ln L(mu^)] = level` (1 for 68.3 %) on each side, also by Brent. `mu` is restricted to the range
/// where every event's density stays positive, `mu` in `(-1/(r_max - 1), 1/(1 - r_min))`, intersected with `bounds`.
public struct SignalFractionFit: Sendable {
    public let ratios: [Double]
    public let bounds: ClosedRange<Double>

    /// - Throws: if there are no events or a ratio is negative or not finite.
    public init(ratios: [Double], bounds: ClosedRange<Double> = -1...1) throws {
        guard !ratios.isEmpty else { throw NeymanError.invalid("no events to fit") }
        if let i = ratios.firstIndex(where: { !($0.isFinite && $0 >= 0) }) {
            throw NeymanError.invalid("the ratio of event \(i) is \(ratios[i]); ratios must be finite and >= 0", row: i)
        }
        let rmax = ratios.max() ?? 1, rmin = ratios.min() ?? 1
        let lo = rmax > 1 ? max(bounds.lowerBound, -1 / (rmax - 1) * (1 - 1e-9)) : bounds.lowerBound
        let hi = rmin < 1 ? min(bounds.upperBound, 1 / (1 - rmin) * (1 - 1e-9)) : bounds.upperBound
        self.ratios = ratios
        self.bounds = lo...max(lo, hi)
    }

    /// `ln L(mu) - ln L(0)`.
    public func logLikelihood(_ mu: Double) -> Double {
        var s = 0.0
        for r in ratios { s += log1p(mu * (r - 1)) }
        return s
    }

    func derivative(_ mu: Double) -> Double {
        var s = 0.0
        for r in ratios { s += (r - 1) / (1 + mu * (r - 1)) }
        return s
    }

    /// The maximum-likelihood fraction (at a bound when the maximum lies beyond it).
    public func bestFit() throws -> Double {
        let lo = bounds.lowerBound, hi = bounds.upperBound
        if derivative(lo) <= 0 { return lo }
        if derivative(hi) >= 0 { return hi }
        return try RootFinding.brent(lo: lo, hi: hi, absoluteTolerance: 1e-12, relativeTolerance: 1e-12) { derivative($0) }
    }

    /// `(mu^, lower, upper)` with `-2 Delta ln L = level` at the ends (`level = 1`: the 68.3 % interval). An end
    /// beyond the allowed range is reported as the bound.
    public func interval(level: Double = 1) throws -> (best: Double, lower: Double, upper: Double) {
        let best = try bestFit()
        let lmax = logLikelihood(best)
        let f: (Double) -> Double = { 2 * (lmax - self.logLikelihood($0)) - level }
        let lower = f(bounds.lowerBound) > 0 && best > bounds.lowerBound
            ? try RootFinding.brent(lo: bounds.lowerBound, hi: best, absoluteTolerance: 1e-10, relativeTolerance: 1e-10, f) : bounds.lowerBound
        let upper = f(bounds.upperBound) > 0 && best < bounds.upperBound
            ? try RootFinding.brent(lo: best, hi: bounds.upperBound, absoluteTolerance: 1e-10, relativeTolerance: 1e-10, f) : bounds.upperBound
        return (best, lower, upper)
    }

    /// `-2 [ln L(mu) - ln L(mu^)]` at each of `mus`.
    public func scan(_ mus: [Double]) throws -> [Double] {
        let lmax = logLikelihood(try bestFit())
        return mus.map { ($0 >= bounds.lowerBound && $0 <= bounds.upperBound) ? 2 * (lmax - logLikelihood($0)) : .nan }
    }
}
