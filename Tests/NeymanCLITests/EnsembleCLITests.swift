import Foundation
import Testing

/// `[training] ensemble = K` (and `bootstrap = true`) and the fit / limit member by member, on the bump hunt:
/// background uniform on [0, 10], signal N(5, 0.5), the exact ratio r(x) = N(x; 5, 0.5) / 0.1 known.
@Suite("Network ensembles: training and member-by-member fits", .serialized)
struct EnsembleCLITests {
    static func ratio(_ x: Double) -> Double { exp(-0.5 * pow((x - 5) / 0.5, 2)) / (0.5 * (2 * Double.pi).squareRoot()) / 0.1 }

    /// A directory with train.csv (x, label), signal/background/data CSVs (x) and an ensemble trained on them.
    static func trainedEnsemble(members: Int, bootstrap: Bool) throws -> (dir: URL, json: [String: Any], train: [Double]) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("neyman-ensemble-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var state: UInt64 = 0x2545F4914F6CDD1D
        func uniform() -> Double { state = state &* 6364136223846793005 &+ 1442695040888963407; return (Double(state >> 11) + 0.5) / Double(1 << 53) }
        func gauss() -> Double { 5 + 0.5 * (-2 * log(uniform())).squareRoot() * cos(2 * .pi * uniform()) }
        func write(_ name: String, header: String, _ rows: [String]) throws {
            try ([header] + rows).joined(separator: "\n").appending("\n").write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        var xs: [Double] = [], rows: [String] = []
        for i in 0..<24000 { let s = i % 2 == 0; let x = s ? gauss() : 10 * uniform(); xs.append(x); rows.append("\(x),\(s ? 1 : 0)") }
        try write("train.csv", header: "x,label", rows)
        try write("signal.csv", header: "x", (0..<5000).map { _ in "\(gauss())" })
        try write("background.csv", header: "x", (0..<5000).map { _ in "\(10 * uniform())" })
        try write("data.csv", header: "x", ((0..<60).map { _ in gauss() } + (0..<1000).map { _ in 10 * uniform() }).map { "\($0)" })
        try """
        [data]
        train = "train.csv"
        features = ["x"]
        [network]
        layers = [16, 16]
        [training]
        epochs = 12
        batch_size = 128
        learning_rate = 3e-3
        seed = 7
        ensemble = \(members)
        bootstrap = \(bootstrap)
        """.write(to: dir.appendingPathComponent("train.toml"), atomically: true, encoding: .utf8)
        let t = try CLI.run(["train", "--config", dir.appendingPathComponent("train.toml").path, "--out", dir.appendingPathComponent("ens").path,
                             "--format", "json", "--quiet"])
        #expect(t.status == 0, "\(t.stderr)")
        return (dir, try #require(t.json, "\(t.stderr)"), xs)
    }

    static func csv(_ path: String) throws -> [String: [Double]] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        let header = lines[0].split(separator: ",").map(String.init)
        var columns: [String: [Double]] = [:]
        for line in lines.dropFirst() {
            for (name, v) in zip(header, line.split(separator: ",")) { columns[name, default: []].append(Double(v) ?? .nan) }
        }
        return columns
    }

    /// Unweighted AUC by counting pairs (ties count one half).
    static func auc(_ scores: [Double], _ labels: [Double]) -> Double {
        let s = zip(scores, labels).filter { $0.1 == 1 }.map(\.0), b = zip(scores, labels).filter { $0.1 == 0 }.map(\.0).sorted()
        var pairs = 0.0
        for x in s {
            var lo = 0, hi = b.count
            while lo < hi { let m = (lo + hi) / 2; if b[m] < x { lo = m + 1 } else { hi = m } }
            var eq = lo
            while eq < b.count && b[eq] == x { eq += 1 }
            pairs += Double(lo) + 0.5 * Double(eq - lo)
        }
        return pairs / Double(s.count * b.count)
    }

    @Test func membersDifferAndTheSummaryMatchesTheirScores() throws {
        let (dir, j, xs) = try Self.trainedEnsemble(members: 3, bootstrap: false)
        #expect(j["members"] as? Int == 3)
        let memberAUC = try #require(j["member_auc"] as? [Double])
        try #require(memberAUC.count == 3)
        let v = try Self.csv(dir.appendingPathComponent("ens/ensemble_validation.csv").path)
        let rows = try #require(v["row"]), labels = try #require(v["label"])
        #expect(rows.count == 4800)   // validation_fraction 0.2 of 24000, shared by every member
        #expect(j["validation_events"] as? Int == 4800)
        // Each member close to the best possible AUC on these events (the exact ratio's), and the members differ.
        let exact = Self.auc(rows.map { Self.ratio(xs[Int($0)]) }, labels)
        let scores = try (1...3).map { try #require(v["score_\($0)"]) }
        for (k, s) in scores.enumerated() {
            #expect(abs(Self.auc(s, labels) - memberAUC[k]) < 1e-9)
            #expect(abs(memberAUC[k] - exact) < 0.01, "member \(k + 1): \(memberAUC[k]) vs exact \(exact)")
        }
        #expect(scores[0] != scores[1] && scores[1] != scores[2])
        // Mean and spread recomputed from the members' columns.
        let mean = try #require(v["score_mean"]), std = try #require(v["score_std"])
        var stdSum = 0.0
        for i in rows.indices {
            let m = (scores[0][i] + scores[1][i] + scores[2][i]) / 3
            let sd = (scores.reduce(0) { $0 + pow($1[i] - m, 2) } / 2).squareRoot()
            #expect(abs(mean[i] - m) < 1e-12 && abs(std[i] - sd) < 1e-12)
            stdSum += sd
        }
        let scoreStdMean = try #require(j["score_std_mean"] as? Double)
        #expect(abs(scoreStdMean - stdSum / Double(rows.count)) < 1e-12)
        #expect(scoreStdMean > 1e-4 && scoreStdMean < 0.05, "\(scoreStdMean)")
        let ensembleAUC = try #require(j["ensemble_auc"] as? Double)
        #expect(abs(ensembleAUC - Self.auc(mean, labels)) < 1e-9)
        let aucMean = try #require(j["auc_mean"] as? Double)
        #expect(abs(aucMean - memberAUC.reduce(0, +) / 3) < 1e-12)
        // The manifest lists the members, relative to itself.
        let manifest = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("ens/ensemble.json"))) as? [String: Any])
        #expect(manifest["format"] as? String == "neyman-ensemble")
        #expect((manifest["members"] as? [[String: Any]])?.compactMap { $0["model"] as? String } == (1...3).map { "member-\($0)/model.safetensors" })
    }

    /// The fit with an ensemble network: the main fit uses the members' mean ratio (checked against a fit with that mean
    /// as a ratio column, computed from `neyman predict`), and `ensemble.mu_hat[i]` is the fit with member i alone.
    @Test func fitMemberByMemberMatchesSingleNetworkFits() throws {
        let (dir, _, _) = try Self.trainedEnsemble(members: 3, bootstrap: true)
        func model(_ ratio: String, data: String = "data.csv", signal: String = "signal.csv", background: String = "background.csv") -> String {
            """
            [model]
            mu_bounds = [-1.0, 10.0]
            [model.ratio]
            \(ratio)
            normalise = true
            [model.data]
            file = "\(data)"
            [model.signal]
            file = "\(signal)"
            yield = 60.0
            [model.background]
            file = "\(background)"
            yield = 1000.0
            """
        }
        func fit(_ text: String, _ name: String, _ extra: [String] = []) throws -> [String: Any] {
            let path = dir.appendingPathComponent(name).path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let out = try CLI.run(["fit", "--model", path, "--format", "json", "--quiet"] + extra)
            #expect(out.status == 0, "\(out.stderr)")
            return try #require(out.json, "\(out.stderr)")
        }
        let j = try fit(model("network = \"ens\""), "ensemble.toml")
        let ensemble = try #require(j["ensemble"] as? [String: Any])
        let memberMus = try #require(ensemble["mu_hat"] as? [Double])
        try #require(memberMus.count == 3)
        for i in 1...3 {
            let single = try fit(model("network = \"ens/member-\(i)/model.safetensors\""), "member\(i).toml")
            let mu = try #require(single["mu_hat"] as? Double)
            #expect(abs(memberMus[i - 1] - mu) < 1e-10, "member \(i): \(memberMus[i - 1]) vs \(mu)")
        }
        let spread = try #require(ensemble["mu_hat_std"] as? Double)
        let m = memberMus.reduce(0, +) / 3
        #expect(abs(spread - (memberMus.reduce(0) { $0 + pow($1 - m, 2) } / 2).squareRoot()) < 1e-12)
        #expect(spread > 0)
        // The mean ratio as a column.
        for name in ["data", "signal", "background"] {
            let file = dir.appendingPathComponent("\(name).csv").path
            var sum: [Double] = []
            for i in 1...3 {
                let p = try CLI.run(["predict", "--model", dir.appendingPathComponent("ens/member-\(i)/model.safetensors").path, "--input", file,
                                     "--ratio", "--format", "json"])
                let r = try #require(p.json?["ratios"] as? [Double], "\(p.stderr)")
                sum = sum.isEmpty ? r.map { 0 + $0 } : zip(sum, r).map { $0 + $1 }
            }
            let xs = try #require(Self.csv(file)["x"])
            try #require(xs.count == sum.count)
            let rows = zip(xs, sum).map { "\($0),\($1 / 3)" }
            try (["x,r"] + rows).joined(separator: "\n").appending("\n").write(to: dir.appendingPathComponent("\(name)-mean.csv"), atomically: true, encoding: .utf8)
        }
        let column = try fit(model("column = \"r\"", data: "data-mean.csv", signal: "signal-mean.csv", background: "background-mean.csv"), "mean.toml")
        let muMean = try #require(column["mu_hat"] as? Double), mu = try #require(j["mu_hat"] as? Double)
        #expect(abs(mu - muMean) < 1e-9, "ensemble \(mu) vs mean-ratio column \(muMean)")

        // upper-limit: the member limits are the single networks' limits.
        let limit = try CLI.run(["upper-limit", "--model", dir.appendingPathComponent("ensemble.toml").path, "--format", "json", "--quiet"])
        let l = try #require(limit.json, "\(limit.stderr)")
        let memberLimits = try #require((l["ensemble"] as? [String: Any])?["upper_limit"] as? [Double])
        try #require(memberLimits.count == 3)
        let single = try CLI.run(["upper-limit", "--model", dir.appendingPathComponent("member2.toml").path, "--format", "json", "--quiet"])
        let singleLimit = try #require(single.json?["upper_limit"] as? Double, "\(single.stderr)")
        #expect(abs(memberLimits[1] - singleLimit) < 1e-9, "\(memberLimits[1]) vs \(singleLimit)")
    }

    @Test func badEnsembleSettingsAreNamed() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("neyman-ensemble-bad-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try "x,label\n1,1\n0,0\n2,1\n-1,0\n".write(to: dir.appendingPathComponent("t.csv"), atomically: true, encoding: .utf8)
        for (training, key) in [("ensemble = 3\nfolds = 2", "training.ensemble"), ("bootstrap = true", "training.bootstrap"),
                                ("ensemble = 0", "training.ensemble"), ("ensemble = 2\nvalidation_fraction = 0.0", "training.validation_fraction")] {
            try "[data]\ntrain = \"t.csv\"\nfeatures = [\"x\"]\n[training]\nepochs = 1\n\(training)\n"
                .write(to: dir.appendingPathComponent("c.toml"), atomically: true, encoding: .utf8)
            let out = try CLI.run(["train", "--config", dir.appendingPathComponent("c.toml").path, "--out", dir.appendingPathComponent("o").path])
            #expect(out.status == 2 && out.stderr.contains(key), "\(training): \(out.stderr)")
        }
        // A manifest that is not one.
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("fake"), withIntermediateDirectories: true)
        try "{\"format\": \"neyman-ensemble\", \"members\": [{\"model\": \"m.safetensors\"}]}"
            .write(to: dir.appendingPathComponent("fake/ensemble.json"), atomically: true, encoding: .utf8)
        try "x\n1\n".write(to: dir.appendingPathComponent("d.csv"), atomically: true, encoding: .utf8)
        try "[model]\n[model.ratio]\nnetwork = \"fake\"\n[model.data]\nfile = \"d.csv\"\n[model.signal]\nfile = \"d.csv\"\nyield = 1.0\n[model.background]\nfile = \"d.csv\"\nyield = 1.0\n"
            .write(to: dir.appendingPathComponent("m.toml"), atomically: true, encoding: .utf8)
        let out = try CLI.run(["fit", "--model", dir.appendingPathComponent("m.toml").path])
        #expect(out.status == 2 && out.stderr.contains("ensemble.json") && out.stderr.contains("two members"), "\(out.stderr)")
    }
}
