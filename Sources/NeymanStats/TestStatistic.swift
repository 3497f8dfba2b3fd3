import Foundation

/// The profile-likelihood test statistics of Cowan, Cranmer, Gross, Vitells, arXiv:1007.1727 (docs/formulas.md §3).
///
/// With `t_mu = -2 ln lambda(mu) = 2 [NLL(mu, theta_hat_hat(mu)) - NLL(mu_hat, theta_hat)]`, clipped at 0:
/// ```
///   q0        = t_0                if mu_hat >= 0, else 0           (discovery; eq. 12)
///   q_mu      = t_mu               if mu_hat <= mu, else 0          (upper limits; eq. 14, mu_hat unbounded below)
///   q~_mu     = t_mu with mu_hat constrained >= 0 (the fit's POI lower bound is 0),
///               and 0 if mu_hat > mu                                (upper limits; eq. 16)
/// ```
/// For `q~_mu` the denominator uses `mu = 0` whenever the unconstrained `mu_hat` would be negative, which is
/// exactly a fit with the POI bounded at 0 (pyhf's `qmu_tilde`).
public enum TestStatistic: String, Sendable, CaseIterable {
    case q0
    case qmu = "q"
    case qmuTilde = "qtilde"

    /// A one-line description for reports and help text.
    public var summary: String {
        switch self {
        case .q0: return "q0: discovery test statistic (CCGV eq. 12)"
        case .qmu: return "q_mu: one-sided limit test statistic, mu_hat unbounded below (CCGV eq. 14)"
        case .qmuTilde: return "q~_mu: one-sided limit test statistic, mu_hat >= 0 (CCGV eq. 16)"
        }
    }
}
