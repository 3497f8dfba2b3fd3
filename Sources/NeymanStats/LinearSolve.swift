@preconcurrency import CGSL
import NeymanCore

/// General square linear systems (GSL LU decomposition with partial pivoting), row-major `[Double]`.
public enum LinearSolve {
    /// Solves `a x = b` for an `n x n` matrix `a`; `nil` if `a` is singular.
    public static func solve(_ a: [Double], _ b: [Double], n: Int) -> [Double]? {
        guard n > 0, a.count == n * n, b.count == n else { return nil }
        GSLErrorHandling.ensureDisabled()
        var m = a
        var rhs = b
        var x = [Double](repeating: 0, count: n)
        guard let perm = gsl_permutation_alloc(n) else { return nil }
        defer { gsl_permutation_free(perm) }
        let ok: Bool = m.withUnsafeMutableBufferPointer { mb in
            rhs.withUnsafeMutableBufferPointer { bb in
                x.withUnsafeMutableBufferPointer { xb in
                    var mv = gsl_matrix_view_array(mb.baseAddress, n, n)
                    var bv = gsl_vector_view_array(bb.baseAddress, n)
                    var xv = gsl_vector_view_array(xb.baseAddress, n)
                    var signum: Int32 = 0
                    guard gsl_linalg_LU_decomp(&mv.matrix, perm, &signum) == 0 else { return false }
                    guard gsl_linalg_LU_det(&mv.matrix, signum) != 0 else { return false }
                    return gsl_linalg_LU_solve(&mv.matrix, perm, &bv.vector, &xv.vector) == 0
                }
            }
        }
        return ok && x.allSatisfy({ $0.isFinite }) ? x : nil
    }
}
