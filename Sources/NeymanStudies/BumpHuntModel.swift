import Foundation
import NeymanCore
import NeymanStats

/// The bump-hunt toy model of the guide (Nachman, arXiv:1909.12562, §2; docs/formulas.md §2).
///
/// ```
///   background:  X ~ Uniform(-0.5, 0.5)        signal:  X = 0
///   daughters:   X0 = X1 = X / 2
///   measured:    Y_i = X_i + Z_i,  Z_i ~ N(0, sigma_i^2)      (all arithmetic mod [-0.5, 0.5])
///   features:    y = Y0 + Y1 (mass-like),   d = Y0 - Y1 (no S/B information, measures sigma)
/// ```
/// Exact densities on [-0.5, 0.5): the background's `y` is uniform (density 1: a uniform variable on the circle plus
/// anything independent stays uniform); the signal's `y` and everyone's `d` are wrapped normals with variance
/// `sigma_0^2 + sigma_1^2` (= `2 sigma^2` for equal resolutions). So the per-event ratio of the signal and background
/// densities is `r(y) = p_S(y) / p_B(y) = WN(y; sqrt(2) sigma)`. The guide's figure 3 labels its Gaussian by sigma
/// itself; Neyman uses the exact width and says so in its reports.
public struct BumpHuntModel: Sendable {
    /// How the per-event resolution is chosen.
    public enum Resolution: Sendable, Equatable {
        /// One global sigma for every event (scenario 1).
        case global(Double)
        /// sigma drawn per event from Uniform(lo, hi) and known for each event (scenario 2, guide fig. 5).
        case perEvent(ClosedRange<Double>)
    }

    /// One generated event.
    public struct Event: Sendable, Equatable {
        public var y: Double
        public var d: Double
        public var sigma: Double
        public var isSignal: Bool
    }

    public var resolution: Resolution

    public init(resolution: Resolution) throws {
        switch resolution {
        case .global(let s):
            guard s.isFinite, s > 0 else { throw NeymanError.invalid("the resolution sigma must be positive and finite (got \(s))") }
        case .perEvent(let r):
            guard r.lowerBound >= 0, r.upperBound > r.lowerBound, r.upperBound.isFinite else {
                throw NeymanError.invalid("the per-event sigma range must satisfy 0 <= lo < hi (got \(r.lowerBound)...\(r.upperBound))")
            }
        }
        self.resolution = resolution
    }

    /// Maps `x` into [-0.5, 0.5) by adding or subtracting integers (the model's "mod [-0.5, 0.5]").
    @inlinable public static func wrap(_ x: Double) -> Double {
        let w = x - (x + 0.5).rounded(.down)
        return w >= 0.5 ? w - 1 : w
    }

    /// One event of the given class; draws in the order sigma (per-event scenario only), X (background), Z0, Z1.
    public func event(signal: Bool, rng: RandomStream) -> Event {
        let sigma: Double
        switch resolution {
        case .global(let s): sigma = s
        case .perEvent(let r): sigma = rng.uniform(r.lowerBound, r.upperBound)
        }
        let x = signal ? 0 : rng.uniform(-0.5, 0.5)
        let y0 = BumpHuntModel.wrap(x / 2 + rng.normal(sigma: sigma))
        let y1 = BumpHuntModel.wrap(x / 2 + rng.normal(sigma: sigma))
        return Event(y: BumpHuntModel.wrap(y0 + y1), d: BumpHuntModel.wrap(y0 - y1), sigma: sigma, isSignal: signal)
    }

    /// `n` events of one class.
    public func events(_ n: Int, signal: Bool, rng: RandomStream) -> [Event] {
        (0..<max(n, 0)).map { _ in event(signal: signal, rng: rng) }
    }

    /// A pseudo-experiment with Poisson-distributed yields: `Pois(s)` signal and `Pois(b)` background events
    /// (signal first).
    public func pseudoExperiment(signal s: Double, background b: Double, rng: RandomStream) -> [Event] {
        let ns = s > 0 ? Int(rng.poisson(mean: s)) : 0
        let nb = b > 0 ? Int(rng.poisson(mean: b)) : 0
        return events(ns, signal: true, rng: rng) + events(nb, signal: false, rng: rng)
    }

    // MARK: Exact densities

    /// The signal density of `y` (and of `d` for every event) given the event's sigma: the wrapped normal with
    /// width `sqrt(2) sigma`.
    @inlinable public static func signalDensity(y: Double, sigma: Double) -> Double {
        WrappedNormal.density(y, width: 2.0.squareRoot() * sigma)
    }

    /// The background density of `y`: 1 on [-0.5, 0.5).
    @inlinable public static func backgroundDensity(y: Double) -> Double { (y >= -0.5 && y <= 0.5) ? 1 : 0 }

    /// The exact per-event ratio `r = p_S(y | sigma) / p_B(y)`.
    @inlinable public static func ratio(y: Double, sigma: Double) -> Double { signalDensity(y: y, sigma: sigma) }

    /// The exact `lambda = p_{S+B}(y) / p_B(y) = alpha r + (1 - alpha)` with `alpha = S / (S + B)` (guide eqs. 3.12-3.14).
    @inlinable public static func mixtureRatio(y: Double, sigma: Double, signalFraction alpha: Double) -> Double {
        alpha * ratio(y: y, sigma: sigma) + (1 - alpha)
    }

    /// For the per-event scenario, the ratio a network that does not see sigma can learn at best:
    /// `r(y) = E_sigma[ WN(y; sqrt 2 sigma) ]` over sigma ~ Uniform(lo, hi), by GSL QAG integration.
    public static func sigmaBlindRatio(y: Double, sigmaRange r: ClosedRange<Double>) throws -> Double {
        let integrand: (Double) -> Double = { s in ratio(y: y, sigma: max(s, 1e-12)) }
        let integral = try Quadrature.integrate(integrand, over: r.lowerBound...r.upperBound, relativeTolerance: 1e-9)
        return integral / (r.upperBound - r.lowerBound)
    }
}

/// The wrapped normal distribution on [-0.5, 0.5): `N(0, w^2)` with every integer shift folded in.
public enum WrappedNormal {
    /// Number of image terms each side; with `w <= 1` the omitted terms are below `phi(7.5 / w) / w < 1e-12`.
    @usableFromInline static func images(_ w: Double) -> Int { max(2, Int((8 * w).rounded(.up)) + 2) }

    /// `sum_k phi((y + k) / w) / w` (GSL's `gsl_ran_gaussian_pdf`).
    @inlinable public static func density(_ y: Double, width w: Double) -> Double {
        var s = 0.0
        let k = images(w)
        for j in -k...k { s += Normal.pdf(y + Double(j), sigma: w) }
        return s
    }

    /// `P(Y <= y)` for `y` in [-0.5, 0.5]: `sum_k [Phi((y + k)/w) - Phi((-0.5 + k)/w)]` (GSL's `gsl_cdf_gaussian_P`).
    public static func cdf(_ y: Double, width w: Double) -> Double {
        let yc = min(max(y, -0.5), 0.5)
        var s = 0.0
        let k = images(w)
        for j in -k...k { s += Normal.cdf(yc + Double(j), sigma: w) - Normal.cdf(-0.5 + Double(j), sigma: w) }
        return min(max(s, 0), 1)
    }
}
