@preconcurrency import CGSL
import NeymanCore

/// Small dense symmetric positive-definite linear algebra on row-major `[Double]` (GSL Cholesky underneath).
///
/// Used for Hessians and covariance matrices (a handful to a few hundred parameters), where a Cholesky
/// factorisation both solves the system and tells whether the matrix is positive definite.
public enum SymmetricMatrix {
    /// The inverse of the symmetric positive-definite `n x n` matrix `a`, or `nil` if it is not positive definite
    /// (`gsl_linalg_cholesky_decomp1` + `gsl_linalg_cholesky_invert`).
    public static func inverse(_ a: [Double], n: Int) -> [Double]? {
        guard n > 0, a.count == n * n, a.allSatisfy({ $0.isFinite }) else { return nil }
        var m = a
        let ok: Bool = m.withUnsafeMutableBufferPointer { buf in
            var view = gsl_matrix_view_array(buf.baseAddress, n, n)
            GSLErrorHandling.ensureDisabled()
            guard gsl_linalg_cholesky_decomp1(&view.matrix) == 0 else { return false }
            return gsl_linalg_cholesky_invert(&view.matrix) == 0
        }
        return ok ? m : nil
    }

    /// Solves `a x = b` for symmetric positive-definite `a`; `nil` if `a` is not positive definite.
    public static func solve(_ a: [Double], _ b: [Double], n: Int) -> [Double]? {
        guard n > 0, a.count == n * n, b.count == n, a.allSatisfy({ $0.isFinite }), b.allSatisfy({ $0.isFinite }) else { return nil }
        return LinearSolve.withGSLSystem(a, b, n: n) { m, rhs, x in
            guard gsl_linalg_cholesky_decomp1(m) == 0 else { return false }
            return gsl_linalg_cholesky_solve(m, rhs, x) == 0
        }
    }

    /// `(a + a^T) / 2`.
    public static func symmetrized(_ a: [Double], n: Int) -> [Double] {
        var s = a
        for i in 0..<n { for j in (i + 1)..<max(i + 1, n) where j < n {
            let v = 0.5 * (a[i * n + j] + a[j * n + i])
            s[i * n + j] = v
            s[j * n + i] = v
        } }
        return s
    }
}
