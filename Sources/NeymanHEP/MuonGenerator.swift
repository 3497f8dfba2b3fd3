import Foundation
import NeymanCore
import NeymanStats

/// The built-in fast muon generator: the sample layout of ``MuonSample`` in seconds, for tests, the quick
/// `make run`, and users without Python (the physics of every knob: ``MuonGeneratorSettings``, docs/muon-samples.md).
/// Not a substitute for Pythia 8 + a detector simulation, but with the structure the paper's question is about: a
/// prompt muon sees only pileup and the underlying event; a non-prompt muon sits inside a b jet whose collinear core
/// is displaced from it.
///
/// Muon `i` (or dimuon event `i`) is made from its own stream `RandomStream(seed, task: i)`, so a sample is the same
/// for any thread count, and the first `n` muons of a larger sample are the sample of `n`.
public enum MuonGenerator {
    /// The isolation sample: muons with pt in [10, 15] GeV and |eta| < 2.5 (the paper's selection), prompt with
    /// probability `promptFraction`, and (pT, eta) flattening weights over 32 x 32 bins per class.
    public static func generate(_ settings: MuonGeneratorSettings, threads: Int? = nil,
                                progress: ProgressDisplay? = nil) throws -> MuonSample {
        switch settings.kind {
        case .isolation: return try isolation(settings, threads: threads, progress: progress)
        case .dimuon: return try dimuon(settings, threads: threads, progress: progress)
        }
    }

    static func isolation(_ s: MuonGeneratorSettings, threads: Int?, progress: ProgressDisplay?) throws -> MuonSample {
        let made = deterministicParallelMap(count: s.muons, threads: threads, progress: progress) { i -> (MuonSample.Muon, [Particle], Bool) in
            let rng = RandomStream(seed: s.seed, task: UInt64(i))
            let prompt = rng.uniform() < s.promptFraction
            // Falling spectra, steeper for non-prompt muons; broader in eta for them (heavy-flavour production).
            let pt = truncatedExponential(rng, lower: 10, upper: 15, mean: prompt ? 8 : 4)
            var eta: Double
            repeat { eta = rng.normal(sigma: prompt ? 1.4 : 1.8) } while abs(eta) >= 2.5
            let muon = MuonSample.Muon(pt: pt, eta: eta, phi: rng.uniform(-Double.pi, Double.pi), charge: rng.uniform() < 0.5 ? 1 : -1)
            return (muon, deposits(around: muon, prompt: prompt, s, rng), prompt)
        }
        let muons = made.map(\.0), labels = made.map { $0.2 ? 1.0 : 0.0 }
        let weights = try flatteningWeights(muons: muons, labels: labels)
        return MuonSample(muons: muons, deposits: made.map(\.1), labels: labels, weights: weights,
                          metadata: metadata(s, counts: [("prompt", labels.filter { $0 == 1 }.count), ("nonprompt", labels.filter { $0 == 0 }.count)]))
    }

    /// Weights that make each class flat in (pT, eta) over 32 x 32 bins on [10, 15] x [-2.5, 2.5], normalised so a
    /// class's weights sum to its count (the paper's flattening, so that no network learns pT or eta).
    static func flatteningWeights(muons: [MuonSample.Muon], labels: [Double]) throws -> [Double] {
        let axes = [try HistogramAxis(bins: 32, lower: 10, upper: 15), try HistogramAxis(bins: 32, lower: -2.5, upper: 2.5)]
        var weights = [Double](repeating: 1, count: muons.count)
        for cls in [0.0, 1.0] {
            let idx = labels.indices.filter { labels[$0] == cls }
            guard idx.count >= 2 else { continue }
            let r = try HistogramReweighting.flattening([idx.map { muons[$0].pt }, idx.map { muons[$0].eta }], axes: axes,
                                                        columnNames: ["pt", "eta"])
            let total = r.weights.reduce(0, +)
            for (k, i) in idx.enumerated() { weights[i] = r.weights[k] * Double(idx.count) / total }
        }
        return weights
    }

    /// A value of an exponential distribution of `mean` truncated to [lower, upper] (inverse CDF).
    static func truncatedExponential(_ rng: RandomStream, lower: Double, upper: Double, mean: Double) -> Double {
        let span = 1 - exp(-(upper - lower) / mean)
        return lower - mean * log(1 - rng.uniform() * span)
    }

    /// Everything around a muon within dR < 0.45, after the calorimeter.
    static func deposits(around muon: MuonSample.Muon, prompt: Bool, _ s: MuonGeneratorSettings, _ rng: RandomStream) -> [Particle] {
        let radius = CalorimeterImage.halfWidth
        let area = Double.pi * radius * radius
        var truth: [Particle] = []
        func uniformInCone() -> (Double, Double) {
            let r = radius * rng.uniform().squareRoot(), a = rng.uniform(-Double.pi, Double.pi)
            return (muon.eta + r * cos(a), muon.phi + r * sin(a))
        }
        // Pileup and underlying event: uniform in the cone, exponential spectra above 0.5 GeV.
        for _ in 0..<Int(rng.poisson(mean: s.pileupMu * s.pileupParticlesPerArea * area)) {
            let (eta, phi) = uniformInCone()
            let category: ParticleCategory = rng.uniform() < s.pileupChargedFraction ? .pileup : (rng.uniform() < 0.6 ? .photon : .neutralHadron)
            truth.append(Particle(pt: 0.5 + rng.exponential(mean: s.pileupMeanPt), eta: eta, phi: phi, category: category))
        }
        for _ in 0..<Int(rng.poisson(mean: s.underlyingParticlesPerArea * area)) {
            let (eta, phi) = uniformInCone()
            let u = rng.uniform()
            let category: ParticleCategory = u < 0.65 ? .chargedHadron : (u < 0.85 ? .photon : .neutralHadron)
            truth.append(Particle(pt: 0.5 + rng.exponential(mean: s.underlyingMeanPt), eta: eta, phi: phi, category: category))
        }
        if prompt {
            if rng.uniform() < s.fsrProbability {
                let r = abs(rng.normal(sigma: 0.03)), a = rng.uniform(-Double.pi, Double.pi)
                truth.append(Particle(pt: muon.pt * rng.uniform(0.01, 0.1), eta: muon.eta + r * cos(a), phi: muon.phi + r * sin(a),
                                      category: .photon))
            }
        } else {
            // The rest of the b jet: the b hadron carried pt_mu / x; fragmentation adds up to 30 % more.
            let x = rng.uniform(s.muonFraction.lowerBound, s.muonFraction.upperBound)
            let ptB = muon.pt / x
            let remnant = ptB - muon.pt + ptB * rng.uniform(0, 0.3)
            let offset = s.bMass / ptB * rng.uniform(0.5, 1.5), a = rng.uniform(-Double.pi, Double.pi)
            let axisEta = muon.eta + offset * cos(a), axisPhi = muon.phi + offset * sin(a)
            let n = 1 + Int(rng.poisson(mean: s.fragmentsMean))
            let shares = (0..<n).map { _ in rng.exponential(mean: 1) }
            let total = shares.reduce(0, +)
            for share in shares {
                let u = rng.uniform()
                let category: ParticleCategory = u < 0.6 ? .chargedHadron : (u < 0.85 ? .photon : .neutralHadron)
                truth.append(Particle(pt: remnant * share / total, eta: axisEta + rng.normal(sigma: s.coreWidth),
                                      phi: axisPhi + rng.normal(sigma: s.coreWidth), category: category))
            }
        }
        // The calorimeter: Gaussian smearing per type, a threshold, and the 0.45 cone.
        var measured: [Particle] = []
        for p in truth {
            let energy = p.pt * cosh(p.eta)
            let (a, b) = p.category == .photon ? (s.emStochastic, s.emConstant) : (s.hadStochastic, s.hadConstant)
            let sigma = (a * a / max(energy, 1e-9) + b * b).squareRoot()
            let pt = p.pt * max(0, 1 + rng.normal(sigma: sigma))
            guard pt >= s.threshold, pt > 0,
                  deltaR(eta1: p.eta, phi1: p.phi, eta2: muon.eta, phi2: muon.phi) < radius else { continue }
            measured.append(Particle(pt: pt, eta: p.eta, phi: wrapPhi(p.phi), category: p.category))
        }
        return measured
    }

    /// `phi` wrapped into [-pi, pi).
    static func wrapPhi(_ phi: Double) -> Double { deltaPhi(phi, 0) }

    /// The metadata JSON of a built-in sample.
    static func metadata(_ s: MuonGeneratorSettings, counts: [(String, Int)]) -> String {
        let settings = s.canonicalDescription.split(separator: "\n").map { line -> (String, JSONValue) in
            let kv = line.split(separator: "=", maxSplits: 1).map(String.init)
            return (kv[0], .string(kv.count > 1 ? kv[1] : ""))
        }
        var members: [(String, JSONValue)] = [
            ("generator", .string("builtin")), ("kind", .string(s.kind.rawValue)), ("seed", .unsigned(s.seed)),
            ("settings_hash", .string(s.hash)), ("settings", .object(settings)),
            ("counts", .object(counts.map { ($0.0, .integer($0.1)) })),
        ]
        if s.kind == .dimuon { members.append(("processes", .object([("0", .string("drell_yan_z")), ("1", .string("heavy_flavour_dimuon"))]))) }
        return JSONValue.object(members).serialized()
    }
}
