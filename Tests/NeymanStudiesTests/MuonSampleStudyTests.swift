import Foundation
import Testing
import NeymanCore
@testable import NeymanStudies

/// The muon-samples study without Pythia (the Pythia side is exercised by PythiaGenerationTests): its numbers,
/// its figures, and the rank correlation it reports.
@Suite("Muon samples study")
struct MuonSampleStudyTests {
    @Test func builtinOnlyRunGivesOrderedConeAUCs() throws {
        let config = try ConfigFile.parse("""
            [study]
            kind = "muon-samples"
            title = "t"
            seed = 3
            [samples]
            builtin_muons = 4000
            pythia_muons = 0
            """, file: "muon-samples.toml")
        let study = try MuonSampleStudy(config: config, scale: .quick)
        let out = try study.run(seed: 3, context: StudyContext(threads: 2, quiet: true))
        let results = Dictionary(out.results, uniquingKeysWith: { a, _ in a })
        guard case .array(let aucValues)? = results["auc_builtin"] else { Issue.record("no auc_builtin"); return }
        let aucs = aucValues.compactMap { v -> Double? in if case .number(let x) = v { return x } else { return nil } }
        #expect(aucs.count == 18)
        // Wider cones separate better up to about 0.3; the PF isolation beats every cone.
        #expect(aucs[3] < aucs[7] && aucs[7] < aucs[11], "\(aucs)")
        guard case .number(let pf)? = results["pf_auc_builtin"] else { Issue.record("no pf_auc_builtin"); return }
        #expect(pf > (aucs.max() ?? 1))
        #expect(results["auc_pythia"] == nil && results["cone_auc_rank_correlation"] == nil)
        #expect(out.tables.map(\.name) == ["cone_auc_builtin"])
        // Three figures: the mean images, the AUC curve, the spectra.
        let figures = out.report.blocks.filter { if case .figure = $0 { return true } else { return false } }
        #expect(figures.count == 3)
    }

    @Test func rankCorrelation() {
        #expect(MuonSampleStudy.rankCorrelation([1, 2, 3, 4], [10, 20, 30, 40]) == 1)
        #expect(MuonSampleStudy.rankCorrelation([1, 2, 3, 4], [4, 3, 2, 1]) == -1)
        // Ranks [1, 2, 3] and [1.5, 1.5, 3] (a tie): Pearson of the ranks = 0.8660...
        #expect(abs(MuonSampleStudy.rankCorrelation([1, 2, 3], [5, 5, 9]) - 0.75.squareRoot()) < 1e-12)
    }

    @Test func badConfigsNameTheKey() throws {
        for (text, key) in [("builtin_muons = 0", "samples.builtin_muons"), ("builtin_muons = 100\npythia_muons = 5", "samples.pythia_muons")] {
            let config = try ConfigFile.parse("[study]\nkind = \"muon-samples\"\n[samples]\n" + text + "\n", file: "m.toml")
            let e = #expect(throws: NeymanError.self) { try MuonSampleStudy(config: config, scale: .quick) }
            #expect(e?.location.key == key, "\(e?.description ?? "")")
        }
    }
}
