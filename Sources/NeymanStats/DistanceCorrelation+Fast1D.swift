import Foundation
import NeymanCore

// MARK: - O(n log n) distance covariance of univariate samples

extension DistanceCorrelation {
    /// Distance covariance, variances and correlation of univariate `x`, `y` (optionally weighted) in O(n log n) time
    /// and O(n) memory, exactly (no binning, no approximation): docs/formulas.md §4; the algorithm of Chaudhuri & Hu,
    /// CSDA 135 (2019) 15 (merge sort), in the term decomposition of Huo & Székely, Technometrics 58 (2016) 435,
    /// extended to per-event weights.
    ///
    /// With raw weights `w` (all 1 when `weights` is nil), `W = sum w`, `α_i = sum_j w_j |x_i - x_j|`,
    /// `β_i = sum_j w_j |y_i - y_j|`:
    ///
    /// ```
    ///   T   = sum_ij w_i w_j |x_i - x_j| |y_i - y_j|
    ///   dCov²  = T/W² - 2 sum_i w_i α_i β_i / W³ + (sum_i w_i α_i)(sum_i w_i β_i) / W⁴
    ///   udCov² = T/(n(n-3)) - 2 sum_i α_i β_i / (n(n-2)(n-3)) + (sum α)(sum β) / (n(n-1)(n-2)(n-3))   (w = 1)
    /// ```
    /// `α` and `β` come from prefix sums after sorting by `x` and by `y`. `T` splits over the pairs ordered by `x`:
    ///
    /// ```
    ///   T = 4 sum_{i before j in x, y_i <= y_j} w_i w_j (x_j - x_i)(y_j - y_i)  -  2 (W sum w x y - sum w x  sum w y)
    /// ```
    /// and the first sum is collected while merge-sorting the x-ordered events by `y`: when an event `j` of the
    /// right (later in `x`) half is placed, the events of the left half already placed are those with `y_i <= y_j`,
    /// and their contribution is `w_j (x_j y_j P - y_j SX - x_j SY + SXY)` from running sums `P = sum w`,
    /// `SX = sum w x`, `SY = sum w y`, `SXY = sum w x y` of the placed left events.
    ///
    /// Ties are exact: a pair tied in `x` or in `y` contributes `(x_j - x_i)(y_j - y_i) = 0` whichever way it is
    /// ordered. `x` and `y` are first centred on their weighted means and scaled by powers of two (exact), which
    /// removes cancellation from offsets and cannot overflow for finite input; weights are normalised to mean 1.
    ///
    /// - Parameters:
    ///   - weights: per-event weights, `>= 0` with a positive sum (see ``DistanceCorrelation`` for the definition);
    ///     nil for the unweighted statistics.
    /// - Returns: the V-statistics, and for unweighted input with `n >= 4` the U-statistics. `method` is
    ///   ``Method/fast1D`` or ``Method/weightedFast1D``.
    /// - Throws: ``NeymanError/invalidInput(_:_:)`` when the lengths differ, there are no events, a value is NaN or
    ///   infinite (naming the argument and the 0-based event), or a weight is negative or all weights are 0.
    ///
    /// Memory: about 9 doubles per event (n = 10^7 needs well under 1 GiB). See also ``definition(x:y:weights:)``.
    public static func univariate(x: [Double], y: [Double], weights: [Double]? = nil) throws -> DistanceCorrelation {
        let n = x.count
        try checkCounts(n, y.count)
        try checkFinite(x, "x")
        try checkFinite(y, "y")
        try checkWeights(weights, n: n)
        let s = Fast1DSums(x: x, y: y, weights: weights)
        var r = s.statistics(unbiased: weights == nil)
        r.method = weights == nil ? .fast1D : .weightedFast1D
        // Constant input (over the events that carry weight): every distance is exactly 0.
        if isConstant(x, weights) { r.zeroX() }
        if isConstant(y, weights) { r.zeroY() }
        return r
    }

    /// Whether all values of non-zero weight are equal.
    static func isConstant(_ v: [Double], _ weights: [Double]?) -> Bool {
        var first: Double? = nil
        for i in 0..<v.count where weights.map({ $0[i] != 0 }) ?? true {
            if let f = first { if v[i] != f { return false } } else { first = v[i] }
        }
        return true
    }

    /// Sets every statistic that involves a constant `x` to exactly 0.
    mutating func zeroX() {
        dCov2 = 0
        dVarX2 = 0
        if uDCov2 != nil { uDCov2 = 0; uDVarX2 = 0 }
        scaleFree?.zeroX()
    }

    /// Sets every statistic that involves a constant `y` to exactly 0.
    mutating func zeroY() {
        dCov2 = 0
        dVarY2 = 0
        if uDCov2 != nil { uDCov2 = 0; uDVarY2 = 0 }
        scaleFree?.zeroY()
    }
}

/// The sums from which every statistic of ``DistanceCorrelation/univariate(x:y:weights:)`` follows (weights
/// normalised to mean 1, `x` and `y` centred and scaled by `2^exponentX`, `2^exponentY`).
struct Fast1DSums {
    var n: Int
    /// `W = sum w` (= n up to rounding after normalisation).
    var W = 0.0
    /// `sum_ij w_i w_j a_ij b_ij`, `sum_ij w_i w_j a_ij²`, `sum_ij w_i w_j b_ij²`.
    var tAB = 0.0, tAA = 0.0, tBB = 0.0
    /// `sum w α β`, `sum w α²`, `sum w β²`, `sum w α`, `sum w β`.
    var sAB = 0.0, sAA = 0.0, sBB = 0.0, sA = 0.0, sB = 0.0
    /// The powers of two `x` and `y` were multiplied by: `2^exponentX`, `2^exponentY` (kept as exponents: for input
    /// near 1e307 or 1e-307 the factor itself may not be a finite double).
    var exponentX = 0, exponentY = 0

    /// One event while sorting: centred, scaled values, weight, and `α` once known.
    struct Event {
        var y: Double
        var x: Double
        var w: Double
        var alpha: Double
    }

    init(x: [Double], y: [Double], weights: [Double]?) {
        n = x.count
        // Weights normalised to mean 1 (DisCo's `normedweight`).
        var w = weights ?? [Double](repeating: 1, count: n)
        if weights != nil {
            let total = w.reduce(0, +)
            let f = Double(n) / total
            for i in 0..<n { w[i] *= f }
        }
        // First into [-1, 1) by a power of two (exact), so that the mean and the differences cannot overflow for any
        // finite input (values near 1e307 would overflow a plain sum); then centred and scaled again.
        let ex0 = Fast1DSums.scaleExponent(x.reduce(0) { max($0, abs($1)) })
        let ey0 = Fast1DSums.scaleExponent(y.reduce(0) { max($0, abs($1)) })
        let xs = x.map { Fast1DSums.scaled($0, ex0) }, ys = y.map { Fast1DSums.scaled($0, ey0) }
        var total = 0.0, mx = 0.0, my = 0.0
        for i in 0..<n { total += w[i]; mx += w[i] * xs[i]; my += w[i] * ys[i] }
        mx /= total
        my /= total
        var maxX = 0.0, maxY = 0.0
        for i in 0..<n { maxX = max(maxX, abs(xs[i] - mx)); maxY = max(maxY, abs(ys[i] - my)) }
        let ex1 = Fast1DSums.scaleExponent(maxX), ey1 = Fast1DSums.scaleExponent(maxY)
        exponentX = ex0 + ex1
        exponentY = ey0 + ey1

        var events = [Event](repeating: Event(y: 0, x: 0, w: 0, alpha: 0), count: n)
        var sx = 0.0, sy = 0.0, sxx = 0.0, syy = 0.0, sxy = 0.0
        for i in 0..<n {
            let xc = Fast1DSums.scaled(xs[i] - mx, ex1), yc = Fast1DSums.scaled(ys[i] - my, ey1), wi = w[i]
            events[i] = Event(y: yc, x: xc, w: wi, alpha: 0)
            sx += wi * xc; sy += wi * yc
            sxx += wi * xc * xc; syy += wi * yc * yc; sxy += wi * xc * yc
        }
        W = total
        // sum_ij w_i w_j (x_i - x_j)² = 2 (W sum w x² - (sum w x)²), and the same for y.
        tAA = 2 * (W * sxx - sx * sx)
        tBB = 2 * (W * syy - sy * sy)

        events.sort { $0.x < $1.x }
        events.withUnsafeMutableBufferPointer { e in
            Fast1DSums.rowSums(e, byY: false) { k, s in e[k].alpha = s }
        }
        let concordant = Fast1DSums.mergeSortByY(&events)
        // T = 4 (concordant sum) - 2 (W sum w x y - sum w x sum w y).
        tAB = 4 * concordant - 2 * (W * sxy - sx * sy)

        var sab = 0.0, saa = 0.0, sbb = 0.0, sa = 0.0, sb = 0.0
        events.withUnsafeMutableBufferPointer { e in
            Fast1DSums.rowSums(e, byY: true) { k, beta in
                let wk = e[k].w, alpha = e[k].alpha
                sab += wk * alpha * beta
                saa += wk * alpha * alpha
                sbb += wk * beta * beta
                sa += wk * alpha
                sb += wk * beta
            }
        }
        sAB = sab; sAA = saa; sBB = sbb; sA = sa; sB = sb
    }

    /// `-e` with `2^(e-1) <= m < 2^e`, so that `m * 2^-e` is in [0.5, 1); 0 for `m == 0`.
    static func scaleExponent(_ m: Double) -> Int {
        guard m > 0, m.isFinite else { return 0 }
        return -(Int(m.exponent) + 1)
    }

    /// `v * 2^e` (exact unless the result is subnormal; overflows to infinity only if the true value does).
    @inline(__always) static func scaled(_ v: Double, _ e: Int) -> Double {
        e == 0 ? v : Double(sign: .plus, exponent: e, significand: v)
    }

    /// For events sorted by `y` (`byY`) or by `x`, calls `body(k, sum_j w_j |v_k - v_j|)` for every k.
    ///
    /// Two sweeps of non-negative terms (no cancellation): `L_k = L_{k-1} + (v_k - v_{k-1}) sum_{i<k} w_i` and
    /// `R_k = R_{k+1} + (v_{k+1} - v_k) sum_{i>k} w_i`; the sum is `L_k + R_k`. The right sweep runs first into a
    /// scratch array.
    static func rowSums(_ e: UnsafeMutableBufferPointer<Event>, byY: Bool, _ body: (Int, Double) -> Void) {
        @inline(__always) func v(_ k: Int) -> Double { byY ? e[k].y : e[k].x }
        let n = e.count
        guard n > 0 else { return }
        var right = [Double](repeating: 0, count: n)
        var wAbove = 0.0
        for k in stride(from: n - 2, through: 0, by: -1) {
            wAbove += e[k + 1].w
            right[k] = right[k + 1] + (v(k + 1) - v(k)) * wAbove
        }
        var left = 0.0, wBelow = 0.0
        for k in 0..<n {
            if k > 0 {
                wBelow += e[k - 1].w
                left += (v(k) - v(k - 1)) * wBelow
            }
            body(k, left + right[k])
        }
    }

    /// Bottom-up merge sort of x-ordered events by `y`, returning
    /// `sum_{i before j in x-order, y_i <= y_j} w_i w_j (x_j - x_i)(y_j - y_i)`.
    static func mergeSortByY(_ events: inout [Event]) -> Double {
        let n = events.count
        guard n > 1 else { return 0 }
        var scratch = events
        var total = 0.0
        var width = 1
        var inScratch = false
        events.withUnsafeMutableBufferPointer { a in
            scratch.withUnsafeMutableBufferPointer { b in
                var src = a.firstAddress, dst = b.firstAddress
                while width < n {
                    var lo = 0
                    while lo < n {
                        let mid = min(lo + width, n), hi = min(lo + 2 * width, n)
                        total += merge(src, dst, lo, mid, hi)
                        lo = hi
                    }
                    swap(&src, &dst)
                    inScratch.toggle()
                    width *= 2
                }
            }
        }
        if inScratch { events = scratch }
        return total
    }

    /// Merges `src[lo..<mid]` and `src[mid..<hi]` (each sorted by `y`) into `dst[lo..<hi]`; returns the
    /// concordant-pair sum between the left (earlier in `x`) and the right run.
    @inline(__always)
    private static func merge(_ src: UnsafeMutablePointer<Event>, _ dst: UnsafeMutablePointer<Event>,
                              _ lo: Int, _ mid: Int, _ hi: Int) -> Double {
        var i = lo, j = mid, k = lo
        var p = 0.0, sx = 0.0, sy = 0.0, sxy = 0.0, q = 0.0
        while i < mid && j < hi {
            let l = src[i], r = src[j]
            if l.y <= r.y {
                let wx = l.w * l.x
                p += l.w; sx += wx; sy += l.w * l.y; sxy += wx * l.y
                dst[k] = l
                i += 1
            } else {
                q += r.w * (r.x * r.y * p - r.y * sx - r.x * sy + sxy)
                dst[k] = r
                j += 1
            }
            k += 1
        }
        while i < mid { dst[k] = src[i]; i += 1; k += 1 }
        while j < hi {
            let r = src[j]
            q += r.w * (r.x * r.y * p - r.y * sx - r.x * sy + sxy)
            dst[k] = r
            j += 1; k += 1
        }
        return q
    }

    /// The V-statistics (and, when `unbiased`, the U-statistics) in the original units.
    func statistics(unbiased: Bool) -> DistanceCorrelation {
        func vStat(_ t: Double, _ s: Double, _ a: Double, _ b: Double) -> Double {
            // (1/W²) [ T - 2 s/W + a b/W² ]
            (t - 2 * s / W + a * b / (W * W)) / (W * W)
        }
        // Back to the original units: x was multiplied by 2^exponentX, so dCov² by 2^(exponentX + exponentY).
        let exy = -(exponentX + exponentY), exx = -2 * exponentX, eyy = -2 * exponentY
        var scaleFree = DistanceCorrelation.ScaleFree(dCov2: vStat(tAB, sAB, sA, sB), dVarX2: vStat(tAA, sAA, sA, sA),
                                                      dVarY2: vStat(tBB, sBB, sB, sB), uDCov2: nil, uDVarX2: nil, uDVarY2: nil)
        if unbiased && n >= 4 {
            let m = Double(n)
            func uStat(_ t: Double, _ s: Double, _ a: Double, _ b: Double) -> Double {
                t / (m * (m - 3)) - 2 * s / (m * (m - 2) * (m - 3)) + a * b / (m * (m - 1) * (m - 2) * (m - 3))
            }
            scaleFree.uDCov2 = uStat(tAB, sAB, sA, sB)
            scaleFree.uDVarX2 = uStat(tAA, sAA, sA, sA)
            scaleFree.uDVarY2 = uStat(tBB, sBB, sB, sB)
        }
        var r = DistanceCorrelation(n: n,
                                    dCov2: Self.scaled(scaleFree.dCov2, exy),
                                    dVarX2: Self.scaled(scaleFree.dVarX2, exx),
                                    dVarY2: Self.scaled(scaleFree.dVarY2, eyy),
                                    uDCov2: scaleFree.uDCov2.map { Self.scaled($0, exy) },
                                    uDVarX2: scaleFree.uDVarX2.map { Self.scaled($0, exx) },
                                    uDVarY2: scaleFree.uDVarY2.map { Self.scaled($0, eyy) }, method: .fast1D)
        r.scaleFree = scaleFree
        return r
    }
}
