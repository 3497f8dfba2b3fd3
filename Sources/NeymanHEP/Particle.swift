import Foundation

/// What produced a deposit around a muon, where the sample knows it (CMS particle-flow categories; muon paper §2,
/// the CWoLa + sPlot poster's isolation). `unknown` is the category of every deposit read from a file without one.
public enum ParticleCategory: Int, Sendable, CaseIterable, Codable {
    case unknown = 0
    case chargedHadron = 1
    case neutralHadron = 2
    case photon = 3
    /// A charged particle from a pileup vertex (neutral pileup cannot be told apart from the hard scatter).
    case pileup = 4

    /// The lowercase name used in files, configs and reports.
    public var name: String {
        switch self {
        case .unknown: "unknown"
        case .chargedHadron: "charged_hadron"
        case .neutralHadron: "neutral_hadron"
        case .photon: "photon"
        case .pileup: "pileup"
        }
    }
}

/// A massless particle (or calorimeter deposit) in collider coordinates: transverse momentum `pt` (GeV),
/// pseudorapidity `eta`, azimuth `phi` (radians, any branch; differences are wrapped by `deltaPhi`).
public struct Particle: Sendable, Equatable {
    public var pt: Double
    public var eta: Double
    public var phi: Double
    public var category: ParticleCategory

    public init(pt: Double, eta: Double, phi: Double, category: ParticleCategory = .unknown) {
        self.pt = pt
        self.eta = eta
        self.phi = phi
        self.category = category
    }
}

/// The azimuthal difference `a - b` wrapped into [-pi, pi]: `dphi = pi - | |a - b| - pi |` in magnitude with the
/// sign of the short way round (energyflow's convention for theta_ij; docs/formulas.md §8). Finite inputs give a finite result;
/// |a - b| may exceed 2 pi (the difference is reduced modulo 2 pi first).
@inlinable
public func deltaPhi(_ a: Double, _ b: Double) -> Double {
    var d = (a - b).truncatingRemainder(dividingBy: 2 * Double.pi)
    if d > Double.pi { d -= 2 * Double.pi } else if d < -Double.pi { d += 2 * Double.pi }
    return d
}

/// The angular distance `dR = sqrt(d_eta^2 + d_phi^2)` with `d_phi` wrapped by `deltaPhi` (docs/formulas.md §8).
@inlinable
public func deltaR(eta1: Double, phi1: Double, eta2: Double, phi2: Double) -> Double {
    let de = eta1 - eta2, dp = deltaPhi(phi1, phi2)
    return (de * de + dp * dp).squareRoot()
}
