import Foundation
import NeymanCore

/// The knobs of the built-in fast muon generator (``MuonGenerator``), read from a `[sample]` table; every key has a
/// default and the physics each one stands for is documented beside it (docs/muon-samples.md).
public struct MuonGeneratorSettings: Sendable, Equatable {
    /// What to generate.
    public enum Kind: String, Sendable { case isolation, dimuon }

    public var kind: Kind = .isolation
    /// Isolation: the number of muons. Dimuon: twice the number of events.
    public var muons = 20_000
    /// Isolation: the fraction of prompt muons.
    public var promptFraction = 0.5
    public var seed: UInt64 = 2021

    /// Pileup (`[sample.pileup]`): minimum-bias interactions overlaid (`mu`), each adding on average
    /// `particlesPerArea` particles per unit eta-phi area above 0.5 GeV, with an exponential spectrum of mean
    /// `meanPt` above that threshold; a fraction `chargedFraction` is charged (category pileup, removable by the
    /// vertex), the rest photons and neutral hadrons. Uniform in eta and phi.
    public var pileupMu = 50.0
    public var pileupParticlesPerArea = 1.5
    public var pileupMeanPt = 0.7
    public var pileupChargedFraction = 0.65

    /// Underlying event of the hard scatter (`[sample.underlying_event]`), the same shape of spectrum.
    public var underlyingParticlesPerArea = 3.0
    public var underlyingMeanPt = 1.0

    /// Prompt muons (`[sample.prompt]`): a final-state-radiation photon with this probability, carrying 1-10 % of
    /// the muon's pt, about 0.03 from it.
    public var fsrProbability = 0.1

    /// Non-prompt muons (`[sample.nonprompt]`): the muon carries a fraction in `muonFraction` of its b hadron's pt;
    /// the rest of the b jet (plus up to 30 % more from fragmentation) lands around an axis displaced from the muon by
    /// `bMass / pt_b` (times 0.5 to 1.5), in `1 + Poisson(fragmentsMean)` particles spread by `coreWidth`.
    public var bMass = 4.8
    public var muonFraction: ClosedRange<Double> = 0.45...0.95
    public var fragmentsMean = 4.0
    public var coreWidth = 0.1

    /// Calorimeter (`[sample.calorimeter]`): relative resolution `sqrt((a / sqrt(E))^2 + b^2)` for photons (EM) and
    /// hadrons (HAD), deposits below `threshold` GeV after smearing are dropped. Muons leave nothing.
    public var emStochastic = 0.10
    public var emConstant = 0.01
    public var hadStochastic = 0.50
    public var hadConstant = 0.03
    public var threshold = 0.1

    /// Dimuon (`[sample.dimuon]`): the fraction of Z -> mu mu events (the rest heavy-flavour continuum, falling in
    /// mass as `exp(-slope m)`), and the opposite-sign fraction of the continuum.
    public var zFraction = 0.6
    public var continuumSlope = 0.04
    public var continuumOppositeSignFraction = 0.6

    /// Pythia engine only (`[sample.pythia]`, tools/pythia/generate_muons.py): minimum-bias events in the pileup pool of
    /// each chunk, muons per chunk (the unit of seeding and of parallel work), and the b bbar generation's pTHatMin.
    public var pythiaPoolSize = 200
    public var pythiaChunk = 250
    public var pythiaBbbarPtHatMin = 12.0

    public init() {}

    /// Reads `[sample]` from a config; unknown keys are errors naming them.
    public init(config root: ConfigTable) throws {
        let t = try root.require("sample") { try root.table($0) }
        func bad(_ key: String, _ message: String) -> NeymanError {
            NeymanError.invalid(message, file: t.file, key: (t.path.isEmpty ? "" : t.path + ".") + key)
        }
        func positive(_ table: ConfigTable, _ key: String, _ value: inout Double, allowZero: Bool = false) throws {
            if let v = try table.double(key) {
                guard v.isFinite, allowZero ? v >= 0 : v > 0 else {
                    throw NeymanError.invalid("must be \(allowZero ? ">= 0" : "> 0"), got \(v)", file: table.file,
                                              key: (table.path.isEmpty ? "" : table.path + ".") + key)
                }
                value = v
            }
        }
        func fraction(_ table: ConfigTable, _ key: String, _ value: inout Double) throws {
            if let v = try table.double(key) {
                guard v >= 0, v <= 1 else {
                    throw NeymanError.invalid("must be in [0, 1], got \(v)", file: table.file, key: (table.path.isEmpty ? "" : table.path + ".") + key)
                }
                value = v
            }
        }
        if let k = try t.string("kind") {
            guard let kind = Kind(rawValue: k) else { throw bad("kind", "must be isolation or dimuon, got '\(k)'") }
            self.kind = kind
        }
        if let n = try t.int("muons") {
            guard n >= 2 else { throw bad("muons", "must be at least 2, got \(n)") }
            try MemoryBudget.check(count: n, bytesPerElement: 4096, what: "muons", file: t.file, isParameter: false)
            muons = n
        }
        try fraction(t, "prompt_fraction", &promptFraction)
        if let s = try t.seed("seed") { seed = s }
        if let p = try t.table("pileup") {
            try positive(p, "mu", &pileupMu, allowZero: true)
            try positive(p, "particles_per_area", &pileupParticlesPerArea, allowZero: true)
            try positive(p, "mean_pt", &pileupMeanPt)
            try fraction(p, "charged_fraction", &pileupChargedFraction)
        }
        if let u = try t.table("underlying_event") {
            try positive(u, "particles_per_area", &underlyingParticlesPerArea, allowZero: true)
            try positive(u, "mean_pt", &underlyingMeanPt)
        }
        if let p = try t.table("prompt") { try fraction(p, "fsr_probability", &fsrProbability) }
        if let b = try t.table("nonprompt") {
            try positive(b, "b_mass", &bMass)
            try positive(b, "fragments_mean", &fragmentsMean, allowZero: true)
            try positive(b, "core_width", &coreWidth)
            if let r = try b.doubles("muon_fraction") {
                guard r.count == 2, r[0] > 0, r[0] <= r[1], r[1] <= 1 else {
                    throw NeymanError.invalid("must be [lo, hi] with 0 < lo <= hi <= 1, got \(r)", file: b.file, key: b.path + ".muon_fraction")
                }
                muonFraction = r[0]...r[1]
            }
        }
        if let c = try t.table("calorimeter") {
            try positive(c, "em_stochastic", &emStochastic, allowZero: true)
            try positive(c, "em_constant", &emConstant, allowZero: true)
            try positive(c, "had_stochastic", &hadStochastic, allowZero: true)
            try positive(c, "had_constant", &hadConstant, allowZero: true)
            try positive(c, "threshold", &threshold, allowZero: true)
        }
        if let p = try t.table("pythia") {
            for (key, target) in [("pool_size", \MuonGeneratorSettings.pythiaPoolSize), ("chunk", \MuonGeneratorSettings.pythiaChunk)] {
                if let v = try p.int(key) {
                    guard v >= 1, v <= 1_000_000 else {
                        throw NeymanError.invalid("must be from 1 to 10^6, got \(v)", file: p.file, key: p.path + "." + key)
                    }
                    self[keyPath: target] = v
                }
            }
            try positive(p, "bbbar_pthat_min", &pythiaBbbarPtHatMin)
        }
        if let d = try t.table("dimuon") {
            try fraction(d, "z_fraction", &zFraction)
            try positive(d, "continuum_slope", &continuumSlope)
            try fraction(d, "continuum_opposite_sign_fraction", &continuumOppositeSignFraction)
        }
    }

    /// Every setting as `key=value` lines, in a fixed order: what the settings hash is computed from.
    public var canonicalDescription: String {
        [
            "kind=\(kind.rawValue)", "muons=\(muons)", "prompt_fraction=\(promptFraction)", "seed=\(seed)",
            "pileup.mu=\(pileupMu)", "pileup.particles_per_area=\(pileupParticlesPerArea)", "pileup.mean_pt=\(pileupMeanPt)",
            "pileup.charged_fraction=\(pileupChargedFraction)", "underlying_event.particles_per_area=\(underlyingParticlesPerArea)",
            "underlying_event.mean_pt=\(underlyingMeanPt)", "prompt.fsr_probability=\(fsrProbability)", "nonprompt.b_mass=\(bMass)",
            "nonprompt.muon_fraction=\(muonFraction.lowerBound),\(muonFraction.upperBound)", "nonprompt.fragments_mean=\(fragmentsMean)",
            "nonprompt.core_width=\(coreWidth)", "calorimeter.em=\(emStochastic),\(emConstant)",
            "calorimeter.had=\(hadStochastic),\(hadConstant)", "calorimeter.threshold=\(threshold)", "dimuon.z_fraction=\(zFraction)",
            "dimuon.continuum_slope=\(continuumSlope)", "dimuon.continuum_opposite_sign_fraction=\(continuumOppositeSignFraction)",
            "pythia.pool_size=\(pythiaPoolSize)", "pythia.chunk=\(pythiaChunk)", "pythia.bbbar_pthat_min=\(pythiaBbbarPtHatMin)",
        ].joined(separator: "\n")
    }

    /// A 64-bit FNV-1a hash of ``canonicalDescription``, in hex: the cache key of a generated sample.
    public var hash: String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in canonicalDescription.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return String(h, radix: 16)
    }
}
