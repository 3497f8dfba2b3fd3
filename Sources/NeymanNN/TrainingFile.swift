import Foundation
import NeymanCore

/// The training configuration read by `neyman train --config FILE.toml`:
///
/// ```toml
/// [data]
/// train = "train.csv"          # CSV or NPZ, relative to the config file
/// features = ["x"]             # input columns, in order (flattened per event for particle or image inputs)
/// label = "label"              # 1 = class A (numerator of the ratio), 0 = class B
/// weight = "w"                 # optional per-event weights
/// [network]
/// kind = "dense"               # dense | pfn | efn
/// layers = [64, 64]            # the dense stack (for pfn/efn: F, after the sum over particles)
/// phi = [100, 100, 100]        # pfn/efn: the per-particle network Phi
/// particles = 64               # pfn/efn: particles per event (zero-padded)
/// particle_features = ["z", "eta", "phi"]  # pfn/efn: columns <name>_<i> for particle i (efn: z first)
/// image = [32, 32, 1]          # cnn: height, width, channels; columns <image_prefix><k>, k = (h*W + w)*C + c
/// image_prefix = "x"           # cnn
/// blocks = 3                   # cnn: blocks of (convs_per_block conv layers + 2x2 pooling)
/// convs_per_block = 3
/// filters = 48
/// activation = "relu"          # relu | elu | sigmoid | tanh
/// dropout = 0.0
/// batch_norm = false           # dense only: BatchNormalization after each hidden Dense, before its activation
/// initializer = "glorot_normal" # glorot_normal | he | orthogonal
/// [training]
/// loss = "bce"                 # bce | mse | ratio
/// ratio_alpha = 1e-3           # ratio loss: relative-ratio parameter (0 = guide eq. 3.11 exactly; see LossKind)
/// epochs = 30
/// batch_size = 256
/// learning_rate = 1e-3
/// validation_fraction = 0.2
/// patience = 5
/// lr_decay_patience = 2
/// weight_decay = 0.0
/// seed = 1                     # UInt64; above 9223372036854775807 write it as a string: seed = "18446744073709551615"
/// folds = 1                    # k >= 2: stratified k-fold, one model per fold (see `neyman train`)
/// threads = 1                  # data-parallel workers (``DataParallelStep``)
/// ensemble = 1                 # K >= 2: K networks from different initialisations (see `neyman train`)
/// bootstrap = false            # with ensemble: each member trains on a Poisson bootstrap of the training events
/// [training.sampling]         # optional: flat sampling per epoch (EpochSampling)
/// variable = "pt"              # column of the training file (need not be a feature)
/// edges = [5, 10, 15, 20]      # ascending; the last bin is an overflow bin [20, inf), values below 5 count in the first
/// class_a_per_bin = 10000      # events of class A (label 1) drawn per bin and epoch
/// class_b_per_bin = 5000       # events of class B (label 0) drawn per bin and epoch
/// [training.disco]            # optional: DisCo decorrelation penalty (DisCoPenalty)
/// lambda = 10.0                # L = loss + lambda * dCor²(score, m), weighted, per batch
/// variable = "m"               # column of the training file (need not be a feature)
/// events = "background"        # background (label 0) | all
/// ```
/// Unknown keys are errors that name them.
public struct TrainingFile {
    /// The `[training.disco]` table: the DisCo penalty's settings.
    public struct DisCoSettings: Sendable, Equatable {
        /// `lambda` in `lambda * dCor²(score, m)`, `>= 0`.
        public var lambda: Double
        /// The column of the training file holding `m`.
        public var variable: String
        /// Background events only, or all.
        public var events: DisCoPenalty.Events

        /// Settings as `[training.disco]` gives them (`lambda` is checked by ``TrainingFile/load(path:)`` and by
        /// ``DisCoPenalty/init(lambda:variable:events:)``).
        public init(lambda: Double, variable: String, events: DisCoPenalty.Events = .background) {
            self.lambda = lambda
            self.variable = variable
            self.events = events
        }
    }

    public var trainPath: String
    public var features: [String]
    public var label: String
    public var weight: String?
    public var kind: NetworkKind
    public var layers: [Int]
    /// pfn/efn: Phi's widths, particles per event, features per particle.
    public var phi: [Int] = []
    public var particles: Int = 0
    public var particleFeatures: Int = 0
    /// cnn: image shape, blocks, convolutions per block, filters.
    public var image: [Int] = []
    public var blocks = 3
    public var convsPerBlock = 3
    public var filters = 48
    public var activation: ActivationKind
    public var dropout: Float
    /// `[network] batch_norm` (dense networks only): `Dense -> BatchNorm -> activation` in every hidden layer.
    public var batchNorm = false
    public var initializer: Initializer
    public var options: TrainerSettings
    /// The DisCo penalty, when `[training.disco]` is present.
    public var disco: DisCoSettings?
    /// The `[training.sampling]` table: flat sampling per epoch (``EpochSampling``).
    public struct SamplingSettings: Sendable, Equatable {
        /// The column holding the sampling variable.
        public var variable: String
        /// Ascending bin edges; the last bin is open above.
        public var edges: [Double]
        public var classAPerBin: Int
        public var classBPerBin: Int
    }
    /// Flat sampling per epoch, when `[training.sampling]` is present.
    public var sampling: SamplingSettings?
    /// `[training] folds`: 1 = one model on all events; `k >= 2` = stratified k-fold (``KFold``), one model per fold,
    /// each trained without its fold and scoring it.
    public var folds = 1
    /// `[training] ensemble`: 1 = one network; `K >= 2` = K networks from different initialisations (seed
    /// `mixSeed(seed, 1000 + i)` for member `i`), all holding out the validation events of `seed` (``NetworkEnsemble``).
    public var ensemble = 1
    /// `[training] bootstrap`: each ensemble member also trains on a Poisson bootstrap of the training events
    /// (``TrainerSettings/bootstrap``).
    public var bootstrap = false

    /// Reads and validates a config file: every value in its domain, and every size (layer widths, particles, image,
    /// filters, batch size, flat-sampling counts) checked against memory (``NetworkMemory``, ``MemoryBudget``) before
    /// anything is allocated; a size too big is an error naming its key and the bytes it would need.
    public static func load(path: String) throws -> TrainingFile {
        let root = try ConfigFile.load(path: path)
        let data = try root.require("data") { try root.table($0) }
        let network = try root.table("network")
        let training = try root.table("training")
        func invalid(_ key: String, _ message: String) -> NeymanError { NeymanError.invalid(message, file: path, key: key) }

        let train = try data.require("train") { try data.string($0) }
        let trainPath = train.hasPrefix("/") ? train : root.directory.appendingPathComponent(train).path
        let label = try data.string("label") ?? "label"
        let weight = try data.string("weight")

        let kindName = try network?.string("kind") ?? "dense"
        guard let kind = NetworkKind(rawValue: kindName) else {
            throw invalid("network.kind", "unknown network kind '\(kindName)' (\(NetworkKind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        var features: [String] = []
        var phi: [Int] = [], particles = 0, particleNames: [String] = []
        var image: [Int] = [], imagePrefix = "x", blocks = 3, convsPerBlock = 3, filters = 48
        switch kind {
        case .dense:
            features = try data.require("features") { try data.strings($0) }
            guard !features.isEmpty else { throw invalid("data.features", "must name at least one column") }
        case .pfn, .efn:
            particles = try network?.int("particles") ?? 0
            guard particles > 0 else { throw invalid("network.particles", "a \(kind.rawValue) needs particles > 0") }
            particleNames = try network?.strings("particle_features") ?? []
            guard particleNames.count >= (kind == .efn ? 2 : 1) else {
                throw invalid("network.particle_features", "name the per-particle columns (efn: z first, then the angles)")
            }
            phi = try network?.ints("phi") ?? [100, 100, 100]
            guard !phi.isEmpty, phi.allSatisfy({ $0 > 0 }) else { throw invalid("network.phi", "Phi widths must be positive") }
            if data.contains("features") { throw invalid("data.features", "for \(kind.rawValue) give network.particle_features instead") }
        case .cnn:
            image = try network?.ints("image") ?? []
            guard image.count == 3, image.allSatisfy({ $0 > 0 }) else {
                throw invalid("network.image", "a cnn needs image = [height, width, channels]")
            }
            imagePrefix = try network?.string("image_prefix") ?? "x"
            blocks = try network?.int("blocks") ?? 3
            guard blocks >= 0, blocks < Int.bitWidth, image[0] >> blocks >= 1, image[1] >> blocks >= 1 else {
                throw invalid("network.blocks", "a \(image[0]) x \(image[1]) image cannot be pooled \(blocks) times (each block halves it)")
            }
            convsPerBlock = try network?.int("convs_per_block") ?? 3
            guard convsPerBlock >= 1 else { throw invalid("network.convs_per_block", "must be positive (got \(convsPerBlock))") }
            filters = try network?.int("filters") ?? 48
            guard filters >= 1 else { throw invalid("network.filters", "must be positive (got \(filters))") }
            if data.contains("features") { throw invalid("data.features", "for cnn give network.image and network.image_prefix instead") }
        }
        let layers = try network?.ints("layers") ?? (kind == .dense ? [64, 64] : kind == .cnn ? [74, 74] : [100, 100, 100])
        guard layers.allSatisfy({ $0 > 0 }) else { throw invalid("network.layers", "layer widths must be positive") }
        let actName = try network?.string("activation") ?? "relu"
        guard let activation = ActivationKind(rawValue: actName) else {
            throw invalid("network.activation", "unknown activation '\(actName)' (relu, elu, sigmoid, tanh)")
        }
        let dropout = try network?.double("dropout") ?? 0
        guard dropout >= 0 && dropout < 1 else { throw invalid("network.dropout", "must be in [0, 1)") }
        let batchNorm = try network?.bool("batch_norm") ?? false
        guard !batchNorm || kind == .dense else {
            throw invalid("network.batch_norm", "batch normalisation is available for dense networks only (network.kind = \"\(kind.rawValue)\")")
        }
        let initName = try network?.string("initializer") ?? "glorot_normal"
        guard let initializer = Initializer(rawValue: initName) else {
            throw invalid("network.initializer", "unknown initializer '\(initName)' (glorot_normal, he, orthogonal)")
        }

        let o = try TrainerSettings(config: training, file: path)
        var disco: DisCoSettings? = nil
        if let t = training, let d = try t.table("disco") {
            let lambda = try d.require("lambda") { try d.double($0) }
            guard lambda.isFinite, lambda >= 0 else { throw invalid("training.disco.lambda", "must be finite and >= 0") }
            let variable = try d.require("variable") { try d.string($0) }
            let eventsName = try d.string("events") ?? DisCoPenalty.Events.background.rawValue
            guard let events = DisCoPenalty.Events(rawValue: eventsName) else {
                throw invalid("training.disco.events", "unknown value '\(eventsName)' (background, all)")
            }
            disco = DisCoSettings(lambda: lambda, variable: variable, events: events)
        }
        var sampling: SamplingSettings? = nil
        if let t = training, let d = try t.table("sampling") {
            let variable = try d.require("variable") { try d.string($0) }
            let edges = try d.require("edges") { try d.doubles($0) }
            guard !edges.isEmpty, edges.allSatisfy(\.isFinite) else { throw invalid("training.sampling.edges", "give at least one finite edge") }
            for k in 1..<edges.count where !(edges[k] > edges[k - 1]) {
                throw invalid("training.sampling.edges", "must be strictly ascending (\(edges[k]) follows \(edges[k - 1]))")
            }
            let a = try d.require("class_a_per_bin") { try d.int($0) }
            guard a > 0 else { throw invalid("training.sampling.class_a_per_bin", "must be positive (got \(a))") }
            let b = try d.require("class_b_per_bin") { try d.int($0) }
            guard b > 0 else { throw invalid("training.sampling.class_b_per_bin", "must be positive (got \(b))") }
            sampling = SamplingSettings(variable: variable, edges: edges, classAPerBin: a, classBPerBin: b)
        }
        let folds = try training?.int("folds") ?? 1
        guard folds >= 1 else { throw invalid("training.folds", "must be >= 1 (1 = no k-fold; got \(folds))") }
        let ensemble = try training?.int("ensemble") ?? 1
        guard ensemble >= 1, ensemble <= 1000 else {
            throw invalid("training.ensemble", "must be between 1 and 1000 (1 = one network; got \(ensemble))")
        }
        guard ensemble == 1 || folds == 1 else {
            throw invalid("training.ensemble", "an ensemble (ensemble = \(ensemble)) and k-fold (folds = \(folds)) cannot be combined; choose one")
        }
        let bootstrap = try training?.bool("bootstrap") ?? false
        guard !bootstrap || ensemble >= 2 else {
            throw invalid("training.bootstrap", "resamples the training set of each member of an ensemble: set ensemble = K >= 2 as well")
        }
        try root.rejectUnknownKeys()

        // Every size against memory before anything is allocated, the generated column names of a pfn/efn/cnn included.
        let memory: NetworkMemory
        switch kind {
        case .dense:
            let input = NetworkMemory.Part(key: "data.features", setting: "\(features.count) columns",
                                           floatsPerEvent: CheckedCount.add(CheckedCount.product([2, features.count]), 3))
            memory = NetworkMemory(parts: [input, .init(key: "network.layers", setting: "\(layers)",
                                                        layers: Network.denseSpecs(inputs: features.count, hidden: layers,
                                                                                   activation: activation, dropout: Float(dropout),
                                                                                   batchNorm: batchNorm))])
        case .pfn, .efn:
            memory = Network.deepSetsMemory(kind == .efn ? .efn : .pfn, particles: particles, features: particleNames.count, phi: phi,
                                            f: layers, activation: activation,
                                            keys: (particles: "network.particles", phi: "network.phi", f: "network.layers"))
        case .cnn:
            memory = Network.cnnMemory(height: image[0], width: image[1], channels: image[2], blocks: blocks, convsPerBlock: convsPerBlock,
                                       filters: filters, kernel: 3, dense: layers, activation: activation, dropout: Float(dropout),
                                       keys: (image: "network.image", filters: "network.filters",
                                               convsPerBlock: "network.convs_per_block", dense: "network.layers"))
        }
        try memory.check(batch: o.batchSize, batchKey: "training.batch_size", file: path)
        if let s = sampling {
            let drawn = CheckedCount.product([CheckedCount.add(s.classAPerBin, s.classBPerBin), s.edges.count])
            let key = s.classAPerBin >= s.classBPerBin ? "training.sampling.class_a_per_bin" : "training.sampling.class_b_per_bin"
            try MemoryBudget.check(bytes: CheckedCount.product([24, drawn]), what: key,
                                   description: "\(key) = \(max(s.classAPerBin, s.classBPerBin)) (each epoch draws (class_a_per_bin + "
                                       + "class_b_per_bin) x \(s.edges.count) bins events, 24 bytes each)", file: path)
        }
        switch kind {
        case .dense: break
        case .pfn, .efn: features = (0..<particles).flatMap { i in particleNames.map { "\($0)_\(i)" } }
        case .cnn: features = (0..<(image[0] * image[1] * image[2])).map { "\(imagePrefix)\($0)" }
        }
        var cfg = TrainingFile(trainPath: trainPath, features: features, label: label, weight: weight, kind: kind, layers: layers,
                                 activation: activation, dropout: Float(dropout), initializer: initializer, options: o)
        cfg.batchNorm = batchNorm
        cfg.phi = phi
        cfg.particles = particles
        cfg.particleFeatures = particleNames.count
        cfg.image = image
        cfg.blocks = blocks
        cfg.convsPerBlock = convsPerBlock
        cfg.filters = filters
        cfg.disco = disco
        cfg.sampling = sampling
        cfg.folds = folds
        cfg.ensemble = ensemble
        cfg.bootstrap = bootstrap
        return cfg
    }

    /// Reads the training file and assembles features, labels and weights.
    public func loadData() throws -> LabelledEvents {
        try data(from: try Dataset.load(path: trainPath))
    }

    /// Reads the training file once: the training data and the auxiliary columns of `[training.disco]` and
    /// `[training.sampling]` (which need not be features), checked against the config.
    public func load() throws -> TrainingEvents {
        let ds = try Dataset.load(path: trainPath)
        let data = try data(from: ds)
        func column(_ name: String) throws -> [Double] {
            do { return try ds.column(name) } catch let e as NeymanError { throw e.inFile(trainPath) }
        }
        let inputs = TrainingEvents(data: data, discoVariable: try disco.map { try column($0.variable) },
                                    samplingVariable: try sampling.map { try column($0.variable) }, config: self)
        // Check the auxiliary columns now, so that a bad value fails before any training.
        _ = try inputs.penalties()
        _ = try inputs.epochSampling()
        return inputs
    }

    private func data(from ds: Dataset) throws -> LabelledEvents {
        let columns = try features.map { try ds.column($0) }
        let labels = try ds.column(label)
        var x = [Float](repeating: 0, count: ds.count * features.count)
        for (j, c) in columns.enumerated() { for r in 0..<ds.count { x[r * features.count + j] = Float(c[r]) } }
        for (r, y) in labels.enumerated() where y != 0 && y != 1 {
            throw NeymanError.invalid("label must be 0 or 1, found \(y)", file: trainPath, row: r + 2, column: label)
        }
        var w: [Float]? = nil
        if let weight {
            w = try ds.column(weight).map(Float.init)
        }
        do {
            return try LabelledEvents(features: x, labels: labels.map(Float.init), weights: w, featureCount: features.count)
        } catch let e as NeymanError {
            throw e.inFile(trainPath)
        }
    }

    /// The network described by the config (weights initialised from `options.seed`).
    public func makeNetwork() throws -> Network {
        switch kind {
        case .dense:
            return try Network.dense(inputs: features.count, hidden: layers, activation: activation, dropout: dropout,
                                 batchNorm: batchNorm, initializer: initializer, seed: options.seed, lossKind: options.loss)
        case .pfn:
            return try Network.pfn(particles: particles, features: particleFeatures, phi: phi, f: layers, activation: activation,
                                   initializer: initializer, seed: options.seed, lossKind: options.loss)
        case .efn:
            return try Network.efn(particles: particles, features: particleFeatures, phi: phi, f: layers, activation: activation,
                                   initializer: initializer, seed: options.seed, lossKind: options.loss)
        case .cnn:
            return try Network.cnn(height: image[0], width: image[1], channels: image[2], blocks: blocks, convsPerBlock: convsPerBlock,
                                   filters: filters, dense: layers, activation: activation, dropout: dropout,
                                   initializer: initializer, seed: options.seed, lossKind: options.loss)
        }
    }
}
