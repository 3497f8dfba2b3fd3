import Foundation
import Testing

/// Options that take a fixed set of words are validated by the parser (exit 2, the accepted words named), and the one
/// range syntax `LO:HI` works wherever a range is taken (`LO,HI` is still read for a single range).
@Suite("CLI option values and ranges", .serialized)
struct OptionValuesCLITests {
    @Test(arguments: [
        (["cls", "--n", "51", "--s", "12", "--b", "50", "--calculator", "bayes"], ["calculator", "asymptotic", "toys"]),
        (["cls", "--n", "51", "--s", "12", "--b", "50", "--test-stat", "q0"], ["test-stat", "qtilde"]),
        (["fit", "--n", "51", "--s", "12", "--b", "50", "--b-uncertainty", "3", "--constraint", "lognormal"],
         ["constraint", "poisson", "gaussian"]),
        (["study", "toys/bumphunt-power.toml", "--out", "/tmp/neyman-never-written", "--scale", "huge"], ["scale", "quick", "full"]),
        // --threads is one shared option group: the same check everywhere.
        (["study", "toys/bumphunt-power.toml", "--out", "/tmp/neyman-never-written", "--threads", "0"], ["threads", "positive"]),
        (["cls", "--n", "51", "--s", "12", "--b", "50", "--calculator", "toys", "--threads", "-2"], ["threads", "positive"]),
    ])
    func wordsOutsideTheSetExitWith2(args: [String], mentions: [String]) throws {
        let o = try CLI.run(args)
        #expect(o.status == 2, "\(args): status \(o.status), \(o.stderr)")
        #expect(o.stdout.isEmpty)
        #expect(o.stderr.split(separator: "\n").count == 1, "\(o.stderr)")
        for m in mentions { #expect(o.stderr.contains(m), "\(args): \(o.stderr)") }
    }

    /// `--test-stat q` and `qtilde` reach the statistic: at an n below b, q and q~ differ (mu_hat < 0 is clipped in q~).
    @Test func testStatisticWordsSelectTheStatistic() throws {
        func q(_ stat: String) throws -> Double {
            let o = try CLI.run(["cls", "--n", "40", "--s", "12", "--b", "50", "--mu", "1", "--test-stat", stat, "--format", "json"])
            #expect(o.status == 0, "\(o.stderr)")
            let j = try #require(o.json)
            #expect(j["test_stat"] as? String == stat)
            return try #require(j["q_obs"] as? Double)
        }
        let qt = try q("qtilde"), qm = try q("q")
        // mu_hat = (40 - 50) / 12 < 0: q_mu compares with L(mu_hat), q~_mu with L(0), so q_mu > q~_mu.
        #expect(qm > qt + 0.1, "q \(qm) vs qtilde \(qt)")
    }

    /// `sweights --range 70:110` and the older `70,110` fit the same range.
    @Test func sweightsRangeTakesBothSpellings() throws {
        let input = SPlotCLITests.sweightsCase
        var yields: [Double] = []
        for range in ["70:110", "70,110"] {
            let out = SPlotCLITests.temporary("range-\(range.contains(":") ? "colon" : "comma").csv")
            defer { try? FileManager.default.removeItem(atPath: out) }
            let o = try CLI.run(["sweights", "--input", input, "--mass", "m", "--range", range, "--signal", "voigt",
                                 "--background", "exponential"] + SPlotCLITests.fixedShapes + ["--out", out, "--format", "json"])
            #expect(o.status == 0, "\(o.stderr)")
            let y = try #require((o.json?["yields"] as? [String: Double])?["signal"])
            yields.append(y)
        }
        #expect(yields.count == 2 && yields[0] == yields[1])
        let bad = try CLI.run(["sweights", "--input", input, "--mass", "m", "--range", "110:70", "--signal", "voigt",
                               "--background", "exponential", "--out", SPlotCLITests.temporary("never.csv")])
        #expect(bad.status == 2 && bad.stderr.contains("LO < HI"), "\(bad.stderr)")
    }
}
