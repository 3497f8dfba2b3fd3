@preconcurrency import CGSL
import Foundation
import NeymanCore

/// p-values, CLs and expected bands in the asymptotic (Wald) approximation of Cowan, Cranmer, Gross, Vitells,
/// arXiv:1007.1727, with pyhf's conventions (`calctype="asymptotics"`, `calc_base_dist="normal"`).
///
/// ```
///   Asimov data: expected data at theta_hat_hat(mu' = 0) fitted to the observed data (mu' = 1 for q0)
///   sqrt(q_A) = sqrt(q(mu; Asimov))                    q_A = mu^2 / sigma^2   (CCGV eq. 32)
///   statistic in -mu_hat/sigma space:
///     q, q0:  t = sqrt(q) - sqrt(q_A)
///     q~:     t = sqrt(q) - sqrt(q_A)            if sqrt(q) < sqrt(q_A)
///             t = (q - q_A) / (2 sqrt(q_A))      otherwise                        (CCGV eq. 66)
///   CLs+b = Phi(-(t + sqrt(q_A)))      CLb = Phi(-t)      CLs = CLs+b / CLb
///   expected at n_sigma = +2, +1, 0, -1, -2:   CLs = Phi(-(n + sqrt(q_A))) / Phi(-n)
/// ```
/// For `q~` with `q <= q_A` this reduces to `CLs+b = 1 - Phi(sqrt(q))`, and beyond to
/// `1 - Phi((q + q_A)/(2 sqrt(q_A)))` (docs/formulas.md §3).
///
/// Defined edge cases (the formulas above would give 0/0):
/// - **No sensitivity** (`q_A = 0`: the tested `mu = 0`, where signal-plus-background *is* background-only, or a
///   signal too small to change the expected counts): the two hypotheses coincide, so `t = sqrt(q)`,
///   `CLs+b = CLb = Phi(-sqrt(q))` and `CLs = 1`, observed and expected. (For `q~`, `q_mu <= q_A = 0` gives the
///   `sqrt(q) - sqrt(q_A)` branch; the other branch divides by `sqrt(q_A) = 0`.)
/// - **Far tails** (`CLb` underflows to 0 for `t > 37.5`): `CLs = exp(ln Q(t + sqrt(q_A)) - ln Q(t))` from
///   `gsl_sf_log_erfc`, a finite number, never 0/0.
public struct AsymptoticCalculator<Model: StatisticalModel>: Sendable {
    public let profile: ProfileLikelihood<Model>
    public let statistic: TestStatistic
    public let data: Model.Data
    /// The Asimov data set (computed once: it does not depend on the tested mu).
    public let asimovData: Model.Data

    public init(model: Model, data: Model.Data, statistic: TestStatistic = .qmuTilde, minimizer: Minimizer = Minimizer(options: .fast)) throws {
        self.profile = ProfileLikelihood(model: model, minimizer: minimizer)
        self.statistic = statistic
        self.data = data
        let asimovMu: Double = statistic == .q0 ? 1 : 0
        let nuisance = try profile.conditionalFit(mu: asimovMu, data)
        guard nuisance.converged else {
            throw NeymanError.numericalFailure("the fit for the Asimov data set (mu = \(asimovMu)) did not converge: \(nuisance.status)")
        }
        self.asimovData = try model.asimovData(nuisance.values)
    }

    /// `(t, sqrt(q_A), q, q_A, converged)` at `mu`.
    public func transformedStatistic(mu: Double) throws -> (t: Double, sqrtQA: Double, q: Double, qA: Double, converged: Bool) {
        let observed = try profile.evaluate(statistic, mu: mu, data: data)
        // At mu = 0 (q, q~) signal-plus-background is background-only: q_A = 0 by definition, not by a fit's rounding.
        let coincide = statistic != .q0 && mu == 0
        let asimov = coincide ? nil : try profile.evaluate(statistic, mu: mu, data: asimovData)
        let q = observed.value, qA = asimov?.value ?? 0
        let sq = q.squareRoot(), sqA = qA.squareRoot()
        let t: Double
        switch statistic {
        case .q0, .qmu: t = sq - sqA
        case .qmuTilde: t = sq < sqA || sqA == 0 ? sq - sqA : (q - qA) / (2 * sqA)
        }
        return (t, sqA, q, qA, observed.converged && (asimov?.converged ?? true))
    }

    /// The CLs test of `mu`.
    public func test(mu: Double) throws -> HypothesisTestResult {
        let (t, sqA, q, qA, converged) = try transformedStatistic(mu: mu)
        let (clsb, clb, cls) = Self.pValues(t: t, sqrtQA: sqA)
        var eb: [Double] = [], es: [Double] = [], ec: [Double] = []
        for n in ExpectedBand.asymptoticNSigma {
            let (a, b, c) = Self.pValues(t: n, sqrtQA: sqA)
            es.append(a); eb.append(b); ec.append(c)
        }
        return HypothesisTestResult(mu: mu, statistic: statistic, calculator: "asymptotic", observedStatistic: q,
                                    clsb: clsb, clb: clb, cls: cls, clsbExpected: es, clbExpected: eb, clsExpected: ec,
                                    asimovStatistic: qA, toys: 0, clsbError: nil, clbError: nil, clsError: nil,
                                    fitsConverged: converged, observedFitsConverged: converged, convergedFraction: converged ? 1 : 0)
    }

    /// `(CLs+b, CLb, CLs)` for the transformed statistic `t` (pyhf: `sb_dist` shifted by `-sqrt(q_A)`, `b_dist` by 0).
    /// `sqrtQA == 0` gives `CLs = 1` exactly; when `CLb` underflows, `CLs` comes from the logarithms of the tails.
    public static func pValues(t: Double, sqrtQA: Double) -> (Double, Double, Double) {
        let clsb = Normal.cdf(-(t + sqrtQA))
        let clb = Normal.cdf(-t)
        if sqrtQA == 0 { return (clb, clb, 1) }
        if clb > 1e-300 { return (clsb, clb, clsb / clb) }
        return (clsb, clb, Foundation.exp(logSurvival(t + sqrtQA) - logSurvival(t)))
    }

    /// `ln(1 - Phi(x))`, finite far into the tail: `ln(erfc(x / sqrt 2) / 2)` with `gsl_sf_log_erfc`.
    static func logSurvival(_ x: Double) -> Double { gsl_sf_log_erfc(x / 2.0.squareRoot()) - M_LN2 }
}
