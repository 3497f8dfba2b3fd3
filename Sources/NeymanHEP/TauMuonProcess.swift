import Foundation

/// The truth class of a muon in the tau-muon samples (ATLAS prompt-vs-tau-muon talk): the label column's value.
public enum TauMuonClass: Int, Sendable, CaseIterable {
    /// From a W or Z decay directly (`W -> mu nu`, `Z -> mu mu`): label 0.
    case prompt = 0
    /// From a tau lepton (`W -> tau nu`, `Z -> tau tau`, `tau -> mu nu nu`): label 1, the signal.
    case tau = 1
    /// Non-prompt: a heavy-flavour hadron decay or a pion or kaon decaying in flight: label 2.
    case fake = 2

    /// `prompt`, `tau`, `fake`.
    public var name: String {
        switch self {
        case .prompt: "prompt"
        case .tau: "tau"
        case .fake: "fake"
        }
    }
}

/// Where a muon came from (the `origin` column).
public enum TauMuonOrigin: Int, Sendable, CaseIterable {
    case prompt = 0, tau = 1
    /// `B -> mu nu X`.
    case bottom = 2
    /// `B -> D X`, `D -> mu nu X` (the cascade).
    case bottomToCharm = 3
    /// `D -> mu nu X` from a charm quark (e.g. `W + c`).
    case charm = 4
    /// `pi -> mu nu` or `K -> mu nu` inside the inner detector.
    case decayInFlight = 5
}

/// A process of the tau-muon generator: the boson whose decay makes the prompt and tau muons, the jets that make the
/// fake ones, and how often a jet overlaps an isolated muon. Shapes are round numbers chosen to give each process's
/// spectra their known form (docs/tau-muons.md), not fits.
public enum TauMuonProcess: String, Sendable, CaseIterable {
    /// t tbar: the W of a top decay (boosted: pT ~ Gamma(2.2, mean 70 GeV)); b jets for the fakes. The training process.
    case ttbar
    /// Inclusive W: pT ~ Gamma(1.3, mean 9 GeV), the Jacobian peak at m_W/2; W + jets (charm-rich) fakes.
    case w
    /// Inclusive Z: as W with m_Z, two leptons of one flavour; Z + jets fakes.
    case z
    /// A heavy W' (600 GeV) -> tau nu or mu nu: the BSM-like process with hard muons (the talk's W* -> tau nu sample,
    /// in place of stau pairs).
    case wprime

    /// The boson: mass (GeV), whether it decays to a lepton pair (Z) or lepton + neutrino, pT shape and mean,
    /// rapidity width.
    public var boson: (mass: Double, pair: Bool, ptShape: Double, ptMean: Double, rapidityWidth: Double) {
        switch self {
        case .ttbar: (TauMuonKinematics.wMass, false, 2.2, 70, 1.1)
        case .w: (TauMuonKinematics.wMass, false, 1.3, 9, 1.9)
        case .z: (TauMuonKinematics.zMass, true, 1.3, 9, 1.7)
        case .wprime: (600, false, 1.5, 30, 0.9)
        }
    }

    /// The fake-muon composition (fractions of bottom, bottom -> charm, charm, decay in flight; they sum to 1) and the
    /// parton spectrum of their jets (pT ~ Gamma(shape, mean), eta ~ N(0, width)). t tbar: b jets; the others: W/Z +
    /// jets, charm-rich and softer, so their fakes look more like tau muons.
    public var fakes: (fractions: [Double], ptShape: Double, ptMean: Double, etaWidth: Double) {
        switch self {
        case .ttbar: ([0.65, 0.25, 0.0, 0.10], 2.2, 65, 1.3)
        case .w, .z, .wprime: ([0.20, 0.05, 0.55, 0.20], 1.6, 22, 1.6)
        }
    }

    /// Probability that a jet overlaps an isolated (prompt or tau) muon, adding `E_T ~ Exp(mean 8 GeV)` to its cone.
    public var jetOverlapProbability: Double { self == .ttbar ? 0.10 : 0.03 }

    /// Index for seeding (the order of `allCases`).
    var index: Int { TauMuonProcess.allCases.firstIndex(of: self) ?? 0 }
}
