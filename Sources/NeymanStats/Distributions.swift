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
