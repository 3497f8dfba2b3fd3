import Foundation
import NeymanCore

// MARK: - The O(n²) definition, any dimension

extension DistanceCorrelation {
    /// Distance covariance, variances and correlation straight from the double-centred (and U-centred) distance
    /// matrices of docs/formulas.md §4 (Székely, Rizzo & Bakirov 2007; Székely & Rizzo 2014), for vector-valued
    /// events: `x[i]` and `y[i]` are the rows of event `i` (all rows of `x` of one length, likewise `y`), and
    /// `a_ij = ||x_i - x_j||` is the Euclidean distance.
    ///
    /// ```
    ///   p_i = w_i / sum w,   ā_i = sum_j p_j a_ij,   ā = sum_i p_i ā_i
    ///   dCov² = sum_ij p_i p_j (a_ij - ā_i - ā_j + ā)(b_ij - b̄_i - b̄_j + b̄)
    ///   udCov² = 1/(n(n-3)) sum_{i != j} Ã_ij B̃_ij,   Ã_ij = a_ij - a_i./(n-2) - a_.j/(n-2) + a../((n-1)(n-2))
    /// ```
    /// O(n²) time and O(n) memory (no n x n matrix: the distances are computed twice, once for the row means and once
    /// for the products). This is the test oracle of ``univariate(x:y:weights:)`` and the method for multivariate
    /// input. Edge cases and the weight convention as in ``DistanceCorrelation``; constant input gives exactly 0.
    ///
    /// - Throws: ``NeymanError/invalidInput(_:_:)`` when the counts differ, there are no events, rows have different
    ///   or zero lengths, a value is not finite, or a weight is negative or all weights are 0.
    public static func definition(x: [[Double]], y: [[Double]], weights: [Double]? = nil) throws -> DistanceCorrelation {
        let n = x.count
        try checkCounts(n, y.count)
        let (xs, dx) = try flatten(x, "x")
        let (ys, dy) = try flatten(y, "y")
        try checkWeights(weights, n: n)
        let w = weights ?? [Double](repeating: 1, count: n)

        @inline(__always) func distance(_ v: [Double], _ d: Int, _ i: Int, _ j: Int) -> Double {
            if d == 1 { return abs(v[i] - v[j]) }
            var s = 0.0
            for k in 0..<d { let t = v[i * d + k] - v[j * d + k]; s += t * t }
            return s.squareRoot()
        }

        // Row sums: weighted (sum_j w_j a_ij) for the V-statistic, plain (sum_j a_ij) for the U-statistic.
        var wRowA = [Double](repeating: 0, count: n), wRowB = wRowA, rowA = wRowA, rowB = wRowA
        for i in 0..<n {
            var wa = 0.0, wb = 0.0, pa = 0.0, pb = 0.0
            for j in 0..<n {
                let a = distance(xs, dx, i, j), b = distance(ys, dy, i, j)
                wa += w[j] * a; wb += w[j] * b; pa += a; pb += b
            }
            wRowA[i] = wa; wRowB[i] = wb; rowA[i] = pa; rowB[i] = pb
        }
        let W = w.reduce(0, +)
        var meanA = 0.0, meanB = 0.0
        for i in 0..<n { meanA += w[i] * wRowA[i]; meanB += w[i] * wRowB[i] }
        meanA /= W * W
        meanB /= W * W
        let totalA = rowA.reduce(0, +), totalB = rowB.reduce(0, +)
        let unbiased = weights == nil && n >= 4
        let m = Double(n)

        var vAB = 0.0, vAA = 0.0, vBB = 0.0, uAB = 0.0, uAA = 0.0, uBB = 0.0
        for i in 0..<n {
            var rAB = 0.0, rAA = 0.0, rBB = 0.0, sAB = 0.0, sAA = 0.0, sBB = 0.0
            for j in 0..<n {
                let a = distance(xs, dx, i, j), b = distance(ys, dy, i, j)
                let A = a - wRowA[i] / W - wRowA[j] / W + meanA
                let B = b - wRowB[i] / W - wRowB[j] / W + meanB
                rAB += w[j] * A * B; rAA += w[j] * A * A; rBB += w[j] * B * B
                if unbiased && i != j {
                    let Au = a - (rowA[i] + rowA[j]) / (m - 2) + totalA / ((m - 1) * (m - 2))
                    let Bu = b - (rowB[i] + rowB[j]) / (m - 2) + totalB / ((m - 1) * (m - 2))
                    sAB += Au * Bu; sAA += Au * Au; sBB += Bu * Bu
                }
            }
            vAB += w[i] * rAB; vAA += w[i] * rAA; vBB += w[i] * rBB
            uAB += sAB; uAA += sAA; uBB += sBB
        }
        let norm = 1 / (W * W), uNorm = 1 / (m * (m - 3))
        return DistanceCorrelation(n: n, dCov2: vAB * norm, dVarX2: vAA * norm, dVarY2: vBB * norm,
                                   uDCov2: unbiased ? uAB * uNorm : nil,
                                   uDVarX2: unbiased ? uAA * uNorm : nil,
                                   uDVarY2: unbiased ? uBB * uNorm : nil,
                                   method: weights == nil ? .definition : .weightedDefinition)
    }

    /// ``definition(x:y:weights:)`` for univariate samples.
    public static func definition(x: [Double], y: [Double], weights: [Double]? = nil) throws -> DistanceCorrelation {
        try definition(x: x.map { [$0] }, y: y.map { [$0] }, weights: weights)
    }

    /// Rows as one row-major array and their common length; throws on ragged or empty rows and non-finite values.
    private static func flatten(_ rows: [[Double]], _ name: String) throws -> ([Double], Int) {
        let d = rows.first?.count ?? 1
        guard d > 0 else { throw NeymanError.invalid("the rows of \(name) are empty", parameter: name) }
        var out: [Double] = []
        out.reserveCapacity(rows.count * d)
        for (i, r) in rows.enumerated() {
            guard r.count == d else {
                throw NeymanError.invalid("event \(i) (0-based) of \(name) has \(r.count) components, event 0 has \(d)",
                                          parameter: name)
            }
            out += r
        }
        if let k = out.firstIndex(where: { !$0.isFinite }) {
            throw nonFinite(out[k], k / d, name)
        }
        return (out, d)
    }
}
