import Foundation
import Testing

/// `neyman efficiency` and `neyman importance`: the documented keys, hand-computed numbers on small inputs, and bad
/// input (exit 2, one line naming the fault).
@Suite("neyman efficiency and importance", .serialized)
struct EfficiencyImportanceCLITests {
    func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("neyman-eff-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    func write(_ text: String, _ name: String, in dir: URL) throws -> String {
        let path = dir.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Bins [0, 10), [10, 20): signal (label 1) scores 0.9 0.7 0.4 0.2 | 0.8 0.3 0.3 0.1, label 0 0.5 0.1 | 0.35 0.05 0.6,
    /// label 2 0.8 | -, one event outside.
    static let csv = """
        score,label,pt,w
        0.9,1,1,1
        0.7,1,5,2
        0.4,1,9,1
        0.2,1,2,1
        0.8,1,11,1
        0.3,1,15,1
        0.3,1,19,1
        0.1,1,10,3
        0.5,0,3,1
        0.1,0,4,1
        0.35,0,12,1
        0.05,0,13,1
        0.6,0,18,2
        0.8,2,7,1
        0.99,1,25,1

        """

    func numbers(_ v: Any?) -> [Double?] { (v as? [Any])?.map { ($0 as? NSNumber)?.doubleValue } ?? [] }

    @Test func efficiencyByHand() throws {
        let dir = try temporaryDirectory()
        let input = try write(Self.csv, "scored.csv", in: dir)
        let base = ["efficiency", "--input", input, "--score", "score", "--label", "label", "--bin-by", "pt", "--edges", "0,10,20",
                    "--working-point", "0.5", "--format", "json"]
        let o = try CLI.run(base)
        #expect(o.status == 0, "\(o.stderr)")
        #expect(o.stdout.split(separator: "\n").count == 1)
        let j = try #require(o.json)
        #expect(j["status"] as? String == "ok")
        #expect(numbers(j["edges"]) == [0, 10, 20])
        #expect((j["threshold"] as? NSNumber)?.doubleValue == 0.4)
        let eff = try #require(j["efficiency"] as? [String: Any]), err = try #require(j["efficiency_error"] as? [String: Any])
        #expect(Set(eff.keys) == ["0", "1", "2"] && Set(err.keys) == ["0", "1", "2"])
        #expect(numbers(eff["1"]) == [0.75, 0.25])
        #expect(numbers(eff["2"]).count == 2 && numbers(eff["2"])[0] == 1 && numbers(eff["2"])[1] == nil)
        let e0 = numbers(eff["0"])
        #expect(e0.count == 2 && e0[0] == 0.5 && abs((e0[1] ?? 0) - 1.0 / 3) < 1e-12)
        #expect(abs((numbers(err["1"])[0] ?? 0) - (0.75 * 0.25 / 4).squareRoot()) < 1e-12)
        #expect(j["outside"] as? Int == 1)

        // --flat: 0.7 in bin 0, 0.3 in bin 1 (the tie passes together).
        let f = try #require(try CLI.run(base + ["--flat"]).json)
        #expect(numbers(f["threshold"]) == [0.7, 0.3])
        #expect(numbers((f["efficiency"] as? [String: Any])?["1"]) == [0.5, 0.75])

        // --weight: signal in bin 0 has weights 1, 2, 1, 1 (total 5); at 50 % of 5 the threshold is 0.7 (weight 3 >= 2.5).
        let w = try #require(try CLI.run(base + ["--weight", "w", "--flat"]).json)
        #expect(numbers(w["threshold"])[0] == 0.7)
        let we = numbers((w["efficiency"] as? [String: Any])?["1"])
        #expect(abs((we[0] ?? 0) - 0.6) < 1e-12)
        // Error: pass weights {1, 2}, fail {1, 1}: ((0.4^2 * 5 + 0.6^2 * 2) / 25)^(1/2).
        let wErr = numbers((w["efficiency_error"] as? [String: Any])?["1"])[0] ?? 0
        #expect(abs(wErr - ((0.16 * 5 + 0.36 * 2) / 25).squareRoot()) < 1e-12)

        // --signal-label 0 sets the working point on label 0; an overflow bin takes the event at pt 25.
        let s0 = try #require(try CLI.run(["efficiency", "--input", input, "--score", "score", "--label", "label", "--bin-by", "pt",
                                           "--edges", "0,10,inf", "--signal-label", "0", "--format", "json"]).json)
        #expect((s0["threshold"] as? NSNumber)?.doubleValue == 0.35)
        #expect(numbers(s0["edges"]).count == 3 && numbers(s0["edges"])[2] == nil)
        #expect(s0["outside"] as? Int == 0)

        let text = try CLI.run(Array(base.dropLast(2)))
        #expect(text.status == 0 && text.stdout.contains("label 2") && text.stdout.contains("0.75 +- "), "\(text.stdout)")
    }

    @Test func efficiencyBadInputExits2() throws {
        let dir = try temporaryDirectory()
        let input = try write(Self.csv, "scored.csv", in: dir)
        let negative = try write("score,label,pt,w\n0.5,1,1,1\n0.2,0,2,-1\n", "negative.csv", in: dir)
        func run(_ extra: [String], file: String? = nil) throws -> CLI.Output {
            try CLI.run(["efficiency", "--input", file ?? input, "--score", "score", "--label", "label", "--bin-by", "pt"] + extra)
        }
        let cases: [([String], String?, [String])] = [
            (["--edges", "0,10,10"], nil, ["edges", "ascending"]),
            (["--edges", "0"], nil, ["edges"]),
            (["--edges", "0,x"], nil, ["edges", "'x'"]),
            (["--edges", "0,10", "--working-point", "1.5"], nil, ["working-point"]),
            (["--edges", "0,10", "--signal-label", "7"], nil, ["signal label 7", "label"]),
            (["--edges", "0,10,20,24", "--flat"], nil, ["bin 2"]),
            (["--edges", "0,10", "--weight", "w"], negative, ["row 3", "'w'"]),
            (["--edges", "0,10", "--weight", "nope"], nil, ["nope"]),
        ]
        for (extra, file, mentions) in cases {
            let o = try run(extra, file: file)
            #expect(o.status == 2, "\(extra): \(o.status) \(o.stderr)")
            #expect(o.stdout.isEmpty)
            #expect(o.stderr.split(separator: "\n").count == 1, "\(o.stderr)")
            for m in mentions { #expect(o.stderr.contains(m), "\(extra): \(o.stderr)") }
        }
    }

    /// A network trained by `neyman train` on x (informative) and noise: importance keys, the normalisation (mean 1),
    /// the noise feature compatible with zero, and bad input. (Batch normalisation's running statistics need a few
    /// hundred steps at momentum 0.99 to settle: 12 epochs of 38 batches.)
    @Test func importanceOfATrainedModel() throws {
        let dir = try temporaryDirectory()
        var csv = "x,noise,label\n"
        var state: UInt64 = 99
        func uniform() -> Double { state = state &* 6364136223846793005 &+ 1442695040888963407; return Double(state >> 11) / Double(1 << 53) }
        func gauss() -> Double { (-2 * log(max(uniform(), 1e-300))).squareRoot() * cos(2 * .pi * uniform()) }
        for i in 0..<3000 {
            let a = i % 2 == 0
            csv += "\((a ? 1.0 : -1.0) + gauss()),\(gauss()),\(a ? 1 : 0)\n"
        }
        let train = try write(csv, "train.csv", in: dir)
        _ = try write("""
            [data]
            train = "train.csv"
            features = ["x", "noise"]
            [network]
            layers = [8]
            batch_norm = true
            [training]
            epochs = 12
            batch_size = 64
            seed = 2
            """, "config.toml", in: dir)
        let out = dir.appendingPathComponent("net").path
        let t = try CLI.run(["train", "--config", dir.appendingPathComponent("config.toml").path, "--out", out, "--quiet"])
        #expect(t.status == 0, "\(t.stderr)")
        let model = out + "/model.safetensors"
        let args = ["importance", "--model", model, "--input", train, "--label", "label", "--repeats", "4", "--seed", "3", "--format", "json"]
        let o = try CLI.run(args)
        #expect(o.status == 0, "\(o.stderr)")
        let j = try #require(o.json)
        #expect((j["features"] as? [String]) == ["x", "noise"])
        let imp = numbers(j["importance"]).compactMap { $0 }, err = numbers(j["importance_error"]).compactMap { $0 }
        #expect(imp.count == 2 && err.count == 2)
        #expect(abs((imp[0] + imp[1]) / 2 - 1) < 1e-12)
        #expect(imp[0] > 1.9 && abs(imp[1]) < 3 * err[1] + 0.02, "\(imp) +- \(err)")
        #expect(((j["auc"] as? NSNumber)?.doubleValue ?? 0) > 0.8)
        #expect(j["status"] as? String == "ok" && j["repeats"] as? Int == 4)
        // Same seed, same numbers.
        #expect(try CLI.run(args).stdout == o.stdout)

        for (extra, mention) in [(["--repeats", "1"], "repeats"), (["--label", "nope"], "nope")] {
            var a = args
            for k in stride(from: 0, to: extra.count, by: 2) {
                if let i = a.firstIndex(of: extra[k]) { a[i + 1] = extra[k + 1] }
            }
            let b = try CLI.run(a)
            #expect(b.status == 2 && b.stderr.contains(mention), "\(extra): \(b.stderr)")
        }
        let missing = try write("x,label\n1,1\n0,0\n", "missing.csv", in: dir)
        let m = try CLI.run(["importance", "--model", model, "--input", missing, "--label", "label"])
        #expect(m.status == 2 && m.stderr.contains("noise"), "\(m.stderr)")
        let noModel = try CLI.run(["importance", "--model", dir.appendingPathComponent("none.safetensors").path, "--input", train, "--label", "label"])
        #expect(noModel.status == 2 && noModel.stderr.contains("none.safetensors"), "\(noModel.stderr)")
    }
}
