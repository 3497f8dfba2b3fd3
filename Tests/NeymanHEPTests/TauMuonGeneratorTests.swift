import Foundation
import Testing
import NeymanCore
@testable import NeymanHEP

/// The built-in tau-muon generator against the distributions docs/tau-muons.md states: the Michel spectrum, the
/// lab-frame muon spectrum of a fast tau, two-body decays, decay lengths, the detector's resolutions and energy loss,
/// impact parameters by hand; then the samples' class shapes and their determinism.
@Suite("Tau-muon generator")
struct TauMuonGeneratorTests {
    /// Kolmogorov distance between a sample and a CDF.
    func kolmogorov(_ values: [Double], _ cdf: (Double) -> Double) -> Double {
        let s = values.sorted(), n = Double(s.count)
        var d = 0.0
        for (i, x) in s.enumerated() {
            let f = cdf(x)
            d = max(d, abs(f - Double(i) / n), abs(f - Double(i + 1) / n))
        }
        return d
    }

    /// 1.95 / sqrt(n): the KS critical value at 0.1 %.
    func critical(_ n: Int) -> Double { 1.95 / Double(n).squareRoot() }

    @Test func michelSpectrum() {
        let rng = RandomStream(seed: 1)
        let n = 100_000
        let x = (0..<n).map { _ in TauMuonKinematics.michelFraction(rng) }
        let mean = x.reduce(0, +) / Double(n)
        // mean 7/10, variance 8/15 - 49/100.
        #expect(abs(mean - 0.7) < 4 * (8.0 / 15 - 0.49).squareRoot() / Double(n).squareRoot())
        #expect(kolmogorov(x) { 2 * pow($0, 3) - pow($0, 4) } < critical(n))
    }

    /// A fast parent: the muon's energy fraction y follows the collinear-limit spectrum (5 - 9y^2 + 4y^3)/3, mean 0.35
    /// (exercises the Michel spectrum, the isotropic rest-frame direction and the boost together). Exact in the limit
    /// of a massless muon, so checked with a 50 GeV parent (m_mu / E* negligible); for a 500 GeV tau the muon mass
    /// lifts the lowest fractions a little (the mean moves by less than 0.005).
    @Test func fastParentMuonFraction() {
        let rng = RandomStream(seed: 2)
        let heavy = FourMomentum(momentum: 20_000, direction: (0.6, 0, 0.8), mass: 50)
        let n = 50_000
        let y = (0..<n).map { _ in TauMuonKinematics.leptonicDecayMuon(heavy, maximumEnergy: 25, rng).e / heavy.e }
        #expect(abs(y.reduce(0, +) / Double(n) - 0.35) < 4 * 0.25 / Double(n).squareRoot())
        #expect(kolmogorov(y) { (5 * $0 - 3 * pow($0, 3) + pow($0, 4)) / 3 } < critical(n))
        let tau = FourMomentum(momentum: 500, direction: (0.6, 0, 0.8), mass: TauMuonKinematics.tauMass)
        let yTau = (0..<n).map { _ in TauMuonKinematics.leptonicDecayMuon(tau, maximumEnergy: TauMuonKinematics.tauMass / 2, rng).e / tau.e }
        #expect(abs(yTau.reduce(0, +) / Double(n) - 0.35) < 0.005)
    }

    /// A W at rest: the lepton has |p| = (M^2 - m^2) / (2M) and pT distributed as p* sin(theta) of an isotropic
    /// direction, P(pT < x) = 1 - sqrt(1 - (x/p*)^2). Boosts keep the mass.
    @Test func twoBodyDecayAndBoost() {
        let rng = RandomStream(seed: 3)
        let w = FourMomentum(e: TauMuonKinematics.wMass, px: 0, py: 0, pz: 0)
        let pStar = (pow(TauMuonKinematics.wMass, 2) - pow(TauMuonKinematics.tauMass, 2)) / (2 * TauMuonKinematics.wMass)
        #expect(abs(TauMuonKinematics.twoBodyMomentum(parent: TauMuonKinematics.wMass, TauMuonKinematics.tauMass, 0) - pStar) < 1e-12)
        let n = 40_000
        var pts: [Double] = []
        for _ in 0..<n {
            let t = TauMuonKinematics.twoBodyDecay(w, TauMuonKinematics.tauMass, 0, rng)
            #expect(abs(t.p - pStar) < 1e-9)
            pts.append(t.pt)
        }
        #expect(kolmogorov(pts) { 1 - max(1 - ($0 / pStar) * ($0 / pStar), 0).squareRoot() } < critical(n))
        let moving = FourMomentum(pt: 120, rapidity: 1.3, phi: 0.4, mass: 80.377)
        let daughter = TauMuonKinematics.twoBodyDecay(moving, TauMuonKinematics.tauMass, 0, rng)
        #expect(abs(daughter.mass - TauMuonKinematics.tauMass) < 1e-6)
        // A particle at rest in the parent's frame moves with the parent: p = (m / M) p_parent.
        let still = FourMomentum(e: 2, px: 0, py: 0, pz: 0).boosted(toFrameOf: moving)
        #expect(abs(still.px - moving.px * 2 / 80.377) < 1e-9 && abs(still.pz - moving.pz * 2 / 80.377) < 1e-9)
    }

    /// L / ((p/m) c tau) ~ Exp(1).
    @Test func tauDecayLength() {
        let rng = RandomStream(seed: 4)
        let tau = FourMomentum(momentum: 40, direction: (1, 0, 0), mass: TauMuonKinematics.tauMass)
        let scale = 40 / TauMuonKinematics.tauMass * 0.087_03
        let n = 50_000
        let l = (0..<n).map { _ in TauMuonKinematics.decayLength(tau, mass: TauMuonKinematics.tauMass, properLength: TauMuonKinematics.tauDecayLength, rng) / scale }
        #expect(abs(l.reduce(0, +) / Double(n) - 1) < 4 / Double(n).squareRoot())
        #expect(kolmogorov(l) { 1 - exp(-$0) } < critical(n))
    }

    @Test func impactParametersByHand() {
        let alongY = TauMuonDetector.impactParameters(origin: (1, 0, 0), momentum: FourMomentum(e: 5, px: 0, py: 3, pz: 4))
        #expect(abs(alongY.d0 - 1) < 1e-15 && abs(alongY.z0) < 1e-15)
        let tilted = TauMuonDetector.impactParameters(origin: (1, 1, 2), momentum: FourMomentum(e: 2, px: 1, py: 0, pz: 1))
        #expect(abs(tilted.d0 + 1) < 1e-15 && abs(tilted.z0 - 1) < 1e-15)
    }

    /// A prompt muon from the nominal beam line: d0 / sigma(d0) ~ N(0, 1); (pT_ID - pT)/(pT sigma_ID) ~ N(0, 1); the
    /// MS momentum is unbiased after the mean energy loss is added back; the energy loss has the Moyal mean.
    @Test func detectorResolutions() {
        let det = TauMuonDetector()
        let rng = RandomStream(seed: 5)
        let mu = FourMomentum(pt: 20, rapidity: 0.8, phi: 1, mass: TauMuonKinematics.muonMass)
        let n = 40_000
        var pull = [Double](), idPull = [Double](), msRelative = [Double](), loss = [Double]()
        for _ in 0..<n {
            let m = det.measure(.init(origin: (0, 0, 3), idMomentum: mu, muonMomentum: mu), zpv: 3, rng)
            pull.append(m.d0 / m.sigmaD0)
            idPull.append((m.ptID - mu.pt) / (mu.pt * det.idResolution(pt: mu.pt)))
            msRelative.append(m.ptMS / mu.pt - 1)
            loss.append(det.energyLoss(rng))
        }
        func meanSD(_ v: [Double]) -> (Double, Double) {
            let m = v.reduce(0, +) / Double(v.count)
            return (m, (v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count - 1)).squareRoot())
        }
        let se = 1 / Double(n).squareRoot()
        let (pm, ps) = meanSD(pull), (im, isd) = meanSD(idPull)
        #expect(abs(pm) < 4 * se && abs(ps - 1) < 0.03)
        #expect(abs(im) < 4 * se && abs(isd - 1) < 0.03)
        // sigma(d0) at 20 GeV, eta 0.8: 0.010 (+) 0.070 / (20 sqrt(sin theta)).
        let sinTheta = 1 / cosh(0.8)
        #expect(abs(det.sigmaD0(pt: 20, sinTheta: sinTheta) - (0.0001 + pow(0.0035 / sinTheta.squareRoot(), 2)).squareRoot()) < 1e-15)
        let (mm, msd) = meanSD(msRelative)
        #expect(abs(mm) < 4 * msd / Double(n).squareRoot(), "MS pT unbiased: \(mm) +- \(msd / Double(n).squareRoot())")
        let (lm, lsd) = meanSD(loss)
        #expect(abs(lm - det.meanEnergyLoss) < 4 * lsd / Double(n).squareRoot())
        #expect(abs(lsd - 0.25 * Double.pi / 2.0.squareRoot()) < 0.02, "Moyal width pi/sqrt(2) times 0.25")
    }

    /// The samples' class shapes (docs/tau-muons.md): tau muons softer than prompt ones in t tbar and much harder from
    /// the W'; |d0| ordered prompt < tau < fake in t tbar; fakes not isolated; the selection holds; the composition.
    @Test func classShapes() throws {
        let tt = try TauMuonGenerator.generate(process: .ttbar, tau: 4000, prompt: 4000, fake: 4000, seed: 6)
        let wp = try TauMuonGenerator.generate(process: .wprime, tau: 2000, prompt: 0, fake: 0, seed: 6)
        #expect(tt.count == 12_000 && wp.count == 2000)
        #expect(tt.labels.filter { $0 == 1 }.count == 4000 && tt.labels.filter { $0 == 2 }.count == 4000)
        #expect(tt.muons.allSatisfy { $0.measurement.ptCB > 5 && $0.measurement.absEta < 2.5 })
        func median(_ cls: TauMuonClass, _ s: TauMuonSample, _ f: (TauMuon) -> Double) -> Double {
            let v = s.muons.filter { $0.truthClass == cls }.map(f).sorted()
            return v[v.count / 2]
        }
        let ptTau = median(.tau, tt) { $0.measurement.ptCB }, ptPrompt = median(.prompt, tt) { $0.measurement.ptCB }
        #expect(ptTau < 0.6 * ptPrompt, "\(ptTau) vs \(ptPrompt)")
        #expect(median(.tau, wp) { $0.measurement.ptCB } > 3 * ptTau)
        let d0 = [TauMuonClass.prompt, .tau, .fake].map { c in median(c, tt) { abs($0.measurement.d0) } }
        #expect(d0[0] < 0.015 && d0[1] > 1.8 * d0[0] && d0[2] > 2 * d0[1], "\(d0)")
        #expect(median(.fake, tt) { $0.caloIsolation } > 10 * median(.prompt, tt) { $0.caloIsolation })
        let origins = Set(tt.muons.filter { $0.truthClass == .fake }.map(\.origin))
        #expect(origins == [.bottom, .bottomToCharm, .decayInFlight])
        let ds = try tt.dataset()
        #expect(ds.columnNames == TauMuonSample.featureNames + ["random", "label", "origin", "true_pt"])
        #expect(throws: NeymanError.self) { try tt.features(["pt", "bogus"]) }
    }

    /// The same seed gives the same muons for any thread count, and the first n of a class are the sample of n.
    @Test func deterministicAndPrefixStable() throws {
        let a = try TauMuonGenerator.generate(process: .w, tau: 300, prompt: 200, fake: 100, seed: 9, threads: 1)
        let b = try TauMuonGenerator.generate(process: .w, tau: 300, prompt: 200, fake: 100, seed: 9, threads: 2)
        #expect(a == b)
        let small = try TauMuonGenerator.generate(process: .w, tau: 100, prompt: 50, fake: 10, seed: 9, threads: 2)
        #expect(Array(small.muons[0..<100]) == Array(a.muons[0..<100]))
        #expect(Array(small.muons[100..<150]) == Array(a.muons[300..<350]))
        #expect(Array(small.muons[150..<160]) == Array(a.muons[500..<510]))
        let other = try TauMuonGenerator.generate(process: .w, tau: 300, prompt: 200, fake: 100, seed: 10, threads: 1)
        #expect(other != a)
        #expect(throws: NeymanError.self) { try TauMuonGenerator.generate(process: .z, tau: -1, prompt: 0, fake: 0, seed: 1) }
    }
}
