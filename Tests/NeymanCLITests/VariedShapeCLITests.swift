import Foundation
import Testing

/// A shape systematic from up/down signal samples (`[model.shape.<n>] up = ..., down = ...`): the bump hunt's signal
/// N(5, 0.5) simulated also at widths 0.6 (up) and 0.4 (down); the data are made at width 0.55. The fit with the
/// classifier-reweighted interpolation is compared with the same model built from the exact densities.
@Suite("Unbinned model with a shape systematic from up/down samples", .serialized)
struct VariedShapeCLITests {
    static func normal(_ x: Double, _ sigma: Double) -> Double { exp(-0.5 * pow((x - 5) / sigma, 2)) / (sigma * (2 * Double.pi).squareRoot()) }

    /// The exact model's maximum likelihood: `r(x; alpha) = r(x) f(x; alpha)` with the exact `u = N(0.6)/N(0.5)`,
    /// `d = N(0.4)/N(0.5)` and `E_S[f(alpha)] = 1` (exactly, for |alpha| <= 1), a unit Gaussian constraint on alpha;
    /// alpha by golden section, mu by bisection of its score.
    static func exactFit(_ xs: [Double], s: Double, b: Double) -> (mu: Double, alpha: Double) {
        func r(_ x: Double, _ alpha: Double) -> Double {
            let v = alpha >= 0 ? normal(x, 0.6) / normal(x, 0.5) : normal(x, 0.4) / normal(x, 0.5)
            return normal(x, 0.5) * 10 * max(0, 1 + abs(alpha) * (v - 1))
        }
        func muHat(_ alpha: Double) -> Double {
            let rs = xs.map { r($0, alpha) }
            var lo = 0.0, hi = 5.0
            for _ in 0..<100 { let m = (lo + hi) / 2; if rs.reduce(-s, { $0 + s * $1 / (m * s * $1 + b) }) > 0 { lo = m } else { hi = m } }
            return (lo + hi) / 2
        }
        func nll(_ alpha: Double) -> Double {
            let mu = muHat(alpha)
            return mu * s - xs.reduce(0) { $0 + log(mu * s * r($1, alpha) + b) } + 0.5 * alpha * alpha
        }
        var a = -1.0, c = 1.0
        let g = (5.0.squareRoot() - 1) / 2
        for _ in 0..<60 { let x1 = c - g * (c - a), x2 = a + g * (c - a); if nll(x1) < nll(x2) { c = x2 } else { a = x1 } }
        let alpha = (a + c) / 2
        return (muHat(alpha), alpha)
    }

    @Test func fitMatchesTheExactInterpolatedModel() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("neyman-varied-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var state: UInt64 = 0x1234_5678_9ABC_DEF1
        func uniform() -> Double { state = state &* 6364136223846793005 &+ 1442695040888963407; return (Double(state >> 11) + 0.5) / Double(1 << 53) }
        func gauss(_ sigma: Double) -> Double { 5 + sigma * (-2 * log(uniform())).squareRoot() * cos(2 * .pi * uniform()) }
        func write(_ name: String, _ xs: [Double]) throws {
            try (["x,r"] + xs.map { "\($0),\(Self.normal($0, 0.5) * 10)" }).joined(separator: "\n").appending("\n")
                .write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        try write("signal.csv", (0..<30000).map { _ in gauss(0.5) })
        try write("signal_up.csv", (0..<30000).map { _ in gauss(0.6) })
        try write("signal_down.csv", (0..<30000).map { _ in gauss(0.4) })
        try write("background.csv", (0..<20000).map { _ in 10 * uniform() })
        let data = (0..<1000).map { _ in gauss(0.55) } + (0..<2000).map { _ in 10 * uniform() }
        try write("data.csv", data)
        func model(_ shape: String) -> String {
            """
            [model]
            mu_bounds = [0.0, 5.0]
            [model.ratio]
            column = "r"
            [model.data]
            file = "data.csv"
            [model.signal]
            file = "signal.csv"
            yield = 1000.0
            [model.background]
            file = "background.csv"
            yield = 2000.0
            \(shape)
            """
        }
        let shape = """
        [model.shape.width]
        up = { file = "signal_up.csv" }
        down = { file = "signal_down.csv" }
        columns = ["x"]
        layers = [32, 32]
        epochs = 40
        range = [-2.0, 2.0]
        points = 21
        """
        try model(shape).write(to: dir.appendingPathComponent("varied.toml"), atomically: true, encoding: .utf8)
        try model("").write(to: dir.appendingPathComponent("nominal.toml"), atomically: true, encoding: .utf8)
        let v = try CLI.run(["fit", "--model", dir.appendingPathComponent("varied.toml").path, "--format", "json", "--quiet"])
        let n = try CLI.run(["fit", "--model", dir.appendingPathComponent("nominal.toml").path, "--format", "json", "--quiet"])
        let j = try #require(v.json, "\(v.stderr)"), k = try #require(n.json, "\(n.stderr)")
        let values = try #require(j["parameters"] as? [String: Double]), errors = try #require(j["uncertainties"] as? [String: Double])
        let alpha = try #require(values["width"]), alphaError = try #require(errors["width"])
        let mu = try #require(j["mu_hat"] as? Double), muError = try #require(j["mu_uncertainty"] as? Double)
        let exact = Self.exactFit(data, s: 1000, b: 2000)
        // The data pull alpha to about +0.5 (width 0.55), measured to ~0.2; the reweighting classifiers reproduce the
        // exact interpolation's fit within its errors.
        #expect(alphaError > 0.05 && alphaError < 0.5, "\(alphaError)")
        #expect(abs(alpha - exact.alpha) < alphaError, "reweighted \(alpha) +- \(alphaError), exact \(exact.alpha)")
        #expect(abs(mu - exact.mu) < 0.5 * muError, "reweighted \(mu) +- \(muError), exact \(exact.mu)")
        #expect(exact.alpha > 0.2 && exact.alpha < 0.9, "exact alpha \(exact.alpha)")
        // Without the systematic the fit has nothing to absorb the width: mu's error is smaller.
        let fixedError = try #require(k["mu_uncertainty"] as? Double)
        #expect(muError > fixedError, "profiled \(muError), without the systematic \(fixedError)")
        // The asymptotic CLs runs on the same model.
        let cls = try CLI.run(["cls", "--model", dir.appendingPathComponent("varied.toml").path, "--mu", "0.5", "--format", "json", "--quiet"])
        #expect(cls.status == 0, "\(cls.stderr)")
        // Faults are named by key.
        for (old, new, key) in [("columns = [\"x\"]\n", "", "model.shape.width.columns"),
                                ("points = 21", "points = 21\nnominal = 0.5", "model.shape.width.nominal"),
                                ("points = 21", "points = 21\ntarget = \"background\"", "model.shape.width.target"),
                                ("down = { file = \"signal_down.csv\" }\n", "", "down")] {
            try model(shape.replacingOccurrences(of: old, with: new)).write(to: dir.appendingPathComponent("bad.toml"), atomically: true, encoding: .utf8)
            let bad = try CLI.run(["fit", "--model", dir.appendingPathComponent("bad.toml").path])
            #expect(bad.status == 2 && bad.stderr.contains(key), "\(key): \(bad.stderr)")
        }
    }
}
