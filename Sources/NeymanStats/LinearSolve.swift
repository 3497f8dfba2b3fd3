@preconcurrency import CGSL
import NeymanCore

/// General square linear systems (GSL LU decomposition with partial pivoting), row-major `[Double]`.
public enum LinearSolve {
    /// Solves `a x = b` for an `n x n` matrix `a`; `nil` if `a` is singular.
    public static func solve(_ a: [Double], _ b: [Double], n: Int) -> [Double]? {
        guard n > 0, a.count == n * n, b.count == n else { return nil }
        guard let perm = gsl_permutation_alloc(n) else { return nil }
        defer { gsl_permutation_free(perm) }
        return withGSLSystem(a, b, n: n) { m, rhs, x in
            var signum: Int32 = 0
            guard gsl_linalg_LU_decomp(m, perm, &signum) == 0 else { return false }
            guard gsl_linalg_LU_det(m, signum) != 0 else { return false }
            return gsl_linalg_LU_solve(m, perm, rhs, x) == 0
        }
    }

    /// Copies of the `n x n` matrix `a` and the vector `b`, and a zero solution vector, as GSL views for `factorSolve`
    /// (which may overwrite the copies and writes the solution into the third); returns the solution when
    /// `factorSolve` succeeds and it is finite, else `nil`. GSL's error handler is off (failures are return codes).
    static func withGSLSystem(_ a: [Double], _ b: [Double], n: Int,
                              _ factorSolve: (UnsafeMutablePointer<gsl_matrix>, UnsafeMutablePointer<gsl_vector>,
                                              UnsafeMutablePointer<gsl_vector>) -> Bool) -> [Double]? {
        GSLErrorHandling.ensureDisabled()
        var m = a
        var rhs = b
        var x = [Double](repeating: 0, count: n)
        let ok: Bool = m.withUnsafeMutableBufferPointer { mb in
            rhs.withUnsafeMutableBufferPointer { bb in
                x.withUnsafeMutableBufferPointer { xb in
                    var mv = gsl_matrix_view_array(mb.baseAddress, n, n)
                    var bv = gsl_vector_view_array(bb.baseAddress, n)
                    var xv = gsl_vector_view_array(xb.baseAddress, n)
                    return factorSolve(&mv.matrix, &bv.vector, &xv.vector)
                }
            }
        }
        return ok && x.allSatisfy({ $0.isFinite }) ? x : nil
    }
}
