import CGSL
import Foundation
import NeymanCore

/// Calls `body` with a GSL `gsl_function` that evaluates the Swift closure `f` (GSL's callbacks are C function
/// pointers with a context pointer, so the closure travels in a box). Once `f` throws, later evaluations return
/// `failureValue` without calling it; `body` can poll `pendingError()` between GSL iterations, and the error is
/// rethrown after `body` returns. Turns GSL's abort-on-error handler off first (``GSLErrorHandling``).
func withGSLFunction<T>(_ f: (Double) throws -> Double, failureValue: Double = .nan,
                        _ body: (inout gsl_function, _ pendingError: () -> Error?) throws -> T) throws -> T {
    GSLErrorHandling.ensureDisabled()
    return try withoutActuallyEscaping(f) { f in
        let box = GSLFunctionBox(f, failureValue)
        var function = gsl_function(function: { x, p in
            let b = Unmanaged<GSLFunctionBox>.fromOpaque(p!).takeUnretainedValue()
            if b.error != nil { return b.failureValue }
            do { return try b.f(x) } catch { b.error = error; return b.failureValue }
        }, params: Unmanaged.passUnretained(box).toOpaque())
        let result = try withExtendedLifetime(box) { try body(&function, { box.error }) }
        if let e = box.error { throw e }
        return result
    }
}

/// The closure, its failure value and the first error it threw, behind `gsl_function.params`.
final class GSLFunctionBox {
    let f: (Double) throws -> Double
    let failureValue: Double
    var error: Error?
    init(_ f: @escaping (Double) throws -> Double, _ failureValue: Double) { self.f = f; self.failureValue = failureValue }
}
