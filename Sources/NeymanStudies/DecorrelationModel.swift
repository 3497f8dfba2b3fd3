import Foundation
import NeymanCore
import NeymanStats

/// A toy for decorrelation studies (DisCo, Kasieczka & Shih arXiv:2001.05310; docs/formulas.md §4): a variable `m`
/// (mass- or pT-like, never a classifier input) and three discriminating features, one of which follows `m` in the
/// background, as the muon pT biases the prompt-vs-tau classifier of the ATLAS talk (a signal-like feature value is
/// more likely at high `m`, so a cut on the classifier's score keeps high-`m` background and sculpts its `m` spectrum).
///
/// ```
///                 background (label 0)                          signal (label 1)
///   m      p_B(m) = k e^(-k m) / (1 - e^(-k)),  m in [0, 1]      p_S(m) = Beta(m; a_m, b_m)
///   x1     N(-mu1, 1)                                           N(+mu1, 1)
///   x2     N(c m, sigma2)            (given m)                  N(mu2, sigma2)
///   x3     N(0, 1)                                              N(0, sigma3)
/// ```
/// `k` = ``backgroundMassSlope``, `(a_m, b_m)` = ``signalMassShape``, `mu1` = ``x1Mean``, `c` = ``x2Slope``,
/// `sigma2` = ``x2Width``, `mu2` = ``x2SignalMean``, `sigma3` = ``x3SignalWidth``. Given the class, `x1`, `x3` and
/// `(m, x2)` are independent, and in the signal `x2` does not depend on `m`. Only the background's `x2` carries
/// information about `m`; a classifier that uses `x2` therefore correlates with `m` on background, and one that is
/// independent of `m` on background can use only `x1` and `x3`.
///
/// The background's marginal `x2` density (the `m` integral done in closed form, by completing the square in `m`):
///
/// ```
///   p_B(x2) = K/|c| exp(-k x2/c + k² sigma2²/(2c²)) [Phi((1 - m*)/s) - Phi(-m*/s)],
///   K = k / (1 - e^(-k)),  s = sigma2/|c|,  m* = (c x2 - k sigma2²)/c²          (c != 0; N(0, sigma2) for c = 0)
/// ```
/// evaluated in logs (``logBackgroundX2Density(_:)``), with the Gaussian tail differences taken from
/// `Normal.logSurvival` (GSL's `gsl_sf_log_erfc`) so that it stays finite far in the tails. The exact per-event likelihood ratio of the features
/// (``logLikelihoodRatio(_:)``) is the best classifier without decorrelation (Neyman-Pearson): the reference for the
/// rejection a network reaches at `lambda = 0`.
public struct DecorrelationModel: Sendable {
    /// `k > 0`: the background's `m` falls as `e^(-k m)` on [0, 1] (`p_B(0)/p_B(1) = e^k`).
    public var backgroundMassSlope: Double
    /// `(a_m, b_m)`, both `> 0`: the signal's `m` is `Beta(a_m, b_m)` on [0, 1].
    public var signalMassShape: (a: Double, b: Double)
    /// `mu1`: `x1 ~ N(+mu1, 1)` in signal, `N(-mu1, 1)` in background.
    public var x1Mean: Double
    /// `c`: the background's `x2` has mean `c m`.
    public var x2Slope: Double
    /// `sigma2 > 0`: the width of `x2` (both classes).
    public var x2Width: Double
    /// `mu2`: the signal's `x2` has mean `mu2`.
    public var x2SignalMean: Double
    /// `sigma3 > 0`: the signal's `x3` is `N(0, sigma3)`, the background's `N(0, 1)`.
    public var x3SignalWidth: Double

    /// One generated event.
    public struct Event: Sendable, Equatable {
        /// The variable to stay independent of (mass-like), in [0, 1].
        public var m: Double
        /// The three features.
        public var x1: Double, x2: Double, x3: Double
        public var isSignal: Bool
    }

    /// - Throws: ``NeymanError/invalidInput(_:_:)`` naming the parameter (its `[model]` key) when a slope, shape or
    ///   width is not positive and finite, or a mean is not finite.
    public init(backgroundMassSlope: Double = 4, signalMassShape: (a: Double, b: Double) = (6, 4), x1Mean: Double = 0.5,
                x2Slope: Double = 2, x2Width: Double = 0.35, x2SignalMean: Double = 1, x3SignalWidth: Double = 0.6) throws {
        for (key, v) in [("background_mass_slope", backgroundMassSlope), ("signal_mass_shape", signalMassShape.a),
                         ("signal_mass_shape", signalMassShape.b), ("x2_width", x2Width), ("x3_signal_width", x3SignalWidth)]
        where !(v.isFinite && v > 0) {
            throw NeymanError.invalid("must be positive and finite (got \(v))", key: "model.\(key)")
        }
        for (key, v) in [("x1_mean", x1Mean), ("x2_slope", x2Slope), ("x2_signal_mean", x2SignalMean)] where !v.isFinite {
            throw NeymanError.invalid("must be finite (got \(v))", key: "model.\(key)")
        }
        self.backgroundMassSlope = backgroundMassSlope
        self.signalMassShape = signalMassShape
        self.x1Mean = x1Mean
        self.x2Slope = x2Slope
        self.x2Width = x2Width
        self.x2SignalMean = x2SignalMean
        self.x3SignalWidth = x3SignalWidth
    }

    // MARK: Generation

    /// One event of the given class. Draws, in this order: `m` (background: one uniform, inverted through the CDF;
    /// signal: `gsl_ran_beta`), then `x1`, `x2`, `x3` (one `gsl_ran_gaussian` each).
    public func event(signal: Bool, rng: RandomStream) -> Event {
        let m: Double
        if signal {
            m = rng.beta(signalMassShape.a, signalMassShape.b)
        } else {
            // F(m) = (1 - e^(-k m)) / (1 - e^(-k))  =>  m = -ln(1 - u (1 - e^(-k))) / k; expm1/log1p keep small k exact.
            let k = backgroundMassSlope
            m = min(max(-log1p(rng.uniform() * expm1(-k)) / k, 0), 1)
        }
        let x1 = rng.normal(mean: signal ? x1Mean : -x1Mean, sigma: 1)
        let x2 = rng.normal(mean: signal ? x2SignalMean : x2Slope * m, sigma: x2Width)
        let x3 = rng.normal(mean: 0, sigma: signal ? x3SignalWidth : 1)
        return Event(m: m, x1: x1, x2: x2, x3: x3, isSignal: signal)
    }

    /// `n` events of one class (`n <= 0`: none).
    public func events(_ n: Int, signal: Bool, rng: RandomStream) -> [Event] {
        (0..<max(n, 0)).map { _ in event(signal: signal, rng: rng) }
    }

    /// The features `(x1, x2, x3)` of `events`, row-major in Float (the network's input).
    public static func features(_ events: [Event]) -> [Float] {
        var out = [Float]()
        out.reserveCapacity(3 * events.count)
        for e in events { out += [Float(e.x1), Float(e.x2), Float(e.x3)] }
        return out
    }

    // MARK: Exact densities

    /// `p(m)` of a class on [0, 1] (0 outside).
    public func massDensity(_ m: Double, signal: Bool) -> Double {
        guard m >= 0, m <= 1 else { return 0 }
        if signal { return BetaDistribution.pdf(m, a: signalMassShape.a, b: signalMassShape.b) }
        let k = backgroundMassSlope
        return k * exp(-k * m) / -expm1(-k)
    }

    /// `P(M <= m)` of a class: `(1 - e^(-k m)) / (1 - e^(-k))` for background, the Beta CDF for signal.
    public func massCDF(_ m: Double, signal: Bool) -> Double {
        if m <= 0 { return 0 }
        if m >= 1 { return 1 }
        if signal { return BetaDistribution.cdf(m, a: signalMassShape.a, b: signalMassShape.b) }
        let k = backgroundMassSlope
        return expm1(-k * m) / expm1(-k)
    }

    /// `E[m]` of a class: `1/k - 1/(e^k - 1)` (background), `a_m/(a_m + b_m)` (signal).
    public func massMean(signal: Bool) -> Double {
        if signal { return signalMassShape.a / (signalMassShape.a + signalMassShape.b) }
        let k = backgroundMassSlope
        return 1 / k - 1 / expm1(k)
    }

    /// `ln p_B(x2)`, the background's `x2` density with `m` integrated out (closed form in the type's doc comment).
    public func logBackgroundX2Density(_ x2: Double) -> Double {
        let c = x2Slope, sigma = x2Width, k = backgroundMassSlope
        guard c != 0 else { return DecorrelationModel.logNormal(x2, mean: 0, sigma: sigma) }
        let s = sigma / abs(c)
        let mStar = (c * x2 - k * sigma * sigma) / (c * c)
        let logK = log(k) - log(-expm1(-k))
        return logK - log(abs(c)) - k * x2 / c + k * k * sigma * sigma / (2 * c * c)
            + DecorrelationModel.logNormalProbability(from: -mStar / s, to: (1 - mStar) / s)
    }

    /// `ln p(x1, x2, x3)` of the event's features under a class (`m` integrated out for the background; the event's
    /// own `m` and class are not used).
    public func logFeatureDensity(_ e: Event, signal: Bool) -> Double {
        let l1 = DecorrelationModel.logNormal(e.x1, mean: signal ? x1Mean : -x1Mean, sigma: 1)
        let l2 = signal ? DecorrelationModel.logNormal(e.x2, mean: x2SignalMean, sigma: x2Width) : logBackgroundX2Density(e.x2)
        let l3 = DecorrelationModel.logNormal(e.x3, mean: 0, sigma: signal ? x3SignalWidth : 1)
        return l1 + l2 + l3
    }

    /// `ln [p_S(x) / p_B(x)]` of the event's features (its `m` and class are not used): the optimal classifier
    /// without a decorrelation constraint.
    public func logLikelihoodRatio(_ e: Event) -> Double {
        logFeatureDensity(e, signal: true) - logFeatureDensity(e, signal: false)
    }

    /// `ln N(x; mean, sigma)`.
    static func logNormal(_ x: Double, mean: Double, sigma: Double) -> Double {
        let z = (x - mean) / sigma
        return -0.5 * z * z - log(sigma) - 0.5 * log(2 * Double.pi)
    }

    /// `ln [Phi(hi) - Phi(lo)]` for `lo < hi`, accurate in both tails: with `ln Q(t) = ln erfc(t/sqrt 2) - ln 2`
    /// (``Normal/logSurvival(_:)``), `Phi(hi) - Phi(lo) = Q(lo) (1 - Q(hi)/Q(lo))` when `lo > 0`, mirrored when `hi < 0`.
    static func logNormalProbability(from lo: Double, to hi: Double) -> Double {
        let logQ = Normal.logSurvival
        if lo > 0 { return logQ(lo) + log1p(-exp(logQ(hi) - logQ(lo))) }
        if hi < 0 { return logQ(-hi) + log1p(-exp(logQ(-lo) - logQ(-hi))) }
        return log(Normal.cdf(hi) - Normal.cdf(lo))
    }
}
