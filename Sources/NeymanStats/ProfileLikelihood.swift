import Foundation
import NeymanCore

/// A test statistic evaluated on one data set, with the two fits behind it.
public struct TestStatisticValue: Sendable {
    /// The value of the test statistic (>= 0).
    public let value: Double
    /// The unconditional fit (`mu_hat`, `theta_hat`).
    public let freeFit: FitResult
    /// The conditional fit at the tested `mu` (`theta_hat_hat`); `nil` when not needed (`mu_hat > mu` for
    /// `q_mu` / `q~_mu`, where the statistic is 0 by definition).
    public let conditionalFit: FitResult?
    /// Both fits converged.
    public var converged: Bool { freeFit.converged && (conditionalFit?.converged ?? true) }
}

/// Profile-likelihood machinery over a ``StatisticalModel``: unconditional and conditional fits, `t_mu`, and the
/// test statistics of ``TestStatistic``.
///
/// `lambda(mu) = L(mu, theta_hat_hat(mu)) / L(mu_hat, theta_hat)` (docs/formulas.md §3; CCGV eq. 7).
public struct ProfileLikelihood<Model: StatisticalModel>: Sendable {
    public let model: Model
    public var minimizer: Minimizer

    public init(model: Model, minimizer: Minimizer = Minimizer()) {
        self.model = model
        self.minimizer = minimizer
    }

    /// The unconditional maximum-likelihood fit.
    public func fit(_ data: Model.Data, start: [Double]? = nil) throws -> FitResult {
        try minimizer.minimize(try model.likelihood(for: data), start: start)
    }

    /// The fit with the parameter of interest held at `mu` (`theta_hat_hat(mu)`).
    public func conditionalFit(mu: Double, _ data: Model.Data, start: [Double]? = nil) throws -> FitResult {
        try minimizer.minimize(try model.likelihood(for: data), start: start, fixed: [model.poiIndex: mu])
    }

    /// `-2 ln lambda(mu)` as a function of `mu` on a grid: the profile likelihood scan, with the unconditional fit.
    public func scan(_ data: Model.Data, mus: [Double]) throws -> (values: [Double], free: FitResult) {
        let l = try model.likelihood(for: data)
        let free = try minimizer.minimize(l)
        var start = free.values
        var out: [Double] = []
        for mu in mus {
            let c = try minimizer.minimize(l, start: start, fixed: [model.poiIndex: mu])
            start = c.values
            out.append(max(0, 2 * (c.nll - free.nll)))
        }
        return (out, free)
    }

    /// The model used for the unconditional fit of `statistic`: `q_mu` lets `mu_hat` go negative (down to where
    /// a rate would turn negative); `q0` and `q~_mu` keep the model's bounds with the lower bound raised to 0.
    public func fitModel(for statistic: TestStatistic) -> Model {
        let p = model.parameters[model.poiIndex]
        switch statistic {
        case .qmu:
            return model.withPOIBounds(lower: min(p.lower, model.poiLowerLimitForPositiveRates), upper: p.upper)
        case .q0, .qmuTilde:
            return model.withPOIBounds(lower: max(p.lower, 0), upper: p.upper)
        }
    }

    /// Evaluates `statistic` at `mu` on `data`. `start` (e.g. the parameters a toy was generated with) is the
    /// starting point of both fits.
    public func evaluate(_ statistic: TestStatistic, mu: Double, data: Model.Data, start: [Double]? = nil) throws -> TestStatisticValue {
        let fm = fitModel(for: statistic)
        let likelihood = try fm.likelihood(for: data)
        let poi = model.poiIndex
        var free = try minimizer.minimize(likelihood, start: start)
        let muHat = free.values[poi]
        let tested = statistic == .q0 ? 0 : mu
        if statistic != .q0 && muHat > mu {
            return TestStatisticValue(value: 0, freeFit: free, conditionalFit: nil)
        }
        var condStart = start ?? free.values
        condStart[poi] = tested
        let cond = try minimizer.minimize(likelihood, start: condStart, fixed: [poi: tested])
        if cond.nll < free.nll - 1e-9 {
            // The conditional fit found a lower point than the free one: the free fit missed the global minimum.
            let retry = try minimizer.minimize(likelihood, start: cond.values)
            if retry.nll < free.nll { free = retry }
        }
        if statistic == .q0 && free.values[poi] < 0 {
            return TestStatisticValue(value: 0, freeFit: free, conditionalFit: cond)
        }
        if statistic != .q0 && free.values[poi] > mu {
            return TestStatisticValue(value: 0, freeFit: free, conditionalFit: cond)
        }
        let t = max(0, 2 * (cond.nll - free.nll))
        return TestStatisticValue(value: t, freeFit: free, conditionalFit: cond)
    }
}
