/// The outcome of a CLs hypothesis test of one value of `mu` (Read, J. Phys. G28 (2002) 2693; docs/formulas.md §3).
///
/// `CLs+b = p_mu` (the p-value of the signal-plus-background hypothesis), `CLb = 1 - p_b`, `CLs = CLs+b / CLb`.
/// The expected values are those obtained when the test statistic sits at the median and at the +-1, +-2 sigma
/// quantiles of its background-only distribution. Arrays are ordered as pyhf returns them:
/// `[-2 sigma, -1 sigma, median, +1 sigma, +2 sigma]`, i.e. CLs increasing.
public struct HypothesisTestResult: Sendable {
    /// The tested signal strength.
    public let mu: Double
    public let statistic: TestStatistic
    /// `"asymptotic"` or `"toys"`.
    public let calculator: String
    /// The observed value of the test statistic (`q`, not its square root).
    public let observedStatistic: Double
    public let clsb: Double
    public let clb: Double
    public let cls: Double
    public let clsbExpected: [Double]
    public let clbExpected: [Double]
    public let clsExpected: [Double]
    /// Asymptotic only: the test statistic on the Asimov data set (`q_mu,A`); `nil` for toys.
    public let asimovStatistic: Double?
    /// Toys only: how many pseudo-experiments under each hypothesis; 0 for the asymptotic calculator.
    public let toys: Int
    /// Toys only: binomial standard errors `sqrt(p (1 - p) / N)` of CLs+b and CLb, and the propagated error of CLs.
    public let clsbError: Double?
    public let clbError: Double?
    public let clsError: Double?
    /// Every fit behind the result converged (for toys: the fits to every pseudo-experiment too).
    public let fitsConverged: Bool
    /// The fits to the observed data (and, asymptotic, to the Asimov data) converged: the result is trusted when this
    /// holds, even if some toy fits did not (those are counted in ``convergedFraction``).
    public let observedFitsConverged: Bool
    /// Toys: the fraction of pseudo-experiments whose fits all converged.
    public let convergedFraction: Double
}

/// The sigma levels of the expected band in output order, and the matching percentiles of the
/// background-only distribution (`100 Phi(k)`): pyhf's `[2.27501319, 15.86552539, 50, 84.13447461, 97.72498681]`.
public enum ExpectedBand {
    /// `[-2, -1, 0, +1, +2]`: the labels of the output positions.
    public static let sigmas: [Double] = [-2, -1, 0, 1, 2]
    /// For the asymptotic calculator, the background-only test statistic (in the `sqrt(q)` space) is placed at
    /// `n_sigma = +2, +1, 0, -1, -2` for output positions `[-2 sigma ... +2 sigma]`.
    public static let asymptoticNSigma: [Double] = [2, 1, 0, -1, -2]
}
