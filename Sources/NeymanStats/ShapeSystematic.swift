/// A shape systematic of an unbinned analysis: a parameter `theta` on which the per-event density ratio depends
/// (a parameterized network `r(x; theta)`, guide §4.2-§4.3), constrained by an auxiliary measurement
/// `N(a | theta, sigma_theta)` (`a` = the nominal value for observed data) and profiled in fits:
///
/// ```
///   -ln L += -sum_i w_i ln(mu S r_i(theta) + B) + ... + (theta - a)^2 / (2 sigma_theta^2)
/// ```
/// The ratios come from a ``RatioGrid``; the fit's bounds on `theta` are the grid's range.
///
/// Pseudo-experiments and the Asimov data set at `theta` reweight the simulated pool the parameter acts on
/// (classifier reweighting with the network's own ratio, since `p_B` does not depend on a signal parameter and vice
/// versa):
/// ```
///   signal:      w_j(theta) = w_j r_j(theta) / r_j(theta_0)      (0 where r_j(theta_0) = 0)
///   background:  w_j(theta) = w_j r_j(theta_0) / r_j(theta)      (w_j where both are 0)
/// ```
public struct ShapeSystematic: Sendable, Equatable {
    /// Which density the parameter changes.
    public enum Target: String, Sendable, Equatable {
        case signal, background
    }

    /// The parameter's name.
    public let name: String
    /// `theta_0`: the value the simulated pools were made at, and the observed auxiliary measurement.
    public let nominal: Double
    /// `sigma_theta`, the width of the Gaussian constraint.
    public let uncertainty: Double
    /// The density it changes.
    public let target: Target

    public init(name: String, nominal: Double, uncertainty: Double, target: Target) {
        self.name = name
        self.nominal = nominal
        self.uncertainty = uncertainty
        self.target = target
    }
}
