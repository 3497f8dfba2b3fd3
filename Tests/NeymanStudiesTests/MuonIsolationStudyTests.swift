import Foundation
import Testing
import NeymanCore
import NeymanStats
import NeymanHEP
@testable import NeymanStudies

/// The muon paper's supervised study at a small scale (built-in generator): the orderings the paper reports, the
/// guided search closing the gap, the results' keys, and thread independence.
@Suite("Muon isolation study")
struct MuonIsolationStudyTests {
    /// A study file: `muons` muons, the isolation/PFN/EFN settings given, a small CNN.
    static func config(muons: Int, folds: Int, cellEpochs: Int, coneEpochs: Int, steps: Int, cnnEpochs: Int) throws -> ConfigTable {
        try ConfigFile.parse("""
            [study]
            kind = "muon-isolation"
            seed = 2102
            [samples]
            muons = \(muons)
            folds = \(folds)
            max_cells = 160
            [cones]
            max = 10
            selection_epochs = 3
            [networks.isolation]
            kind = "dense"
            layers = [32, 32]
            training = { epochs = \(coneEpochs), batch_size = 256, learning_rate = 3e-3, validation_fraction = 0.2, patience = 5 }
            [networks.pfn]
            kind = "pfn"
            phi = [64, 64]
            f = [64, 64]
            training = { epochs = \(cellEpochs), batch_size = 128, learning_rate = 2e-3, validation_fraction = 0.2, patience = 6 }
            [networks.efn]
            kind = "efn"
            phi = [32, 32]
            f = [32, 32]
            training = { epochs = \(min(cellEpochs, 10)), batch_size = 128, learning_rate = 2e-3 }
            [networks.cnn]
            kind = "cnn"
            blocks = 1
            convs_per_block = 1
            filters = 4
            dense = [16]
            training = { epochs = \(cnnEpochs), batch_size = 128 }
            [search]
            max_steps = \(steps)
            [search.irc_safe]
            kappa = [1.0]
            beta = [1.0, 2.0]
            [search.wide]
            kappa = [0.0, 0.25, 0.5, 2.0]
            beta = [0.5, 1.0, 3.0]
            """, file: "muon-isolation.toml")
    }

    static func number(_ v: JSONValue?) -> Double? { if case .number(let x)? = v { return x } else { return nil } }
    static func field(_ results: [String: JSONValue], _ key: String, _ name: String) -> Double? {
        guard case .object(let o)? = results[key] else { return nil }
        return number(o.first { $0.0 == name }?.1)
    }
    static func folds(_ results: [String: JSONValue], _ name: String) -> [Double] {
        guard case .object(let o)? = results["auc_folds"], case .array(let a)? = o.first(where: { $0.0 == name })?.1 else { return [] }
        return a.compactMap(number)
    }

    /// Single cone < 10 cones < PFN, each gap beyond 2 standard errors of the paired (same held-out fold) difference;
    /// the EFPs of the search close at least half of the gap from 10 cones + sum pT to the PFN.
    @Test func orderingsAndTheSearchClosingTheGap() throws {
        let study = try MuonIsolationStudy(config: try Self.config(muons: 14000, folds: 5, cellEpochs: 40, coneEpochs: 25, steps: 5, cnnEpochs: 2),
                                           scale: .quick)
        let out = try study.run(seed: 2102, context: StudyContext(threads: 2, quiet: true))
        let r = Dictionary(out.results, uniquingKeysWith: { a, _ in a })
        for name in ["single_cone", "cones_2", "cones_10", "cones_18", "cones_10_sumpt", "cones_sumpt_efps", "cnn", "efn", "pfn"] {
            #expect(Self.field(r, "auc", name) != nil && Self.field(r, "auc_error", name) != nil && Self.field(r, "ado_pfn", name) != nil,
                    "missing \(name)")
            #expect(Self.folds(r, name).count == 5, "\(name)")
        }
        func gap(_ lo: String, _ hi: String) -> (mean: Double, error: Double) {
            let d = zip(Self.folds(r, hi), Self.folds(r, lo)).map { $0 - $1 }
            return (SampleSummary.mean(d), SampleSummary.standardErrorOfMean(d))
        }
        let g1 = gap("single_cone", "cones_10"), g2 = gap("cones_10", "pfn")
        #expect(g1.mean > 2 * g1.error && g1.error > 0, "single cone -> 10 cones: \(g1)")
        #expect(g2.mean > 2 * g2.error && g2.error > 0, "10 cones -> PFN: \(g2)")
        let base = try #require(Self.field(r, "auc", "cones_10_sumpt")), pfn = try #require(Self.field(r, "auc", "pfn"))
        let efps = try #require(Self.field(r, "auc", "cones_sumpt_efps"))
        #expect(pfn > base, "PFN \(pfn) vs 10 cones + sum pT \(base)")
        #expect(efps - base >= 0.5 * (pfn - base), "EFPs \(efps), cones + sum pT \(base), PFN \(pfn)")
        #expect((Self.field(r, "ado_pfn", "pfn") ?? 0) > 0.99)   // 1 but for ties (muons without a cell)
        guard case .array(let steps)? = r["guided_search"] else { Issue.record("no guided_search"); return }
        #expect(!steps.isEmpty)
        for s in steps {
            guard case .object(let o) = s else { Issue.record("a step is not an object"); continue }
            #expect(Set(o.map(\.0)).isSuperset(of: ["graph", "kappa", "beta", "auc", "auc_error", "ado"]))
        }
        // Report: table 1, the mean images, the cone curve, the ROC curves, the search table with its graphs.
        let figures = out.report.blocks.filter { if case .figure = $0 { return true } else { return false } }
        #expect(figures.count == 3)
        #expect(out.report.blocks.contains { if case .richTable = $0 { return true } else { return false } })
        #expect(out.tables.first?.name == "cone_curve" && out.tables.first?.columns.first?.1.count == 10)
    }

    /// The same seed gives the same results.json with 1 and 2 threads.
    @Test func resultsDoNotDependOnTheThreadCount() throws {
        let study = try MuonIsolationStudy(config: try Self.config(muons: 1200, folds: 2, cellEpochs: 2, coneEpochs: 2, steps: 1, cnnEpochs: 1),
                                           scale: .quick)
        let one = try study.run(seed: 5, context: StudyContext(threads: 1, quiet: true))
        let two = try study.run(seed: 5, context: StudyContext(threads: 2, quiet: true))
        #expect(JSONValue.object(one.results).serialized() == JSONValue.object(two.results).serialized())
    }

    @Test func badConfigsNameTheKey() throws {
        let good = try Self.config(muons: 1200, folds: 2, cellEpochs: 2, coneEpochs: 2, steps: 1, cnnEpochs: 1)
        _ = try MuonIsolationStudy(config: good, scale: .quick)
        let base = """
            [study]
            kind = "muon-isolation"
            [samples]
            muons = 1000
            [networks.isolation]
            kind = "dense"
            [networks.pfn]
            kind = "pfn"
            [networks.efn]
            kind = "efn"
            [networks.cnn]
            kind = "cnn"
            [search.irc_safe]
            kappa = [1.0]
            beta = [1.0]
            """
        let cases: [(String, String, String)] = [
            ("muons = 1000", "muons = 1000\ngenerator = \"delphes\"", "samples.generator"),
            ("muons = 1000", "muons = 1000\nfolds = 1", "samples.folds"),
            ("muons = 1000", "muons = 1000\ngenerator = { quick = \"builtin\", full = \"delphes\" }", "samples.generator"),
            ("kind = \"pfn\"", "kind = \"efn\"", "networks.pfn.kind"),
            ("kind = \"pfn\"", "kind = \"pfn\"\ninputs = \"tracks\"", "networks.pfn.inputs"),
            ("kind = \"pfn\"", "kind = \"pfn\"\ntraining = { epochs = 0 }", "networks.pfn.training.epochs"),
            ("kind = \"dense\"", "kind = \"dense\"\nlayers = [0]", "networks.isolation.layers"),
            ("beta = [1.0]", "beta = [-1.0]", "search.irc_safe.beta"),
        ]
        for (from, to, key) in cases {
            let text = base.replacingOccurrences(of: from, with: to)
            let e = #expect(throws: NeymanError.self) { try MuonIsolationStudy(config: try ConfigFile.parse(text, file: "m.toml"), scale: .quick) }
            #expect(e?.location.key == key, "\(key): \(e?.description ?? "")")
        }
    }

    /// The particle-level PFN inputs: each deposit inside the image, relative to the muon, highest pT first, with its
    /// category one-hot; deposits outside the image dropped; at most `max_cells` slots, zero-padded.
    @Test func particleInputsCarryTheCategory() throws {
        let muons = [MuonSample.Muon(pt: 20, eta: 1.0, phi: 3.1, charge: 1), MuonSample.Muon(pt: 10, eta: -0.5, phi: 0, charge: -1)]
        let deposits: [[Particle]] = [
            [Particle(pt: 1, eta: 1.1, phi: -3.1, category: .photon),            // d_phi wraps: 2 pi - 6.2
             Particle(pt: 4, eta: 0.9, phi: 3.0, category: .chargedHadron),
             Particle(pt: 2, eta: 1.6, phi: 3.1, category: .neutralHadron),      // d_eta 0.6: outside the image
             Particle(pt: 0.5, eta: 1.0, phi: 3.2, category: .pileup)],
            [Particle(pt: 3, eta: -0.4, phi: 0.2, category: .unknown)],
        ]
        let sample = MuonSample(muons: muons, deposits: deposits, labels: [1, 0])
        // Without deposits (the default, what cell-only studies use) the lists are not made, and asking for them is
        // an error rather than empty inputs.
        let cellsOnly = try MuonFeatures(sample: sample, maxCells: 2, threads: 1)
        #expect(cellsOnly.deposits.allSatisfy(\.isEmpty) && !cellsOnly.hasDeposits)
        #expect(throws: NeymanError.self) { try cellsOnly.particlesWithCategories() }
        let f = try MuonFeatures(sample: sample, maxCells: 2, withDeposits: true, threads: 1)
        let x = try f.particlesWithCategories()
        let w = MuonFeatures.particleWidth
        try #require(x.featureCount == 2 * w && x.count == 2)
        let values = x.features
        func slot(_ i: Int, _ p: Int) -> [Float] {
            let start = i * 2 * w + p * w
            return Array(values[start..<(start + w)])
        }
        // Muon 0: the charged hadron (z = 0.2), then the photon; the pileup deposit is third and does not fit.
        let first = slot(0, 0), second = slot(0, 1)
        #expect(abs(first[0] - 0.2) < 1e-6 && abs(first[1] - (-0.1)) < 1e-6 && abs(first[2] - (-0.1)) < 1e-6)
        #expect(Array(first[3...]) == [1, 0, 0, 0])
        let wrapped = Float(2 * Double.pi - 6.2)
        #expect(abs(second[0] - 0.05) < 1e-6 && abs(second[1] - 0.1) < 1e-6 && abs(second[2] - wrapped) < 1e-5)
        #expect(Array(second[3...]) == [0, 0, 1, 0])
        // Muon 1: one deposit of unknown category (no code), then padding.
        #expect(abs(slot(1, 0)[0] - 0.3) < 1e-6 && Array(slot(1, 0)[3...]) == [0, 0, 0, 0])
        #expect(slot(1, 1) == [Float](repeating: 0, count: w))
    }
}
