import NeymanCore

/// The profile-likelihood interval of the parameter of interest (MINOS-like): the values where
/// ```
///   -2 ln lambda(mu) = -2 [ln L(mu, theta_hat_hat(mu)) - ln L(mu_hat, theta_hat)] = level
/// ```
/// on either side of `mu_hat` (`level = 1`: the 68.3 % interval; 3.84: 95 %), found by bracketing outward from
/// `mu_hat` in steps of the Hesse error and GSL's Brent root finder (docs/formulas.md §3, Wilks).
public struct ProfileLikelihoodInterval: Sendable, Equatable {
    /// The lower end (the lower bound of mu when the profile stays below `level` down to it).
    public let lower: Double
    /// The upper end (likewise, the upper bound).
    public let upper: Double
    /// Whether the lower end is the bound of mu rather than a crossing.
    public let lowerIsBound: Bool
    /// Whether the upper end is the bound of mu rather than a crossing.
    public let upperIsBound: Bool
}

extension ProfileLikelihood {
    /// The interval where `-2 ln lambda(mu) <= level` around the unconditional fit `free`.
    /// - Throws: if a conditional fit throws, or `level` is not positive.
    public func interval(_ data: Model.Data, free: FitResult, level: Double = 1) throws -> ProfileLikelihoodInterval {
        guard level > 0, level.isFinite else { throw NeymanError.invalid("the interval's level must be positive, got \(level)", parameter: "level") }
        let l = try model.likelihood(for: data)
        let poi = model.poiIndex
        let bounds = (model.parameters[poi].lower, model.parameters[poi].upper)
        let muHat = free.values[poi]
        let step = free.uncertainties[poi] > 0 && free.uncertainties[poi].isFinite ? free.uncertainties[poi]
                                                                                  : 0.1 * max(1, abs(muHat))
        func excess(_ mu: Double) throws -> Double {
            var start = free.values
            start[poi] = mu
            let c = try minimizer.minimize(l, start: start, fixed: [poi: mu])
            return 2 * (c.nll - free.nll) - level
        }
        func end(_ direction: Double, _ bound: Double) throws -> (Double, Bool) {
            var inner = muHat, outer = muHat
            for k in 1...60 {
                let candidate = muHat + direction * step * Double(k) * Double(k)
                outer = direction > 0 ? min(candidate, bound) : max(candidate, bound)
                if try excess(outer) > 0 {
                    let root = try RootFinding.brent(lo: min(inner, outer), hi: max(inner, outer), absoluteTolerance: 1e-9 * max(1, step),
                                                     relativeTolerance: 1e-9) { try excess($0) }
                    return (root, false)
                }
                if outer == bound { return (bound, true) }
                inner = outer
            }
            return (outer, true)
        }
        let (lo, loBound) = try end(-1, bounds.0)
        let (hi, hiBound) = try end(1, bounds.1)
        return ProfileLikelihoodInterval(lower: lo, upper: hi, lowerIsBound: loBound, upperIsBound: hiBound)
    }
}
