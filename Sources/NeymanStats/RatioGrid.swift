import NeymanCore

/// Per-event density ratios `r_i(theta)` that depend on one shape parameter, tabulated on a uniform grid of `theta`
/// (a parameterized network evaluated once per grid point) and interpolated by a monotone cubic per event.
///
/// Interpolation: cubic Hermite with Fritsch-Butland tangents (the harmonic mean of neighbouring secants, 0 at a
/// local extremum; one-sided secants at the ends). Between two grid points the curve stays within their values, so
/// ratios stay `>= 0`, and it has a continuous first derivative, which the minimiser needs:
/// ```
///   r(theta) = h00(t) r_k + h10(t) h m_k + h01(t) r_{k+1} + h11(t) h m_{k+1},   t = (theta - theta_k) / h
/// ```
/// Outside the grid `theta` is clamped to it (a fit's bounds are the grid's range).
public struct RatioGrid: Sendable {
    /// The first grid point.
    public let lower: Double
    /// The last grid point.
    public let upper: Double
    /// The number of grid points (at least 2).
    public let points: Int
    /// The number of events.
    public let count: Int
    /// `r` per event and grid point, `[event * points + k]`.
    @usableFromInline let values: [Double]
    /// The interpolation tangents, same layout.
    @usableFromInline let slopes: [Double]

    /// The grid spacing.
    public var step: Double { (upper - lower) / Double(points - 1) }

    /// The grid point `k`.
    public func theta(_ k: Int) -> Double { lower + Double(k) * step }

    /// - Parameter values: `r` per event and grid point, `[event * points + k]`.
    /// - Throws: ``NeymanError`` for fewer than 2 points, an empty or inverted range, a table of the wrong size, or a
    ///   value that is not finite and `>= 0` (naming the event and the grid point).
    public init(lower: Double, upper: Double, points: Int, values: [Double]) throws {
        guard points >= 2, lower.isFinite, upper.isFinite, lower < upper else {
            throw NeymanError.invalid("a ratio grid needs at least 2 points over a finite increasing range (got \(points) on [\(lower), \(upper)])")
        }
        guard values.count % points == 0 else { throw NeymanError.invalid("\(values.count) tabulated ratios are not a whole number of rows of \(points)") }
        if let i = values.firstIndex(where: { !($0.isFinite && $0 >= 0) }) {
            throw NeymanError.invalid("the density ratio of event \(i / points) at grid point \(i % points) is \(values[i]); it must be finite and >= 0",
                                      row: i / points)
        }
        self.lower = lower
        self.upper = upper
        self.points = points
        self.values = values
        count = values.count / points
        let h = (upper - lower) / Double(points - 1)
        var m = [Double](repeating: 0, count: values.count)
        for e in 0..<count {
            let base = e * points
            for k in 0..<points {
                let left = k > 0 ? (values[base + k] - values[base + k - 1]) / h : nil
                let right = k < points - 1 ? (values[base + k + 1] - values[base + k]) / h : nil
                switch (left, right) {
                case let (l?, r?): m[base + k] = l * r > 0 ? 2 / (1 / l + 1 / r) : 0
                case let (l?, nil): m[base + k] = l
                case let (nil, r?): m[base + k] = r
                case (nil, nil): m[base + k] = 0
                }
            }
        }
        slopes = m
    }

    private init(lower: Double, upper: Double, points: Int, values: [Double], slopes: [Double]) {
        self.lower = lower
        self.upper = upper
        self.points = points
        self.values = values
        self.slopes = slopes
        count = values.count / points
    }

    /// `(r_i(theta), dr_i/dtheta)`.
    @inlinable public func evaluate(event i: Int, theta: Double) -> (value: Double, derivative: Double) {
        let (k, t) = cell(theta)
        return interpolate(event: i, cell: k, t: t)
    }

    /// The grid cell of `theta` (clamped) and the position `t` in it.
    @inlinable func cell(_ theta: Double) -> (Int, Double) {
        let x = (min(max(theta, lower), upper) - lower) / step
        let k = min(Int(x), points - 2)
        return (k, x - Double(k))
    }

    @inlinable func interpolate(event i: Int, cell k: Int, t: Double) -> (value: Double, derivative: Double) {
        let h = step, base = i * points + k
        let y0 = values[base], y1 = values[base + 1], m0 = slopes[base] * h, m1 = slopes[base + 1] * h
        let t2 = t * t, t3 = t2 * t
        let v = (2 * t3 - 3 * t2 + 1) * y0 + (t3 - 2 * t2 + t) * m0 + (-2 * t3 + 3 * t2) * y1 + (t3 - t2) * m1
        let d = ((6 * t2 - 6 * t) * y0 + (3 * t2 - 4 * t + 1) * m0 + (-6 * t2 + 6 * t) * y1 + (3 * t2 - 2 * t) * m1) / h
        return (max(v, 0), d)
    }

    /// Every event's `r(theta)`.
    public func ratios(at theta: Double) -> [Double] {
        let (k, t) = cell(theta)
        return (0..<count).map { interpolate(event: $0, cell: k, t: t).value }
    }

    /// The grid of the events `rows` (in that order; repeats allowed).
    public func rows(_ rows: [Int]) -> RatioGrid {
        var v: [Double] = [], s: [Double] = []
        v.reserveCapacity(rows.count * points)
        s.reserveCapacity(rows.count * points)
        for r in rows {
            v.append(contentsOf: values[(r * points)..<((r + 1) * points)])
            s.append(contentsOf: slopes[(r * points)..<((r + 1) * points)])
        }
        return RatioGrid(lower: lower, upper: upper, points: points, values: v, slopes: s)
    }

    /// The weighted mean of `r` over the events at each grid point, `sum_i w_i r_i(theta_k) / sum_i w_i`.
    public func means(weights: [Double]) -> [Double] {
        let total = weights.reduce(0, +)
        var m = [Double](repeating: 0, count: points)
        for i in 0..<count {
            for k in 0..<points { m[k] += weights[i] * values[i * points + k] }
        }
        return m.map { $0 / total }
    }

    /// Every event's ratio at grid point `k` divided by `divisors[k]` (the tangents recomputed).
    /// - Throws: if a divisor is not positive and finite.
    public func dividing(by divisors: [Double]) throws -> RatioGrid {
        guard divisors.count == points, divisors.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw NeymanError.invalid("cannot normalise the ratio grid by \(divisors)")
        }
        var v = values
        for i in 0..<count { for k in 0..<points { v[i * points + k] /= divisors[k] } }
        return try RatioGrid(lower: lower, upper: upper, points: points, values: v)
    }

    /// The events of `self` followed by those of `other` (the same grid).
    public func appending(_ other: RatioGrid) -> RatioGrid {
        RatioGrid(lower: lower, upper: upper, points: points, values: values + other.values, slopes: slopes + other.slopes)
    }
}
