import Foundation
import NeymanCore

/// Unbinned data for ``UnbinnedRatioModel``: per-event density ratios, optional weights, and the auxiliary
/// measurement of the background normalisation.
public struct UnbinnedData: Sendable {
    public var ratios: [Double]
    public var weights: [Double]?
    public var auxiliary: Double

    public init(ratios: [Double], weights: [Double]? = nil, auxiliary: Double = 1) {
        self.ratios = ratios
        self.weights = weights
        self.auxiliary = auxiliary
    }
}

/// The extended unbinned model of ``UnbinnedRatioLikelihood`` together with samplers of the per-event ratio under
/// each hypothesis, so that pseudo-experiments, toys and the Asimov data set can be generated.
///
/// - A pseudo-experiment at `(mu, nu)`: `N_S ~ Pois(mu S)` signal events and `N_B ~ Pois(nu B)` background events,
///   each event's ratio drawn from the matching sampler; the auxiliary measurement `~ N(nu, sigma_B)`.
/// - The Asimov data set is represented by weighted events: `asimovSize` draws from each sampler (a fixed seed),
///   weighted `mu S / asimovSize` and `nu B / asimovSize`, so that sums over events equal expectations up to the
///   sampling error of `asimovSize` draws; the background draws are reweighted linearly (a control variate) so that
///   `sum w = nu B` and `sum w r = nu B` hold exactly, as they do in expectation for a density ratio (`E_B[r] = 1`).
public struct UnbinnedRatioModel: StatisticalModel {
    public typealias Data = UnbinnedData

    public let signalYield: Double
    public let backgroundYield: Double
    public let backgroundUncertainty: Double?
    /// Draws the ratio `r` of one signal event.
    public let signalSampler: @Sendable (RandomStream) -> Double
    /// Draws the ratio `r` of one background event.
    public let backgroundSampler: @Sendable (RandomStream) -> Double
    public let muBounds: ClosedRange<Double>
    public var asimovSize: Int = 100_000
    public var asimovSeed: UInt64 = 0x5EED

    public init(signal: Double, background: Double, backgroundUncertainty: Double? = nil, muBounds: ClosedRange<Double> = 0...10,
                signalSampler: @escaping @Sendable (RandomStream) -> Double,
                backgroundSampler: @escaping @Sendable (RandomStream) -> Double) {
        signalYield = signal
        backgroundYield = background
        self.backgroundUncertainty = backgroundUncertainty
        self.muBounds = muBounds
        self.signalSampler = signalSampler
        self.backgroundSampler = backgroundSampler
    }

    public var parameters: [Parameter] {
        [Parameter("mu", initial: 1, lower: muBounds.lowerBound, upper: muBounds.upperBound),
         Parameter("nu", initial: 1, lower: 1e-6, upper: 10, isFixed: backgroundUncertainty == nil)]
    }

    public var poiIndex: Int { 0 }

    public func likelihood(for data: UnbinnedData) throws -> any Likelihood {
        try UnbinnedRatioLikelihood(signal: signalYield, background: backgroundYield, ratios: data.ratios, weights: data.weights,
                                    backgroundUncertainty: backgroundUncertainty, auxiliary: data.auxiliary, muBounds: muBounds)
    }

    public func asimovData(_ theta: [Double]) throws -> UnbinnedData {
        let rng = RandomStream(seed: asimovSeed)
        let m = asimovSize
        var r: [Double] = []
        var w: [Double] = []
        r.reserveCapacity(2 * m)
        w.reserveCapacity(2 * m)
        let ws = max(theta[0], 0) * signalYield / Double(m)
        let wb = theta[1] * backgroundYield / Double(m)
        if ws > 0 { for _ in 0..<m { r.append(signalSampler(rng)); w.append(ws) } }
        let start = r.count
        for _ in 0..<m { r.append(backgroundSampler(rng)); w.append(wb) }
        // Control variate: a density ratio has E_B[r] = 1 exactly, but the sample mean of m draws misses it by
        // ~sqrt(Var_B(r) / m), which enters q_A as 2 mu S (rbar - 1) and moves limits by per cents when S << B.
        // Reweight the background draws linearly, w_i = wb (a + b r_i), so that sum w = nu B and sum w r = nu B hold
        // exactly: a + b rbar = 1, a rbar + b r2bar = 1. Skipped if any weight would turn negative.
        let bg = r[start...]
        let rbar = bg.reduce(0, +) / Double(m), r2bar = bg.reduce(0) { $0 + $1 * $1 } / Double(m)
        let variance = r2bar - rbar * rbar
        if variance > 0 {
            let b = (1 - rbar) / variance, a = 1 - b * rbar
            if bg.allSatisfy({ a + b * $0 > 0 }) {
                for i in start..<r.count { w[i] = wb * (a + b * r[i]) }
            }
        }
        return UnbinnedData(ratios: r, weights: w, auxiliary: theta[1])
    }

    public func sample(_ theta: [Double], rng: RandomStream) throws -> UnbinnedData {
        let ns = Int(rng.poisson(mean: max(theta[0], 0) * signalYield))
        let nb = Int(rng.poisson(mean: theta[1] * backgroundYield))
        var r: [Double] = []
        r.reserveCapacity(ns + nb)
        for _ in 0..<ns { r.append(signalSampler(rng)) }
        for _ in 0..<nb { r.append(backgroundSampler(rng)) }
        let aux = backgroundUncertainty.map { rng.normal(mean: theta[1], sigma: $0) } ?? 1
        return UnbinnedData(ratios: r, auxiliary: aux)
    }

    public func withPOIBounds(lower: Double, upper: Double) -> UnbinnedRatioModel {
        var m = UnbinnedRatioModel(signal: signalYield, background: backgroundYield, backgroundUncertainty: backgroundUncertainty,
                                   muBounds: lower...max(upper, lower), signalSampler: signalSampler, backgroundSampler: backgroundSampler)
        m.asimovSize = asimovSize
        m.asimovSeed = asimovSeed
        return m
    }

    /// `mu` may go down to `-B / S` before the extended term turns negative for events with `r = 1`; the per-event
    /// bound is enforced by the likelihood itself.
    public var poiLowerLimitForPositiveRates: Double { -backgroundYield / signalYield * (1 - 1e-9) }
}
