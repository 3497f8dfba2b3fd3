import Foundation
import Testing

/// `neyman sweights` and `neyman auc` as a user runs them: documented JSON keys, the reference cases, the output
/// files, determinism of the bootstrap, and one-line errors with exit status 2.
@Suite("neyman sweights and auc", .serialized)
struct SPlotCLITests {
    static let cases = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/cases")
    static let sweightsCase = cases.appendingPathComponent("sweights/fixed_shapes_n2000.csv").path
    static let fixedShapes = ["--fix", "signal.mean=91.19,signal.sigma=1.5,signal.width=2.5,background.slope=-0.03"]

    static func temporary(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("neyman-splot-\(getpid())-\(name)").path
    }

    static func csv(_ path: String) throws -> (header: [String], rows: [[Double]]) {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        let header = lines[0].split(separator: ",").map(String.init)
        return (header, lines.dropFirst().map { $0.split(separator: ",").map { Double($0) ?? .nan } })
    }

    @Test func sweightsOnTheReferenceCase() throws {
        let out = Self.temporary("sw.csv")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let o = try CLI.run(["sweights", "--input", Self.sweightsCase, "--mass", "m", "--range", "70,110", "--signal", "voigt",
                             "--background", "exponential"] + Self.fixedShapes + ["--control", "true_component", "--out", out, "--format", "json"])
        #expect(o.status == 0, "\(o.stderr)")
        #expect(o.stdout.split(separator: "\n").count == 1)
        let j = try #require(o.json)
        for k in ["yields", "yield_errors", "covariance", "parameters", "sum_weights", "converged", "independence"] {
            #expect(j[k] != nil, "missing \(k)")
        }
        #expect(j["converged"] as? Bool == true)
        let yields = try #require(j["yields"] as? [String: Double])
        let sums = try #require(j["sum_weights"] as? [String: Double])
        #expect(abs((yields["signal"] ?? 0) - 682.3421549919688) < 1e-5 * 682.34)
        #expect(abs((sums["signal"] ?? 0) - (yields["signal"] ?? 0)) < 1e-8 * 682.34)
        let cov = try #require(j["covariance"] as? [[Double]])
        #expect(cov.count == 2 && abs(cov[0][0] - 1301.22) < 0.2)
        let ind = try #require(j["independence"] as? [String: [String: Any]])
        #expect(ind["signal"]?["tau"] != nil && ind["background"]?["p_value"] != nil)

        let table = try Self.csv(out)
        #expect(table.header.suffix(2) == ["sw_signal", "sw_background"])
        #expect(table.rows.count == 2000)
        let refS = table.header.firstIndex(of: "w_sig_summation")!, ours = table.header.firstIndex(of: "sw_signal")!
        let worst = table.rows.map { abs($0[refS] - $0[ours]) }.max() ?? .nan
        #expect(worst < 1e-5, "largest difference to the reference weights: \(worst)")
    }

    /// Events outside the range keep their rows, with zero weights; no --control, no independence key.
    @Test func outOfRangeRowsGetZeroWeights() throws {
        let input = Self.temporary("narrow.csv"), out = Self.temporary("narrow-sw.csv")
        defer { for p in [input, out] { try? FileManager.default.removeItem(atPath: p) } }
        try FileManager.default.copyItem(atPath: Self.sweightsCase, toPath: input)
        let o = try CLI.run(["sweights", "--input", input, "--mass", "m", "--range", "75,105", "--signal", "gauss",
                             "--background", "chebyshev:1", "--out", out, "--format", "json"])
        #expect(o.status == 0, "\(o.stderr)")
        let j = try #require(o.json)
        #expect(j["independence"] == nil)
        let table = try Self.csv(out)
        let m = table.header.firstIndex(of: "m")!, s = table.header.firstIndex(of: "sw_signal")!, b = table.header.firstIndex(of: "sw_background")!
        let outside = table.rows.filter { $0[m] < 75 || $0[m] > 105 }
        #expect(!outside.isEmpty && outside.allSatisfy { $0[s] == 0 && $0[b] == 0 })
        #expect((j["n_in_range"] as? Int) == 2000 - outside.count)
    }

    @Test(arguments: ["posw_ties_n2000", "negw_noties_n2000"])
    func aucMatchesTheReference(_ name: String) throws {
        let input = Self.cases.appendingPathComponent("auc/\(name).csv").path
        let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.cases.appendingPathComponent("auc/\(name).expected.json"))) as? [String: Any]
        let o = try CLI.run(["auc", "--input", input, "--score", "score", "--label", "label", "--weight", "weight", "--format", "json"])
        #expect(o.status == 0, "\(o.stderr)")
        let j = try #require(o.json)
        let auc = try #require(j["auc"] as? Double), want = try #require(expected?["expected_auc"] as? Double)
        #expect(abs(auc - want) < 1e-12)
        #expect(j["auc_error"] is NSNull)
        #expect(j["n"] as? Int == (expected?["n"] as? Int))
    }

    /// The ROC points equal scikit-learn's roc_curve(drop_intermediate=False) for the ties case.
    @Test func rocPointsMatchScikitLearn() throws {
        let input = Self.cases.appendingPathComponent("auc/posw_ties_n2000.csv").path
        let out = Self.temporary("roc.csv")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let o = try CLI.run(["auc", "--input", input, "--score", "score", "--label", "label", "--weight", "weight", "--roc", out])
        #expect(o.status == 0, "\(o.stderr)")
        let ours = try Self.csv(out), ref = try Self.csv(Self.cases.appendingPathComponent("auc/posw_ties_n2000.roc.csv").path)
        #expect(ours.header == ["threshold", "fpr", "tpr"])
        #expect(ours.rows.count == ref.rows.count)
        for (a, b) in zip(ours.rows, ref.rows) {
            #expect(a[0] == b[0] && abs(a[1] - b[1]) < 1e-12 && abs(a[2] - b[2]) < 1e-12, "\(a) vs \(b)")
        }
    }

    @Test func bootstrapIsIndependentOfThreads() throws {
        let input = Self.cases.appendingPathComponent("auc/negw_noties_n2000.csv").path
        let args = ["auc", "--input", input, "--score", "score", "--label", "label", "--weight", "weight", "--bootstrap", "40", "--format", "json"]
        let one = try CLI.run(args + ["--seed", "5", "--threads", "1"])
        let two = try CLI.run(args + ["--seed", "5", "--threads", "2"])
        let other = try CLI.run(args + ["--seed", "6"])
        #expect(one.status == 0 && !one.stdout.isEmpty && one.stdout == two.stdout)
        #expect(other.stdout != one.stdout)
        let e = try #require(one.json?["auc_error"] as? Double)
        #expect(e > 0 && e < 0.05)
    }

    @Test(arguments: [
        (["--range", "110,70"], "range"),
        (["--range", "200,300"], "range"),
        (["--signal", "lorentz"], "signal"),
        (["--background", "chebyshev:9"], "background"),
        (["--mass", "mass"], "mass"),
        (["--control", "nope"], "nope"),
        (["--fix", "signal.gamma=1"], "signal.gamma"),
        (["--start", "signal.sigma=abc"], "start"),
    ])
    func sweightsBadInputExitsWithStatus2(change: [String], mentions: String) throws {
        var args = ["--input", Self.sweightsCase, "--mass", "m", "--range", "70,110", "--signal", "voigt",
                    "--background", "exponential", "--out", Self.temporary("never.csv")]
        var k = 0
        while k < change.count {
            if let i = args.firstIndex(of: change[k]) { args[i + 1] = change[k + 1] } else { args += [change[k], change[k + 1]] }
            k += 2
        }
        let o = try CLI.run(["sweights"] + args)
        #expect(o.status == 2, "\(change): status \(o.status), stderr \(o.stderr)")
        #expect(o.stderr.split(separator: "\n").count == 1, "\(o.stderr)")
        #expect(o.stderr.contains(mentions), "\(o.stderr)")
        #expect(!FileManager.default.fileExists(atPath: Self.temporary("never.csv")))
    }

    @Test(arguments: [
        (["--label", "score"], "label"),
        (["--label", "label", "--signal-weight", "weight", "--background-weight", "weight"], "signal-weight"),
        (["--signal-weight", "weight"], "background-weight"),
        (["--label", "nolabel"], "nolabel"),
        (["--label", "label", "--bootstrap", "1"], "bootstrap"),
    ])
    func aucBadInputExitsWithStatus2(extra: [String], mentions: String) throws {
        let input = Self.cases.appendingPathComponent("auc/posw_ties_n2000.csv").path
        let o = try CLI.run(["auc", "--input", input, "--score", "score"] + extra)
        #expect(o.status == 2, "\(extra): status \(o.status), stderr \(o.stderr)")
        #expect(o.stderr.split(separator: "\n").count == 1, "\(o.stderr)")
        #expect(o.stderr.contains(mentions), "\(o.stderr)")
    }
}
