import Foundation
import Testing

/// The exit status and `status` key convention of cls, upper-limit, significance, fit, sweights and dcor (README.md,
/// "Exit status and status key"): exit 0 with `"status": "ok"`, exit 1 with the JSON object and `status` saying what
/// failed, exit 2 with one line on stderr. Each case here printed a null (or gave a false failure) before.
@Suite("Exit status and status key", .serialized)
struct StatusCLITests {
    let readme = ["--n", "51,48", "--s", "12,11", "--b", "50,52", "--b-uncertainty", "3,7"]
    static let cases = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func temporary(_ name: String, _ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("neyman-status-\(getpid())-\(name)").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func number(_ j: [String: Any], _ k: String) -> Double { (j[k] as? NSNumber)?.doubleValue ?? .nan }

    /// One JSON object on stdout, exit `status`; returns the object.
    func json(_ args: [String], exit status: Int32) throws -> [String: Any] {
        let o = try CLI.run(args + ["--format", "json", "--quiet"])
        #expect(o.status == status, "\(args): exit \(o.status), stderr \(o.stderr)")
        #expect(o.stdout.split(separator: "\n").count == 1, "\(o.stdout)")
        let j = try #require(o.json, "\(args): \(o.stdout) \(o.stderr)")
        if status == 0 { #expect(j["status"] as? String == "ok", "\(j["status"] ?? "no status")") }
        if status == 1 {
            let s = try #require(j["status"] as? String)
            #expect(s != "ok" && !s.isEmpty)
            #expect(o.stderr.contains("neyman: error:"))
        }
        return j
    }

    /// CLs at mu = 0 is 1 by definition (it was null with exit 0).
    @Test func clsAtMuZeroIsOne() throws {
        let j = try json(["cls"] + readme + ["--mu", "0"], exit: 0)
        #expect(number(j, "cls") == 1)
        #expect(number(j, "clsb") == number(j, "clb") && abs(number(j, "clb") - 0.5) < 1e-6)
        #expect((j["cls_expected"] as? [Double]) == [1, 1, 1, 1, 1])
    }

    @Test func everyVerbSaysOk() throws {
        _ = try json(["cls"] + readme, exit: 0)
        _ = try json(["significance"] + readme, exit: 0)
        let f = try json(["fit"] + readme, exit: 0)
        #expect(f["converged"] as? Bool == true)
        let dcor = Self.cases.appendingPathComponent("cases/dcor/quadratic_n1000.csv").path
        _ = try json(["dcor", "--input", dcor, "--x", "x", "--y", "y"], exit: 0)
    }

    /// The closed form of `n = 5, s = 1, b = 5` (see UpperLimitScanTests): observed limit where
    /// `2 [mu - 5 ln(1 + mu/5)] = Qinv(0.025)^2`, i.e. `mu - 5 ln(1 + mu/5) = 1.92072941...`.
    static func muFor(_ half: Double) -> Double {
        var lo = 0.0, hi = 1000.0
        for _ in 0..<200 { let m = 0.5 * (lo + hi); if m - 5 * log(1 + m / 5) < half { lo = m } else { hi = m } }
        return 0.5 * (lo + hi)
    }

    /// The observed limit (about 5.75) exists; only the +2 sigma edge (about 13.1) lies above the bound 10. It used to
    /// exit 1 "beyond the allowed range"; the scan now extends the bound to 20.
    @Test func upperLimitExtendsTheScan() throws {
        let j = try json(["upper-limit", "--n", "5", "--s", "1", "--b", "5"], exit: 0)
        let observed = Self.muFor(1.959963984540054 * 1.959963984540054 / 2)
        #expect(abs(number(j, "upper_limit") - observed) < 1e-6 * observed, "\(number(j, "upper_limit")) vs \(observed)")
        let expected = try #require(j["upper_limit_expected"] as? [Double])
        #expect(expected.count == 5 && expected[4] > 13 && expected[4] < 13.2)
        #expect(j["upper_limit_is_lower_bound"] as? Bool == false)
        #expect((j["upper_limit_expected_is_lower_bound"] as? [Bool]) == [false, false, false, false, false])
        #expect(number(j, "mu_upper_used") == 20 && number(j, "scan_max") == 1000)

        // With the cap at 12 the +2 sigma edge is a lower bound, said so; the result is still a success.
        let capped = try json(["upper-limit", "--n", "5", "--s", "1", "--b", "5", "--scan-max", "12"], exit: 0)
        #expect((capped["upper_limit_expected_is_lower_bound"] as? [Bool]) == [false, false, false, false, true])
        #expect((capped["upper_limit_expected"] as? [Double])?[4] == 12)
    }

    /// An observed limit above the cap is a failure: exit 1, the JSON with the lower bound and its flag.
    @Test func observedLimitBeyondTheCapFails() throws {
        let j = try json(["upper-limit", "--n", "50", "--s", "0.1", "--b", "5", "--scan-max", "100"], exit: 1)
        #expect(j["upper_limit_is_lower_bound"] as? Bool == true && number(j, "upper_limit") == 100)
        #expect((j["status"] as? String)?.contains("observed limit above the scan") == true)
    }

    /// A model that determines only mu * sf (a normfactor and a shapefactor on one sample, one bin): the fit cannot
    /// converge, and `fit` exited 0 with a warning; now exit 1 with the JSON and its status.
    @Test func unconvergedFitExitsOne() throws {
        let ws = """
        {"channels":[{"name":"sr","samples":[
         {"name":"signal","data":[10.0],"modifiers":[{"name":"mu","type":"normfactor","data":null},{"name":"sf","type":"shapefactor","data":null}]},
         {"name":"background","data":[50.0],"modifiers":[]}]}],
         "observations":[{"name":"sr","data":[70.0]}],
         "measurements":[{"name":"meas","config":{"poi":"mu","parameters":[]}}],"version":"1.0.0"}
        """
        let path = try Self.temporary("degenerate.json", ws)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let j = try json(["fit", "--workspace", path], exit: 1)
        #expect(j["converged"] as? Bool == false)
        #expect((j["status"] as? String)?.hasPrefix("not converged") == true)
    }

    /// mu_hat = 0 on its bound with the gradient pushing outwards and (to rounding) no curvature: the Hessian over all
    /// parameters is singular only through mu, which the bound determines. It was `converged: true` with a null
    /// uncertainty; now mu is held on the bound for the covariance (uncertainty 0), listed in `at_bound`, warned about.
    @Test func activeBoundIsSaidSo() throws {
        let o = try CLI.run(["fit", "--n", "51", "--s", "12", "--b", "1e11", "--format", "json"])
        #expect(o.status == 0 && o.stderr.contains("warning") && o.stderr.contains("mu"), "\(o.stderr)")
        let j = try #require(o.json)
        #expect(j["status"] as? String == "ok" && j["converged"] as? Bool == true)
        #expect((j["at_bound"] as? [String]) == ["mu"] && number(j, "mu_hat") == 0 && number(j, "mu_uncertainty") == 0)
    }

    /// Toy significance with no toy beyond q0_obs: Z is a lower bound, exit 1 (it was null with exit 0... or inf).
    @Test func toySignificanceBeyondResolution() throws {
        let j = try json(["significance", "--n", "200", "--s", "10", "--b", "100", "--calculator", "toys", "--toys", "100"], exit: 1)
        #expect(j["z_is_lower_bound"] as? Bool == true)
        #expect(abs(number(j, "z") - 2.3263478740408408) < 1e-12 && number(j, "p0") == 0)
    }

    /// A 10-parameter mass fit on 5 events reported `converged: true`.
    @Test func sweightsWithMoreParametersThanEvents() throws {
        let input = try Self.temporary("five.csv", "m\n90\n92\n95\n85\n100\n")
        let out = input + ".sw.csv"
        defer { for p in [input, out] { try? FileManager.default.removeItem(atPath: p) } }
        let j = try json(["sweights", "--input", input, "--mass", "m", "--range", "70,110", "--signal", "crystalball2",
                          "--background", "chebyshev:2", "--out", out], exit: 1)
        #expect(j["converged"] as? Bool == false && j["weights_written"] as? Bool == false)
        #expect((j["status"] as? String)?.contains("10 free parameters but only 5 events") == true)
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    /// dcor on values near 1e307: dcor is that of the values scaled by 1e-300 (it was null with exit 0); dcov2 does
    /// not fit a double, so the verb exits 1 and says so.
    @Test func dcorOnHugeValues() throws {
        let rows = [(1e307, 1e307), (-1e307, 5e306), (3e306, -2e306), (0, 1e306), (7e306, 8e306)]
        let big = try Self.temporary("big.csv", "x,y\n" + rows.map { "\($0.0),\($0.1)\n" }.joined())
        let small = try Self.temporary("small.csv", "x,y\n" + rows.map { "\($0.0 * 1e-300),\($0.1 * 1e-300)\n" }.joined())
        defer { for p in [big, small] { try? FileManager.default.removeItem(atPath: p) } }
        let b = try json(["dcor", "--input", big, "--x", "x", "--y", "y"], exit: 1)
        let s = try json(["dcor", "--input", small, "--x", "x", "--y", "y"], exit: 0)
        #expect(abs(number(b, "dcor") - number(s, "dcor")) < 1e-12 * number(s, "dcor"), "\(b) vs \(s)")
        #expect((b["status"] as? String)?.contains("overflow") == true)
    }

    /// The seed is a UInt64 and is echoed as one (it printed -1).
    @Test func seedIsEchoedUnsigned() throws {
        let o = try CLI.run(["cls", "--n", "51", "--s", "12", "--b", "50", "--calculator", "toys", "--toys", "100",
                             "--seed", "18446744073709551615", "--format", "json", "--quiet"])
        #expect(o.status == 0, "\(o.stderr)")
        #expect(o.stdout.contains("\"seed\":18446744073709551615"), "\(o.stdout)")
    }

    /// An explicit `--mu-bounds 0,10` overrides a workspace's bounds (it was compared with the default text "0,10"
    /// and ignored).
    @Test func explicitMuBoundsOverrideTheWorkspace() throws {
        let fixture = Self.cases.appendingPathComponent("generated/staterror_fourbin.workspace.json")
        var ws = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: fixture)) as? [String: Any])
        ws["measurements"] = [["name": "meas", "config": ["poi": "mu", "parameters": [["name": "mu", "bounds": [[0, 5]]]]]]]
        let path = try Self.temporary("ws.json", String(decoding: try JSONSerialization.data(withJSONObject: ws), as: UTF8.self))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let inside = try CLI.run(["cls", "--workspace", path, "--mu", "7"])
        #expect(inside.status == 2 && inside.stderr.contains("upper bound of mu (5.0)"), "\(inside.stderr)")
        _ = try json(["cls", "--workspace", path, "--mu", "7", "--mu-bounds", "0,10"], exit: 0)
    }

    @Test(arguments: [
        (["cls", "--n", "51", "--s", "12", "--b", "1e300"], "'b'"),
        (["cls", "--n", "51", "--s", "12", "--b", "50", "--calculator", "toys", "--toys", "1"], "toys"),
        (["cls", "--n", "51", "--s", "12", "--b", "50", "--calculator", "toys", "--toys", "100000000000000"], "toys"),
        (["cls", "--n", "51,48", "--s", "-12,11", "--b", "50,52"], "value 1"),
        (["cls", "--n", "51,48", "--s", "12,11", "--b", "50,-52"], "value 2"),
        (["cls", "--n", "51,48", "--s", "0x1p3,11", "--b", "50,52"], "'s'"),
        (["cls", "--n", "51", "--s", "12", "--b", "50", "--mu", "0x1p0"], "mu"),
        (["cls", "--n", "51", "--s", "12", "--b", "50", "--mu", "-1"], ">= 0"),
        (["cls", "--n", "51", "--s", "0", "--b", "50"], "signal is zero"),
        (["upper-limit", "--n", "51", "--s", "12", "--b", "50", "--scan-max", "5"], "scan-max"),
        (["fit", "--n", "51", "--s", "12", "--b", "50", "--mu-bounds", "-1,x"], "mu-bounds"),
    ])
    func badInputExitsTwo(args: [String], mentions: String) throws {
        let o = try CLI.run(args + ["--format", "json"])
        #expect(o.status == 2, "\(args): exit \(o.status), stderr \(o.stderr)")
        #expect(o.stdout.isEmpty && o.stderr.split(separator: "\n").count == 1, "\(o.stdout) \(o.stderr)")
        #expect(o.stderr.contains(mentions), "\(o.stderr)")
    }

    /// Workspaces whose yields are all 0, or whose signal is 0 everywhere, gave null CLs with exit 0.
    @Test func untestableWorkspacesExitTwo() throws {
        let fixture = Self.cases.appendingPathComponent("generated/staterror_fourbin.workspace.json")
        for zeroAll in [true, false] {
            var ws = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: fixture)) as? [String: Any])
            var channels = try #require(ws["channels"] as? [[String: Any]])
            var samples = try #require(channels[0]["samples"] as? [[String: Any]])
            for k in samples.indices where zeroAll || k == 0 { samples[k]["data"] = [0.0, 0.0, 0.0, 0.0] }
            channels[0]["samples"] = samples
            ws["channels"] = channels
            let path = try Self.temporary("zero-\(zeroAll).json", String(decoding: try JSONSerialization.data(withJSONObject: ws), as: UTF8.self))
            defer { try? FileManager.default.removeItem(atPath: path) }
            for verb in ["cls", "upper-limit", "significance", "fit"] {
                let o = try CLI.run([verb, "--workspace", path, "--format", "json"])
                // Exit 2 from this check (or from the workspace validation, if it refuses the file first).
                #expect(o.status == 2 && o.stdout.isEmpty, "\(verb) zeroAll=\(zeroAll): exit \(o.status) \(o.stdout) \(o.stderr)")
            }
        }
    }
}
