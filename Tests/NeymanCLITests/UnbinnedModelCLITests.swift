import Foundation
import Testing

/// `fit`, `cls`, `upper-limit`, `significance` with `--model` on the guide's bump hunt written to files: background
/// uniform on [0, 10], signal N(5, 0.5), the exact ratio r(x) = p_S(x) / p_B(x) as a column (the "network").
@Suite("Unbinned model files on the command line", .serialized)
struct UnbinnedModelCLITests {
    static func ratio(_ x: Double) -> Double { exp(-0.5 * pow((x - 5) / 0.5, 2)) / (0.5 * (2 * Double.pi).squareRoot()) / 0.1 }

    /// Writes signal, background and data CSVs (seeded) and a model file; returns the model path and the data.
    static func analysis(signal s: Double, background b: Double, observedSignal: Int, observedBackground: Int,
                         extra: String = "", seed: UInt64 = 1) throws -> (String, [Double]) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("neyman-unbinned-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        func uniform() -> Double { state = state &* 6364136223846793005 &+ 1442695040888963407; return (Double(state >> 11) + 0.5) / Double(1 << 53) }
        func gauss() -> Double { 5 + 0.5 * (-2 * log(uniform())).squareRoot() * cos(2 * .pi * uniform()) }
        func write(_ name: String, _ xs: [Double]) throws {
            var text = "x,r\n"
            for x in xs { text += "\(x),\(ratio(x))\n" }
            try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        try write("signal.csv", (0..<20000).map { _ in gauss() })
        try write("background.csv", (0..<20000).map { _ in 10 * uniform() })
        let data = (0..<observedSignal).map { _ in gauss() } + (0..<observedBackground).map { _ in 10 * uniform() }
        try write("data.csv", data)
        let model = """
        [model]
        mu_bounds = [-1.0, 10.0]
        [model.ratio]
        column = "r"
        [model.data]
        file = "data.csv"
        [model.signal]
        file = "signal.csv"
        yield = \(s)
        [model.background]
        file = "background.csv"
        yield = \(b)
        \(extra)
        """
        let path = dir.appendingPathComponent("model.toml").path
        try model.write(toFile: path, atomically: true, encoding: .utf8)
        return (path, data.map(ratio))
    }

    /// The maximum of `-mu S + sum ln(mu S r_i + B)` by bisection on its derivative, and `1 / sqrt(observed information)`.
    static func analyticFit(_ r: [Double], s: Double, b: Double) -> (Double, Double) {
        func score(_ mu: Double) -> Double { r.reduce(-s) { $0 + s * $1 / (mu * s * $1 + b) } }
        var lo = -0.99 * b / (s * (r.max() ?? 1)), hi = 10.0
        for _ in 0..<200 { let m = (lo + hi) / 2; if score(m) > 0 { lo = m } else { hi = m } }
        let mu = (lo + hi) / 2
        let info = r.reduce(0) { $0 + pow(s * $1 / (mu * s * $1 + b), 2) }
        return (mu, 1 / info.squareRoot())
    }

    @Test func fitMatchesTheAnalyticMaximumLikelihood() throws {
        let (path, r) = try Self.analysis(signal: 50, background: 1000, observedSignal: 50, observedBackground: 981)
        let out = try CLI.run(["fit", "--model", path, "--format", "json"])
        #expect(out.status == 0, "\(out.stderr)")
        let j = try #require(out.json)
        let (mu, sigma) = Self.analyticFit(r, s: 50, b: 1000)
        let muHat = try #require(j["mu_hat"] as? Double), err = try #require(j["mu_uncertainty"] as? Double)
        #expect(abs(muHat - mu) < 1e-6, "\(muHat) vs \(mu)")
        #expect(abs(err / sigma - 1) < 1e-3, "\(err) vs \(sigma)")
        #expect((j["parameters"] as? [String: Double])?.keys.sorted() == ["mu"])
    }

    /// `--interval` and `--scan` against the analytic profile (no nuisance parameters: -2 ln lambda is explicit).
    @Test func intervalAndScanMatchTheAnalyticProfile() throws {
        let (path, r) = try Self.analysis(signal: 50, background: 1000, observedSignal: 50, observedBackground: 981)
        let out = try CLI.run(["fit", "--model", path, "--interval", "--scan", "0:2", "--scan-points", "5", "--format", "json"])
        let j = try #require(out.json, "\(out.stderr)")
        let (muHat, _) = Self.analyticFit(r, s: 50, b: 1000)
        func twiceNLL(_ mu: Double) -> Double { 2 * (mu * 50 - r.reduce(0) { $0 + log(mu * 50 * $1 + 1000) }) }
        func crossing(_ a0: Double, _ b0: Double) -> Double {
            var a = a0, b = b0
            for _ in 0..<200 {
                let c = (a + b) / 2
                if (twiceNLL(a) - twiceNLL(muHat) > 1) == (twiceNLL(c) - twiceNLL(muHat) > 1) { a = c } else { b = c }
            }
            return (a + b) / 2
        }
        let interval = try #require(j["mu_interval"] as? [Double])
        #expect(interval.count == 2)
        #expect(abs(interval[0] - crossing(-0.5, muHat)) < 1e-6 && abs(interval[1] - crossing(muHat, 5)) < 1e-6, "\(interval)")
        let scan = try #require(j["scan"] as? [String: [Double]])
        #expect(scan["mu"] == [0, 0.5, 1, 1.5, 2])
        for (mu, v) in zip(scan["mu"] ?? [], scan["delta_twice_nll"] ?? []) {
            #expect(abs(v - (twiceNLL(mu) - twiceNLL(muHat))) < 1e-6, "mu = \(mu)")
        }
        #expect(try CLI.run(["fit", "--model", path, "--scan", "2:1"]).status == 2)
        #expect(try CLI.run(["fit", "--model", path, "--scan", "0:1", "--scan-points", "1"]).status == 2)
    }

    /// With the background normalisation free (a normfactor), the extended fit is the signal-fraction fit:
    /// `phi_hat = mu_hat S / N` maximises `sum_i ln(1 + phi (r_i - 1))`.
    @Test func freeBackgroundNormalisationGivesTheFractionFit() throws {
        let (path, r) = try Self.analysis(signal: 50, background: 1000, observedSignal: 50, observedBackground: 981,
                                          extra: "[model.normfactor.bkg_scale]\nbackground = true")
        let j = try #require(try CLI.run(["fit", "--model", path, "--format", "json"]).json)
        let mu = try #require(j["mu_hat"] as? Double)
        func score(_ phi: Double) -> Double { r.reduce(0) { $0 + ($1 - 1) / (1 + phi * ($1 - 1)) } }
        var lo = 0.0, hi = 0.5
        for _ in 0..<200 { let m = (lo + hi) / 2; if score(m) > 0 { lo = m } else { hi = m } }
        #expect(abs(mu * 50 / Double(r.count) - (lo + hi) / 2) < 1e-7, "\(mu * 50 / Double(r.count)) vs \((lo + hi) / 2)")
        let k = try #require((j["parameters"] as? [String: Double])?["bkg_scale"])
        #expect(abs(mu * 50 + k * 1000 - Double(r.count)) < 1e-5)   // extended ML: the fitted total is N
    }

    /// A background normalisation systematic is profiled: mu's error grows, and the nuisance parameter's fitted value
    /// and error are reported.
    @Test func rateSystematicsAreProfiled() throws {
        let sys = "[model.normsys.bkg_norm]\nbackground = { lo = 0.9, hi = 1.1 }"
        let (plain, _) = try Self.analysis(signal: 50, background: 1000, observedSignal: 50, observedBackground: 1000, seed: 4)
        let (with, _) = try Self.analysis(signal: 50, background: 1000, observedSignal: 50, observedBackground: 1000, extra: sys, seed: 4)
        let a = try #require(try CLI.run(["fit", "--model", plain, "--format", "json"]).json)
        let b = try #require(try CLI.run(["fit", "--model", with, "--format", "json"]).json)
        let ea = try #require(a["mu_uncertainty"] as? Double), eb = try #require(b["mu_uncertainty"] as? Double)
        #expect(eb > ea * 1.02, "\(ea) -> \(eb)")
        let pars = try #require(b["parameters"] as? [String: Double]), errs = try #require(b["uncertainties"] as? [String: Double])
        #expect(pars["bkg_norm"] != nil)
        // The data constrain the background to ~ 1/sqrt(1000) = 3 %, better than the 10 % prior: the posterior error
        // of alpha is well below 1.
        let e = try #require(errs["bkg_norm"])
        #expect(e > 0.1 && e < 0.6, "\(e)")
    }

    /// Toy CLs at large S and B agrees with the asymptotic formulae within 3 binomial errors.
    @Test func toyCLsAgreesWithAsymptoticAtLargeYields() throws {
        let (path, _) = try Self.analysis(signal: 120, background: 3000, observedSignal: 0, observedBackground: 3000, seed: 9)
        let asym = try #require(try CLI.run(["cls", "--model", path, "--mu", "0.25", "--format", "json"]).json)
        let toys = try #require(try CLI.run(["cls", "--model", path, "--mu", "0.25", "--calculator", "toys", "--toys", "1000",
                                             "--seed", "3", "--threads", "2", "--format", "json"]).json)
        let a = try #require(asym["cls"] as? Double), t = try #require(toys["cls"] as? Double), e = try #require(toys["cls_error"] as? Double)
        #expect(a > 0.02 && a < 0.9, "\(a)")
        #expect(abs(a - t) < 3 * e, "asymptotic \(a), toys \(t) +- \(e)")
        // Same seed, other thread count: the same toys.
        let again = try #require(try CLI.run(["cls", "--model", path, "--mu", "0.25", "--calculator", "toys", "--toys", "1000",
                                              "--seed", "3", "--threads", "1", "--format", "json"]).json)
        #expect(again["cls"] as? Double == t)
    }

    @Test func limitAndSignificanceRun() throws {
        let (path, _) = try Self.analysis(signal: 50, background: 1000, observedSignal: 50, observedBackground: 981)
        let limit = try #require(try CLI.run(["upper-limit", "--model", path, "--format", "json"]).json)
        let ul = try #require(limit["upper_limit"] as? Double), band = try #require(limit["upper_limit_expected"] as? [Double])
        #expect(ul > 1 && band.count == 5 && band == band.sorted())
        let sig = try #require(try CLI.run(["significance", "--model", path, "--format", "json"]).json)
        let (mu, sigma) = Self.analyticFit(try Self.analysis(signal: 50, background: 1000, observedSignal: 50, observedBackground: 981).1,
                                           s: 50, b: 1000)
        // Z ~ mu_hat / sigma for a nearly Gaussian likelihood.
        let z = try #require(sig["z"] as? Double)
        #expect(abs(z - mu / sigma) < 0.3, "\(z) vs \(mu / sigma)")
    }

    @Test func badInputExitsTwoNamingTheFault() throws {
        let (path, _) = try Self.analysis(signal: 50, background: 1000, observedSignal: 5, observedBackground: 100)
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent()
        let clash = try CLI.run(["fit", "--model", path, "--n", "3"])
        #expect(clash.status == 2 && clash.stderr.contains("--model"), "\(clash.stderr)")
        // A ratio column the files lack.
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try text.replacingOccurrences(of: "column = \"r\"", with: "column = \"ratio\"").write(toFile: path, atomically: true, encoding: .utf8)
        let missing = try CLI.run(["fit", "--model", path])
        #expect(missing.status == 2 && missing.stderr.contains("ratio") && missing.stderr.contains("data.csv"), "\(missing.stderr)")
        // A negative ratio in the signal file names the file and the row.
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        try "x,r\n5,1.5\n5,-2\n".write(to: dir.appendingPathComponent("signal.csv"), atomically: true, encoding: .utf8)
        let negative = try CLI.run(["fit", "--model", path])
        #expect(negative.status == 2 && negative.stderr.contains("signal.csv") && negative.stderr.contains("row"), "\(negative.stderr)")
        // An unknown key.
        try (text + "\n[model.extra]\nfoo = 1\n").write(toFile: path, atomically: true, encoding: .utf8)
        let unknown = try CLI.run(["fit", "--model", path])
        #expect(unknown.status == 2 && unknown.stderr.contains("model.extra"), "\(unknown.stderr)")
    }
}
