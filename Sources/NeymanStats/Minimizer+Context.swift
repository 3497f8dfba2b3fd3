@preconcurrency import CGSL
import Foundation
import NeymanCore

/// The state GSL's C callbacks reach through their `void *params`: the likelihood, the free-parameter map and
/// reusable buffers (no allocation per evaluation).
final class MinimizationContext {
    let likelihood: any Likelihood
    let free: [Int]
    let transforms: [BoundTransform]
    var x: [Double]
    var gradientExternal: [Double]
    var evaluations = 0
    /// Whether the likelihood has an analytic Hessian (`nil` until first asked).
    var hasHessian: Bool?
    /// The last point where value, gradient and Hessian were computed (external), and those results.
    private var cachePoint: [Double]?
    private var cacheGradient: [Double] = []
    private var cacheHessian: [Double] = []
    private var hessianExternal: [Double] = []

    init(likelihood: any Likelihood, template: [Double], free: [Int], transforms: [BoundTransform]) {
        self.likelihood = likelihood
        self.free = free
        self.transforms = transforms
        self.x = template
        self.gradientExternal = [Double](repeating: 0, count: template.count)
    }

    static func from(_ p: UnsafeMutableRawPointer?) -> MinimizationContext {
        Unmanaged<MinimizationContext>.fromOpaque(p!).takeUnretainedValue()
    }

    /// Values of `-ln L` that are NaN (outside a likelihood's domain) become a huge finite number, so that line
    /// searches back off instead of propagating NaN.
    @inline(__always) static func sanitize(_ f: Double) -> Double { f.isNaN || f == .infinity ? 1e300 : f }

    /// True when a bounded parameter sits within `1e-4` of its range (relative) from a bound.
    func approachesBound(_ v: UnsafePointer<gsl_vector>) -> Bool {
        for i in 0..<free.count {
            let t = transforms[i]
            let p = t.external(gsl_vector_get(v, i))
            let scale = t.hasLower && t.hasUpper ? t.upper - t.lower : max(1, abs(p))
            if t.hasLower && p - t.lower < 1e-4 * scale { return true }
            if t.hasUpper && t.upper - p < 1e-4 * scale { return true }
        }
        return false
    }

    func external(_ u: [Double]) -> [Double] {
        var out = x
        for (i, k) in free.enumerated() { out[k] = transforms[i].external(u[i]) }
        return out
    }

    func value(_ v: UnsafePointer<gsl_vector>) -> Double {
        for (i, k) in free.enumerated() { x[k] = transforms[i].external(gsl_vector_get(v, i)) }
        evaluations += 1
        return Self.sanitize(likelihood.negativeLogLikelihood(x))
    }

    func gradient(_ v: UnsafePointer<gsl_vector>, _ g: UnsafeMutablePointer<gsl_vector>) {
        _ = valueAndGradient(v, g)
    }

    func valueAndGradient(_ v: UnsafePointer<gsl_vector>, _ g: UnsafeMutablePointer<gsl_vector>) -> Double {
        for (i, k) in free.enumerated() { x[k] = transforms[i].external(gsl_vector_get(v, i)) }
        evaluations += 1
        let f = likelihood.negativeLogLikelihood(x, gradient: &gradientExternal)
        for (i, k) in free.enumerated() {
            let d = gradientExternal[k] * transforms[i].derivative(gsl_vector_get(v, i))
            gsl_vector_set(g, i, d.isFinite ? d : 0)
        }
        return Self.sanitize(f)
    }

    /// `-ln L`, its internal gradient `g` and internal Hessian `h` (row-major `m x m`) at internal point `u`, from one
    /// analytic evaluation: `h_ij = H_kl p_i' p_j' + delta_ij g_k p_i''`. `nil` when the likelihood has no Hessian.
    func valueGradientHessian(_ u: [Double], _ g: inout [Double], _ h: inout [Double]) -> Double? {
        if hasHessian == false { return nil }
        for (i, k) in free.enumerated() { x[k] = transforms[i].external(u[i]) }
        let n = x.count
        if hessianExternal.count != n * n { hessianExternal = [Double](repeating: 0, count: n * n) }
        guard let f = likelihood.negativeLogLikelihood(x, gradient: &gradientExternal, hessian: &hessianExternal) else {
            hasHessian = false
            return nil
        }
        hasHessian = true
        evaluations += 1
        cachePoint = x
        cacheGradient = gradientExternal
        cacheHessian = hessianExternal
        let m = free.count
        for (i, ki) in free.enumerated() {
            let di = transforms[i].derivative(u[i])
            g[i] = gradientExternal[ki] * di
            for (j, kj) in free.enumerated() {
                h[i * m + j] = hessianExternal[ki * n + kj] * di * transforms[j].derivative(u[j])
            }
            h[i * m + i] += gradientExternal[ki] * transforms[i].secondDerivative(u[i])
        }
        return f.isNaN ? .infinity : f
    }

    /// The external gradient at `x` if the last Hessian evaluation was at exactly that point.
    func cachedGradient(at x: [Double]) -> [Double]? { cachePoint == x ? cacheGradient : nil }

    /// The external Hessian (`n x n`) at `x`: from the cache when the last Hessian evaluation was there, else one
    /// analytic evaluation; `nil` when the likelihood has none.
    func externalHessian(at x: [Double]) -> [Double]? {
        if cachePoint == x { return cacheHessian }
        let n = x.count
        var g = [Double](repeating: 0, count: n), h = [Double](repeating: 0, count: n * n)
        guard likelihood.negativeLogLikelihood(x, gradient: &g, hessian: &h) != nil else { return nil }
        evaluations += 1
        return h
    }

    func valueAndGradient(_ u: [Double], _ g: inout [Double]) -> Double {
        for (i, k) in free.enumerated() { x[k] = transforms[i].external(u[i]) }
        evaluations += 1
        let f = likelihood.negativeLogLikelihood(x, gradient: &gradientExternal)
        for (i, k) in free.enumerated() { g[i] = gradientExternal[k] * transforms[i].derivative(u[i]) }
        return f.isNaN ? .infinity : f
    }
}
