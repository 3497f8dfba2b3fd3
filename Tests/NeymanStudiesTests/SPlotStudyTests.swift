import Foundation
import NeymanCore
import Testing
@testable import NeymanStudies

/// The sPlot study at small scale: the sWeighted AUC's pull is a unit Gaussian, the independence check flags the
/// mass-correlated control and not the independent score, and bad keys are named.
@Suite("sPlot Z study")
struct SPlotStudyTests {
    static let toml = """
    [study]
    kind = "splot-zmumu"
    seed = 11
    [sample]
    signal_yield = { quick = 500, full = 1000 }
    background_yield = { quick = 1000, full = 2000 }
    slope = -0.03
    [score]
    signal_beta = [5.0, 2.0]
    background_beta = [2.0, 5.0]
    [control]
    signal_slope = 0.3
    [toys]
    count = { quick = 120, full = 1000 }
    bootstrap = 100
    """

    static func number(_ results: [(String, JSONValue)], _ key: String) -> Double {
        if case .number(let x)? = results.first(where: { $0.0 == key })?.1 { return x }
        if case .integer(let x)? = results.first(where: { $0.0 == key })?.1 { return Double(x) }
        return .nan
    }

    @Test func pullsAreUnitGaussianAndTheControlIsFlagged() throws {
        let root = try ConfigFile.parse(Self.toml, file: "test.toml")
        let study = try SPlotStudy(config: root, scale: .quick)
        #expect(study.events == 1500 && study.toys == 120 && study.bootstrapReplicas == 100)
        let out = try study.run(seed: 11, context: StudyContext(scale: .quick, threads: 2, quiet: true))
        let r = out.results
        let mean = Self.number(r, "pull_mean"), meanError = Self.number(r, "pull_mean_error")
        let width = Self.number(r, "pull_width"), widthError = Self.number(r, "pull_width_error")
        #expect(abs(mean) < 3 * meanError, "pull mean \(mean) ± \(meanError)")
        #expect(abs(width - 1) < 3 * widthError, "pull width \(width) ± \(widthError)")
        #expect(Self.number(r, "converged_fraction") > 0.95)
        #expect(Self.number(r, "pseudo_experiments") == 120 && Self.number(r, "events") == 1500)
        // Both AUCs estimate the same population AUC (Beta(5,2) vs Beta(2,5): 0.9...); they agree on average.
        #expect(abs(Self.number(r, "auc_true_mean") - Self.number(r, "auc_sweighted_mean")) < 0.01)
        guard case .object(let flagged)? = r.first(where: { $0.0 == "flagged_fraction" })?.1 else {
            Issue.record("no flagged_fraction object"); return
        }
        var f: [String: Double] = [:]
        for (k, v) in flagged { if case .number(let x) = v { f[k] = x } }
        #expect((f["correlated_control"] ?? 0) >= 0.9, "control flagged in \(f["correlated_control"] ?? -1)")
        #expect((f["independent_score"] ?? 1) <= 0.1, "score flagged in \(f["independent_score"] ?? -1)")
    }

    @Test func resultsDoNotDependOnTheThreadCount() throws {
        let small = Self.toml.replacingOccurrences(of: "quick = 500,", with: "quick = 200,")
            .replacingOccurrences(of: "quick = 1000,", with: "quick = 400,")
            .replacingOccurrences(of: "quick = 120,", with: "quick = 6,").replacingOccurrences(of: "bootstrap = 100", with: "bootstrap = 20")
        let study = try SPlotStudy(config: try ConfigFile.parse(small, file: "small.toml"), scale: .quick)
        #expect(study.events == 600 && study.toys == 6)
        let one = try study.run(seed: 3, context: StudyContext(scale: .quick, threads: 1, quiet: true))
        let two = try study.run(seed: 3, context: StudyContext(scale: .quick, threads: 2, quiet: true))
        #expect(JSONValue.object(one.results).serialized(pretty: false) == JSONValue.object(two.results).serialized(pretty: false))
        let other = try study.run(seed: 4, context: StudyContext(scale: .quick, threads: 2, quiet: true))
        #expect(Self.number(one.results, "auc_true_mean") != Self.number(other.results, "auc_true_mean"))
    }

    @Test func badKeysAreNamed() throws {
        func fails(_ old: String, _ new: String, naming key: String) {
            let text = Self.toml.replacingOccurrences(of: old, with: new)
            #expect(text != Self.toml, "the replacement of '\(old)' did nothing")
            #expect { try SPlotStudy(config: try ConfigFile.parse(text, file: "bad.toml"), scale: .quick) } throws: {
                "\($0)".contains(key) && "\($0)".contains("bad.toml")
            }
        }
        fails("signal_yield = { quick = 500, ", "signal_yield = { quick = -5, ", naming: "sample.signal_yield")
        fails("signal_beta = [5.0, 2.0]", "signal_beta = [5.0, 0.0]", naming: "score.signal_beta")
        fails("background_beta = [2.0, 5.0]", "background_beta = [2.0]", naming: "score.background_beta")
        fails("slope = -0.03", "slope = -0.03\nrange = [110.0, 70.0]", naming: "sample.range")
        fails("bootstrap = 100", "bootstrap = 1", naming: "toys.bootstrap")
        fails("count = { quick = 120, full = 1000 }", "count = { full = 1000 }", naming: "quick")

        // Unknown keys are reported by the runner, with the file.
        let bad = Self.toml.replacingOccurrences(of: "signal_slope = 0.3", with: "signal_slope = 0.3\nsignal_slop = 1")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("neyman-splot-bad-\(getpid()).toml").path
        try bad.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect { try StudyRunner.run(file: path, context: StudyContext(quiet: true)) } throws: {
            "\($0)".contains("control.signal_slop") && "\($0)".contains(path)
        }
    }
}
