@preconcurrency import CGSL

/// The standard normal distribution and the Poisson log-probability used throughout NeymanStats (GSL underneath).
public enum Normal {
    /// `Phi(x)`, the standard normal CDF (`gsl_cdf_ugaussian_P`).
    @inlinable public static func cdf(_ x: Double) -> Double { gsl_cdf_ugaussian_P(x) }
    /// `1 - Phi(x)` computed without cancellation (`gsl_cdf_ugaussian_Q`).
    @inlinable public static func survival(_ x: Double) -> Double { gsl_cdf_ugaussian_Q(x) }
    /// `Phi^-1(p)` (`gsl_cdf_ugaussian_Pinv`).
    @inlinable public static func quantile(_ p: Double) -> Double { gsl_cdf_ugaussian_Pinv(p) }
    /// `Phi^-1(1 - p)` without cancellation for small `p` (`gsl_cdf_ugaussian_Qinv`).
    @inlinable public static func upperQuantile(_ p: Double) -> Double { gsl_cdf_ugaussian_Qinv(p) }
    /// The density of N(0, sigma^2) at `x`, `exp(-x^2 / 2 sigma^2) / (sigma sqrt(2 pi))` (`gsl_ran_gaussian_pdf`).
    @inlinable public static func pdf(_ x: Double, sigma: Double) -> Double { gsl_ran_gaussian_pdf(x, sigma) }
    /// `P(X <= x)` for X ~ N(0, sigma^2) (`gsl_cdf_gaussian_P`).
    @inlinable public static func cdf(_ x: Double, sigma: Double) -> Double { gsl_cdf_gaussian_P(x, sigma) }
    /// `ln(1 - Phi(t))`, finite far into the upper tail: `ln erfc(t / sqrt 2) - ln 2` (`gsl_sf_log_erfc`).
    @inlinable public static func logSurvival(_ t: Double) -> Double { gsl_sf_log_erfc(t / 2.0.squareRoot()) - log(2.0) }
}

/// The beta distribution on [0, 1] with shape parameters `a, b > 0`: density `x^(a-1) (1-x)^(b-1) / B(a, b)`.
public enum BetaDistribution {
    /// The density at `x` (`gsl_ran_beta_pdf`; 0 outside [0, 1]).
    @inlinable public static func pdf(_ x: Double, a: Double, b: Double) -> Double { gsl_ran_beta_pdf(x, a, b) }
    /// `P(X <= x)`, the regularised incomplete beta function `I_x(a, b)` (`gsl_cdf_beta_P`).
    @inlinable public static func cdf(_ x: Double, a: Double, b: Double) -> Double { gsl_cdf_beta_P(x, a, b) }
}

/// The Poisson distribution, extended to non-integer counts as pyhf and RooFit do:
/// `ln P(n | lambda) = n ln(lambda) - lambda - ln Gamma(n + 1)`.
public enum Poisson {
    /// `ln Gamma(n + 1)` (`gsl_sf_lngamma`).
    @inlinable public static func logFactorial(_ n: Double) -> Double { n == 0 || n == 1 ? 0 : gsl_sf_lngamma(n + 1) }

    /// `ln P(n | lambda)` for `n >= 0`, `lambda > 0`; `lambda == 0` gives 0 for `n == 0` and `-inf` otherwise.
    @inlinable public static func logPMF(_ n: Double, mean lambda: Double) -> Double {
        if lambda <= 0 { return n == 0 ? 0 : -.infinity }
        return (n == 0 ? 0 : n * Foundation.log(lambda)) - lambda - logFactorial(n)
    }

    /// `P(N <= n | lambda)` for integer `n` (`gsl_cdf_poisson_P`).
    @inlinable public static func cdf(_ n: Int, mean lambda: Double) -> Double {
        n < 0 ? 0 : gsl_cdf_poisson_P(UInt32(clamping: n), lambda)
    }
}

import Foundation
