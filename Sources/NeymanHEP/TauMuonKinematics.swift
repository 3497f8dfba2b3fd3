import Foundation
import NeymanCore

/// The decays of the built-in tau-muon generator (docs/tau-muons.md): masses and lifetimes (PDG 2022, rounded), the
/// two-body decay of a boson, the Michel spectrum of the muon in a three-body decay, and decay lengths. Lengths in mm,
/// momenta and masses in GeV.
public enum TauMuonKinematics {
    /// Muon mass (GeV).
    public static let muonMass = 0.105_66
    /// Tau mass (GeV).
    public static let tauMass = 1.776_86
    /// `c tau` of the tau lepton: 87.03 µm.
    public static let tauDecayLength = 0.087_03
    /// W and Z masses (GeV).
    public static let wMass = 80.377
    public static let zMass = 91.1876
    /// B mesons (B0 and B+ averaged): mass 5.279 GeV, `c tau` = 0.470 mm (455 and 491 µm).
    public static let bMass = 5.279
    /// `c tau` of the B mesons (mm).
    public static let bDecayLength = 0.470
    /// D mesons: D+ (1.870 GeV, `c tau` 0.312 mm) and D0 (1.865 GeV, 0.123 mm), drawn half and half.
    public static let dPlus = (mass: 1.8697, decayLength: 0.3118)
    /// D0: mass (GeV) and `c tau` (mm).
    public static let dZero = (mass: 1.8648, decayLength: 0.1229)
    /// Charged pion and kaon: masses and `c tau` (7.80 m, 3.71 m).
    public static let pion = (mass: 0.139_57, decayLength: 7_804.5)
    /// Charged kaon: mass (GeV) and `c tau` (mm).
    public static let kaon = (mass: 0.493_68, decayLength: 3_711.0)

    /// The momentum of each daughter of a two-body decay `M -> m1 m2` in the parent's rest frame:
    /// `p* = sqrt((M^2 - (m1 + m2)^2)(M^2 - (m1 - m2)^2)) / (2 M)` (0 below threshold).
    public static func twoBodyMomentum(parent m: Double, _ m1: Double, _ m2: Double) -> Double {
        let a = (m * m - (m1 + m2) * (m1 + m2)) * (m * m - (m1 - m2) * (m1 - m2))
        return a > 0 ? a.squareRoot() / (2 * m) : 0
    }

    /// Daughter 1 of an isotropic two-body decay of `parent` (its mass from the four-momentum) into masses `m1`, `m2`,
    /// in the lab: isotropic in the parent's rest frame (spin correlations and V-A polarisation neglected), boosted.
    public static func twoBodyDecay(_ parent: FourMomentum, _ m1: Double, _ m2: Double, _ rng: RandomStream) -> FourMomentum {
        let p = twoBodyMomentum(parent: parent.mass, m1, m2)
        return FourMomentum(momentum: p, direction: FourMomentum.isotropicDirection(rng), mass: m1).boosted(toFrameOf: parent)
    }

    /// The Michel spectrum of the charged lepton of an unpolarised `tau -> mu nu nu` decay in the massless limit, in
    /// `x = 2 E* / m_tau`:
    /// ```
    ///   f(x) = 2 x^2 (3 - 2 x),   F(x) = 2 x^3 - x^4,   mean 0.7,   x in [0, 1]
    /// ```
    /// drawn by rejection (envelope 2, two uniforms per try).
    public static func michelFraction(_ rng: RandomStream) -> Double {
        while true {
            let x = rng.uniform(), u = rng.uniform()
            if 2 * u < 2 * x * x * (3 - 2 * x) { return x }
        }
    }

    /// The muon of a three-body leptonic or semileptonic decay of `parent`: in the rest frame its energy is
    /// `E* = max(x E_max, m_mu)` with `x` from ``michelFraction(_:)`` (the tau's exact spectrum; for hadrons, B -> D mu nu
    /// with `E_max = (m_B^2 - m_D^2) / (2 m_B)` and D -> K mu nu with `E_max = (m_D^2 - m_K^2) / (2 m_D)`, the same shape as
    /// an approximation), its direction isotropic; then boosted to the lab.
    public static func leptonicDecayMuon(_ parent: FourMomentum, maximumEnergy emax: Double, _ rng: RandomStream) -> FourMomentum {
        let e = max(michelFraction(rng) * emax, muonMass * 1.000_001)
        let p = (e * e - muonMass * muonMass).squareRoot()
        return FourMomentum(momentum: p, direction: FourMomentum.isotropicDirection(rng), mass: muonMass).boosted(toFrameOf: parent)
    }

    /// A decay length in the lab, `L = (p / m) c tau E` with `E ~ Exp(1)` (`beta gamma = p / m`).
    public static func decayLength(_ particle: FourMomentum, mass: Double, properLength ctau: Double, _ rng: RandomStream) -> Double {
        particle.p / mass * ctau * rng.exponential(mean: 1)
    }

    /// A Gamma-distributed value with `shape` and mean `mean` (`gsl_ran_gamma` with scale `mean / shape`).
    static func gamma(_ rng: RandomStream, shape: Double, mean: Double) -> Double { rng.gamma(shape: shape, scale: mean / shape) }
}
