import Foundation
import NeymanCore

/// Settings of ``Minimizer``.
public struct MinimizerOptions: Sendable {
    /// Convergence: the estimated distance to the minimum, `EDM = g^T H^-1 g / 2` (in units of `-ln L`), must fall
    /// below this. `1e-10` makes `-2 ln lambda` accurate to about `1e-9`, well inside what CLs needs.
    public var edmTolerance: Double = 1e-10
    /// Iteration limit of each BFGS or simplex run.
    public var maxIterations: Int = 2000
    /// Compute the covariance matrix (inverse Hessian of `-ln L` in the parameters themselves) at the minimum.
    public var computeCovariance: Bool = true
    /// First trial step of BFGS, in internal (transformed) units.
    public var initialStep: Double = 0.1

    public init(edmTolerance: Double = 1e-10, maxIterations: Int = 2000, computeCovariance: Bool = true) {
        self.edmTolerance = edmTolerance
        self.maxIterations = maxIterations
        self.computeCovariance = computeCovariance
    }

    /// No covariance: for the many fits inside toys and scans, where only the minimum is used.
    public static var fast: MinimizerOptions { MinimizerOptions(computeCovariance: false) }
}

/// The outcome of one minimisation. A fit that did not converge says so in ``converged`` and ``status``;
/// its numbers are the best point found, never presented as a minimum.
public struct FitResult: Sendable {
    /// Parameter names, in order.
    public let names: [String]
    /// Best-fit values (fixed parameters at their fixed values).
    public let values: [Double]
    /// `sqrt` of the covariance diagonal; 0 for fixed parameters; NaN when no valid covariance was computed.
    public let uncertainties: [Double]
    /// Row-major `n x n` covariance (zero rows and columns for fixed parameters), or `nil` if not computed or the
    /// Hessian was not positive definite.
    public let covariance: [Double]?
    /// `-ln L` at the minimum.
    public let nll: Double
    /// Estimated distance to the minimum at the end (`g^T H^-1 g / 2`).
    public let edm: Double
    /// True when the EDM criterion was met (and, with a covariance requested, the Hessian is positive definite).
    public let converged: Bool
    /// What happened: `"ok"`, or which stages ran and why the result is not trusted.
    public let status: String
    /// Number of likelihood evaluations.
    public let evaluations: Int
    /// Parameters that ended on an active bound (the gradient pushing outwards) and were held there for the
    /// covariance, because the Hessian over all free parameters was not positive definite: their uncertainty is 0,
    /// as for a fixed parameter, and ``status`` names them. Empty otherwise.
    public internal(set) var heldAtBound: [String] = []

    /// The same result flagged as not converged, with `status` saying why: for checks made outside the minimiser
    /// (e.g. more free parameters than events), so that such a fit is never presented as a minimum.
    public func markedNotConverged(_ status: String) -> FitResult {
        FitResult(names: names, values: values, uncertainties: uncertainties, covariance: covariance, nll: nll, edm: edm,
                  converged: false, status: status, evaluations: evaluations, heldAtBound: heldAtBound)
    }

    /// `2 (-ln L)`: pyhf's `twice_nll`.
    public var twiceNLL: Double { 2 * nll }

    /// The value of parameter `name`, if present.
    public func value(_ name: String) -> Double? { names.firstIndex(of: name).map { values[$0] } }
    /// The uncertainty of parameter `name`, if present.
    public func uncertainty(_ name: String) -> Double? { names.firstIndex(of: name).map { uncertainties[$0] } }
    /// Covariance element for parameters `i`, `j`.
    public func covariance(_ i: Int, _ j: Int) -> Double? { covariance.map { $0[i * names.count + j] } }
}

/// Argument checks and status texts of ``Minimizer``.
extension Minimizer {
    /// The status of a fit whose EDM criterion was met but whose Hessian is not positive definite.
    public static let singularHessianStatus = "not converged: the Hessian at the minimum is not positive definite "
        + "(a parameter or a combination of parameters is not determined by the data), no covariance"

    /// The status of a converged fit whose covariance needed `names` held on their bounds.
    public static func heldAtBoundStatus(_ names: [String]) -> String {
        "ok; on an active bound, held there for the covariance (uncertainty 0): " + names.joined(separator: ", ")
    }

    /// Free parameters that end within `1e-3` of their range from a bound with the gradient pushing outwards
    /// (index -> that bound): the minimum lies on the bound for them.
    static func activeBounds(_ ctx: MinimizationContext, at x: [Double]) -> [Int: Double] {
        let pars = ctx.likelihood.parameters
        var gradient = [Double](repeating: 0, count: x.count)
        if let cached = ctx.cachedGradient(at: x) { gradient = cached } else {
            _ = ctx.likelihood.negativeLogLikelihood(x, gradient: &gradient)
        }
        var atBound: [Int: Double] = [:]
        for k in ctx.free {
            let lo = pars[k].lower, hi = pars[k].upper
            let scale = lo.isFinite && hi.isFinite ? hi - lo : max(1, abs(x[k]))
            if lo.isFinite && x[k] - lo < 1e-3 * scale && gradient[k] > 0 { atBound[k] = lo }
            if hi.isFinite && hi - x[k] < 1e-3 * scale && gradient[k] < 0 { atBound[k] = hi }
        }
        return atBound
    }

    /// What the covariance stage of a fit decides: the covariance (or `nil`), the uncertainties, whether the fit counts
    /// as converged, its status, and the parameters held on an active bound.
    typealias CovarianceOutcome = (covariance: [Double]?, uncertainties: [Double], converged: Bool, status: String, held: [Int])

    /// The covariance stage of a fit that ended at `x` over the free parameters of `ctx`: the inverse Hessian; if it is
    /// singular only through parameters on an active bound, the covariance of the others with those held
    /// (``heldAtBoundStatus(_:)``); otherwise no covariance and a converged fit is marked not converged
    /// (``singularHessianStatus``). Uncertainties are `sqrt` of the diagonal, 0 for fixed parameters, NaN for free ones
    /// without a covariance.
    func covarianceStage(_ ctx: MinimizationContext, at x: [Double], converged: Bool, status: String) -> CovarianceOutcome {
        let n = x.count
        let pars = ctx.likelihood.parameters
        var out = Self.withoutCovariance(parameterCount: n, free: ctx.free, converged: converged, status: status)
        if let cov = externalCovariance(ctx, at: x) {
            out.covariance = cov
        } else if let (cov, onBound) = reducedCovariance(ctx, at: x) {
            // The Hessian over every free parameter is singular only through parameters on an active bound: the
            // covariance of the others, those held on their bounds like fixed parameters.
            out.covariance = cov
            out.held = onBound
            if converged { out.status = Self.heldAtBoundStatus(onBound.map { pars[$0].name }) }
        } else if converged {
            out.converged = false
            out.status = Self.singularHessianStatus
        }
        if let cov = out.covariance { for k in 0..<n { out.uncertainties[k] = cov[k * n + k].squareRoot() } }
        return out
    }

    /// The outcome without a covariance: uncertainties 0 for fixed parameters, NaN for free ones.
    static func withoutCovariance(parameterCount n: Int, free: [Int], converged: Bool, status: String) -> CovarianceOutcome {
        var uncertainties = [Double](repeating: 0, count: n)
        for k in free { uncertainties[k] = .nan }
        return (nil, uncertainties, converged, status, [])
    }

    /// The covariance with the parameters on an active bound held fixed (zero rows and columns), and their indices;
    /// `nil` when there are none or the Hessian of the others is not positive definite either.
    func reducedCovariance(_ ctx: MinimizationContext, at x: [Double]) -> (covariance: [Double], held: [Int])? {
        let held = Self.activeBounds(ctx, at: x).keys.sorted()
        guard !held.isEmpty else { return nil }
        let rest = ctx.free.filter { !held.contains($0) }
        guard !rest.isEmpty else { return ([Double](repeating: 0, count: x.count * x.count), held) }
        let pars = ctx.likelihood.parameters
        let reduced = MinimizationContext(likelihood: ctx.likelihood, template: x, free: rest,
                                          transforms: rest.map { BoundTransform(lower: pars[$0].lower, upper: pars[$0].upper) })
        guard let cov = externalCovariance(reduced, at: x) else { return nil }
        ctx.evaluations += reduced.evaluations
        return (cov, held)
    }

    /// The checks of ``minimize(_:start:fixed:)`` on its arguments.
    static func checkArguments(parameters pars: [Parameter], start: [Double]?, fixed: [Int: Double]) throws {
        if let start, start.count != pars.count {
            throw NeymanError.invalid("the start point has \(start.count) values but the likelihood has \(pars.count) parameters "
                                      + "(\(pars.map(\.name).joined(separator: ", ")))", parameter: "start")
        }
        for (k, v) in fixed.sorted(by: { $0.key < $1.key }) {
            guard pars.indices.contains(k) else {
                throw NeymanError.invalid("fixed parameter index \(k) is out of range (the likelihood has \(pars.count) parameters)",
                                          parameter: "fixed")
            }
            guard v.isFinite else {
                throw NeymanError.invalid("the value \(v) fixed for parameter '\(pars[k].name)' is not finite", parameter: pars[k].name)
            }
        }
    }
}
