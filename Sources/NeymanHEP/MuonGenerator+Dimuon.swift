import Foundation
import NeymanCore

extension MuonGenerator {
    /// The data-like dimuon sample of the CWoLa + sPlot poster: events with two muons, both pT > 25 GeV and
    /// |eta| < 2.1, with 70 < m(mu mu) < 110 GeV. Drell-Yan Z -> mu mu (a Breit-Wigner at 91.1876 GeV, width 2.4952,
    /// with a 1.5 GeV Gaussian resolution; prompt muons, opposite sign) with probability `zFraction`; otherwise the
    /// heavy-flavour continuum (mass falling as `exp(-slope m)`; non-prompt muons; opposite sign with probability
    /// `continuumOppositeSignFraction`, the rest same sign). A Z is produced with pT ~ exponential (mean 8 GeV) and
    /// rapidity ~ N(0, 1.2) and decays isotropically; the continuum's muons have independent pT and the mass from
    /// their opening angle (``continuumPair(mass:_:)``). Events failing the selection are redrawn.
    static func dimuon(_ s: MuonGeneratorSettings, threads: Int?, progress: ProgressDisplay?) throws -> MuonSample {
        let events = s.muons / 2
        let made = deterministicParallelMap(count: events, threads: threads, progress: progress) { e -> DimuonEvent in
            let rng = RandomStream(seed: s.seed, task: UInt64(e))
            let isZ = rng.uniform() < s.zFraction
            var attempt = 0
            while true {
                attempt += 1
                let mass: Double
                if isZ {
                    mass = 91.1876 + rng.cauchy(halfWidth: 2.4952 / 2) + rng.normal(sigma: 1.5)
                } else {
                    mass = 70 - log(1 - rng.uniform() * (1 - exp(-40 * s.continuumSlope))) / s.continuumSlope
                }
                guard mass > 70, mass < 110 else { continue }
                guard let (a, b) = isZ ? decay(mass: mass, rng) : continuumPair(mass: mass, rng) else { continue }
                guard (a.pt > 25 && b.pt > 25 && abs(a.eta) < 2.1 && abs(b.eta) < 2.1) || attempt > 10_000 else { continue }
                let q = rng.uniform() < 0.5 ? 1.0 : -1.0
                let opposite = isZ || rng.uniform() < s.continuumOppositeSignFraction
                let m1 = MuonSample.Muon(pt: a.pt, eta: a.eta, phi: a.phi, charge: q)
                let m2 = MuonSample.Muon(pt: b.pt, eta: b.eta, phi: b.phi, charge: opposite ? -q : q)
                return DimuonEvent(muons: [m1, m2], deposits: [deposits(around: m1, prompt: isZ, s, rng), deposits(around: m2, prompt: isZ, s, rng)],
                                   mass: mass, chargeProduct: opposite ? -1 : 1, isZ: isZ)
            }
        }
        var muons: [MuonSample.Muon] = [], deps: [[Particle]] = [], labels: [Double] = [], event: [Int] = []
        var mass: [Double] = [], charge: [Double] = [], process: [Int] = []
        for (e, ev) in made.enumerated() {
            for k in 0..<2 {
                muons.append(ev.muons[k]); deps.append(ev.deposits[k]); labels.append(ev.isZ ? 1 : 0); event.append(e)
                mass.append(ev.mass); charge.append(ev.chargeProduct); process.append(ev.isZ ? 0 : 1)
            }
        }
        let nZ = made.filter(\.isZ).count
        return MuonSample(muons: muons, deposits: deps, labels: labels, event: event, pairMass: mass, pairCharge: charge,
                          process: process, metadata: metadata(s, counts: [("drell_yan_z_events", nZ), ("heavy_flavour_events", events - nZ)]))
    }

    struct DimuonEvent: Sendable {
        let muons: [MuonSample.Muon]
        let deposits: [[Particle]]
        let mass: Double
        let chargeProduct: Double
        let isZ: Bool
    }

    /// The two muons of a heavy-flavour continuum event of `mass`: they come from two different b hadrons, so each
    /// has its own pT, drawn independently of the mass (25 GeV + an exponential of mean 10 GeV), and the mass comes
    /// from their opening angle: `m^2 = 2 pT1 pT2 (cosh d_eta - cos d_phi)`, with `d_phi` uniform and `d_eta` solved
    /// for (nil when no angle gives the mass, or the muons leave |eta| < 2.1: the caller redraws). The muons' pT, and
    /// so their isolation, is then independent of the mass, as the sWeights of the data-like study assume.
    static func continuumPair(mass: Double, _ rng: RandomStream) -> ((pt: Double, eta: Double, phi: Double), (pt: Double, eta: Double, phi: Double))? {
        let pt1 = 25 + rng.exponential(mean: 10), pt2 = 25 + rng.exponential(mean: 10)
        let dPhi = rng.uniform(-Double.pi, Double.pi)
        let coshDEta = mass * mass / (2 * pt1 * pt2) + cos(dPhi)
        guard coshDEta >= 1 else { return nil }
        let dEta = acosh(coshDEta) * (rng.uniform() < 0.5 ? 1 : -1)
        let eta1 = rng.uniform(-2.1, 2.1), eta2 = eta1 + dEta
        guard abs(eta2) < 2.1 else { return nil }
        let phi1 = rng.uniform(-Double.pi, Double.pi)
        return ((pt1, eta1, phi1), (pt2, eta2, wrapPhi(phi1 + dPhi)))
    }

    /// Two massless muons from a system of `mass` with pT ~ exponential(8 GeV), rapidity ~ N(0, 1.2), decaying
    /// isotropically in its rest frame; returns their (pt, eta, phi).
    static func decay(mass: Double, _ rng: RandomStream) -> ((pt: Double, eta: Double, phi: Double), (pt: Double, eta: Double, phi: Double)) {
        let pT = rng.exponential(mean: 8), y = rng.normal(sigma: 1.2), phi = rng.uniform(-Double.pi, Double.pi)
        let mT = (mass * mass + pT * pT).squareRoot()
        let system = (e: mT * cosh(y), px: pT * cos(phi), py: pT * sin(phi), pz: mT * sinh(y))
        let cosT = rng.uniform(-1, 1), sinT = (1 - cosT * cosT).squareRoot(), phiStar = rng.uniform(-Double.pi, Double.pi)
        let p = mass / 2
        let rest = (px: p * sinT * cos(phiStar), py: p * sinT * sin(phiStar), pz: p * cosT)
        func boost(_ sign: Double) -> (pt: Double, eta: Double, phi: Double) {
            let (bx, by, bz) = (system.px / system.e, system.py / system.e, system.pz / system.e)
            let b2 = bx * bx + by * by + bz * bz
            let gamma = 1 / (1 - b2).squareRoot()
            let (qx, qy, qz, qe) = (sign * rest.px, sign * rest.py, sign * rest.pz, p)
            let bp = bx * qx + by * qy + bz * qz
            let g2 = b2 > 0 ? (gamma - 1) / b2 : 0
            let px = qx + g2 * bp * bx + gamma * bx * qe
            let py = qy + g2 * bp * by + gamma * by * qe
            let pz = qz + g2 * bp * bz + gamma * bz * qe
            let pt = (px * px + py * py).squareRoot()
            return (pt, asinh(pz / max(pt, 1e-12)), atan2(py, px))
        }
        return (boost(1), boost(-1))
    }
}
