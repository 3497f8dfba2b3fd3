import Foundation
import NeymanCore

/// The statistical model of a user's unbinned analysis: expected signal and background yields with normalisation
/// systematics, and simulated pools of both processes carrying each event's density ratio
/// (``UnbinnedAnalysisLikelihood``; the `[model]` file of `neyman fit/cls/upper-limit/significance --model`).
///
/// - A pseudo-experiment at `(mu, alpha)` draws `N_S ~ Pois(mu S(alpha))` events from the signal pool and
///   `N_B ~ Pois(B(alpha))` from the background pool, with replacement and with probability `|w_j| / sum |w|`; each
///   normsys auxiliary measurement is drawn from `N(alpha_k, 1)` (a normfactor has none). Drawn events weigh 1, or, in a pool with negative weights,
///   `sign(w_j) sum |w| / sum w` (so that the expected sum of weights is still the yield).
/// - The Asimov data set at `(mu, alpha)` is both pools, reweighted to `mu S(alpha)` and `B(alpha)`, with the
///   auxiliary measurements at `alpha`.
/// - With a shape systematic (``ShapeSystematic``), both at `theta`: the pools' ratios are `r_j(theta)` and the pool
///   the parameter acts on is reweighted to `theta` before drawing or weighting; the drawn events carry their rows of
///   the ``RatioGrid`` so that fits can move `theta`; the auxiliary measurement is drawn from `N(theta, sigma_theta)`.
public struct UnbinnedAnalysisModel: StatisticalModel {
    public typealias Data = UnbinnedAnalysisData

    /// `S_0`: the expected signal at `mu = 1` and every `alpha = 0`.
    public let signalYield: Double
    /// `B_0`.
    public let backgroundYield: Double
    public let systematics: [RateSystematic]
    /// The shape systematic, if any (then both pools carry a ``RatioGrid``).
    public let shape: ShapeSystematic?
    public let signalPool: UnbinnedEventPool
    public let backgroundPool: UnbinnedEventPool
    public let poiName: String
    public let muBounds: ClosedRange<Double>

    /// - Throws: ``NeymanError`` for yields that are not positive and finite, or empty or inverted bounds.
    public init(signal: Double, background: Double, systematics: [RateSystematic] = [], shape: ShapeSystematic? = nil,
                signalPool: UnbinnedEventPool, backgroundPool: UnbinnedEventPool, poiName: String = "mu",
                muBounds: ClosedRange<Double>) throws {
        guard signal > 0, signal.isFinite else { throw NeymanError.invalid("the signal yield must be positive, got \(signal)", key: "signal") }
        guard background > 0, background.isFinite else {
            throw NeymanError.invalid("the background yield must be positive, got \(background)", key: "background")
        }
        guard muBounds.lowerBound.isFinite, muBounds.upperBound.isFinite, muBounds.lowerBound < muBounds.upperBound else {
            throw NeymanError.invalid("the bounds of \(poiName) must be finite and increasing, got \(muBounds)", key: "mu_bounds")
        }
        if let shape {
            guard let g = signalPool.grid, let h = backgroundPool.grid, g.lower == h.lower, g.upper == h.upper, g.points == h.points else {
                throw NeymanError.invalid("the shape systematic \(shape.name) needs both simulated samples' ratios on the same grid", key: shape.name)
            }
            guard shape.uncertainty > 0, shape.uncertainty.isFinite, shape.nominal >= g.lower, shape.nominal <= g.upper else {
                throw NeymanError.invalid("\(shape.name): the uncertainty must be positive and the nominal value inside the grid "
                                          + "[\(g.lower), \(g.upper)] (got \(shape.nominal) +- \(shape.uncertainty))", key: shape.name)
            }
        }
        signalYield = signal
        backgroundYield = background
        self.systematics = systematics
        self.shape = shape
        self.signalPool = signalPool
        self.backgroundPool = backgroundPool
        self.poiName = poiName
        self.muBounds = muBounds
    }

    public var parameters: [Parameter] {
        [Parameter(poiName, initial: 1, lower: muBounds.lowerBound, upper: muBounds.upperBound)]
            + systematics.map(\.parameter)
            + (shape.map { s in [Parameter(s.name, initial: s.nominal, lower: signalPool.grid?.lower ?? s.nominal,
                                           upper: signalPool.grid?.upper ?? s.nominal)] } ?? [])
    }

    /// The shape parameter's value in `theta` (its nominal value without a shape systematic).
    func shapeValue(_ theta: [Double]) -> Double { shape == nil ? 0 : theta[systematics.count + 1] }

    public var poiIndex: Int { 0 }

    public func likelihood(for data: UnbinnedAnalysisData) throws -> any Likelihood {
        try UnbinnedAnalysisLikelihood(signal: signalYield, background: backgroundYield, systematics: systematics, shape: shape,
                                       data: data, poiName: poiName, muBounds: muBounds)
    }

    /// `S(alpha)` and `B(alpha)` at the parameter vector `theta` (`mu` first).
    public func yields(_ theta: [Double]) -> (signal: Double, background: Double) {
        var s = signalYield, b = backgroundYield
        for (k, sys) in systematics.enumerated() {
            s *= RateSystematic.factor(sys.signalEffect, theta[k + 1]).0
            b *= RateSystematic.factor(sys.backgroundEffect, theta[k + 1]).0
        }
        return (s, b)
    }

    public func asimovData(_ theta: [Double]) throws -> UnbinnedAnalysisData {
        let (s, b) = yields(theta)
        let muS = max(theta[0], 0) * s
        let t = shapeValue(theta)
        let sig = signalPool.at(t, shape: shape, target: .signal), bkg = backgroundPool.at(t, shape: shape, target: .background)
        var r: [Double] = [], w: [Double] = []
        r.reserveCapacity(sig.ratios.count + bkg.ratios.count)
        w.reserveCapacity(r.capacity)
        if muS > 0 {
            let scale = muS / sig.weights.reduce(0, +)
            r += sig.ratios
            w += sig.weights.map { $0 * scale }
        }
        let scale = b / bkg.weights.reduce(0, +)
        r += bkg.ratios
        w += bkg.weights.map { $0 * scale }
        var grid: RatioGrid? = nil
        if shape != nil, let sg = signalPool.grid, let bg = backgroundPool.grid { grid = muS > 0 ? sg.appending(bg) : bg }
        guard w.allSatisfy({ $0.isFinite }) else {
            throw NeymanError.invalid("the simulated samples reweighted to \(shape?.name ?? "theta") = \(t) have no weight left")
        }
        return UnbinnedAnalysisData(ratios: r, weights: w, auxiliary: Array(theta.dropFirst()), grid: grid)
    }

    public func sample(_ theta: [Double], rng: RandomStream) throws -> UnbinnedAnalysisData {
        let (s, b) = yields(theta)
        let ns = Int(rng.poisson(mean: max(theta[0], 0) * s))
        let nb = Int(rng.poisson(mean: b))
        let t = shapeValue(theta)
        var r: [Double] = [], w: [Double] = [], rows: [[Int]] = [[], []]
        r.reserveCapacity(ns + nb)
        let signed = signalPool.hasNegativeWeights || backgroundPool.hasNegativeWeights
        for (p, (pool, n, target)) in [(signalPool, ns, ShapeSystematic.Target.signal), (backgroundPool, nb, .background)].enumerated() {
            guard n > 0 else { continue }
            let (ratios, weights) = pool.at(t, shape: shape, target: target)
            // The pool's own alias table unless the shape systematic reweights it.
            let sampler = shape?.target == target && t != shape?.nominal ? try DiscreteDistribution(weights: weights.map { abs($0) })
                                                                          : pool.sampler
            let absoluteOverSigned = signed ? weights.reduce(0) { $0 + abs($1) } / weights.reduce(0, +) : 1
            for _ in 0..<n {
                let j = sampler.sample(rng)
                r.append(ratios[j])
                if signed { w.append(weights[j] < 0 ? -absoluteOverSigned : absoluteOverSigned) }
                if shape != nil { rows[p].append(j) }
            }
        }
        var grid: RatioGrid? = nil
        if shape != nil, let sg = signalPool.grid, let bg = backgroundPool.grid { grid = sg.rows(rows[0]).appending(bg.rows(rows[1])) }
        var aux = systematics.indices.map { systematics[$0].isConstrained ? rng.normal(mean: theta[$0 + 1], sigma: 1) : theta[$0 + 1] }
        if let shape { aux.append(rng.normal(mean: t, sigma: shape.uncertainty)) }
        return UnbinnedAnalysisData(ratios: r, weights: signed ? w : nil, auxiliary: aux, grid: grid)
    }

    public func withPOIBounds(lower: Double, upper: Double) -> UnbinnedAnalysisModel {
        // The bounds come from the calculators (finite, ordered); keep the old ones if they are not.
        let bounds = lower.isFinite && upper.isFinite && lower < upper ? lower...upper : muBounds
        return (try? UnbinnedAnalysisModel(signal: signalYield, background: backgroundYield, systematics: systematics, shape: shape,
                                           signalPool: signalPool, backgroundPool: backgroundPool, poiName: poiName,
                                           muBounds: bounds)) ?? self
    }

    /// `-B / (S r_max)` over both pools (every `mu S r + B` stays positive above it), slightly inside.
    public var poiLowerLimitForPositiveRates: Double {
        let rMax = max(signalPool.maximumRatio, backgroundPool.maximumRatio)
        return rMax > 0 ? -backgroundYield / (signalYield * rMax) * (1 - 1e-9) : -backgroundYield / signalYield
    }
}
