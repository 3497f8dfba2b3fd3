@preconcurrency import CGSL
import Foundation
import NeymanCore

/// Weight initialisers (biases start at 0).
///
/// ```
///   glorotNormal: W ~ N(0, 2 / (fan_in + fan_out))          (Glorot & Bengio 2010; Keras' default for Dense)
///   he:           W ~ N(0, 2 / fan_in)                      (He et al. 2015; for ReLU networks)
///   orthogonal:   W = Q of the QR decomposition of a standard-normal matrix, signs fixed by diag(R)
///                 (Saxe et al. 2013), via GSL's gsl_linalg_QR_decomp
/// ```
public enum Initializer: String, Sendable, CaseIterable {
    case glorotNormal = "glorot_normal"
    case he
    case orthogonal

    /// Fills a `[fanIn, fanOut]` weight (or a conv kernel, with the given fans) from `rng`.
    /// - Throws: for the orthogonal initialiser, what ``orthogonalMatrix(rows:cols:rng:)`` throws.
    public func fill(_ w: Tensor, fanIn: Int, fanOut: Int, rng: RandomStream) throws {
        let n = w.count
        switch self {
        case .glorotNormal:
            let s = (2.0 / Double(fanIn + fanOut)).squareRoot()
            for i in 0..<n { w[i] = Float(rng.normal(sigma: s)) }
        case .he:
            let s = (2.0 / Double(fanIn)).squareRoot()
            for i in 0..<n { w[i] = Float(rng.normal(sigma: s)) }
        case .orthogonal:
            let rows = fanIn, cols = n / max(fanIn, 1)
            let q = try Initializer.orthogonalMatrix(rows: rows, cols: cols, rng: rng)
            for i in 0..<n { w[i] = Float(q[i]) }
        }
    }

    /// A `rows x cols` matrix with orthonormal columns (if rows >= cols) or rows (otherwise), row-major.
    ///
    /// GSL works on `m x k` with `m = max(rows, cols)`, `k = min(rows, cols)` and needs `m^2 + 2 m k + k` doubles (Q is
    /// `m x m`); with the `rows x cols` result that is checked against ``MemoryBudget`` before anything is allocated.
    /// - Throws: ``NeymanError/invalidInput(_:_:)`` (parameter `initializer`) when a size is not positive or the
    ///   matrices would not fit in memory; ``NeymanError/numerical(_:_:)`` when GSL cannot allocate them all the same
    ///   (the weights are never silently left at zero).
    static func orthogonalMatrix(rows: Int, cols: Int, rng: RandomStream) throws -> [Double] {
        guard rows >= 1, cols >= 1 else {
            throw NeymanError.invalid("the orthogonal initialisation needs a matrix of at least 1 x 1 (got \(rows) x \(cols))",
                                      parameter: "initializer")
        }
        GSLErrorHandling.ensureDisabled()
        let tall = rows >= cols
        let m = tall ? rows : cols, k = tall ? cols : rows
        let doubles = CheckedCount.sum([CheckedCount.product([m, m]), CheckedCount.product([3, m, k]), k])
        try MemoryBudget.check(bytes: CheckedCount.product([8, doubles]), what: "initializer",
                               description: "the orthogonal initialisation of a \(rows) x \(cols) weight matrix", isParameter: true)
        let a = gsl_matrix_alloc(m, k), tau = gsl_vector_alloc(k), q = gsl_matrix_alloc(m, m), r = gsl_matrix_alloc(m, k)
        defer {
            if let a { gsl_matrix_free(a) }
            if let tau { gsl_vector_free(tau) }
            if let q { gsl_matrix_free(q) }
            if let r { gsl_matrix_free(r) }
        }
        guard let a, let tau, let q, let r else {
            throw NeymanError.numericalFailure("out of memory: GSL could not allocate the \(m) x \(m) matrices of the orthogonal "
                                               + "initialisation of a \(rows) x \(cols) weight matrix", parameter: "initializer")
        }
        for i in 0..<m { for j in 0..<k { gsl_matrix_set(a, i, j, rng.normal()) } }
        gsl_linalg_QR_decomp(a, tau)
        gsl_linalg_QR_unpack(a, tau, q, r)
        var out = [Double](repeating: 0, count: rows * cols)
        for i in 0..<m {
            for j in 0..<k {
                let sign: Double = gsl_matrix_get(r, j, j) < 0 ? -1 : 1
                let v = gsl_matrix_get(q, i, j) * sign
                if tall { out[i * cols + j] = v } else { out[j * cols + i] = v }
            }
        }
        return out
    }
}
