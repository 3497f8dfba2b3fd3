import Foundation
import NeymanCore

/// A Z -> mu mu-like sample for studies and tests: a Voigt peak over an exponential background in the dimuon mass,
/// plus a classifier-like score whose distribution differs between the species but does not depend on the mass
/// within a species (so sWeights apply to it).
///
/// Generation (all draws from one ``RandomStream``, so a seed fixes the sample):
/// - the number of signal events is Binomial(n, signalFraction); the rest is background;
/// - signal mass: `mass + Cauchy(HWHM = width/2) + Normal(0, resolution)` (a Voigt draw: Breit-Wigner plus Gaussian
///   smearing), redrawn until it falls inside the range;
/// - background mass: exponential `exp(slope m)` on the range by the inverse CDF,
///   `m = lo + ln(1 + u (e^{slope L} - 1)) / slope`;
/// - score: signal Beta(a_s, b_s), background Beta(a_b, b_b) (`gsl_ran_beta`; defaults Beta(5, 2) and Beta(2, 5)),
///   with density `x^(a-1) (1-x)^(b-1) / B(a, b)` on [0, 1].
public struct ZBosonSample: Sendable {
    public var mass: [Double]
    public var score: [Double]
    /// 1 for signal, 0 for background (truth).
    public var isSignal: [Double]

    /// Defaults: Z pole 91.1876 GeV, Gamma 2.4952 GeV, resolution 1.5 GeV, range [70, 110] GeV, slope -0.03 /GeV,
    /// scores Beta(5, 2) (signal) and Beta(2, 5) (background).
    /// - Throws: ``NeymanError/invalidInput(_:_:)`` for `n < 0`, a fraction outside [0, 1], a non-positive width or
    ///   resolution, a non-finite slope, or a non-positive (or non-finite) Beta parameter.
    public static func generate(events n: Int, signalFraction: Double = 0.35, mass: Double = 91.1876, width: Double = 2.4952,
                                resolution: Double = 1.5, range: FitRange? = nil, slope: Double = -0.03,
                                signalScore: (a: Double, b: Double) = (5, 2), backgroundScore: (a: Double, b: Double) = (2, 5),
                                seed: UInt64, task: UInt64 = 0) throws -> ZBosonSample {
        guard n >= 0 else { throw NeymanError.invalid("the number of events must be >= 0, got \(n)", parameter: "events") }
        guard signalFraction >= 0, signalFraction <= 1 else {
            throw NeymanError.invalid("must lie in [0, 1], got \(signalFraction)", parameter: "signalFraction")
        }
        guard width > 0, resolution > 0, slope.isFinite else {
            throw NeymanError.invalid("width and resolution must be positive and the slope finite", parameter: "width")
        }
        for (name, p) in [("signalScore", signalScore), ("backgroundScore", backgroundScore)]
        where !(p.a > 0 && p.b > 0 && p.a.isFinite && p.b.isFinite) {
            throw NeymanError.invalid("Beta parameters must be positive and finite, got (\(p.a), \(p.b))", parameter: name)
        }
        let r = try range ?? FitRange(70, 110)
        let rng = RandomStream(seed: seed, task: task)
        let nSignal = rng.binomial(n: n, p: signalFraction)
        var sample = ZBosonSample(mass: [], score: [], isSignal: [])
        sample.mass.reserveCapacity(n)
        for _ in 0..<nSignal {
            var m: Double
            repeat { m = mass + rng.cauchy(halfWidth: width / 2) + rng.normal(sigma: resolution) } while !r.contains(m)
            sample.mass.append(m)
            sample.score.append(rng.beta(signalScore.a, signalScore.b))
            sample.isSignal.append(1)
        }
        let length = r.width
        for _ in nSignal..<n {
            let u = rng.uniform()
            let m = slope == 0 ? r.lo + u * length : r.lo + log1p(u * expm1(slope * length)) / slope
            sample.mass.append(min(max(m, r.lo), r.hi))
            sample.score.append(rng.beta(backgroundScore.a, backgroundScore.b))
            sample.isSignal.append(0)
        }
        return sample
    }
}
