import Foundation
import NeymanCore

/// A likelihood some of whose parameters have a closed-form conditional minimum given the others (e.g. the per-bin
/// gammas of a ``BinnedLikelihood``, ``ConditionalGamma``). ``Minimizer`` asks for the profiled view first and fits
/// over the remaining parameters only.
public protocol ProfilableLikelihood: Likelihood {
    /// The view of this likelihood with the parameters that can be profiled for a fit holding `held` (parameter
    /// indices, besides those marked ``Parameter/isFixed``) minimised in closed form; `nil` when there are none or
    /// profiling is switched off.
    func analyticallyProfiled(holding held: Set<Int>) -> (any ProfiledLikelihood)?
}

/// The profiled view of a ``ProfilableLikelihood``: `NLL_prof(x) = min over the profiled parameters of NLL(x)`.
///
/// Its ``Likelihood/parameters`` are the full likelihood's, the profiled ones marked ``Parameter/isFixed`` (their
/// entries of `x` are ignored, their gradient entries are 0); the gradient in the others is the partial derivative of
/// the full `-ln L` at the profiled point (envelope theorem).
public protocol ProfiledLikelihood: Likelihood {
    /// The indices of the profiled parameters.
    var profiledParameters: [Int] { get }
    /// `x` with every profiled parameter set to its conditional minimum given the others.
    func completed(_ x: [Double]) -> [Double]
}

extension Minimizer {
    /// The fit of a ``ProfilableLikelihood`` through its profiled view: the view is minimised over the remaining free
    /// parameters (without covariance), its best point completed with the profiled parameters, and then, when
    /// ``MinimizerOptions/computeCovariance`` is set, the covariance of *every* free parameter computed from the full
    /// likelihood's Hessian at that point (as after a full fit: the profiled parameters get their Hesse errors too).
    ///
    /// The minimum is the full fit's: `min_{theta, gamma} NLL = min_theta min_gamma NLL`. The result lists every
    /// parameter; ``FitResult/evaluations`` counts the view's evaluations and the covariance's.
    func minimizeProfiled(_ view: any ProfiledLikelihood, full likelihood: any Likelihood, start: [Double]?,
                          fixed: [Int: Double]) throws -> FitResult {
        var inner = self
        inner.options.computeCovariance = false
        let reduced = try inner.minimize(view, start: start, fixed: fixed)
        let x = view.completed(reduced.values)
        let nll = likelihood.negativeLogLikelihood(x)
        let pars = likelihood.parameters
        let n = pars.count
        let free = (0..<n).filter { fixed[$0] == nil && !pars[$0].isFixed }
        var evaluations = reduced.evaluations
        var c = Self.withoutCovariance(parameterCount: n, free: free, converged: reduced.converged && nll.isFinite,
                                       status: reduced.status)
        if options.computeCovariance && !free.isEmpty {
            let ctx = MinimizationContext(likelihood: likelihood, template: x, free: free,
                                          transforms: free.map { BoundTransform(lower: pars[$0].lower, upper: pars[$0].upper) })
            c = covarianceStage(ctx, at: x, converged: c.converged, status: c.status)
            evaluations += ctx.evaluations
        }
        return FitResult(names: pars.map(\.name), values: x, uncertainties: c.uncertainties, covariance: c.covariance,
                         nll: nll, edm: reduced.edm, converged: c.converged, status: c.status, evaluations: evaluations,
                         heldAtBound: c.held.map { pars[$0].name })
    }
}
