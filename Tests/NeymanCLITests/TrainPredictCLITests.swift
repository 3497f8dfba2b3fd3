import Foundation
import Testing

@Suite("neyman train and predict", .serialized)
struct TrainPredictCLITests {
    /// A directory with a training CSV (two Gaussians, classes at +-1), a config, and a file to score.
    func workspace(config extra: String = "") throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("neyman-cli-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var csv = "x,label,w\n"
        var state: UInt64 = 12345
        func uniform() -> Double { state = state &* 6364136223846793005 &+ 1442695040888963407; return Double(state >> 11) / Double(1 << 53) }
        for i in 0..<6000 {
            let a = i % 2 == 0
            let z = (-2 * log(max(uniform(), 1e-300))).squareRoot() * cos(2 * .pi * uniform())
            csv += "\((a ? 1.0 : -1.0) + z),\(a ? 1 : 0),1\n"
        }
        try csv.write(to: dir.appendingPathComponent("train.csv"), atomically: true, encoding: .utf8)
        try "x\n-1\n0\n1\n".write(to: dir.appendingPathComponent("score.csv"), atomically: true, encoding: .utf8)
        let config = """
        [data]
        train = "train.csv"
        features = ["x"]
        label = "label"
        weight = "w"
        [network]
        kind = "dense"
        layers = [16]
        activation = "relu"
        [training]
        loss = "bce"
        epochs = 8
        batch_size = 128
        learning_rate = 3e-3
        validation_fraction = 0.2
        patience = 5
        seed = 1
        \(extra)
        """
        try config.write(to: dir.appendingPathComponent("config.toml"), atomically: true, encoding: .utf8)
        return dir
    }

    @Test func trainThenPredictAsDocumented() throws {
        let dir = try workspace()
        let out = dir.appendingPathComponent("out")
        let t = try CLI.run(["train", "--config", dir.appendingPathComponent("config.toml").path, "--out", out.path, "--format", "json"])
        #expect(t.status == 0, "\(t.stderr)")
        let tj = try #require(t.json)
        #expect((tj["epochs_run"] as? Int ?? 0) >= 1)
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("model.safetensors").path))
        let history = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("history.json"))) as? [String: Any]
        #expect((history?["epochs"] as? [Any])?.count == tj["epochs_run"] as? Int)

        let p = try CLI.run(["predict", "--model", out.appendingPathComponent("model.safetensors").path,
                             "--input", dir.appendingPathComponent("score.csv").path, "--ratio", "--format", "json"])
        #expect(p.status == 0, "\(p.stderr)")
        let pj = try #require(p.json)
        let scores = try #require(pj["scores"] as? [Double]), ratios = try #require(pj["ratios"] as? [Double])
        #expect(pj["n"] as? Int == 3 && scores.count == 3 && ratios.count == 3)
        #expect(scores[0] < scores[1] && scores[1] < scores[2])
        // The exact ratio is exp(2x): e^-2, 1, e^2; a small network on 6000 events gets within 35%.
        for (r, x) in zip(ratios, [-1.0, 0, 1]) { #expect(abs(r / exp(2 * x) - 1) < 0.35, "x = \(x): \(r)") }
        // Training with the same seed again gives the identical model file.
        let again = dir.appendingPathComponent("again")
        _ = try CLI.run(["train", "--config", dir.appendingPathComponent("config.toml").path, "--out", again.path, "--quiet"])
        #expect(try Data(contentsOf: again.appendingPathComponent("model.safetensors")) == Data(contentsOf: out.appendingPathComponent("model.safetensors")))
        // CSV output.
        let csv = try CLI.run(["predict", "--model", out.appendingPathComponent("model.safetensors").path,
                               "--input", dir.appendingPathComponent("score.csv").path])
        #expect(csv.stdout.hasPrefix("score\n") && csv.stdout.split(separator: "\n").count == 4)
    }

    @Test func configErrorsNameTheKey() throws {
        let dir = try workspace(config: "bogus_key = 1")
        let t = try CLI.run(["train", "--config", dir.appendingPathComponent("config.toml").path, "--out", dir.appendingPathComponent("o").path])
        #expect(t.status == 2)
        #expect(t.stderr.contains("training.bogus_key"), "\(t.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("o/model.safetensors").path))

        let bad = try workspace()
        let cfg = bad.appendingPathComponent("config.toml")
        try String(contentsOf: cfg, encoding: .utf8).replacingOccurrences(of: "features = [\"x\"]", with: "features = [\"nope\"]")
            .write(to: cfg, atomically: true, encoding: .utf8)
        let m = try CLI.run(["train", "--config", cfg.path, "--out", bad.appendingPathComponent("o").path])
        #expect(m.status == 2 && m.stderr.contains("nope"), "\(m.stderr)")

        let p = try CLI.run(["predict", "--model", cfg.path, "--input", cfg.path])
        #expect(p.status == 2 && p.stderr.split(separator: "\n").count == 1, "\(p.stderr)")
    }
}

@Suite("neyman train: k-fold and flat sampling", .serialized)
struct TrainKFoldCLITests {
    let base = TrainPredictCLITests()

    /// Three stratified folds of 6000 events: each event is scored by the model of its own fold, which did not see it.
    @Test func kFoldWritesOneModelPerFoldAndScoresEveryEventOutOfFold() throws {
        let dir = try base.workspace(config: "folds = 3")
        let out = dir.appendingPathComponent("out")
        let t = try CLI.run(["train", "--config", dir.appendingPathComponent("config.toml").path, "--out", out.path, "--format", "json"])
        #expect(t.status == 0, "\(t.stderr)")
        let j = try #require(t.json)
        for key in ["folds", "models", "histories", "epochs_run", "fold_auc", "fold_auc_mean", "fold_auc_std", "out_of_fold_auc",
                    "out_of_fold", "summary"] {
            #expect(j[key] != nil, "missing key \(key)")
        }
        #expect(j["folds"] as? Int == 3)
        let models = try #require(j["models"] as? [String])
        #expect(models.count == 3 && models.allSatisfy { FileManager.default.fileExists(atPath: $0) })
        // Exact AUC of two unit Gaussians 2 apart: Phi(2 / sqrt 2) = 0.9214; 2000 held-out events per fold.
        let foldAUC = try #require(j["fold_auc"] as? [Double])
        #expect(foldAUC.allSatisfy { abs($0 - 0.9214) < 0.03 }, "\(foldAUC)")
        #expect(abs((j["out_of_fold_auc"] as? Double ?? 0) - 0.9214) < 0.02)

        // out_of_fold.csv: every row once, folds stratified (1000 events of each class per fold), and each score is
        // what `neyman predict` gives with that fold's model.
        let lines = try String(contentsOfFile: try #require(j["out_of_fold"] as? String), encoding: .utf8).split(separator: "\n")
        #expect(lines.first == "row,fold,label,weight,score,ratio" && lines.count == 6001)
        let rows = lines.dropFirst().map { $0.split(separator: ",").map { Double($0) ?? .nan } }
        #expect(rows.map { Int($0[0]) } == Array(0..<6000))
        for f in 1...3 {
            #expect(rows.filter { Int($0[1]) == f && $0[2] == 1 }.count == 1000)
            #expect(rows.filter { Int($0[1]) == f && $0[2] == 0 }.count == 1000)
        }
        let p = try CLI.run(["predict", "--model", models[1], "--input", dir.appendingPathComponent("train.csv").path, "--ratio", "--format", "json"])
        let scores = try #require(p.json?["scores"] as? [Double]), ratios = try #require(p.json?["ratios"] as? [Double])
        for r in rows where Int(r[1]) == 2 {
            #expect(abs(r[4] - scores[Int(r[0])]) <= 1e-7 * max(1, scores[Int(r[0])]) && abs(r[5] / ratios[Int(r[0])] - 1) < 1e-6)
        }
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: try #require(j["summary"] as? String))))
        #expect(((summary as? [String: Any])?["per_fold"] as? [Any])?.count == 3)
    }

    @Test func kFoldErrorsNameTheKey() throws {
        for (value, mentions) in [("0", "training.folds"), ("7000", "training.folds")] {
            let dir = try base.workspace(config: "folds = \(value)")
            let t = try CLI.run(["train", "--config", dir.appendingPathComponent("config.toml").path, "--out", dir.appendingPathComponent("o").path])
            #expect(t.status == 2 && t.stderr.contains(mentions), "folds = \(value): \(t.stderr)")
        }
    }

    /// Flat sampling in x itself: three non-empty bins per class, 500 events each per epoch -> class weights 1500 each.
    @Test func flatSamplingIsRecordedAndSetsTheClassWeights() throws {
        let dir = try base.workspace(config: "[training.sampling]\nvariable = \"x\"\nedges = [-1, 0, 1]\nclass_a_per_bin = 500\nclass_b_per_bin = 500")
        let out = dir.appendingPathComponent("out")
        let t = try CLI.run(["train", "--config", dir.appendingPathComponent("config.toml").path, "--out", out.path, "--format", "json"])
        #expect(t.status == 0, "\(t.stderr)")
        #expect(t.json?["class_weight_a"] as? Double == 1500 && t.json?["class_weight_b"] as? Double == 1500)
        let history = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("history.json"))) as? [String: Any]
        #expect((history?["sampling"] as? [String: Any])?["variable"] as? String == "x")
    }
}

@Suite("neyman train with particle inputs", .serialized)
struct TrainParticlesCLITests {
    /// An EFN on 4-particle events: class A events have their energy in one particle, class B spread over four.
    @Test func efnTrainsSavesAndPredicts() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("neyman-efn-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var header = (0..<4).flatMap { i in ["z_\(i)", "eta_\(i)", "phi_\(i)"] }
        header.append("label")
        var csv = header.joined(separator: ",") + "\n"
        var state: UInt64 = 99
        func u() -> Double { state = state &* 6364136223846793005 &+ 1442695040888963407; return Double(state >> 11) / Double(1 << 53) }
        for i in 0..<2000 {
            let a = i % 2 == 0
            let n = a ? 2 : 4
            var z = (0..<n).map { _ in u() + (a ? 0 : 0.5) }
            if a { z[0] += 3 }
            let s = z.reduce(0, +)
            var row: [String] = []
            for p in 0..<4 {
                if p < n { row += ["\(z[p] / s)", "\(0.4 * (u() - 0.5))", "\(0.4 * (u() - 0.5))"] } else { row += ["0", "0", "0"] }
            }
            row.append(a ? "1" : "0")
            csv += row.joined(separator: ",") + "\n"
        }
        try csv.write(to: dir.appendingPathComponent("train.csv"), atomically: true, encoding: .utf8)
        let config = """
        [data]
        train = "train.csv"
        label = "label"
        [network]
        kind = "efn"
        particles = 4
        particle_features = ["z", "eta", "phi"]
        phi = [16, 16]
        layers = [16]
        [training]
        epochs = 5
        batch_size = 64
        learning_rate = 3e-3
        seed = 2
        """
        try config.write(to: dir.appendingPathComponent("config.toml"), atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("out")
        let t = try CLI.run(["train", "--config", dir.appendingPathComponent("config.toml").path, "--out", out.path, "--format", "json"])
        #expect(t.status == 0, "\(t.stderr)")
        let auc = try #require(t.json?["validation_auc"] as? Double)
        #expect(auc > 0.8, "validation AUC \(auc)")
        let p = try CLI.run(["predict", "--model", out.appendingPathComponent("model.safetensors").path,
                             "--input", dir.appendingPathComponent("train.csv").path, "--format", "json"])
        #expect(p.status == 0, "\(p.stderr)")
        #expect((p.json?["scores"] as? [Double])?.count == 2000)
    }
}

@Suite("neyman train with images", .serialized)
struct TrainImagesCLITests {
    @Test func cnnConfigTrainsAndPredicts() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("neyman-cnn-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var csv = (0..<64).map { "px\($0)" }.joined(separator: ",") + ",label\n"
        var state: UInt64 = 5
        func u() -> Double { state = state &* 6364136223846793005 &+ 1442695040888963407; return Double(state >> 11) / Double(1 << 53) }
        for i in 0..<600 {
            var img = (0..<64).map { _ in 0.2 * u() }
            if i % 2 == 0 { let k = Int(u() * 7) * 8 + Int(u() * 7); for d in [0, 1, 8, 9] { img[k + d] += 1 } }
            else { img = img.map { $0 + 4.0 / 64 } }
            csv += img.map { "\($0)" }.joined(separator: ",") + ",\(i % 2 == 0 ? 1 : 0)\n"
        }
        try csv.write(to: dir.appendingPathComponent("images.csv"), atomically: true, encoding: .utf8)
        try """
        [data]
        train = "images.csv"
        [network]
        kind = "cnn"
        image = [8, 8, 1]
        image_prefix = "px"
        blocks = 2
        convs_per_block = 1
        filters = 4
        layers = [8]
        [training]
        epochs = 4
        batch_size = 32
        learning_rate = 3e-3
        """.write(to: dir.appendingPathComponent("cnn.toml"), atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("out")
        let t = try CLI.run(["train", "--config", dir.appendingPathComponent("cnn.toml").path, "--out", out.path, "--format", "json"])
        #expect(t.status == 0, "\(t.stderr)")
        let p = try CLI.run(["predict", "--model", out.appendingPathComponent("model.safetensors").path,
                             "--input", dir.appendingPathComponent("images.csv").path, "--format", "json"])
        #expect(p.status == 0, "\(p.stderr)")
        #expect((p.json?["scores"] as? [Double])?.count == 600)
    }
}

/// Hostile configs and models (Tests/Fixtures/hostile/train, listed in expected.tsv with the text each error must
/// contain, usually the key): every one is exit 2 with one line on stderr, never a signal (abort, trap) or a hang.
@Suite("neyman train/predict: hostile inputs", .serialized)
struct HostileTrainInputTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/hostile/train")

    struct Run {
        let status: Int32
        let signalled: Bool
        let stdout: String
        let stderr: String
    }

    /// Runs the built `neyman` with `environment` added to this process's, and a 120 s limit (a hang is a failure).
    static func run(_ args: [String], environment: [String: String] = [:]) throws -> Run {
        let p = Process()
        p.executableURL = CLI.executable
        p.arguments = args
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let deadline = DispatchTime.now() + 120
        DispatchQueue.global().asyncAfter(deadline: deadline) { if p.isRunning { p.terminate() } }
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Run(status: p.terminationStatus, signalled: p.terminationReason == .uncaughtSignal,
                   stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    /// The manifest: file -> text its error must contain.
    static func expected() throws -> [(file: String, text: String)] {
        try String(contentsOf: folder.appendingPathComponent("expected.tsv"), encoding: .utf8).split(separator: "\n")
            .filter { !$0.hasPrefix("#") && !$0.isEmpty }
            .map { line in
                let parts = line.split(separator: "\t").map(String.init)
                return (parts[0], parts.count > 1 ? parts[1] : "")
            }
    }

    @Test func everyHostileInputIsExitTwoWithOneLineSayingWhere() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path)
        let hostile = files.filter { ($0.hasSuffix(".toml") || $0.hasSuffix(".safetensors")) && !$0.hasPrefix("valid") }.sorted()
        try #require(hostile.count >= 20, "the hostile folder must not be empty (\(hostile.count) files)")
        let manifest = try Self.expected()
        #expect(manifest.map(\.file).sorted() == hostile, "expected.tsv must list every hostile file")
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("neyman-hostile-\(getpid())").path
        for (file, text) in manifest {
            let path = Self.folder.appendingPathComponent(file).path
            let args = file.hasSuffix(".toml")
                ? ["train", "--config", path, "--out", out, "--quiet"]
                : ["predict", "--model", path, "--input", Self.folder.appendingPathComponent("score.csv").path, "--format", "json"]
            let r = try Self.run(args)
            #expect(!r.signalled, "\(file): killed by a signal \(r.status)")
            #expect(r.status == 2, "\(file): exit \(r.status): \(r.stderr)")
            #expect(r.stdout.isEmpty, "\(file): printed \(r.stdout)")
            let lines = r.stderr.split(separator: "\n")
            #expect(lines.count == 1 && lines.first?.hasPrefix("neyman: error: ") == true, "\(file): \(r.stderr)")
            #expect(!text.isEmpty && r.stderr.contains(text), "\(file): expected \"\(text)\" in \(r.stderr)")
        }
    }

    /// The base the hostile files differ from is accepted: the loop above cannot pass by rejecting everything.
    @Test func theValidBasesAreAccepted() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("neyman-valid-\(getpid())").path
        let t = try Self.run(["train", "--config", Self.folder.appendingPathComponent("valid-config.toml").path, "--out", out, "--quiet"])
        #expect(t.status == 0, "\(t.stderr)")
        let p = try Self.run(["predict", "--model", Self.folder.appendingPathComponent("valid-model.safetensors").path,
                              "--input", Self.folder.appendingPathComponent("score.csv").path, "--format", "json"])
        #expect(p.status == 0, "\(p.stderr)")
        // s = sigmoid(W2 relu(W1 u + b1) + b2), u = (x - mean)/std, with make_hostile_models.py's weights, at x = (0, 0).
        let scores = try #require((try JSONSerialization.jsonObject(with: Data(p.stdout.utf8)) as? [String: Any])?["scores"] as? [Double])
        let u0 = (0 - 0.5) / 1.5, u1 = (0 + 0.25) / 2.0
        let h = [max(0, 0.5 * u0 + 1.0 * u1 + 0), max(0, -0.25 * u0 + 0.125 * u1 + 0.1), max(0, 0.75 * u0 - 0.5 * u1 - 0.1)]
        let z = 1.0 * h[0] - 1.0 * h[1] + 0.5 * h[2] + 0.25
        #expect(abs(scores[0] - 1 / (1 + exp(-z))) < 1e-6, "\(scores[0]) vs \(1 / (1 + exp(-z)))")
    }

    /// NEYMAN_MEMORY_LIMIT lowers the limit, and the bytes in the message are the documented formula
    /// 4 (6 P + B F): 1 input -> [16] -> 1 has P = 49 parameters and F = 5 + 17 + 32 + 17 = 71 floats per event;
    /// with batches of 128 that is 37528 bytes. Above the limit with one event: the layers are named; with the
    /// network fitting but not the batch: the batch size.
    @Test func memoryLimitNamesTheLayersOrTheBatch() throws {
        let dir = try TrainPredictCLITests().workspace()
        let cfg = dir.appendingPathComponent("config.toml").path
        let out = dir.appendingPathComponent("o").path
        let layers = try Self.run(["train", "--config", cfg, "--out", out], environment: ["NEYMAN_MEMORY_LIMIT": "1000"])
        #expect(layers.status == 2 && layers.stderr.contains("key 'network.layers'") && layers.stderr.contains("37528 bytes"), "\(layers.stderr)")
        let batch = try Self.run(["train", "--config", cfg, "--out", out], environment: ["NEYMAN_MEMORY_LIMIT": "10000"])
        #expect(batch.status == 2 && batch.stderr.contains("key 'training.batch_size'") && batch.stderr.contains("37528 bytes"), "\(batch.stderr)")
    }

    /// Seeds are UInt64 in config files: 2^64 - 1 is written as a string and echoed as 18446744073709551615 (not -1).
    @Test func largestSeedIsAcceptedAndEchoedUnsigned() throws {
        let dir = try TrainPredictCLITests().workspace(config: "folds = 2")
        let cfg = dir.appendingPathComponent("config.toml")
        try String(contentsOf: cfg, encoding: .utf8).replacingOccurrences(of: "seed = 1", with: "seed = \"18446744073709551615\"")
            .write(to: cfg, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("out")
        let t = try Self.run(["train", "--config", cfg.path, "--out", out.path, "--format", "json"])
        #expect(t.status == 0, "\(t.stderr)")
        let summary = try String(contentsOf: out.appendingPathComponent("kfold.json"), encoding: .utf8)
        #expect(summary.contains("\"seed\": 18446744073709551615"), "\(summary.prefix(300))")
    }
}
