import NeymanCore
import Foundation

// MARK: - The kernel sum behind GaussianKDE.density(at:threads:)

/// The whitened sources of a ``GaussianKDE`` (1 or 2 dimensions) arranged for the sum
/// `S(q) = sum_j w_j exp(-|q - z_j|² / 2)` over the sources within the cutoff radius `R` of `q`.
///
/// ```
///   whitened y ^  +-----+-----+-----+-----+
///              |  |  .  |.: .:|.::.:|  .  |   boxes of side b = 2 (exact in binary: box = floor(z/2)),
///              |  +-----+-----+-----+-----+   sources sorted by (row, column);
///              |  | .   |:.:.:|.:q:.|.    |   a query visits the boxes that meet the disc |z - q| <= R:
///              |  +-----+-----+-----+-----+   a sparse box (few sources): direct sum over its sources, masked
///              |  |     | .  .|. . .|     |   to |z_j - q| <= R; a dense box: its Hermite expansion.
///              +------------------------------> whitened x
/// ```
///
/// Hermite expansion (the far-field of the fast Gauss transform, Greengard & Strain, SIAM J. Sci. Stat. Comput.
/// 12 (1991) 79): with `t = (q - c)/√2` and `s_j = (z_j - c)/√2` relative to the box centre `c`,
///
/// ```
///   exp(-|q - z_j|²/2) = prod_axes exp(-(t - s_j)²) = prod_axes sum_n (s_j^n / n!) h_n(t),
///   h_n(t) = H_n(t) exp(-t²):   h_0 = exp(-t²),  h_1 = 2t h_0,  h_{n+1} = 2t h_n - 2n h_{n-1}
///   box sum = sum_{n,m < p} A_nm h_n(t_x) h_m(t_y),    A_nm = sum_{j in box} w_j s_jx^n s_jy^m / (n! m!)
/// ```
///
/// Truncation at order `p` (per axis): Cramér's inequality `|h_n(t)| <= k 2^(n/2) sqrt(n!) exp(-t²/2)`,
/// `k = 1.086435` (Abramowitz & Stegun 22.14.17), and `|s| <= ρ = b/(2√2)` bound the tail of one axis by
/// `ε = k (ρ√2)^p / sqrt(p!) / (1 - ρ√2/sqrt(p+1))` times the kernel's peak, and the product of two axes by
/// `(2ε + ε²)` times the peak, for any `q`. The order is the smallest multiple of 4 with `2ε + ε² <= exp(-R²/2)`
/// (28 for `R = 8`, `b = 2`), so the expansion adds at most as much error as the cutoff; when that needs more than
/// 48 terms (very large `R`), every box is summed directly.
///
/// A box is expanded when it holds at least ``expansionThreshold`` sources and every source lies inside it (always,
/// except when coordinates beyond ±2^52 bandwidths are clamped into an edge box). Expanded boxes are taken whole
/// when they meet the disc, so their sources up to `R + b√2` away are summed too; only sources beyond `R` are ever
/// left out. Which boxes are expanded and the order of every sum depend on the data alone, never on threads.
struct KernelSumIndex: Sendable {
    /// Number of dimensions (1 or 2).
    let d: Int
    /// The cutoff radius `R`.
    let radius: Double
    /// The box side `b` (whitened units; a power of 2 so that `floor(z / b)` is exact).
    static let side = 2.0
    /// The Hermite order `p` per axis (a multiple of 4), or 0 when no box is expanded.
    let order: Int
    /// A box with at least this many sources is expanded (when `order > 0`): above it the `p^d` coefficients are
    /// cheaper than the sources' exponentials.
    let expansionThreshold: Int

    /// Sources (positive weight only) sorted by (row, column, original index): whitened x, y (y = 0 in 1-D), weight.
    let zx: [Double], zy: [Double], w: [Double]
    /// Boxes sorted by (row, column): integer coordinates, source range `boxStart[k] ..< boxStart[k + 1]`, and the
    /// offset of the coefficients `A` (`p^d` values, `A[n * p + m]`) or -1 when summed directly.
    let boxRow: [Int], boxColumn: [Int], boxStart: [Int], boxCoefficients: [Int]
    let coefficients: [Double]
    /// Rows holding at least one box, sorted: `rowKey[r]`, boxes `rowStart[r] ..< rowStart[r + 1]`.
    let rowKey: [Int], rowStart: [Int]

    init(z: [[Double]], weights: [Double], radius: Double) {
        let d = z.count
        let b = Self.side
        self.d = d
        self.radius = radius
        let order = Self.expansionOrder(radius: radius, side: b, dimension: d)
        self.order = order
        self.expansionThreshold = d == 1 ? order / 2 : order * order / 16

        let keep = weights.indices.filter { weights[$0] > 0 }
        let column = keep.map { Self.boxIndex(z[0][$0], b) }
        let row = keep.map { d == 2 ? Self.boxIndex(z[1][$0], b) : 0 }
        let sorted = keep.indices.sorted { p, r in
            (row[p], column[p], p) < (row[r], column[r], r)
        }
        var zx = [Double](), zy = [Double](), w = [Double]()
        var boxRow = [Int](), boxColumn = [Int](), boxStart = [Int]()
        var rowKey = [Int](), rowStart = [Int]()
        for p in sorted {
            if boxRow.last != row[p] || boxColumn.last != column[p] {
                if rowKey.last != row[p] { rowKey.append(row[p]); rowStart.append(boxRow.count) }
                boxRow.append(row[p]); boxColumn.append(column[p]); boxStart.append(w.count)
            }
            zx.append(z[0][keep[p]]); zy.append(d == 2 ? z[1][keep[p]] : 0); w.append(weights[keep[p]])
        }
        boxStart.append(w.count)
        rowStart.append(boxRow.count)

        // Hermite coefficients of the dense boxes.
        var boxCoefficients = [Int](repeating: -1, count: boxRow.count), coefficients = [Double]()
        if order > 0 {
            let terms = d == 2 ? order * order : order
            let scale = 1 / 2.0.squareRoot()
            var px = [Double](repeating: 0, count: order), py = px
            for k in boxRow.indices where boxStart[k + 1] - boxStart[k] >= expansionThreshold {
                let cx = (Double(boxColumn[k]) + 0.5) * b, cy = (Double(boxRow[k]) + 0.5) * b
                let range = boxStart[k]..<boxStart[k + 1]
                let inside = range.allSatisfy { abs(zx[$0] - cx) <= b / 2 && (d == 1 || abs(zy[$0] - cy) <= b / 2) }
                guard inside else { continue }
                boxCoefficients[k] = coefficients.count
                var a = [Double](repeating: 0, count: terms)
                for j in range {
                    // px[n] = s_x^n / n!, py[m] = s_y^m / m!.
                    let sx = (zx[j] - cx) * scale, sy = (zy[j] - cy) * scale
                    px[0] = w[j]; py[0] = 1
                    for n in 1..<order { px[n] = px[n - 1] * sx / Double(n); py[n] = py[n - 1] * sy / Double(n) }
                    if d == 1 {
                        for n in 0..<order { a[n] += px[n] }
                    } else {
                        for n in 0..<order { for m in 0..<order { a[n * order + m] += px[n] * py[m] } }
                    }
                }
                coefficients += a
            }
        }
        self.zx = zx; self.zy = zy; self.w = w
        self.boxRow = boxRow; self.boxColumn = boxColumn; self.boxStart = boxStart
        self.boxCoefficients = boxCoefficients; self.coefficients = coefficients
        self.rowKey = rowKey; self.rowStart = rowStart
    }

    /// The smallest multiple of 4 with `2ε + ε² <= exp(-R²/2)` (one axis: `ε`), see the type's documentation; 0
    /// when above 48.
    static func expansionOrder(radius: Double, side: Double, dimension: Int) -> Int {
        let k = 1.086435, a = side / 2   // a = ρ√2 with ρ = b / (2√2)
        let target = exp(-radius * radius / 2)
        var p = 4
        while p <= 48 {
            let eps = k * exp(Double(p) * log(a) - lgamma(Double(p + 1)) / 2) / (1 - a / Double(p + 1).squareRoot())
            let total = dimension == 1 ? eps : 2 * eps + eps * eps
            if total <= target { return p }
            p += 4
        }
        return 0
    }

    /// `floor(x / b)` as an integer, clamped to ±2^52 (beyond that, boxes merge and are summed directly).
    static func boxIndex(_ x: Double, _ b: Double) -> Int {
        let k = (x / b).rounded(.down)
        return Int(min(max(k, -4.5e15), 4.5e15))
    }

    /// First index in `lo..<hi` with `keys[index] >= key`, or `hi`.
    @inline(__always)
    static func lowerBound(_ keys: UnsafeBufferPointer<Int>, _ lo: Int, _ hi: Int, _ key: Int) -> Int {
        var lo = lo, hi = hi
        while lo < hi {
            let mid = (lo + hi) / 2
            if keys[mid] < key { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Scratch space for ``kernelSum(_:_:_:)``: the Hermite functions of the query for each box column in reach
    /// (x) and for the current row (y). One per thread of work; reused across queries.
    final class Workspace {
        var hx: [Double], hy: [Double], columnReady: [Bool]
        init(order: Int, radius: Double) {
            let columns = Int((2 * radius / KernelSumIndex.side).rounded(.up)) + 3
            hx = [Double](repeating: 0, count: max(order, 1) * columns)
            hy = [Double](repeating: 0, count: max(order, 1))
            columnReady = [Bool](repeating: false, count: columns)
        }
    }

    /// The kernel sum at the whitened query point `(qx, qy)` (`qy` ignored in 1-D).
    func kernelSum(_ qx: Double, _ qy: Double, _ workspace: Workspace) -> Double {
        let b = Self.side, r2 = radius * radius
        let boxR2 = r2 * (1 + 1e-12)
        let scale = 1 / 2.0.squareRoot()
        var direct = SIMD4<Double>(), expanded = 0.0
        let p = order
        // Columns that can meet the disc; the Hermite functions of a column are computed on first use.
        let firstColumn = Self.boxIndex(qx - radius * (1 + 1e-12), b)
        let lastColumnOverall = Self.boxIndex(qx + radius * (1 + 1e-12), b)
        let slots = max(0, min(lastColumnOverall - firstColumn + 1, workspace.columnReady.count))
        for i in 0..<slots { workspace.columnReady[i] = false }
        workspace.columnReady.withUnsafeMutableBufferPointer { columnReady in
        rowKey.withUnsafeBufferPointer { rowKeys in
        boxColumn.withUnsafeBufferPointer { columns in
        zx.withUnsafeBufferPointer { xs in
        zy.withUnsafeBufferPointer { ys in
        w.withUnsafeBufferPointer { ws in
        coefficients.withUnsafeBufferPointer { coeff in
        workspace.hx.withUnsafeMutableBufferPointer { hxAll in
        workspace.hy.withUnsafeMutableBufferPointer { hy in
            var r = d == 2 ? Self.lowerBound(rowKeys, 0, rowKeys.count, Self.boxIndex(qy - radius, b)) : 0
            let lastRow = d == 2 ? Self.boxIndex(qy + radius, b) : 0
            while r < rowKeys.count && rowKeys[r] <= lastRow {
                let row = rowKeys[r]
                var gapY = 0.0, halfWidth = radius
                if d == 2 {
                    let lo = Double(row) * b
                    gapY = max(0, lo - qy, qy - (lo + b))
                    guard gapY * gapY <= boxR2 else { r += 1; continue }
                    halfWidth = (r2 - min(gapY * gapY, r2)).squareRoot() * (1 + 1e-12)
                }
                var rowHermiteReady = false
                var k = Self.lowerBound(columns, rowStart[r], rowStart[r + 1], Self.boxIndex(qx - halfWidth, b))
                let lastColumn = Self.boxIndex(qx + halfWidth, b)
                while k < rowStart[r + 1] && columns[k] <= lastColumn {
                    defer { k += 1 }
                    let lo = Double(columns[k]) * b
                    let gapX = max(0, lo - qx, qx - (lo + b))
                    guard gapX * gapX + gapY * gapY <= boxR2 else { continue }
                    let offset = boxCoefficients[k]
                    let slot = columns[k] - firstColumn
                    if offset < 0 || slot < 0 || slot >= slots {
                        direct += Self.directSum(xs, ys, ws, boxStart[k], boxStart[k + 1], qx, qy, r2)
                        continue
                    }
                    // Hermite functions of the query relative to the box centre (x: once per column, y: per row).
                    let hx = UnsafeMutableBufferPointer(rebasing: hxAll[(slot * p)..<(slot * p + p)])
                    if !columnReady[slot] {
                        Self.hermiteFunctions(hx, (qx - (lo + b / 2)) * scale, p)
                        columnReady[slot] = true
                    }
                    if d == 1 {
                        var s = 0.0
                        for n in 0..<p { s += coeff[offset + n] * hx[n] }
                        expanded += s
                        continue
                    }
                    if !rowHermiteReady {
                        Self.hermiteFunctions(hy, (qy - (Double(row) * b + b / 2)) * scale, p)
                        rowHermiteReady = true
                    }
                    expanded += Self.contract(coeff, offset, hx, hy, p)
                }
                r += 1
            }
        }}}}}}}}}
        return direct.sum() + expanded
    }

    /// `h[n] = h_n(t)` for `n < p`: `h_0 = exp(-t²)`, `h_1 = 2t h_0`, `h_{n+1} = 2t h_n - 2n h_{n-1}`.
    @inline(__always)
    static func hermiteFunctions(_ h: UnsafeMutableBufferPointer<Double>, _ t: Double, _ p: Int) {
        h[0] = exp(-t * t)
        h[1] = 2 * t * h[0]
        var n = 1
        while n + 1 < p {
            h[n + 1] = 2 * t * h[n] - 2 * Double(n) * h[n - 1]
            n += 1
        }
    }

    /// `sum_{n,m < p} A[offset + n p + m] hx[n] hy[m]`, four `m` at a time (`p` is a multiple of 4).
    @inline(__always)
    static func contract(_ a: UnsafeBufferPointer<Double>, _ offset: Int, _ hx: UnsafeMutableBufferPointer<Double>,
                         _ hy: UnsafeMutableBufferPointer<Double>, _ p: Int) -> Double {
        typealias V = SIMD4<Double>
        let ap = UnsafeRawPointer(a.firstAddress + offset), yp = UnsafeRawPointer(hy.firstAddress)
        var total = V()
        for n in 0..<p {
            var inner = V()
            var m = 0
            while m < p {
                inner += ap.loadUnaligned(fromByteOffset: (n * p + m) * 8, as: V.self)
                    * yp.loadUnaligned(fromByteOffset: m * 8, as: V.self)
                m += 4
            }
            total += inner * hx[n]
        }
        return total.sum()
    }

    /// `sum_{j in lo..<hi, |q - z_j|² <= r2} w_j exp(-|q - z_j|²/2)`, four sources at a time, in lanes.
    @inline(__always)
    static func directSum(_ xs: UnsafeBufferPointer<Double>, _ ys: UnsafeBufferPointer<Double>,
                          _ ws: UnsafeBufferPointer<Double>, _ lo: Int, _ hi: Int, _ qx: Double, _ qy: Double,
                          _ r2: Double) -> SIMD4<Double> {
        typealias V = SIMD4<Double>
        let xp = UnsafeRawPointer(xs.firstAddress), yp = UnsafeRawPointer(ys.firstAddress)
        let wp = UnsafeRawPointer(ws.firstAddress)
        let cut = V(repeating: r2)
        var acc = V()
        var j = lo
        while j + 4 <= hi {
            let dx = qx - xp.loadUnaligned(fromByteOffset: j * 8, as: V.self)
            let dy = qy - yp.loadUnaligned(fromByteOffset: j * 8, as: V.self)
            let dist2 = dx * dx + dy * dy
            let outside = dist2 .> cut
            let e = fastExpNegative(-0.5 * dist2.replacing(with: 0, where: outside))
            acc += (wp.loadUnaligned(fromByteOffset: j * 8, as: V.self) * e).replacing(with: 0, where: outside)
            j += 4
        }
        if j < hi {
            // The last 1-3 sources, with the same arithmetic as a full group.
            var dist2 = V(repeating: .infinity), wv = V()
            for lane in 0..<(hi - j) {
                let dx = qx - xs[j + lane], dy = qy - ys[j + lane]
                dist2[lane] = dx * dx + dy * dy
                wv[lane] = ws[j + lane]
            }
            let outside = dist2 .> cut
            let e = fastExpNegative(-0.5 * dist2.replacing(with: 0, where: outside))
            acc += (wv * e).replacing(with: 0, where: outside)
        }
        return acc
    }
}

/// `exp(x)` for four `x` in `[-708, 0]`, vectorised: `x = k ln 2 + t` with `k = round(x / ln 2)` (Cody-Waite,
/// `ln 2` split in two parts), `|t| <= ln 2 / 2`, `exp(t)` by its degree-12 Taylor polynomial (remainder below
/// `(ln 2/2)^13 / 13! * sqrt(2) < 2.4e-16`) and `2^k` put into the exponent bits. Relative error about `1e-15`
/// (checked against the library `exp` in the tests). Outside `[-708, 0]` the result is meaningless; the kernel sum
/// only passes `-|q - z_j|²/2` with `|q - z_j| <= R <= 37`.
@inline(__always)
func fastExpNegative(_ x: SIMD4<Double>) -> SIMD4<Double> {
    typealias V = SIMD4<Double>
    // 1.5 * 2^52: adding and subtracting it rounds to the nearest integer; its low mantissa bits then hold k.
    let shifter = V(repeating: 6755399441055744.0)
    let kShifted = x * 1.4426950408889634 + shifter
    let k = kShifted - shifter
    let t = (x - k * 0.6931471803691238) - k * 1.9082149292705877e-10
    var p = V(repeating: 1.0 / 479001600.0)
    p = p * t + 1.0 / 39916800.0
    p = p * t + 1.0 / 3628800.0
    p = p * t + 1.0 / 362880.0
    p = p * t + 1.0 / 40320.0
    p = p * t + 1.0 / 5040.0
    p = p * t + 1.0 / 720.0
    p = p * t + 1.0 / 120.0
    p = p * t + 1.0 / 24.0
    p = p * t + 1.0 / 6.0
    p = p * t + 0.5
    p = p * t + 1.0
    p = p * t + 1.0
    let kBits = unsafeBitCast(kShifted, to: SIMD4<Int64>.self) &- 0x4338000000000000
    return p * unsafeBitCast((kBits &+ 1023) &<< 52, to: V.self)
}
