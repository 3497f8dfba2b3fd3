import Foundation
import NeymanCore
import NeymanNN

/// The network and training settings of a study: `[network]` (`layers`, `activation`, `dropout`, `batch_norm`) and `[training]`
/// (the keys of ``TrainerSettings/init(config:file:)``, plus `events_per_class`, scale-dependent).
public struct StudyNetworkSettings: Sendable {
    public var layers: [Int]
    public var activation: ActivationKind
    public var dropout: Float
    /// `[network] batch_norm`: a ``BatchNormalization`` after each hidden `Dense`, before its activation.
    public var batchNorm = false
    public var options: TrainerSettings
    /// Training events of each class.
    public var eventsPerClass: Int

    public init(layers: [Int], activation: ActivationKind, dropout: Float = 0, options: TrainerSettings, eventsPerClass: Int) {
        self.layers = layers
        self.activation = activation
        self.dropout = dropout
        self.options = options
        self.eventsPerClass = eventsPerClass
    }

    /// Reads `[network]` and `[training]` from a study file; the widths, the batch size and `events_per_class` are
    /// checked against memory (``NetworkMemory``, ``StudySizes/trainingEvent`` bytes per event of each class) before
    /// anything is generated, and a size too big is an error naming its key and the bytes it would need.
    public init(config root: ConfigTable, scale: StudyScale) throws {
        let network = try root.table("network")
        let training = try root.table("training")
        layers = try network?.ints("layers") ?? [32, 32]
        guard !layers.isEmpty, layers.allSatisfy({ $0 > 0 }) else {
            throw NeymanError.invalid("layer widths must be positive", file: root.file, key: "network.layers")
        }
        let act = try network?.string("activation") ?? "relu"
        guard let a = ActivationKind(rawValue: act) else {
            throw NeymanError.invalid("unknown activation '\(act)' (relu, elu, sigmoid, tanh)", file: root.file, key: "network.activation")
        }
        activation = a
        let d = try network?.double("dropout") ?? 0
        guard d >= 0, d < 1 else { throw NeymanError.invalid("must be in [0, 1)", file: root.file, key: "network.dropout") }
        dropout = Float(d)
        batchNorm = try network?.bool("batch_norm") ?? false
        eventsPerClass = try training?.scaledInt("events_per_class", scale) ?? 100_000
        guard eventsPerClass >= 100 else {
            throw NeymanError.invalid("must be at least 100", file: root.file, key: "training.events_per_class")
        }
        options = try TrainerSettings(config: training, file: root.file)
        // Sizes against memory before any event is generated: the network (with one input; makeNetwork checks again
        // with the study's inputs) and the training events of both classes.
        try memory(inputs: 1).check(batch: options.batchSize, batchKey: "training.batch_size", file: root.file)
        try MemoryBudget.check(count: eventsPerClass, bytesPerElement: 2 * StudySizes.trainingEvent,
                               what: "training.events_per_class", file: root.file)
    }

    /// The memory of the dense network on `inputs` features (``NetworkMemory``): the input (key `inputs`) and the
    /// layers (key `network.layers`).
    func memory(inputs: Int) -> NetworkMemory {
        let input = NetworkMemory.Part(key: "inputs", setting: "\(inputs)", floatsPerEvent: inputs > Int.max / 4 ? nil : 2 * inputs + 3)
        return NetworkMemory(parts: [input, .init(key: "network.layers", setting: "\(layers)",
                                                  layers: Network.denseSpecs(inputs: inputs, hidden: layers, activation: activation, dropout: dropout,
                                                                             batchNorm: batchNorm))])
    }

    /// A fresh dense network with `inputs` features, initialised from `seed`.
    /// - Throws: if the network and a batch would not fit in memory (``NetworkMemory``), or the initializer fails.
    public func makeNetwork(inputs: Int, seed: UInt64) throws -> Network {
        try memory(inputs: inputs).check(batch: options.batchSize, batchKey: "training.batch_size")
        return try Network.dense(inputs: inputs, hidden: layers, activation: activation, dropout: dropout, batchNorm: batchNorm,
                                 seed: seed, lossKind: options.loss)
    }

    /// Trains a network to separate class A (label 1) from class B; returns it with its history.
    public func train(classA: [[Float]], classB: [[Float]], seed: UInt64, quiet: Bool) throws -> (Network, [EpochRecord]) {
        let k = classA.first?.count ?? classB.first?.count ?? 0
        var features: [Float] = []
        features.reserveCapacity((classA.count + classB.count) * k)
        for row in classA { features += row }
        for row in classB { features += row }
        let labels = [Float](repeating: 1, count: classA.count) + [Float](repeating: 0, count: classB.count)
        let data = try LabelledEvents(features: features, labels: labels, featureCount: k)
        return try train(data, seed: seed, quiet: quiet)
    }

    /// Trains a fresh network on prepared data (e.g. a parameterized training set).
    public func train(_ data: LabelledEvents, seed: UInt64, quiet: Bool) throws -> (Network, [EpochRecord]) {
        let k = data.featureCount
        var o = options
        o.seed = seed
        o.quiet = quiet
        let net = try makeNetwork(inputs: k, seed: seed)
        let history = try Trainer(network: net, options: o).train(data)
        return (net, history)
    }

    /// Trains the S-vs-B network on `y` of the bump-hunt model (`eventsPerClass` events of each class, drawn from
    /// streams `(dataSeed, 1)` and `(dataSeed, 2)`) and tabulates its ratio `s/(1-s) W_B/W_A` on [-0.5, 0.5] with
    /// `2^14 + 1` points (``TabulatedFunction``), so that parallel pseudo-experiments can read it.
    func trainBumpHuntRatio(model: BumpHuntModel, dataSeed: UInt64, trainingSeed: UInt64,
                            context: StudyContext) throws -> (ratio: TabulatedFunction, history: [EpochRecord]) {
        let n = eventsPerClass
        let sig = model.events(n, signal: true, rng: RandomStream(seed: dataSeed, task: 1)).map { [Float($0.y)] }
        let bkg = model.events(n, signal: false, rng: RandomStream(seed: dataSeed, task: 2)).map { [Float($0.y)] }
        context.log("training the S-vs-B network on \(n) + \(n) events")
        let (net, history) = try train(classA: sig, classB: bkg, seed: trainingSeed, quiet: context.quiet)
        let lr = try LikelihoodRatio(network: net)
        let table = try TabulatedFunction(lower: -0.5, upper: 0.5, points: 16_385) { ys in
            net.score(ys.map(Float.init), rows: ys.count).map { lr.ratio(score: Double($0)) }
        }
        return (table, history)
    }
}
