import Foundation

/// The smooth map between a bounded parameter `p` and the unbounded variable `u` the minimiser moves, as MINUIT does
/// (F. James, MINUIT reference manual, section "parameter limits"):
///
/// ```
///   both bounds [a, b]:  p = a + (b - a) (sin u + 1) / 2        u = asin(2 (p - a)/(b - a) - 1)
///   lower bound a only:  p = a - 1 + sqrt(u^2 + 1)              u = sqrt((p - a + 1)^2 - 1)
///   upper bound b only:  p = b + 1 - sqrt(u^2 + 1)              u = sqrt((b - p + 1)^2 - 1)
///   no bound:            p = u
/// ```
/// The map is many-to-one for two-sided bounds (u is periodic); internal values are only ever moved by the
/// minimiser and mapped back, so that is harmless. At a bound `dp/du = 0`: a minimiser *started* exactly on a bound
/// would not move, so ``internalValue(_:)`` first pulls the start inside by a small margin.
public struct BoundTransform: Sendable {
    public let lower: Double
    public let upper: Double

    public init(lower: Double, upper: Double) {
        self.lower = lower
        self.upper = upper
    }

    @inlinable public var hasLower: Bool { lower.isFinite }
    @inlinable public var hasUpper: Bool { upper.isFinite }

    /// `p(u)`.
    @inlinable public func external(_ u: Double) -> Double {
        switch (hasLower, hasUpper) {
        case (true, true): return lower + (upper - lower) * (sin(u) + 1) / 2
        case (true, false): return lower - 1 + (u * u + 1).squareRoot()
        case (false, true): return upper + 1 - (u * u + 1).squareRoot()
        case (false, false): return u
        }
    }

    /// `dp/du` at `u`.
    @inlinable public func derivative(_ u: Double) -> Double {
        switch (hasLower, hasUpper) {
        case (true, true): return (upper - lower) * cos(u) / 2
        case (true, false): return u / (u * u + 1).squareRoot()
        case (false, true): return -u / (u * u + 1).squareRoot()
        case (false, false): return 1
        }
    }

    /// `d^2p/du^2` at `u`: `-(upper - lower) sin(u) / 2` (two bounds), `+-(u^2 + 1)^(-3/2)` (one bound), 0 (none).
    @inlinable public func secondDerivative(_ u: Double) -> Double {
        switch (hasLower, hasUpper) {
        case (true, true): return -(upper - lower) * sin(u) / 2
        case (true, false): let r = (u * u + 1).squareRoot(); return 1 / (r * r * r)
        case (false, true): let r = (u * u + 1).squareRoot(); return -1 / (r * r * r)
        case (false, false): return 0
        }
    }

    /// `u(p)` for a starting value, after clamping `p` into the range and moving it off an exact bound by
    /// `1e-4` of the range (or of `max(1, |p|)` for one-sided bounds).
    public func internalValue(_ p: Double) -> Double {
        switch (hasLower, hasUpper) {
        case (true, true):
            let margin = 1e-4 * (upper - lower)
            let q = min(max(p, lower + margin), upper - margin)
            let s = min(1, max(-1, 2 * (q - lower) / (upper - lower) - 1))
            return asin(s)
        case (true, false):
            let q = max(p, lower + 1e-4 * max(1, abs(lower)))
            return ((q - lower + 1) * (q - lower + 1) - 1).squareRoot()
        case (false, true):
            let q = min(p, upper - 1e-4 * max(1, abs(upper)))
            return ((upper - q + 1) * (upper - q + 1) - 1).squareRoot()
        case (false, false):
            return p
        }
    }
}
