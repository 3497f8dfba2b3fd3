@preconcurrency import CGSL
import Foundation
import NeymanCore

/// Maximum-likelihood fits: minimises `-ln L` with GSL's `vector_bfgs2` on analytic gradients, with bounds by the
/// smooth MINUIT transform (``BoundTransform``), a Newton polish on a finite-difference Hessian of the analytic
/// gradient, and fallbacks before it gives up:
///
/// 0. Only for a likelihood with an analytic Hessian (``Likelihood/negativeLogLikelihood(_:gradient:hessian:)``):
///    damped Newton from the start point (one evaluation per iteration); if it converges, stages 1-3 are skipped
///    and the covariance is the inverse of that analytic Hessian.
/// 1. BFGS (`gsl_multimin_fdfminimizer_vector_bfgs2`) from the start point, then up to 3 Newton steps; converged
///    if `EDM < edmTolerance`.
/// 2. Otherwise Nelder-Mead (`gsl_multimin_fminimizer_nmsimplex2`) from the best point so far, then BFGS + Newton again.
/// 3. Otherwise BFGS from the centre of each bounded parameter's range (its start for unbounded ones).
///
/// The best point over all attempts is returned; ``FitResult/converged`` is false if none met the EDM criterion.
/// The covariance is the inverse of the Hessian of `-ln L` with respect to the parameters themselves (central
/// differences of the analytic gradient, one-sided within a step of a bound), i.e. Hesse errors at `errordef = 0.5`
/// on `-ln L` (= `errordef = 1` on `twice_nll`).
public struct Minimizer: Sendable {
    public var options: MinimizerOptions

    public init(options: MinimizerOptions = MinimizerOptions()) {
        self.options = options
    }

    /// Minimise `likelihood` starting from `start` (default: the parameters' initial values), holding the parameters
    /// in `fixed` (index -> value) and those marked ``Parameter/isFixed`` constant.
    ///
    /// Convergence needs the EDM criterion and, when ``MinimizerOptions/computeCovariance`` is set, a positive-definite
    /// Hessian at the minimum: a singular Hessian means some parameter (or combination) is not determined by the data,
    /// so the point is not a unique minimum and the result is `converged == false` with a status that says so.
    ///
    /// - Throws: ``NeymanError/invalidInput(_:_:)`` when `start` does not have one value per parameter, or a key of
    ///   `fixed` is not a parameter index, or a fixed value is not finite (never silently replaced).
    public func minimize(_ likelihood: any Likelihood, start: [Double]? = nil, fixed: [Int: Double] = [:]) throws -> FitResult {
        GSLErrorHandling.ensureDisabled()
        let pars = likelihood.parameters
        let n = pars.count
        try Self.checkArguments(parameters: pars, start: start, fixed: fixed)
        if let profilable = likelihood as? any ProfilableLikelihood,
           let view = profilable.analyticallyProfiled(holding: Set(fixed.keys)) {
            return try minimizeProfiled(view, full: likelihood, start: start, fixed: fixed)
        }
        var x0 = start ?? pars.map(\.initial)
        for k in 0..<n {
            if let v = fixed[k] { x0[k] = v } else { x0[k] = min(max(x0[k], pars[k].lower), pars[k].upper) }
        }
        let free = (0..<n).filter { fixed[$0] == nil && !pars[$0].isFixed }
        if free.isEmpty {
            let f = likelihood.negativeLogLikelihood(x0)
            return FitResult(names: pars.map(\.name), values: x0, uncertainties: [Double](repeating: 0, count: n),
                             covariance: options.computeCovariance ? [Double](repeating: 0, count: n * n) : nil,
                             nll: f, edm: 0, converged: f.isFinite, status: f.isFinite ? "ok" : "likelihood is not finite",
                             evaluations: 1)
        }
        let ctx = MinimizationContext(likelihood: likelihood, template: x0, free: free,
                                      transforms: free.map { BoundTransform(lower: pars[$0].lower, upper: pars[$0].upper) })
        let u0 = free.indices.map { ctx.transforms[$0].internalValue(x0[free[$0]]) }

        var best: Attempt
        var stages: [String]
        if let newton = runNewton(ctx, from: u0), newton.converged {
            best = newton
            stages = ["newton"]
        } else {
            best = runBFGSWithPolish(ctx, from: u0)
            stages = ctx.hasHessian == true ? ["newton", "bfgs2"] : ["bfgs2"]
        }
        var xBest = ctx.external(best.u)
        var nllBest = best.f, edmBest = best.edm, converged = best.converged

        // Active bounds: a parameter that ends (almost) on a bound with the gradient pushing it outwards has its
        // minimum *on* the bound. The sine transform only approaches it (dp/du -> 0 there), so refit with those
        // parameters fixed on their bounds and keep that point if it is at least as good: mu_hat = 0 exactly, not 2e-5.
        func refitOnActiveBounds() {
            let atBound = Self.activeBounds(ctx, at: xBest)
            guard !atBound.isEmpty else { return }
            var gradient = [Double](repeating: 0, count: n)
            var start = xBest
            for (k, v) in atBound { start[k] = v }
            let onBound = minimizeWithoutBoundCheck(likelihood, start: start, fixed: fixed.merging(atBound) { a, _ in a })
            // Karush-Kuhn-Tucker: on the bound, the gradient must still point out of the allowed range; otherwise the
            // minimum lies inside and the bound is not active.
            _ = likelihood.negativeLogLikelihood(onBound.values, gradient: &gradient)
            let kkt = atBound.allSatisfy { k, v in v == pars[k].lower ? gradient[k] >= 0 : gradient[k] <= 0 }
            if onBound.converged && kkt && onBound.nll <= nllBest + 1e-12 * max(1, abs(nllBest)) {
                xBest = onBound.values
                nllBest = onBound.nll
                edmBest = onBound.edm
                converged = true
            }
        }
        refitOnActiveBounds()

        func consider(_ a: Attempt, stage: String) {
            stages.append(stage)
            if a.converged || a.f < nllBest {
                xBest = ctx.external(a.u); nllBest = a.f; edmBest = a.edm; converged = a.converged
                best = a
            }
        }
        if !converged {
            consider(runBFGSWithPolish(ctx, from: runSimplex(ctx, from: best.u)), stage: "simplex+bfgs2")
            refitOnActiveBounds()
        }
        if !converged {
            let centre = free.indices.map { i -> Double in
                let t = ctx.transforms[i]
                return t.hasLower && t.hasUpper ? 0 : u0[i]  // sin(0): the middle of the range
            }
            consider(runBFGSWithPolish(ctx, from: centre), stage: "bfgs2 from range centre")
            refitOnActiveBounds()
        }

        let status = converged ? "ok" : "not converged (EDM \(edmBest) after \(stages.joined(separator: ", ")))"
        let c = options.computeCovariance ? covarianceStage(ctx, at: xBest, converged: converged, status: status)
            : Self.withoutCovariance(parameterCount: n, free: free, converged: converged, status: status)
        return FitResult(names: pars.map(\.name), values: xBest, uncertainties: c.uncertainties, covariance: c.covariance,
                         nll: nllBest, edm: edmBest, converged: c.converged, status: c.status, evaluations: ctx.evaluations,
                         heldAtBound: c.held.map { pars[$0].name })
    }

    /// The minimisation stages without the active-bound refit (used by that refit itself).
    func minimizeWithoutBoundCheck(_ likelihood: any Likelihood, start: [Double], fixed: [Int: Double]) -> FitResult {
        let pars = likelihood.parameters
        let n = pars.count
        let free = (0..<n).filter { fixed[$0] == nil && !pars[$0].isFixed }
        var x0 = start
        for (k, v) in fixed { x0[k] = v }
        if free.isEmpty {
            let f = likelihood.negativeLogLikelihood(x0)
            return FitResult(names: pars.map(\.name), values: x0, uncertainties: [Double](repeating: 0, count: n), covariance: nil,
                             nll: f, edm: 0, converged: f.isFinite, status: "ok", evaluations: 1)
        }
        let ctx = MinimizationContext(likelihood: likelihood, template: x0, free: free,
                                      transforms: free.map { BoundTransform(lower: pars[$0].lower, upper: pars[$0].upper) })
        let u0 = free.indices.map { ctx.transforms[$0].internalValue(x0[free[$0]]) }
        var best: Attempt
        if let newton = runNewton(ctx, from: u0), newton.converged { best = newton } else { best = runBFGSWithPolish(ctx, from: u0) }
        if !best.converged {
            let second = runBFGSWithPolish(ctx, from: runSimplex(ctx, from: best.u))
            if second.converged || second.f < best.f { best = second }
        }
        return FitResult(names: pars.map(\.name), values: ctx.external(best.u), uncertainties: [Double](repeating: .nan, count: n),
                         covariance: nil, nll: best.f, edm: best.edm, converged: best.converged,
                         status: best.converged ? "ok" : "not converged", evaluations: ctx.evaluations)
    }

    // MARK: - Stages

    struct Attempt {
        var u: [Double]
        var f: Double
        var edm: Double
        var converged: Bool
    }

    /// Damped Newton iteration in internal coordinates on the likelihood's analytic Hessian (`nil` when it has none):
    ///
    /// ```
    ///   H_int = J^T H J + diag(g_k p_k''(u_k)),   g_int = J^T g,   J = diag(dp_k/du_k)
    ///   step  = -(H_int + mu I)^-1 g_int          (mu = 0 while H_int is positive definite, else grown 10x from 1e-3 max|H_ii|)
    /// ```
    /// halved until `-ln L` falls by the Armijo amount `1e-4 * alpha * g.step`; at most 100 iterations. Every trial
    /// point computes value, gradient and Hessian in one evaluation, so an accepted step needs no further one.
    /// Converged when `EDM = -g.step / 2 < edmTolerance` with `H_int` positive definite (the same criterion as the
    /// Newton polish). A likelihood with an analytic Hessian needs about one evaluation per iteration.
    private func runNewton(_ ctx: MinimizationContext, from u0: [Double]) -> Attempt? {
        let m = u0.count
        var g = [Double](repeating: 0, count: m), h = [Double](repeating: 0, count: m * m)
        guard var f = ctx.valueGradientHessian(u0, &g, &h) else { return nil }
        var u = u0
        var gt = g, ht = h
        for _ in 0..<100 {
            guard f.isFinite, g.allSatisfy({ $0.isFinite }), h.allSatisfy({ $0.isFinite }) else { break }
            var step = SymmetricMatrix.solve(h, g.map { -$0 }, n: m)
            if let s = step {
                var edm = 0.0
                for i in 0..<m { edm -= 0.5 * g[i] * s[i] }
                if edm < options.edmTolerance { return Attempt(u: u, f: f, edm: edm, converged: true) }
            } else {
                // Not positive definite: Levenberg shift until it is.
                var scale = 0.0
                for i in 0..<m { scale = max(scale, abs(h[i * m + i])) }
                var mu = 1e-3 * max(scale, 1e-12)
                for _ in 0..<40 where step == nil {
                    var shifted = h
                    for i in 0..<m { shifted[i * m + i] += mu }
                    step = SymmetricMatrix.solve(shifted, g.map { -$0 }, n: m)
                    mu *= 10
                }
            }
            guard let s = step else { break }
            var slope = 0.0
            for i in 0..<m { slope += g[i] * s[i] }
            guard slope < 0 else { break }
            var alpha = 1.0
            var accepted = false
            for _ in 0..<40 {
                var trial = u
                for i in 0..<m { trial[i] += alpha * s[i] }
                if let ft = ctx.valueGradientHessian(trial, &gt, &ht), ft.isFinite, ft <= f + 1e-4 * alpha * slope {
                    u = trial; f = ft; swap(&g, &gt); swap(&h, &ht)
                    accepted = true
                    break
                }
                alpha *= 0.5
            }
            if !accepted { break }
        }
        var edm = Double.infinity
        if let s = SymmetricMatrix.solve(h, g.map { -$0 }, n: m) {
            edm = 0
            for i in 0..<m { edm -= 0.5 * g[i] * s[i] }
        }
        return Attempt(u: u, f: f, edm: edm, converged: f.isFinite && edm < options.edmTolerance)
    }

    private func runBFGSWithPolish(_ ctx: MinimizationContext, from u0: [Double]) -> Attempt {
        let m = u0.count
        var u = u0
        guard let s = gsl_multimin_fdfminimizer_alloc(neyman_gsl_multimin_bfgs2(), m) else {
            return Attempt(u: u0, f: .infinity, edm: .infinity, converged: false)
        }
        defer { gsl_multimin_fdfminimizer_free(s) }
        var function = gsl_multimin_function_fdf(
            f: { v, p in MinimizationContext.from(p).value(v!) },
            df: { v, p, g in MinimizationContext.from(p).gradient(v!, g!) },
            fdf: { v, p, f, g in f!.pointee = MinimizationContext.from(p).valueAndGradient(v!, g!) },
            n: m, params: Unmanaged.passUnretained(ctx).toOpaque())
        let uvec = gsl_vector_alloc(m)!
        defer { gsl_vector_free(uvec) }
        for i in 0..<m { gsl_vector_set(uvec, i, u0[i]) }
        if gsl_multimin_fdfminimizer_set(s, &function, uvec, options.initialStep, 0.1) == 0 {
            var iter = 0
            while iter < options.maxIterations {
                iter += 1
                let status = gsl_multimin_fdfminimizer_iterate(s)
                if status != 0 { break }  // GSL_ENOPROG: no further progress possible along the line
                let fNow = s.pointee.f
                let gtol = 1e-6 * max(1, abs(fNow)).squareRoot()
                if gsl_multimin_test_gradient(s.pointee.gradient, gtol) == GSL_SUCCESS { break }
                // A parameter creeping onto a bound (dp/du -> 0 there) makes BFGS crawl for hundreds of iterations;
                // stop and let the active-bound refit in `minimize` place it on the bound exactly.
                if iter >= 5 && ctx.approachesBound(s.pointee.x) { break }
            }
            for i in 0..<m { u[i] = gsl_vector_get(s.pointee.x, i) }
        }
        return newtonPolish(ctx, from: u)
    }

    /// Newton steps on one finite-difference Hessian (internal coordinates) of the analytic gradient, taken while
    /// they lower `-ln L` (at most four); returns the final point and its EDM `g^T H^-1 g / 2` with that Hessian.
    /// Once the predicted decrease (the EDM) is below the resolution of `-ln L` (`1e-12 max(1, |f|)`), a rise within
    /// that resolution is rounding, and the step is judged by its EDM instead (it must fall): so a tight
    /// ``MinimizerOptions/edmTolerance`` can be met.
    private func newtonPolish(_ ctx: MinimizationContext, from start: [Double]) -> Attempt {
        let m = start.count
        var u = start
        var g = [Double](repeating: 0, count: m)
        var f = ctx.valueAndGradient(u, &g)
        guard f.isFinite, let h = internalHessian(ctx, at: u) else {
            return Attempt(u: u, f: f, edm: .infinity, converged: false)
        }
        var gt = [Double](repeating: 0, count: m)
        var edm = Double.infinity
        for _ in 0..<5 {
            guard let step = SymmetricMatrix.solve(h, g.map { -$0 }, n: m) else { edm = .infinity; break }
            edm = 0
            for i in 0..<m { edm -= 0.5 * g[i] * step[i] }
            if edm < options.edmTolerance * 1e-2 { break }
            var trial = u
            for i in 0..<m { trial[i] += step[i] }
            let ft = ctx.valueAndGradient(trial, &gt)
            guard ft.isFinite else { break }
            if ft > f {
                let resolution = 1e-12 * max(1, abs(f))
                guard edm < resolution, ft - f < resolution, let next = SymmetricMatrix.solve(h, gt.map { -$0 }, n: m) else { break }
                var edmNext = 0.0
                for i in 0..<m { edmNext -= 0.5 * gt[i] * next[i] }
                guard edmNext < edm else { break }
            }
            u = trial; f = ft; swap(&g, &gt)
            edm = .infinity
        }
        if edm == .infinity, let step = SymmetricMatrix.solve(h, g.map { -$0 }, n: m) {
            edm = 0
            for i in 0..<m { edm -= 0.5 * g[i] * step[i] }
        }
        return Attempt(u: u, f: f, edm: edm, converged: f.isFinite && edm < options.edmTolerance)
    }

    private func runSimplex(_ ctx: MinimizationContext, from u0: [Double]) -> [Double] {
        let m = u0.count
        guard let s = gsl_multimin_fminimizer_alloc(neyman_gsl_multimin_nmsimplex2(), m) else { return u0 }
        defer { gsl_multimin_fminimizer_free(s) }
        var function = gsl_multimin_function(f: { v, p in MinimizationContext.from(p).value(v!) },
                                             n: m, params: Unmanaged.passUnretained(ctx).toOpaque())
        let uvec = gsl_vector_alloc(m)!
        let step = gsl_vector_alloc(m)!
        defer { gsl_vector_free(uvec); gsl_vector_free(step) }
        for i in 0..<m { gsl_vector_set(uvec, i, u0[i]); gsl_vector_set(step, i, 0.2) }
        var u = u0
        if gsl_multimin_fminimizer_set(s, &function, uvec, step) == 0 {
            for _ in 0..<(options.maxIterations * 5) {
                if gsl_multimin_fminimizer_iterate(s) != 0 { break }
                if gsl_multimin_test_size(gsl_multimin_fminimizer_size(s), 1e-10) == GSL_SUCCESS { break }
            }
            for i in 0..<m { u[i] = gsl_vector_get(s.pointee.x, i) }
        }
        return u
    }

    // MARK: - Hessians

    /// Hessian of `-ln L` in internal coordinates by central differences of the internal gradient.
    private func internalHessian(_ ctx: MinimizationContext, at u: [Double]) -> [Double]? {
        let m = u.count
        var h = [Double](repeating: 0, count: m * m)
        if ctx.hasHessian == true {
            var g = [Double](repeating: 0, count: m)
            guard ctx.valueGradientHessian(u, &g, &h) != nil, h.allSatisfy({ $0.isFinite }) else { return nil }
            return h
        }
        var up = u
        var gp = [Double](repeating: 0, count: m)
        var gm = [Double](repeating: 0, count: m)
        for j in 0..<m {
            let step = 1e-5 * max(1, abs(u[j]))
            up[j] = u[j] + step
            _ = ctx.valueAndGradient(up, &gp)
            up[j] = u[j] - step
            _ = ctx.valueAndGradient(up, &gm)
            up[j] = u[j]
            for i in 0..<m { h[i * m + j] = (gp[i] - gm[i]) / (2 * step) }
        }
        guard h.allSatisfy({ $0.isFinite }) else { return nil }
        return SymmetricMatrix.symmetrized(h, n: m)
    }

    /// Covariance in external coordinates: the inverse of the finite-difference Hessian of the analytic gradient,
    /// embedded in an `n x n` matrix with zeros for fixed parameters.
    func externalCovariance(_ ctx: MinimizationContext, at x: [Double]) -> [Double]? {
        let free = ctx.free
        let m = free.count
        let n = x.count
        let pars = ctx.likelihood.parameters
        var h = [Double](repeating: 0, count: m * m)
        var xs = x
        var gp = [Double](repeating: 0, count: n)
        var gm = [Double](repeating: 0, count: n)
        if ctx.hasHessian == true, let full = ctx.externalHessian(at: x) {
            for (i, ki) in free.enumerated() { for (j, kj) in free.enumerated() { h[i * m + j] = full[ki * n + kj] } }
        } else {
        for (j, k) in free.enumerated() {
            let step = 1e-5 * max(1e-2, abs(x[k]))
            let hi = min(x[k] + step, pars[k].upper)
            let lo = max(x[k] - step, pars[k].lower)
            guard hi > lo else { return nil }
            xs[k] = hi
            _ = ctx.likelihood.negativeLogLikelihood(xs, gradient: &gp)
            xs[k] = lo
            _ = ctx.likelihood.negativeLogLikelihood(xs, gradient: &gm)
            xs[k] = x[k]
            for (i, kk) in free.enumerated() { h[i * m + j] = (gp[kk] - gm[kk]) / (hi - lo) }
        }
        ctx.evaluations += 2 * m
        }
        let hs = SymmetricMatrix.symmetrized(h, n: m)
        guard let inv = SymmetricMatrix.inverse(hs, n: m) else { return nil }
        var cov = [Double](repeating: 0, count: n * n)
        for (i, ki) in free.enumerated() { for (j, kj) in free.enumerated() { cov[ki * n + kj] = inv[i * m + j] } }
        for k in free where !(cov[k * n + k] > 0) { return nil }
        return cov
    }
}

