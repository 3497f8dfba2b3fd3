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
    public func fill(_ w: Tensor, fanIn: Int, fanOut: Int, rng: RandomStream) {
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
            let q = Initializer.orthogonalMatrix(rows: rows, cols: cols, rng: rng)
            for i in 0..<n { w[i] = Float(q[i]) }
        }
    }

    /// A `rows x cols` matrix with orthonormal columns (if rows >= cols) or rows (otherwise), row-major.
    static func orthogonalMatrix(rows: Int, cols: Int, rng: RandomStream) -> [Double] {
        GSLErrorHandling.ensureDisabled()
        let tall = rows >= cols
        let m = tall ? rows : cols, k = tall ? cols : rows
        guard let a = gsl_matrix_alloc(m, k), let tau = gsl_vector_alloc(k), let q = gsl_matrix_alloc(m, m),
              let r = gsl_matrix_alloc(m, k) else { return [Double](repeating: 0, count: rows * cols) }
        defer { gsl_matrix_free(a); gsl_vector_free(tau); gsl_matrix_free(q); gsl_matrix_free(r) }
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
