import NeymanCore

/// The interval `[lo, hi]` of the discriminating variable on which pdfs are normalised and events are fitted.
/// Events outside it take no part in a fit (see ``SPlotFit``).
public struct FitRange: Sendable, Equatable {
    public let lo: Double
    public let hi: Double

    /// - Throws: ``NeymanError/invalidInput(_:_:)`` naming the `range` parameter unless `lo < hi`, both finite.
    public init(_ lo: Double, _ hi: Double) throws {
        guard lo.isFinite, hi.isFinite, lo < hi else {
            throw NeymanError.invalid("the range must be two finite, increasing values LO,HI; got \(lo),\(hi)", parameter: "range")
        }
        self.lo = lo
        self.hi = hi
    }

    /// `hi - lo`.
    @inlinable public var width: Double { hi - lo }
    /// `(lo + hi) / 2`.
    @inlinable public var centre: Double { (lo + hi) / 2 }

    /// `lo <= m <= hi`.
    @inlinable public func contains(_ m: Double) -> Bool { m >= lo && m <= hi }

    /// `m` mapped linearly onto `[-1, 1]`.
    @inlinable public func unit(_ m: Double) -> Double { 2 * (m - lo) / (hi - lo) - 1 }
}
