import Foundation

// MARK: - The truncated kernel sum behind GaussianKDE.density(at:threads:)

/// The whitened sources of a ``GaussianKDE`` arranged for the truncated sum
/// `S_R(q) = sum_{j: |q - z_j| <= R} w_j exp(-|q - z_j|² / 2)`.
///
/// ```
///   whitened axis 1 (cells of side s)
///     ^   +-------+-------+-------+
///     |   | . .  .|.  . . | .  .  |   each cell: its sources sorted by axis 0, stored contiguously
///     |   +-------+-------+-------+   a query visits the cells within R on axes 1...d-1 and, in each,
///     |   |  . q . .  .   |  .    |   only the range |z_0 - q_0| <= sqrt(R² - (gap to the cell)²),
///     |   +-------+-------+-------+   found by binary search; a vector loop then sums the kernels,
///     +-----------------------------> whitened axis 0       masking those with |q - z_j| > R.
/// ```
///
/// Which kernels are summed is decided by the computed `|q - z_j|² <= R²` alone; the grid only limits the search
/// (its boxes are widened by a relative 1e-9 so that rounding cannot drop a kernel inside the disc). Sources of
/// weight 0 are left out. The cell side starts at `R/4` and doubles until there are at most `max(16, 2n)` cells,
/// so far outliers cost memory `O(n)`, never a huge grid.
struct WhitenedSources: Sendable {
    /// Number of dimensions.
    let d: Int
    /// The cutoff radius `R`.
    let radius: Double
    /// Number of sources kept (positive weight).
    let n: Int
    /// Whitened coordinates, axis-major: `z[a * n + j]`, sorted by (cell, `z_0`, original index).
    let z: [Double]
    /// Weights in the same order.
    let w: [Double]
    /// Per cell axis (axes 1...d-1): the lowest coordinate, and the number of cells.
    let origin: [Double]
    let cellCounts: [Int]
    /// The cell side.
    let cellSize: Double
    /// `cellStart[c] ..< cellStart[c + 1]` are the sources of cell `c` (C order over axes 1...d-1).
    let cellStart: [Int]

    init(z columns: [[Double]], weights: [Double], radius: Double) {
        let d = columns.count
        let keep = weights.indices.filter { weights[$0] > 0 }
        let n = keep.count
        self.d = d
        self.radius = radius
        self.n = n

        var origin = [Double](repeating: 0, count: max(d - 1, 0)), extent = origin
        for a in 1..<max(d, 1) {
            var lo = Double.infinity, hi = -Double.infinity
            for j in keep { lo = min(lo, columns[a][j]); hi = max(hi, columns[a][j]) }
            origin[a - 1] = lo
            extent[a - 1] = hi - lo
        }
        var side = radius / 4
        let maxCells = Double(max(16, 2 * n))
        func cellCount(_ e: Double) -> Double { (e / side).rounded(.down) + 1 }
        while extent.reduce(1.0, { $0 * cellCount($1) }) > maxCells { side *= 2 }
        let counts = extent.map { Int(cellCount($0)) }
        let totalCells = counts.reduce(1, *)

        func cell(_ j: Int) -> Int {
            var c = 0
            for a in 1..<max(d, 1) {
                let k = min(counts[a - 1] - 1, Int(((columns[a][j] - origin[a - 1]) / side).rounded(.down)))
                c = c * counts[a - 1] + k
            }
            return c
        }
        let cellOf = keep.map(cell)
        let order = keep.indices.sorted { p, r in
            if cellOf[p] != cellOf[r] { return cellOf[p] < cellOf[r] }
            let zp = columns[0][keep[p]], zr = columns[0][keep[r]]
            return zp != zr ? zp < zr : p < r
        }
        var z = [Double](repeating: 0, count: d * n), w = [Double](repeating: 0, count: n)
        var start = [Int](repeating: 0, count: totalCells + 1)
        for (slot, p) in order.enumerated() {
            let j = keep[p]
            for a in 0..<d { z[a * n + slot] = columns[a][j] }
            w[slot] = weights[j]
            start[cellOf[p] + 1] += 1
        }
        for c in 0..<totalCells { start[c + 1] += start[c] }
        self.z = z
        self.w = w
        self.origin = origin
        self.cellCounts = counts
        self.cellSize = side
        self.cellStart = start
    }

    /// `S_R(q)` for one whitened query point `q` (`q.count == d`).
    func kernelSum(at q: [Double]) -> Double {
        let r2 = radius * radius
        let margin = 1e-9 * cellSize
        let cellAxes = d - 1
        // Per cell axis, the range of cells within R of q.
        var kLo = [Int](repeating: 0, count: cellAxes), kHi = kLo
        for a in 0..<cellAxes {
            let tLo = (q[a + 1] - radius - origin[a]) / cellSize - 1e-9
            let tHi = (q[a + 1] + radius - origin[a]) / cellSize + 1e-9
            let count = Double(cellCounts[a])
            if tHi < 0 || tLo >= count { return 0 }
            kLo[a] = tLo <= 0 ? 0 : Int(tLo.rounded(.down))
            kHi[a] = tHi >= count ? cellCounts[a] - 1 : Int(tHi.rounded(.down))
        }
        var acc = SIMD4<Double>()
        z.withUnsafeBufferPointer { zb in
            w.withUnsafeBufferPointer { wb in
                q.withUnsafeBufferPointer { qb in
                    var k = kLo
                    while true {
                        // Squared gap from q to the cell's box on axes 1...d-1, and the cell's flat index.
                        var gap2 = 0.0, c = 0
                        for a in 0..<cellAxes {
                            let lo = origin[a] + Double(k[a]) * cellSize - margin
                            let hi = lo + cellSize + 2 * margin
                            let g = max(0, lo - qb[a + 1], qb[a + 1] - hi)
                            gap2 += g * g
                            c = c * cellCounts[a] + k[a]
                        }
                        if gap2 <= r2 {
                            let half = (r2 - gap2).squareRoot() * (1 + 1e-12) + margin
                            let lo = lowerBound(zb, cellStart[c], cellStart[c + 1], qb[0] - half)
                            let hi = lowerBound(zb, lo, cellStart[c + 1], qb[0] + half, inclusive: true)
                            if lo < hi { acc += Self.sumRange(zb, wb, n: n, d: d, lo, hi, qb, r2) }
                        }
                        // Next cell (odometer over the cell axes, last axis fastest).
                        var a = cellAxes - 1
                        while a >= 0 {
                            if k[a] < kHi[a] { k[a] += 1; break }
                            k[a] = kLo[a]
                            a -= 1
                        }
                        if a < 0 { break }
                    }
                }
            }
        }
        return acc.sum()
    }

    /// First index in `lo..<hi` whose axis-0 coordinate is `>= x` (`> x` when `inclusive`), or `hi`.
    @inline(__always)
    private func lowerBound(_ zb: UnsafeBufferPointer<Double>, _ lo: Int, _ hi: Int, _ x: Double,
                            inclusive: Bool = false) -> Int {
        var lo = lo, hi = hi
        while lo < hi {
            let mid = (lo + hi) / 2
            if zb[mid] < x || (inclusive && zb[mid] == x) { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// `sum_{j in lo..<hi, |q - z_j|² <= r2} w_j exp(-|q - z_j|²/2)`, four sources at a time, in lanes.
    @inline(__always)
    private static func sumRange(_ zb: UnsafeBufferPointer<Double>, _ wb: UnsafeBufferPointer<Double>, n: Int, d: Int,
                                 _ lo: Int, _ hi: Int, _ qb: UnsafeBufferPointer<Double>, _ r2: Double) -> SIMD4<Double> {
        typealias V = SIMD4<Double>
        let zp = UnsafeRawPointer(zb.baseAddress!), wp = UnsafeRawPointer(wb.baseAddress!)
        let cut = V(repeating: r2)
        var acc = V()
        var j = lo
        while j + 4 <= hi {
            var dist2 = V()
            for a in 0..<d {
                let diff = qb[a] - zp.loadUnaligned(fromByteOffset: (a * n + j) * 8, as: V.self)
                dist2 += diff * diff
            }
            let outside = dist2 .> cut
            let e = fastExpNegative(-0.5 * dist2.replacing(with: 0, where: outside))
            acc += (wp.loadUnaligned(fromByteOffset: j * 8, as: V.self) * e).replacing(with: 0, where: outside)
            j += 4
        }
        if j < hi {
            // The last 1-3 sources, in the same lanes and with the same arithmetic as a full group.
            var dist2 = V(repeating: .infinity), wv = V()
            for lane in 0..<(hi - j) {
                var s = 0.0
                for a in 0..<d { let diff = qb[a] - zb[a * n + j + lane]; s += diff * diff }
                dist2[lane] = s
                wv[lane] = wb[j + lane]
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
