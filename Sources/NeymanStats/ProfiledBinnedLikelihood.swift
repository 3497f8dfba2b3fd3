import Foundation
import NeymanCore

/// `-ln L` of a ``BinnedLikelihood`` with some per-bin gammas profiled in closed form (``GammaProfilingPlan``,
/// ``ConditionalGamma``):
///
/// ```
///   NLL_prof(theta) = NLL(theta, gamma_hat(theta)),   gamma_hat_k(theta) = argmin_{gamma_k in bounds} NLL(theta, gamma)
/// ```
/// Its parameters are those of the likelihood with the profiled gammas marked fixed, so the minimiser moves the
/// shared parameters only; the values passed for the gammas are ignored. The profiled gammas act on disjoint bins
/// and constraints, so the minimum over them splits into one 1-D problem each.
///
/// Gradient (envelope theorem): `d NLL_prof / d theta = dNLL/dtheta (theta, gamma_hat)`, the partial derivative at the
/// profiled gammas, because `dNLL/dgamma = 0` at an interior `gamma_hat` and `d gamma_hat / d theta = 0` where it is
/// clamped to a bound. The entries of the profiled gammas are 0.
///
/// A class with scratch buffers, like the likelihood it wraps: one instance per thread.
final class ProfiledBinnedLikelihood: ProfiledLikelihood {
    let base: BinnedLikelihood
    let plan: GammaProfilingPlan
    let parameters: [Parameter]
    private let compiled: CompiledBinnedModel
    private let constraints: [ConditionalGamma.Constraint]
    private var theta: [Double]
    private let rest: UnsafeMutablePointer<Double>
    private let scaled: UnsafeMutablePointer<Double>

    init(base: BinnedLikelihood, plan: GammaProfilingPlan) {
        self.base = base
        self.plan = plan
        self.compiled = base.model.compiled
        var pars = base.parameters
        for g in plan.gammas { pars[g.parameter].isFixed = true }
        self.parameters = pars
        let aux = base.data.auxiliary
        self.constraints = plan.gammas.map { g in
            let c = base.model.compiled.constraints[g.constraint]
            switch c.kind {
            case .poisson: return .poisson(tau: c.width, aux: aux[c.auxIndex])
            case .gaussian: return .gaussian(sigma: c.width, aux: aux[c.auxIndex])
            }
        }
        self.theta = base.parameters.map(\.initial)
        let nBins = compiled.binCount
        rest = .allocate(capacity: nBins)
        scaled = .allocate(capacity: nBins)
    }

    deinit { rest.deallocate(); scaled.deallocate() }

    var profiledParameters: [Int] { plan.gammas.map(\.parameter) }

    /// Copies `x` into the scratch point and sets each profiled gamma to its conditional minimum there.
    private func profile(_ x: [Double]) {
        for k in 0..<x.count { theta[k] = x[k] }
        let observed = base.data.main
        theta.withUnsafeMutableBufferPointer { th in
            plan.termSlot.withUnsafeBufferPointer { slot in
                compiled.expectedSplit(UnsafePointer(th.firstAddress), termSlot: slot.firstAddress, rest: rest, scaled: scaled)
            }
            for (k, g) in plan.gammas.enumerated() {
                th[g.parameter] = ConditionalGamma.minimum(rest: rest[g.bin], scaled: scaled[g.bin], observed: observed[g.bin],
                                                           constraint: constraints[k], lower: g.lower, upper: g.upper)
            }
        }
    }

    func completed(_ x: [Double]) -> [Double] {
        profile(x)
        return theta
    }

    func negativeLogLikelihood(_ x: [Double]) -> Double {
        profile(x)
        return base.negativeLogLikelihood(theta)
    }

    func negativeLogLikelihood(_ x: [Double], gradient: inout [Double]) -> Double {
        profile(x)
        let f = base.negativeLogLikelihood(theta, gradient: &gradient)
        for g in plan.gammas { gradient[g.parameter] = 0 }
        return f
    }
}

extension BinnedLikelihood: ProfilableLikelihood {
    /// The likelihood with the gammas of ``GammaProfilingAnalysis`` profiled for a fit holding `held`; `nil` when the
    /// model's ``BinnedModel/gammaProfiling`` is ``GammaProfiling/numeric`` or no gamma qualifies.
    public func analyticallyProfiled(holding held: Set<Int>) -> (any ProfiledLikelihood)? {
        guard model.gammaProfiling == .analytic,
              let plan = model.gammaAnalysis.plan(holding: held, parameters: parameters, compiled: model.compiled) else { return nil }
        return ProfiledBinnedLikelihood(base: self, plan: plan)
    }
}
