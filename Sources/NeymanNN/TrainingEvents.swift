import Foundation
import NeymanCore

/// What `neyman train` reads from its training file: the ``LabelledEvents`` and, per event, the auxiliary variables of
/// the DisCo penalty (`[training.disco] variable`) and of flat sampling per epoch (`[training.sampling] variable`),
/// kept together so that a subset of events (a k-fold split) carries its own auxiliary values.
public struct TrainingEvents {
    public let data: LabelledEvents
    /// `m` of the DisCo penalty, one value per event, when `[training.disco]` is set.
    public let discoVariable: [Double]?
    /// `v` of the flat sampling, one value per event, when `[training.sampling]` is set.
    public let samplingVariable: [Double]?
    /// The configuration the inputs were read with.
    public let config: TrainingFile

    public init(data: LabelledEvents, discoVariable: [Double]?, samplingVariable: [Double]?, config: TrainingFile) {
        self.data = data
        self.discoVariable = discoVariable
        self.samplingVariable = samplingVariable
        self.config = config
    }

    /// The events at `rows` (in that order) with their auxiliary values.
    public func subset(_ rows: [Int]) -> TrainingEvents {
        TrainingEvents(data: data.subset(rows), discoVariable: discoVariable.map { v in rows.map { v[$0] } },
                       samplingVariable: samplingVariable.map { v in rows.map { v[$0] } }, config: config)
    }

    /// The loss penalties of the config (a fresh ``DisCoPenalty`` when `[training.disco]` is set).
    /// - Throws: a non-finite value of the DisCo variable, naming the training file and the event.
    public func penalties() throws -> [LossPenalty] {
        guard let disco = config.disco, let m = discoVariable else { return [] }
        do {
            return [try DisCoPenalty(lambda: disco.lambda, variable: m, events: disco.events)]
        } catch let e as NeymanError { throw e.inFile(config.trainPath) }
    }

    /// The flat sampling per epoch of the config, when `[training.sampling]` is set.
    /// - Throws: a non-finite value of the sampling variable, naming the training file and the event.
    public func epochSampling() throws -> EpochSampling? {
        guard let s = config.sampling, let v = samplingVariable else { return nil }
        do {
            return try EpochSampling(variable: v, edges: s.edges, classAPerBin: s.classAPerBin, classBPerBin: s.classBPerBin)
        } catch let e as NeymanError { throw e.inFile(config.trainPath) }
    }

    /// A fresh network from the config, trained on these inputs with `options` (the config's, possibly with another
    /// seed or quiet flag), with its feature names set. Returns the network and its history.
    public func train(options: TrainerSettings) throws -> (network: Network, history: [EpochRecord]) {
        var cfg = config
        cfg.options = options
        let network = try cfg.makeNetwork()
        network.featureNames = config.features
        let trainer = Trainer(network: network, options: options)
        trainer.penalties = try penalties()
        trainer.epochSampling = try epochSampling()
        let history = try trainer.train(data)
        return (network, history)
    }
}
