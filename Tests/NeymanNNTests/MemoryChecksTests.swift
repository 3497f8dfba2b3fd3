import Foundation
import Testing
@testable import NeymanNN
import NeymanCore

/// Sizes from a user are checked against memory before anything is allocated (NetworkMemory, MemoryBudget), and
/// config values against their domains.
@Suite("Sizes and settings are checked before allocating")
struct MemoryChecksTests {
    /// Writes `text` as a training config in a fresh directory (the training file need not exist: every check here
    /// happens before it is read).
    func config(_ text: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("neyman-mem-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("config.toml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func dense(layers: String = "[4]", training: String = "") -> String {
        """
        [data]
        train = "train.csv"
        features = ["x", "y", "z"]
        [network]
        layers = \(layers)
        [training]
        batch_size = 64
        \(training)
        """
    }

    /// The key of the error `TrainingFile.load` throws for `text` (nil if it loads).
    func errorKey(_ text: String) throws -> String? {
        let path = try config(text)
        do { _ = try TrainingFile.load(path: path); return nil } catch let e as NeymanError {
            #expect(e.location.file == path && e.isUserError && !e.description.contains("\n"), "\(e)")
            return e.location.key
        }
    }

    /// bytes(B) = 4 (6 P + B F) with P the parameters and F the per-event floats, by hand for 3 -> [5] -> 1:
    /// P = 3*5 + 5 + 5*1 + 1 = 26; F = input (2*3 + 3) + dense (3 + 5) + relu (2*5) + dense (5 + 1) = 33.
    @Test func bytesFollowTheDocumentedFormula() throws {
        let net = try Network.dense(inputs: 3, hidden: [5], seed: 1)
        let memory = NetworkMemory(network: net)
        #expect(memory.bytes(batch: 7) == 4 * (6 * 26 + 7 * 33))
        #expect(memory.bytes(batch: 7, floatsPerParameter: 2) == 4 * (2 * 26 + 7 * 33))
        #expect(net.parameters.reduce(0) { $0 + $1.value.count } == 26)
        // The sizes-only description of the same network agrees.
        let specs = Network.denseSpecs(inputs: 3, hidden: [5], activation: .relu, dropout: 0)
        #expect(specs.compactMap(\.parameterCount).reduce(0, +) == 26 && specs.compactMap(\.floatsPerEvent).reduce(0, +) == 24)
        // Conv2D keeps its im2col columns: H W kh kw C on top of output and input gradient.
        let conv = LayerSpec.conv2d(height: 4, width: 5, channels: 2, filters: 3, kernelHeight: 3, kernelWidth: 3)
        #expect(conv.parameterCount == 3 * 3 * 2 * 3 + 3 && conv.floatsPerEvent == 20 * 3 + 20 * 2 + 20 * 9 * 2)
    }

    /// `layers = [100000000000]` aborted in the allocator; `[4, 9223372036854775807]` trapped on overflow.
    @Test func hugeAndOverflowingWidthsNameNetworkLayers() throws {
        #expect(try errorKey(dense(layers: "[100000000000]")) == "network.layers")
        #expect(try errorKey(dense(layers: "[4, 9223372036854775807]")) == "network.layers")
        #expect(try errorKey(dense(layers: "[4, 4]")) == nil)
        let path = try config(dense(layers: "[100000000000]"))
        #expect { try TrainingFile.load(path: path) } throws: { e in
            // 4 (6 P + 64 F): P = 3e11 + 1e11 + 1e11 + 1 = 5e11 + 1, F = 9 + 1e11 + 3 + 2e11 + 1e11 + 1 = 4e11 + 13.
            let p = 500_000_000_001, f = 400_000_000_013
            return (e as? NeymanError)?.message.contains("\(4 * (6 * p + 64 * f)) bytes") == true
        }
        // The API refuses them too, before building the layers.
        #expect { try Network.dense(inputs: 4, hidden: [Int.max]) } throws: { e in (e as? NeymanError)?.location.parameter == "hidden" }
        #expect { try Network.dense(inputs: 4, hidden: [0]) } throws: { e in (e as? NeymanError)?.location.parameter == "hidden" }
    }

    /// `particles = 1e12` built 10^12 column names for minutes; now refused at once, naming network.particles.
    @Test func particleAndImageSizesAreRefusedQuickly() throws {
        let pfn = """
        [data]
        train = "t.csv"
        [network]
        kind = "pfn"
        particles = 1000000000000
        particle_features = ["pt", "eta"]
        """
        let started = Date()
        #expect(try errorKey(pfn) == "network.particles")
        #expect(Date().timeIntervalSince(started) < 5)
        #expect(try errorKey(pfn.replacingOccurrences(of: "1000000000000", with: "16") + "\nphi = [100000000000]") == "network.phi")
        #expect(try errorKey(pfn.replacingOccurrences(of: "1000000000000", with: "16")) == nil)
        let cnn = """
        [data]
        train = "t.csv"
        [network]
        kind = "cnn"
        image = [1000000, 1000000, 1]
        """
        #expect(try errorKey(cnn) == "network.image")
        let small = cnn.replacingOccurrences(of: "[1000000, 1000000, 1]", with: "[16, 16, 1]")
        #expect(try errorKey(small) == nil)
        #expect(try errorKey(small + "\nfilters = 10000000000") == "network.filters")
        #expect(try errorKey(small + "\nconvs_per_block = 1000000000000") == "network.convs_per_block")
        #expect(try errorKey(small + "\nblocks = 100") == "network.blocks")
        #expect(try errorKey(small + "\nblocks = -1") == "network.blocks")
    }

    /// A batch too big for the network names training.batch_size; the trainer never allocates more than an epoch.
    @Test func batchSizeIsCheckedAndCappedByTheEvents() throws {
        #expect(try errorKey(dense(training: "").replacingOccurrences(of: "batch_size = 64", with: "batch_size = 1000000000000"))
                == "training.batch_size")
        // Through the API a batch larger than the training set is one batch of all events: identical to that size.
        let data = try gaussianPair(eventsPerClass: 200, seed: 3)
        func trained(_ batch: Int) throws -> [[Float]] {
            let net = try Network.dense(inputs: 1, hidden: [4], seed: 2)
            var o = TrainerSettings(); o.epochs = 3; o.batchSize = batch; o.validationFraction = 0
            try Trainer(network: net, options: o).train(data)
            return net.parameters.map(\.value.array)
        }
        #expect(try trained(Int.max) == (try trained(400)))
    }

    /// `[training.sampling]` counts: (a + b) x bins events per epoch must fit.
    @Test func flatSamplingCountsAreChecked() throws {
        let sampling = """
        [training.sampling]
        variable = "x"
        edges = [0, 1, 2]
        class_a_per_bin = 1000000000000000
        class_b_per_bin = 10
        """
        #expect(try errorKey(dense(training: sampling)) == "training.sampling.class_a_per_bin")
        #expect(try errorKey(dense(training: sampling.replacingOccurrences(of: "1000000000000000", with: "10"))) == nil)
    }

    /// Domains of [training]: weight_decay = -1 was accepted.
    @Test func trainingValuesAreCheckedForTheirDomain() throws {
        let cases: [(String, String)] = [
            ("weight_decay = -1", "training.weight_decay"), ("weight_decay = nan", "training.weight_decay"),
            ("learning_rate = 0.5\nweight_decay = 2", "training.weight_decay"), ("lr_decay_patience = -1", "training.lr_decay_patience"),
            ("patience = -2", "training.patience"), ("epochs = 0", "training.epochs"), ("learning_rate = 1e-60", "training.learning_rate"),
            ("learning_rate = inf", "training.learning_rate"), ("validation_fraction = 1.0", "training.validation_fraction"),
            ("ratio_alpha = -0.1", "training.ratio_alpha"),
        ]
        for (line, key) in cases { #expect(try errorKey(dense(training: line)) == key, "\(line)") }
        #expect(try errorKey(dense(training: "weight_decay = 1e-3")) == nil)
        #expect(try errorKey(dense(layers: "[4]\ndropout = 1.0")) == "network.dropout")
        var o = TrainerSettings(); o.weightDecay = -1
        #expect { try o.validate() } throws: { e in (e as? NeymanError)?.location.key == "weight_decay" }
    }

    /// Seeds are UInt64: integers up to Int64.max, any value as a decimal string.
    @Test func seedsCoverUInt64() throws {
        func seed(_ value: String) throws -> UInt64 { try TrainingFile.load(path: try config(dense(training: "seed = \(value)"))).options.seed }
        #expect(try seed("\"18446744073709551615\"") == UInt64.max)
        #expect(try seed("\"+17\"") == 17)
        #expect(try seed("9223372036854775807") == UInt64(Int64.max))
        #expect(try seed("0") == 0)
        for bad in ["-1", "\"-1\"", "\"0x10\"", "\"18446744073709551616\"", "\"12 \"", "1.5", "true"] {
            #expect(try errorKey(dense(training: "seed = \(bad)")) == "training.seed", "seed = \(bad)")
        }
    }

    /// The orthogonal initialiser gave zero weights when GSL could not allocate its m x m matrix.
    @Test func orthogonalInitialiserThrowsInsteadOfZeroWeights() throws {
        #expect { try Initializer.orthogonalMatrix(rows: 1 << 20, cols: 1, rng: RandomStream(seed: 1)) } throws: { e in
            (e as? NeymanError)?.location.parameter == "initializer" && (e as? NeymanError)?.message.contains("bytes") == true
        }
        #expect(throws: NeymanError.self) { try Initializer.orthogonalMatrix(rows: 1 << 40, cols: 2, rng: RandomStream(seed: 1)) }
        #expect(throws: NeymanError.self) { try Initializer.orthogonalMatrix(rows: 0, cols: 2, rng: RandomStream(seed: 1)) }
        let q = try Initializer.orthogonalMatrix(rows: 6, cols: 3, rng: RandomStream(seed: 1))
        #expect(q.contains { $0 != 0 })
    }

    /// Prediction batches shrink only when 4096 events of activations would not fit in a quarter of the limit.
    @Test func predictionBatchesFitTheLimit() {
        let small = NetworkMemory(parts: [.init(key: "k", setting: "s", floatsPerEvent: 100)])
        #expect(small.affordableBatch(preferred: 4096) == 4096)
        let wide = NetworkMemory(parts: [.init(key: "k", setting: "s", floatsPerEvent: MemoryBudget.limit / 64)])
        #expect(wide.affordableBatch(preferred: 4096) == 4)
        let overflow = NetworkMemory(parts: [.init(key: "k", setting: "s", floatsPerEvent: nil)])
        #expect(overflow.affordableBatch(preferred: 4096) == 1)
    }

    /// The tensor's count follows its shape through reshapes; scoped pointers see every element.
    @Test func tensorKeepsCountAndShapeTogether() {
        let t = Tensor(shape: [2, 3])
        #expect(t.count == 6)
        t.reshape([4, 5])
        #expect(t.count == 20 && t.shape == [4, 5])
        t.withUnsafeMutablePointer { p in for i in 0..<20 { p[i] = Float(i) } }
        t.reshape([2, 2])
        #expect(t.count == 4 && t.array == [0, 1, 2, 3])
        #expect(t.withUnsafePointer { $0[3] } == 3)
    }
}
