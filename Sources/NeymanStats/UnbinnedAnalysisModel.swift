import Foundation
import NeymanCore

/// The statistical model of a user's unbinned analysis: expected signal and background yields with normalisation
/// systematics, and simulated pools of both processes carrying each event's density ratio
/// (``UnbinnedAnalysisLikelihood``; the `[model]` file of `neyman fit/cls/upper-limit/significance --model`).
///
/// - A pseudo-experiment at `(mu, alpha)` draws `N_S ~ Pois(mu S(alpha))` events from the signal pool and
///   `N_B ~ Pois(B(alpha))` from the background pool, with replacement and with probability `|w_j| / sum |w|`; each
///   auxiliary measurement is drawn from `N(alpha_k, 1)`. Drawn events weigh 1, or, in a pool with negative weights,
///   `sign(w_j) sum |w| / sum w` (so that the expected sum of weights is still the yield).
/// - The Asimov data set at `(mu, alpha)` is both pools, reweighted to `mu S(alpha)` and `B(alpha)`, with the
///   auxiliary measurements at `alpha`.
public struct UnbinnedAnalysisModel: StatisticalModel {
    public typealias Data = UnbinnedAnalysisData

    /// `S_0`: the expected signal at `mu = 1` and every `alpha = 0`.
    public let signalYield: Double
    /// `B_0`.
    public let backgroundYield: Double
    public let systematics: [RateSystematic]
    public let signalPool: UnbinnedEventPool
    public let backgroundPool: UnbinnedEventPool
    public let poiName: String
    public let muBounds: ClosedRange<Double>

    /// - Throws: ``NeymanError`` for yields that are not positive and finite, or empty or inverted bounds.
    public init(signal: Double, background: Double, systematics: [RateSystematic] = [], signalPool: UnbinnedEventPool,
                backgroundPool: UnbinnedEventPool, poiName: String = "mu", muBounds: ClosedRange<Double>) throws {
        guard signal > 0, signal.isFinite else { throw NeymanError.invalid("the signal yield must be positive, got \(signal)", key: "signal") }
        guard background > 0, background.isFinite else {
            throw NeymanError.invalid("the background yield must be positive, got \(background)", key: "background")
        }
        guard muBounds.lowerBound.isFinite, muBounds.upperBound.isFinite, muBounds.lowerBound < muBounds.upperBound else {
            throw NeymanError.invalid("the bounds of \(poiName) must be finite and increasing, got \(muBounds)", key: "mu_bounds")
        }
        signalYield = signal
        backgroundYield = background
        self.systematics = systematics
        self.signalPool = signalPool
        self.backgroundPool = backgroundPool
        self.poiName = poiName
        self.muBounds = muBounds
    }

    public var parameters: [Parameter] {
        [Parameter(poiName, initial: 1, lower: muBounds.lowerBound, upper: muBounds.upperBound)]
            + systematics.map { Parameter($0.name, initial: 0, lower: -5, upper: 5) }
    }

    public var poiIndex: Int { 0 }

    public func likelihood(for data: UnbinnedAnalysisData) throws -> any Likelihood {
        try UnbinnedAnalysisLikelihood(signal: signalYield, background: backgroundYield, systematics: systematics, data: data,
                                       poiName: poiName, muBounds: muBounds)
    }

    /// `S(alpha)` and `B(alpha)` at the parameter vector `theta` (`mu` first).
    public func yields(_ theta: [Double]) -> (signal: Double, background: Double) {
        var s = signalYield, b = backgroundYield
        for (k, sys) in systematics.enumerated() {
            s *= RateSystematic.factor(sys.signal, theta[k + 1]).0
            b *= RateSystematic.factor(sys.background, theta[k + 1]).0
        }
        return (s, b)
    }

    public func asimovData(_ theta: [Double]) throws -> UnbinnedAnalysisData {
        let (s, b) = yields(theta)
        let muS = max(theta[0], 0) * s
        var r: [Double] = [], w: [Double] = []
        r.reserveCapacity(signalPool.ratios.count + backgroundPool.ratios.count)
        w.reserveCapacity(r.capacity)
        if muS > 0 {
            let scale = muS / signalPool.sumOfWeights
            r += signalPool.ratios
            w += signalPool.weights.map { $0 * scale }
        }
        let scale = b / backgroundPool.sumOfWeights
        r += backgroundPool.ratios
        w += backgroundPool.weights.map { $0 * scale }
        return UnbinnedAnalysisData(ratios: r, weights: w, auxiliary: Array(theta.dropFirst()))
    }

    public func sample(_ theta: [Double], rng: RandomStream) throws -> UnbinnedAnalysisData {
        let (s, b) = yields(theta)
        let ns = Int(rng.poisson(mean: max(theta[0], 0) * s))
        let nb = Int(rng.poisson(mean: b))
        let signed = signalPool.hasNegativeWeights || backgroundPool.hasNegativeWeights
        var r: [Double] = [], w: [Double] = []
        r.reserveCapacity(ns + nb)
        if signed { w.reserveCapacity(ns + nb) }
        for (pool, n) in [(signalPool, ns), (backgroundPool, nb)] {
            let absoluteOverSigned = pool.weights.reduce(0) { $0 + abs($1) } / pool.sumOfWeights
            for _ in 0..<n {
                let j = pool.sampler.sample(rng)
                r.append(pool.ratios[j])
                if signed { w.append(pool.weights[j] < 0 ? -absoluteOverSigned : absoluteOverSigned) }
            }
        }
        let aux = systematics.indices.map { rng.normal(mean: theta[$0 + 1], sigma: 1) }
        return UnbinnedAnalysisData(ratios: r, weights: signed ? w : nil, auxiliary: aux)
    }

    public func withPOIBounds(lower: Double, upper: Double) -> UnbinnedAnalysisModel {
        // The bounds come from the calculators (finite, ordered); keep the old ones if they are not.
        let bounds = lower.isFinite && upper.isFinite && lower < upper ? lower...upper : muBounds
        return (try? UnbinnedAnalysisModel(signal: signalYield, background: backgroundYield, systematics: systematics,
                                           signalPool: signalPool, backgroundPool: backgroundPool, poiName: poiName,
                                           muBounds: bounds)) ?? self
    }

    /// `-B / (S r_max)` over both pools (every `mu S r + B` stays positive above it), slightly inside.
    public var poiLowerLimitForPositiveRates: Double {
        let rMax = max(signalPool.maximumRatio, backgroundPool.maximumRatio)
        return rMax > 0 ? -backgroundYield / (signalYield * rMax) * (1 - 1e-9) : -backgroundYield / signalYield
    }
}
