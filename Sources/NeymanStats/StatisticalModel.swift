import NeymanCore

/// What the profile likelihood, the test statistics and the calculators need from a model: a likelihood for given
/// data, the Asimov data set, and pseudo-experiments.
///
/// ``BinnedModel`` conforms; ``UnbinnedRatioModel`` conforms when it is given event samplers.
public protocol StatisticalModel: Sendable {
    associatedtype Data: Sendable
    /// Parameters in order, with initial values and bounds (the parameter of interest among them).
    var parameters: [Parameter] { get }
    /// Index of the parameter of interest.
    var poiIndex: Int { get }
    /// `-ln L` for `data`.
    func likelihood(for data: Data) throws -> any Likelihood
    /// The Asimov data set at `theta` (expected data, auxiliary measurements at their expectations).
    func asimovData(_ theta: [Double]) throws -> Data
    /// One pseudo-experiment at `theta`, auxiliary measurements fluctuated too.
    func sample(_ theta: [Double], rng: RandomStream) throws -> Data
    /// The same model with new bounds on the parameter of interest.
    func withPOIBounds(lower: Double, upper: Double) -> Self
    /// The lowest value of the parameter of interest at which every expected rate stays positive with the other
    /// parameters at their initial values (the lower bound used for the two-sided `q_mu`, where `mu_hat < 0` is
    /// allowed).
    var poiLowerLimitForPositiveRates: Double { get }
}

extension BinnedModel: StatisticalModel {
    public typealias Data = BinnedData

    public func likelihood(for data: BinnedData) throws -> any Likelihood {
        try BinnedLikelihood(model: self, data: data)
    }

    public var poiLowerLimitForPositiveRates: Double {
        var theta = initialValues
        theta[poiIndex] = 0
        let b = expectedMain(theta)
        theta[poiIndex] = 1
        let sb = expectedMain(theta)
        var limit = -Double.infinity
        for i in 0..<b.count {
            let s = sb[i] - b[i]
            if s > 0 { limit = max(limit, -b[i] / s) }
        }
        return limit.isFinite ? limit * (1 - 1e-9) : -10
    }
}
