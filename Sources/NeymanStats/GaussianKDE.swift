import Foundation
import NeymanCore

/// A weighted Gaussian kernel density estimate in `d = 1` or `2` dimensions with a full bandwidth matrix, as
/// `scipy.stats.gaussian_kde` (Scott 1992, *Multivariate Density Estimation*, §6.3; Silverman 1986, §4.3):
///
/// ```
///   p^(x) = (1 / sum_j w_j) sum_j w_j N(x; x_j, H),        H = factor² Σ
///   N(x; x_j, H) = (2π)^(-d/2) det(H)^(-1/2) exp(-(x - x_j)^T H^(-1) (x - x_j) / 2)
///   Σ = sum_j p_j (x_j - x̄)(x_j - x̄)^T / (1 - sum_j p_j²),   p_j = w_j / sum_k w_k,   x̄ = sum_j p_j x_j
///   n_eff = (sum w)² / sum w²                                            (n unweighted)
///   Scott:     factor = n_eff^(-1/(d+4))
///   Silverman: factor = (n_eff (d+2) / 4)^(-1/(d+4))
/// ```
///
/// `Σ` is numpy's `cov(x, aweights=w)` (the unbiased `1/(n-1)` covariance when unweighted), so `factor`,
/// `bandwidthMatrix` and the density agree with scipy for the same data, weights and `bw_method`.
///
/// Evaluation (``density(at:threads:)``) is exact up to a documented truncation: with `L` the Cholesky factor of
/// `H` (`H = L L^T`) every point is whitened, `z = L^(-1) (x - x̄)`, so the exponent is `-|z - z_j|²/2`, and only
/// kernels with `|z - z_j| <= R` (``cutoffRadius``, default 8 bandwidths) are guaranteed to be summed; sources are
/// grouped in boxes of side 2 bandwidths, and a box with many sources is summed through its Hermite expansion (the
/// fast Gauss transform of Greengard & Strain 1991) at an order chosen so that it adds at most `exp(-R²/2)` per
/// kernel (see `KernelSumIndex`). Every kernel left out is below `exp(-R²/2)` times its peak, so
///
/// ```
///   |p^(x) - p^_R(x)| <= 2 exp(-R²/2) K0,        K0 = (2π)^(-d/2) det(H)^(-1/2)   (the peak of one kernel)
/// ```
///
/// i.e. relative to the full sum the error is at most `2 exp(-R²/2) K0 / p^(x)`; at a sample point `x_i` itself
/// (where `p^(x_i) >= p_i K0`) at most `2 exp(-R²/2) / p_i` (`2n exp(-R²/2)` unweighted). For `R = 8`,
/// `exp(-32) = 1.3e-14`: relative errors below `3e-9` at every sample point up to `n = 10^5`, and far smaller in the
/// bulk (`~1e-12`). The kernel exponential of the direct sums is a vectorised polynomial accurate to about `1e-15`
/// relative (see `fastExpNegative`).
///
/// Cost: boxes that meet the disc of radius `R` around each query point; dense boxes cost `28² = 784`
/// multiply-adds, sparse ones one exponential per source. For 10^5 x 10^5 points (Scott's bandwidth, `R = 8`, 2-D)
/// one density takes about 1.7 s of one 2.3 GHz core, against about 2 minutes for the `n m = 10^10` exponentials
/// of the direct sum (``exactDensity(at:)``); the results agree with scipy's to ~1e-14 in the bulk. Query points
/// are evaluated in parallel with ``deterministicParallelMap(count:threads:progress:_:)``; each point's sum runs
/// in an order fixed by the data, so the result is identical for any thread count.
///
/// Dimensions: 1 or 2 columns (e.g. `pT` or `(pT, eta)`).
///
/// Edge cases: events of weight 0 do not contribute and are not required to be distinct from others; at least 3
/// events of positive weight are needed; a constant column or linearly dependent columns (singular `Σ`) are
/// errors, as is any non-finite value (see ``init(_:weights:bandwidth:cutoffRadius:sample:columnNames:)``).
///
/// See also: ``KernelDensityReweighting`` (weights `q^/p^`), ``exactDensity(at:)`` (the `O(n m)` oracle).
public struct GaussianKDE: Sendable {
    /// How the bandwidth factor is chosen (scipy's `bw_method`).
    public enum Bandwidth: Sendable, Equatable {
        /// Scott's rule, `n_eff^(-1/(d+4))` (scipy's default).
        case scott
        /// Silverman's rule, `(n_eff (d+2)/4)^(-1/(d+4))`.
        case silverman
        /// A fixed factor (> 0, finite): `H = factor² Σ`.
        case factor(Double)

        /// The factor for `n_eff` effective events in `d` dimensions.
        public func factor(effectiveSize nEff: Double, dimension d: Int) -> Double {
            switch self {
            case .scott: return pow(nEff, -1 / Double(d + 4))
            case .silverman: return pow(nEff * Double(d + 2) / 4, -1 / Double(d + 4))
            case .factor(let f): return f
            }
        }
    }

    /// The number of dimensions `d`.
    public let dimension: Int
    /// The number of events (including those of weight 0).
    public let count: Int
    /// `n_eff = (sum w)² / sum w²`.
    public let effectiveSize: Double
    /// The weighted mean `x̄`.
    public let mean: [Double]
    /// The weighted data covariance `Σ` (`d x d`, row-major).
    public let dataCovariance: [Double]
    /// The bandwidth factor.
    public let factor: Double
    /// The truncation radius `R` in bandwidths (whitened units).
    public let cutoffRadius: Double
    /// The lower Cholesky factor `L` of `H` (row-major).
    public let choleskyFactor: [Double]

    /// The bandwidth (kernel covariance) matrix `H = factor² Σ` (row-major), scipy's `covariance`.
    public var bandwidthMatrix: [Double] { dataCovariance.map { $0 * factor * factor } }

    /// `K0 = (2π)^(-d/2) det(H)^(-1/2)`, the peak value of one normalised kernel.
    public var kernelPeak: Double {
        var detL = 1.0
        for a in 0..<dimension { detL *= choleskyFactor[a * dimension + a] }
        return pow(2 * Double.pi, -Double(dimension) / 2) / detL
    }

    /// The sources, whitened, boxed and expanded for the kernel sum.
    let index: KernelSumIndex
    /// The sources as given (for ``exactDensity(at:)``).
    let columns: [[Double]]
    let weights: [Double]
    let totalWeight: Double
    let sample: String
    let columnNames: [String]?

    /// Builds the estimate of the sample `columns` (`columns[a][i]` = coordinate `a` of event `i`).
    ///
    /// - Parameters:
    ///   - weights: per-event weights (finite, `>= 0`, positive sum); `nil` for unit weights.
    ///   - bandwidth: the factor rule (default Scott's, as scipy).
    ///   - cutoffRadius: `R`, in bandwidths, between 1 and 37 (default 8; see the truncation bound above).
    ///   - sample: the sample's name in error messages (e.g. `source`, `target`).
    ///   - columnNames: column names for error messages (default `column 0`, ...).
    /// - Throws: ``NeymanError/invalidInput(_:_:)`` naming the sample and column: a non-finite value (with the
    ///   event) or weight, a negative weight, fewer than 3 events of positive weight, a constant column, linearly
    ///   dependent columns (singular covariance: the message names the first column that is a linear function of
    ///   the ones before it), more than 2 columns, a bad bandwidth factor or cutoff.
    public init(_ columns: [[Double]], weights: [Double]? = nil, bandwidth: Bandwidth = .scott,
                cutoffRadius: Double = 8, sample: String = "sample", columnNames: [String]? = nil) throws {
        let n = try SampleWeights.validate(columns: columns, weights: weights, sample: sample, columnNames: columnNames)
        let d = columns.count
        guard d <= 2 else {
            throw NeymanError.invalid("\(d) columns given; the kernel density estimate supports 1 or 2", parameter: sample)
        }
        let w = weights ?? [Double](repeating: 1, count: n)
        let positive = w.lazy.filter { $0 > 0 }.count
        guard positive >= 3 else {
            throw NeymanError.invalid("sample '\(sample)' has \(positive) event(s) of positive weight; a kernel density "
                                      + "estimate needs at least 3", parameter: sample)
        }
        guard cutoffRadius >= 1, cutoffRadius <= 37 else {
            throw NeymanError.invalid("must be between 1 and 37 bandwidths, got \(cutoffRadius)", parameter: "cutoffRadius")
        }
        if case .factor(let f) = bandwidth, !(f.isFinite && f > 0) {
            throw NeymanError.invalid("the bandwidth factor must be positive and finite, got \(f)", parameter: "bandwidth")
        }

        // Weighted mean and covariance (two passes), numpy.cov(aweights=w).
        let total = w.reduce(0, +)
        var sumSq = 0.0
        for v in w { sumSq += (v / total) * (v / total) }
        var mean = [Double](repeating: 0, count: d)
        for a in 0..<d {
            var s = 0.0
            for i in 0..<n { s += w[i] * columns[a][i] }
            mean[a] = s / total
        }
        for a in 0..<d {
            // A column is constant when every event of positive weight has the same value.
            var lo = Double.infinity, hi = -Double.infinity
            for i in 0..<n where w[i] > 0 { lo = min(lo, columns[a][i]); hi = max(hi, columns[a][i]) }
            if lo == hi {
                let name = SampleWeights.columnName(a, columnNames)
                throw NeymanError.invalid("column '\(name)' of sample '\(sample)' is constant (\(lo)): its covariance "
                                          + "matrix is singular", column: name, parameter: sample)
            }
        }
        var cov = [Double](repeating: 0, count: d * d)
        for a in 0..<d {
            for b in 0...a {
                var s = 0.0
                for i in 0..<n { s += w[i] * (columns[a][i] - mean[a]) * (columns[b][i] - mean[b]) }
                let v = s / total / (1 - sumSq)
                cov[a * d + b] = v
                cov[b * d + a] = v
            }
        }
        let nEff = 1 / sumSq   // (sum w)² / sum w²
        let f = bandwidth.factor(effectiveSize: nEff, dimension: d)
        guard f.isFinite, f > 0 else {
            throw NeymanError.invalid("bandwidth factor \(f) is not positive and finite", parameter: "bandwidth")
        }
        let L = try Self.cholesky(cov.map { $0 * f * f }, d: d, sample: sample, columnNames: columnNames)

        self.dimension = d
        self.count = n
        self.effectiveSize = nEff
        self.mean = mean
        self.dataCovariance = cov
        self.factor = f
        self.cutoffRadius = cutoffRadius
        self.choleskyFactor = L
        self.columns = columns
        self.weights = w
        self.totalWeight = total
        self.sample = sample
        self.columnNames = columnNames
        self.index = KernelSumIndex(z: Self.whiten(columns, mean: mean, cholesky: L), weights: w, radius: cutoffRadius)
    }

    // MARK: Evaluating

    /// `p^_R(x)` at every query point (`points[a][k]` = coordinate `a` of point `k`), truncated at
    /// ``cutoffRadius`` and expanded in dense boxes (error bound in the type's documentation), in parallel over the points on up to `threads`
    /// threads (default: all cores); the result does not depend on `threads`.
    ///
    /// - Throws: ``NeymanError/invalidInput(_:_:)`` (parameter `points`) for a wrong number of columns, ragged
    ///   columns or a non-finite value (naming the column and the point).
    public func density(at points: [[Double]], threads: Int? = nil) throws -> [Double] {
        let m = try checkPoints(points)
        let z = Self.whiten(points, mean: mean, cholesky: choleskyFactor)
        let scale = kernelPeak / totalWeight
        // Points in the order of their box (so that neighbouring points reuse the same source boxes from cache);
        // each point's value does not depend on this order or on the chunking.
        let b = KernelSumIndex.side
        let key = (0..<m).map { k in
            (dimension == 2 ? KernelSumIndex.boxIndex(z[1][k], b) : 0, KernelSumIndex.boxIndex(z[0][k], b))
        }
        let order = (0..<m).sorted { (key[$0].0, key[$0].1, $0) < (key[$1].0, key[$1].1, $1) }
        let chunk = 256
        let chunks = try deterministicParallelMap(count: (m + chunk - 1) / chunk, threads: threads) { c -> [Double] in
            let workspace = KernelSumIndex.Workspace(order: index.order, radius: cutoffRadius)
            return order[(c * chunk)..<min(m, (c + 1) * chunk)].map { k in
                index.kernelSum(z[0][k], dimension == 2 ? z[1][k] : 0, workspace) * scale
            }
        }
        var out = [Double](repeating: 0, count: m)
        for (c, values) in chunks.enumerated() {
            for (offset, v) in values.enumerated() { out[order[c * chunk + offset]] = v }
        }
        return out
    }

    /// The untruncated density `p^(x)` by the direct `O(n m)` sum, with `H^(-1)` from a Cholesky inverse and the
    /// library `exp`: the reference for ``density(at:threads:)`` on small samples (and scipy's `evaluate`).
    ///
    /// - Throws: as ``density(at:threads:)``.
    public func exactDensity(at points: [[Double]]) throws -> [Double] {
        let m = try checkPoints(points)
        let d = dimension
        guard let inv = SymmetricMatrix.inverse(bandwidthMatrix, n: d) else {
            throw NeymanError.numericalFailure("the bandwidth matrix is not positive definite", parameter: sample)
        }
        var out = [Double](repeating: 0, count: m)
        var u = [Double](repeating: 0, count: d)
        for k in 0..<m {
            var s = 0.0
            for j in 0..<count where weights[j] != 0 {
                for a in 0..<d { u[a] = points[a][k] - columns[a][j] }
                var q = 0.0
                for a in 0..<d { for b in 0..<d { q += u[a] * inv[a * d + b] * u[b] } }
                s += weights[j] * exp(-0.5 * q)
            }
            out[k] = s * kernelPeak / totalWeight
        }
        return out
    }

    // MARK: Helpers

    private func checkPoints(_ points: [[Double]]) throws -> Int {
        guard points.count == dimension else {
            throw NeymanError.invalid("\(points.count) columns given for a \(dimension)-dimensional density",
                                      parameter: "points")
        }
        let m = points[0].count
        for (a, col) in points.enumerated() {
            let name = SampleWeights.columnName(a, columnNames)
            guard col.count == m else {
                throw NeymanError.invalid("column '\(name)' has \(col.count) values but the first has \(m)",
                                          column: name, parameter: "points")
            }
            if let k = col.firstIndex(where: { !$0.isFinite }) {
                throw NeymanError.invalid("non-finite value \(col[k]) at point \(k) (0-based)", column: name,
                                          parameter: "points")
            }
        }
        return m
    }

    /// `L` with `L L^T = h`, checking each pivot: a pivot below `1e-12` of the diagonal element means the column
    /// is (to that precision) a linear function of the previous ones.
    static func cholesky(_ h: [Double], d: Int, sample: String, columnNames: [String]?) throws -> [Double] {
        var L = [Double](repeating: 0, count: d * d)
        for a in 0..<d {
            var pivot = h[a * d + a]
            for c in 0..<a { pivot -= L[a * d + c] * L[a * d + c] }
            guard pivot > 1e-12 * h[a * d + a] else {
                let name = SampleWeights.columnName(a, columnNames)
                let before = (0..<a).map { "'\(SampleWeights.columnName($0, columnNames))'" }.joined(separator: ", ")
                throw NeymanError.invalid("the covariance matrix of sample '\(sample)' is singular: column '\(name)' is "
                                          + "(almost) a linear function of \(before)", column: name, parameter: sample)
            }
            let diag = pivot.squareRoot()
            L[a * d + a] = diag
            for b in (a + 1)..<d {
                var s = h[b * d + a]
                for c in 0..<a { s -= L[b * d + c] * L[a * d + c] }
                L[b * d + a] = s / diag
            }
        }
        return L
    }

    /// `z = L^(-1) (x - mean)` for every point (forward substitution), as columns.
    static func whiten(_ columns: [[Double]], mean: [Double], cholesky L: [Double]) -> [[Double]] {
        let d = columns.count, n = columns[0].count
        var z = [[Double]](repeating: [Double](repeating: 0, count: n), count: d)
        for i in 0..<n {
            for a in 0..<d {
                var s = columns[a][i] - mean[a]
                for c in 0..<a { s -= L[a * d + c] * z[c][i] }
                z[a][i] = s / L[a * d + a]
            }
        }
        return z
    }
}
