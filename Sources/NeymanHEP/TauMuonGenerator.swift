import Foundation
import NeymanCore

/// The built-in tau-muon generator: tau, prompt and fake muons of a process with the features of the ATLAS
/// prompt-vs-tau-muon talk (``TauMuonSample``), made from explicit decay kinematics (``TauMuonKinematics``) and a
/// detector model (``TauMuonDetector``); every shape is stated in docs/tau-muons.md. Fast enough for tests and the
/// quick `make run` (about a million muons a second per core); not a substitute for Pythia 8 + a detector simulation.
///
/// Per muon (lengths in mm, momenta in GeV):
/// ```
///   vertex       beam spot x, y ~ N(0, 0.010), z_pv ~ N(0, 45)
///   prompt       boson (pT ~ Gamma, y ~ N, phi uniform) -> mu (+ nu or mu), isotropic two-body decay; from the vertex
///   tau          boson -> tau; tau flies L = (p/m) c tau Exp(1), c tau = 87.03 µm; tau -> mu nu nu, Michel spectrum
///   fake         parton (pT ~ Gamma, eta ~ N) -> hadron with momentum fraction z along it, then
///                  bottom          B (z ~ Beta(6, 1.5)) flies (c tau 470 µm), B -> mu nu X
///                  bottom->charm   B flies, B -> D X (two-body, m_X = 1 GeV), D flies (D+ 312 µm or D0 123 µm), D -> mu nu X
///                  charm           D (z ~ Beta(4, 2)) flies, D -> mu nu X
///                  decay in flight pi (70 %) or K (z ~ Beta(2, 3)) from the vertex decays in the ID; the muon takes a
///                                  fraction uniform in [(m_mu/m_h)^2, 1] of its momentum (collinear); kinked fit x 1.3
///   isolation    E_T in the cone: N(0.3, 1.0) (underlying event, pileup-subtracted) + for an isolated muon, with the
///                process's overlap probability, Exp(mean 8); for a fake f E_rest sin(theta), f ~ Beta(2, 2),
///                E_rest = p_parton (1 - z) + 0.6 (E_hadron - E_mu) (the rest of the jet and the visible decay products)
///   selection    pT_CB > 5 GeV, |eta| < 2.5 (drawn again until both hold)
/// ```
/// Muon `i` of class `c` of process `p` comes from `RandomStream(mixSeed(seed, 16 p + c), task: i)`: a sample is the
/// same for any thread count, and the first `n` muons of a class are the same in any larger sample.
public enum TauMuonGenerator {
    /// The selection's lower pT (GeV).
    public static let minimumPt = 5.0
    /// The selection's upper |eta|.
    public static let maximumAbsEta = 2.5

    /// `tau`, `prompt` and `fake` muons of `process` (in that order).
    /// - Throws: ``NeymanError`` for a negative count or a sample too big for memory (``MemoryBudget``).
    public static func generate(process: TauMuonProcess, tau: Int, prompt: Int, fake: Int, seed: UInt64,
                                detector: TauMuonDetector = TauMuonDetector(), threads: Int? = nil) throws -> TauMuonSample {
        for (name, n) in [("tau", tau), ("prompt", prompt), ("fake", fake)] where n < 0 {
            throw NeymanError.invalid("the number of \(name) muons must be >= 0 (got \(n))", parameter: name)
        }
        let counts = [(TauMuonClass.tau, tau), (.prompt, prompt), (.fake, fake)]
        let total = tau + prompt + fake
        try MemoryBudget.check(count: total, bytesPerElement: TauMuonSample.bytesPerMuon, what: "muons", isParameter: true)
        let muons = deterministicParallelMap(count: total, threads: threads) { i -> TauMuon in
            var k = i, c = 0
            while k >= counts[c].1 { k -= counts[c].1; c += 1 }
            let cls = counts[c].0
            let rng = RandomStream(seed: RandomStream.mixSeed(seed, UInt64(16 * process.index + cls.rawValue)), task: UInt64(k))
            return muon(cls, process: process, detector: detector, rng)
        }
        return TauMuonSample(process: process, muons: muons)
    }

    /// One selected muon of class `cls`.
    static func muon(_ cls: TauMuonClass, process: TauMuonProcess, detector: TauMuonDetector, _ rng: RandomStream) -> TauMuon {
        while true {
            let zpv = rng.normal(sigma: detector.vertexLength)
            let vertex = (x: rng.normal(sigma: detector.beamSpotWidth), y: rng.normal(sigma: detector.beamSpotWidth), z: zpv)
            let (track, origin, rest) = truth(cls, process: process, vertex: vertex, rng)
            let m = detector.measure(track, zpv: zpv, rng)
            var cone = rng.normal(mean: 0.3, sigma: 1.0)
            if let rest {
                cone += rng.beta(2, 2) * rest * track.muonMomentum.sinTheta
            } else if rng.uniform() < process.jetOverlapProbability {
                cone += rng.exponential(mean: 8)
            }
            let random = rng.uniform()
            guard m.ptCB > minimumPt, m.absEta < maximumAbsEta else { continue }
            return TauMuon(measurement: m, caloIsolation: cone / m.ptCB, truePt: track.muonMomentum.pt, truthClass: cls,
                           origin: origin, random: random)
        }
    }

    /// The true track of a muon of class `cls`, its origin, and for a fake the energy of the rest of its jet (nil for
    /// an isolated muon).
    static func truth(_ cls: TauMuonClass, process: TauMuonProcess, vertex v: (x: Double, y: Double, z: Double),
                      _ rng: RandomStream) -> (TauMuonDetector.Track, TauMuonOrigin, Double?) {
        typealias K = TauMuonKinematics
        func displaced(_ from: (x: Double, y: Double, z: Double), _ p: FourMomentum, _ length: Double) -> (x: Double, y: Double, z: Double) {
            let u = p.direction
            return (from.x + length * u.0, from.y + length * u.1, from.z + length * u.2)
        }
        switch cls {
        case .prompt, .tau:
            let b = process.boson
            let boson = FourMomentum(pt: K.gamma(rng, shape: b.ptShape, mean: b.ptMean), rapidity: rng.normal(sigma: b.rapidityWidth),
                                     phi: rng.uniform(-Double.pi, Double.pi), mass: b.mass)
            let leptonMass = cls == .tau ? K.tauMass : K.muonMass
            let lepton = K.twoBodyDecay(boson, leptonMass, b.pair ? leptonMass : 0, rng)
            guard cls == .tau else { return (.init(origin: v, idMomentum: lepton, muonMomentum: lepton), .prompt, nil) }
            let decay = displaced(v, lepton, K.decayLength(lepton, mass: K.tauMass, properLength: K.tauDecayLength, rng))
            let mu = K.leptonicDecayMuon(lepton, maximumEnergy: K.tauMass / 2, rng)
            return (.init(origin: decay, idMomentum: mu, muonMomentum: mu), .tau, nil)
        case .fake:
            let f = process.fakes
            let u = rng.uniform()
            var origin = TauMuonOrigin.decayInFlight
            var cumulative = 0.0
            for (k, o) in [TauMuonOrigin.bottom, .bottomToCharm, .charm].enumerated() {
                cumulative += f.fractions[k]
                if u < cumulative { origin = o; break }
            }
            let parton = FourMomentum(pt: K.gamma(rng, shape: f.ptShape, mean: f.ptMean), rapidity: rng.normal(sigma: f.etaWidth),
                                      phi: rng.uniform(-Double.pi, Double.pi), mass: 0)
            func hadron(_ z: Double, _ mass: Double) -> FourMomentum { FourMomentum(momentum: z * parton.p, direction: parton.direction, mass: mass) }
            func d() -> (mass: Double, decayLength: Double) { rng.uniform() < 0.5 ? K.dPlus : K.dZero }
            let bEmax = (K.bMass * K.bMass - K.dPlus.mass * K.dPlus.mass) / (2 * K.bMass)
            func dEmax(_ m: Double) -> Double { (m * m - K.kaon.mass * K.kaon.mass) / (2 * m) }
            switch origin {
            case .bottom, .bottomToCharm:
                let z = rng.beta(6, 1.5)
                let bHadron = hadron(z, K.bMass)
                let bVertex = displaced(v, bHadron, K.decayLength(bHadron, mass: K.bMass, properLength: K.bDecayLength, rng))
                if origin == .bottom {
                    let mu = K.leptonicDecayMuon(bHadron, maximumEnergy: bEmax, rng)
                    return (.init(origin: bVertex, idMomentum: mu, muonMomentum: mu), .bottom, parton.p * (1 - z) + 0.6 * (bHadron.e - mu.e))
                }
                let dm = d()
                let charm = K.twoBodyDecay(bHadron, dm.mass, 1.0, rng)
                let dVertex = displaced(bVertex, charm, K.decayLength(charm, mass: dm.mass, properLength: dm.decayLength, rng))
                let mu = K.leptonicDecayMuon(charm, maximumEnergy: dEmax(dm.mass), rng)
                return (.init(origin: dVertex, idMomentum: mu, muonMomentum: mu), .bottomToCharm, parton.p * (1 - z) + 0.6 * (bHadron.e - mu.e))
            case .charm:
                let z = rng.beta(4, 2)
                let dm = d()
                let charm = hadron(z, dm.mass)
                let dVertex = displaced(v, charm, K.decayLength(charm, mass: dm.mass, properLength: dm.decayLength, rng))
                let mu = K.leptonicDecayMuon(charm, maximumEnergy: dEmax(dm.mass), rng)
                return (.init(origin: dVertex, idMomentum: mu, muonMomentum: mu), .charm, parton.p * (1 - z) + 0.6 * (charm.e - mu.e))
            default:
                let z = rng.beta(2, 3)
                let light = rng.uniform() < 0.7 ? K.pion : K.kaon
                let h = hadron(z, light.mass)
                let r = (K.muonMass / light.mass) * (K.muonMass / light.mass)
                let mu = FourMomentum(momentum: rng.uniform(r, 1) * h.p, direction: h.direction, mass: K.muonMass)
                return (.init(origin: v, idMomentum: h, muonMomentum: mu, fitDegradation: 1.3), .decayInFlight, parton.p * (1 - z))
            }
        }
    }
}
