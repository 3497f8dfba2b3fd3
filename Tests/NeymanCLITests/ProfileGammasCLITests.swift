import Foundation
import Testing

/// `--profile-gammas analytic|numeric` on the verbs that take a binned model: the same minimum either way, the word
/// checked by the parser, and refused with `--model` (it has no per-bin gammas).
@Suite("--profile-gammas", .serialized)
struct ProfileGammasCLITests {
    static let workspace = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/generated/staterror_fourbin.workspace.json").path

    /// `fit` and `cls` agree between the two ways to the fits' tolerance (EDM 1e-10: parameters to ~1e-5 of their
    /// errors, `-ln L` and `q` to ~1e-9).
    @Test func bothWaysGiveTheSameFitAndCLs() throws {
        var fits: [[String: Any]] = [], tests: [[String: Any]] = []
        for way in ["analytic", "numeric"] {
            let f = try CLI.run(["fit", "--workspace", Self.workspace, "--profile-gammas", way, "--format", "json"])
            #expect(f.status == 0, "\(way): \(f.stderr)")
            fits.append(try #require(f.json))
            let c = try CLI.run(["cls", "--n", "51,48", "--s", "12,11", "--b", "50,52", "--b-uncertainty", "3,7", "--mu", "1",
                                 "--profile-gammas", way, "--format", "json"])
            #expect(c.status == 0, "\(way): \(c.stderr)")
            tests.append(try #require(c.json))
        }
        let n0 = try #require(fits[0]["twice_nll"] as? Double), n1 = try #require(fits[1]["twice_nll"] as? Double)
        #expect(abs(n0 - n1) < 1e-8, "twice_nll \(n0) vs \(n1)")
        let p0 = try #require(fits[0]["parameters"] as? [String: Double]), p1 = try #require(fits[1]["parameters"] as? [String: Double])
        let e1 = try #require(fits[1]["uncertainties"] as? [String: Double])
        #expect(p0.count == 6 && Set(p0.keys) == Set(p1.keys))
        for (name, v) in p0 {
            #expect(abs(v - (p1[name] ?? .nan)) < 1e-3 * (e1[name] ?? .nan), "\(name): \(v) vs \(p1[name] ?? .nan)")
        }
        let q0 = try #require(tests[0]["q_obs"] as? Double), q1 = try #require(tests[1]["q_obs"] as? Double)
        #expect(abs(q0 - q1) < 1e-7, "q_obs \(q0) vs \(q1)")
        let c0 = try #require(tests[0]["cls"] as? Double), c1 = try #require(tests[1]["cls"] as? Double)
        #expect(abs(c0 - c1) < 1e-7, "CLs \(c0) vs \(c1)")
    }

    @Test func otherWordsAndTheUnbinnedModelAreRefused() throws {
        let bad = try CLI.run(["fit", "--workspace", Self.workspace, "--profile-gammas", "exact"])
        #expect(bad.status == 2 && bad.stdout.isEmpty)
        #expect(bad.stderr.contains("profile-gammas") && bad.stderr.contains("analytic") && bad.stderr.contains("numeric"), "\(bad.stderr)")
        let unbinned = try CLI.run(["fit", "--model", "/nonexistent/model.toml", "--profile-gammas", "numeric"])
        #expect(unbinned.status == 2 && unbinned.stderr.contains("profile-gammas"), "\(unbinned.stderr)")
    }

    /// `--measurement` chooses a measurement of a workspace: with an unbinned `--model` or with `--n/--s/--b` it has
    /// nothing to choose from, and is refused by name rather than ignored.
    @Test func measurementWithoutAWorkspaceIsRefused() throws {
        let unbinned = try CLI.run(["fit", "--model", "/nonexistent/model.toml", "--measurement", "meas"])
        #expect(unbinned.status == 2 && unbinned.stdout.isEmpty)
        #expect(unbinned.stderr.contains("--measurement") && unbinned.stderr.contains("--model"), "\(unbinned.stderr)")
        let counts = try CLI.run(["cls", "--n", "51,48", "--s", "12,11", "--b", "50,52", "--measurement", "meas"])
        #expect(counts.status == 2 && counts.stdout.isEmpty)
        #expect(counts.stderr.contains("measurement") && counts.stderr.contains("--workspace"), "\(counts.stderr)")
    }
}
