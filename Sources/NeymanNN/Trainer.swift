import Foundation
import NeymanCore
import NeymanStats

/// One epoch of the training history.
public struct EpochRecord: Sendable {
    public let epoch: Int
    public let learningRate: Float
    public let loss: Double
    public let validationLoss: Double?
    public let validationAUC: Double?
}

/// Trains a ``Network`` with Adam on mini-batches.
///
/// Penalties (``penalties``, e.g. ``DisCoPenalty``) are added to every batch's loss with their gradients; the epoch's
/// training loss includes them, and so does the validation loss (evaluated on batches of the training batch size, see
/// ``penaltyLoss(_:rows:)``), so that early stopping and learning-rate decay watch the whole objective.
///
/// Determinism: the validation split is drawn from `RandomStream(seed, task: 0)`, the batch order of epoch `e` from
/// `RandomStream(seed, task: 1 + e)`, dropout masks from each dropout layer's stream reseeded per epoch; with the same
/// seed and the same BLAS thread count the final weights are identical.
public final class Trainer {
    public let network: Network
    public var options: TrainerSettings
    /// Extra loss terms (e.g. DisCo), evaluated on each batch with their exact gradients.
    public var penalties: [LossPenalty] = []
    /// Flat sampling per epoch (``EpochSampling``): each epoch trains on a fresh sample with fixed counts per class and
    /// bin instead of on every training event once. `nil` = the plain epoch over all training events.
    public var epochSampling: EpochSampling?

    public init(network: Network, options: TrainerSettings) {
        self.network = network
        self.options = options
    }

    /// The validation and training rows (each ascending) of `count` events: the first
    /// `round(count * validationFraction)` of a permutation drawn from `RandomStream(splitSeed ?? seed, task: 0)` are
    /// held out for validation.
    public static func split(count: Int, options: TrainerSettings) -> (validation: [Int], training: [Int]) {
        let perm = RandomStream(seed: options.splitSeed ?? options.seed, task: 0).permutation(count)
        let nVal = Int((Double(count) * options.validationFraction).rounded())
        return (Array(perm.prefix(nVal)).sorted(), Array(perm.dropFirst(nVal)).sorted())
    }

    /// The Poisson bootstrap counts `k_i ~ Poisson(1)` of `count` training events (``TrainerSettings/bootstrap``),
    /// drawn from `RandomStream(mixSeed(seed, 0xB007), task: 0)`.
    public static func bootstrapCounts(count: Int, seed: UInt64) -> [Float] {
        let rng = RandomStream(seed: RandomStream.mixSeed(seed, 0xB007), task: 0)
        return (0..<count).map { _ in Float(rng.poisson(mean: 1)) }
    }

    /// Trains on `data` and returns the history; the network ends with the weights of the best validation epoch
    /// (or the last epoch without validation), batch normalisation's running statistics included.
    /// - Throws: options out of their domain (``TrainerSettings/validate(keyPrefix:file:)``), data that do not fit the
    ///   network, a batch whose training memory exceeds ``MemoryBudget/limit`` (``NetworkMemory``, parameter
    ///   `batch_size`), classes without positive weight, or a training loss that becomes non-finite.
    @discardableResult
    public func train(_ data: LabelledEvents) throws -> [EpochRecord] {
        guard data.featureCount == network.inputSize else {
            throw NeymanError.invalid("the data have \(data.featureCount) features, the network takes \(network.inputSize)")
        }
        try options.validate()
        for p in penalties { try p.check(eventCount: data.count) }
        // Split.
        let (validationRows, split) = Trainer.split(count: data.count, options: options)
        var trainRows = split
        let nVal = validationRows.count
        var bootstrapCounts: [Float]? = nil
        if options.bootstrap {
            let k = Trainer.bootstrapCounts(count: trainRows.count, seed: options.seed)
            bootstrapCounts = k.filter { $0 > 0 }
            trainRows = zip(trainRows, k).filter { $0.1 > 0 }.map(\.0)
        }
        guard !trainRows.isEmpty else { throw NeymanError.invalid("no events left for training") }
        // Batches never exceed an epoch's events (the training set, or the flat sample of (n_A + n_B) per bin); their
        // activations, the parameters and Adam's state must fit.
        let epochEvents = epochSampling.map { s in
            CheckedCount.product([CheckedCount.add(s.classAPerBin, s.classBPerBin), s.edges.count]) ?? Int.max
        } ?? trainRows.count
        let batchCapacity = min(options.batchSize, max(epochEvents, 1))
        try NetworkMemory(network: network).check(batch: batchCapacity, batchKey: "batch_size", isParameter: true)
        var train = data.subset(trainRows)
        if let k = bootstrapCounts { train = try train.reweighted(by: k) }
        let validation = nVal > 0 ? data.subset(validationRows) : nil

        network.lossKind = options.loss
        network.ratioAlpha = options.loss == .ratio ? options.ratioAlpha : 0
        var strata: [[[Int]]] = []
        if let sampling = epochSampling {
            guard sampling.variable.count == data.count else {
                throw NeymanError.invalid("the sampling variable has \(sampling.variable.count) values for \(data.count) events",
                                          key: "training.sampling.variable")
            }
            strata = sampling.strata(rows: trainRows, labels: train.labels)
            network.classWeights = sampling.expectedClassWeights(strata: strata, weights: train.weights)
        } else {
            network.classWeights = train.classWeights
        }
        guard network.classWeights.a > 0, network.classWeights.b > 0 else {
            throw NeymanError.invalid("both classes need events with positive total weight (label 1 and label 0)", column: "label")
        }
        if options.standardize {
            // Particle inputs: standardise the per-particle features over real particles only (zero padding must stay
            // zero to stay masked, and z must stay untouched for the EFN's IRC safety).
            if network.deepSetsBlock != nil { try network.fitParticleStandardization(train) } else { setStandardization(train) }
        }

        let optimizer = Adam(parameters: network.parameters, learningRate: options.learningRate)
        optimizer.weightDecay = options.weightDecay
        let k = data.featureCount
        let batchX = Tensor(shape: [1, k])
        let grad = Tensor(shape: [1, 1])
        var batchY = [Float](repeating: 0, count: batchCapacity)
        var batchW = batchY
        var history: [EpochRecord] = []
        var best = (loss: Double.infinity, epoch: -1, weights: snapshot())
        var sinceBest = 0
        var sinceDecay = 0
        let dropouts = network.layers.compactMap { $0 as? Dropout }
        let parallel = options.threads > 1 ? try DataParallelStep(master: network, threads: options.threads) : nil

        for epoch in 0..<options.epochs {
            for (j, d) in dropouts.enumerated() { d.rng = RandomStream(seed: options.seed &+ 7919, task: UInt64(epoch) &* 64 &+ UInt64(j)) }
            for (s, replica) in (parallel?.dropouts ?? []).enumerated() {
                for (j, d) in replica.enumerated() {
                    d.rng = RandomStream(seed: options.seed &+ 7919 &+ UInt64(s + 1), task: UInt64(epoch) &* 64 &+ UInt64(j))
                }
            }
            let order = epochSampling?.draw(strata: strata, epoch: epoch, seed: options.seed)
                ?? RandomStream(seed: options.seed, task: UInt64(1 + epoch)).permutation(train.count)
            var epochLoss = 0.0, epochWeight = 0.0
            var start = 0
            while start < order.count {
                let n = min(options.batchSize, order.count - start)
                let rows = Array(order[start..<(start + n)])
                batchX.reshape([n, k])
                train.features.withUnsafeBufferPointer { f in
                    for (i, r) in rows.enumerated() { (batchX.storage + i * k).update(from: f.firstAddress + r * k, count: k) }
                }
                var wsum = 0.0
                for (i, r) in rows.enumerated() { batchY[i] = train.labels[r]; batchW[i] = train.weights[r]; wsum += Double(batchW[i]) }
                let z: Tensor
                if let parallel {
                    z = parallel.forward(batchX, rows: n, width: k)
                } else {
                    network.zeroGradients()
                    z = network.forward(batchX, training: true)
                }
                grad.reshape([n, 1])
                var loss = batchY.withUnsafeBufferPointer { y in
                    batchW.withUnsafeBufferPointer { w in
                        LossFunction.evaluate(options.loss, outputs: z.storage, labels: y.firstAddress, weights: w.firstAddress,
                                              count: n, gradient: grad.storage, ratioAlpha: network.ratioAlpha)
                    }
                }
                if !penalties.isEmpty {
                    let extra = UnsafeMutablePointer<Float>.allocate(capacity: n)
                    defer { extra.deallocate() }
                    let trainIndices = rows.map { trainRows[$0] }
                    for p in penalties {
                        extra.initialize(repeating: 0, count: n)
                        loss += batchY.withUnsafeBufferPointer { y in
                            batchW.withUnsafeBufferPointer { w in
                                p.evaluate(outputs: z.storage, rows: trainIndices, labels: y.firstAddress, weights: w.firstAddress,
                                           count: n, gradient: extra)
                            }
                        }
                        for i in 0..<n { grad[i] += extra[i] }
                    }
                }
                if let parallel {
                    parallel.backward(grad, rows: n, optimizer: optimizer)
                } else {
                    network.backward(grad)
                    optimizer.update()
                }
                epochLoss += loss * wsum
                epochWeight += wsum
                start += n
            }
            let trainLoss = epochWeight != 0 ? epochLoss / epochWeight : .nan
            var valLoss: Double? = nil, valAUC: Double? = nil
            if let v = validation {
                let (l, a) = evaluate(v)
                valLoss = l + penaltyLoss(v, rows: validationRows); valAUC = a
            }
            history.append(EpochRecord(epoch: epoch + 1, learningRate: optimizer.learningRate, loss: trainLoss, validationLoss: valLoss, validationAUC: valAUC))
            report(history.last!)
            let monitored = valLoss ?? trainLoss
            if monitored < best.loss {
                best = (monitored, epoch, snapshot())
                sinceBest = 0
                sinceDecay = 0
            } else {
                sinceBest += 1
                sinceDecay += 1
                if options.patience > 0 && validation != nil && sinceBest >= options.patience { break }
                if options.learningRateDecayPatience > 0 && sinceDecay >= options.learningRateDecayPatience {
                    optimizer.learningRate = max(optimizer.learningRate * options.learningRateDecayFactor,
                                                 options.learningRate * options.minimumLearningRateFraction)
                    sinceDecay = 0
                }
            }
            guard trainLoss.isFinite else {
                throw NeymanError.numericalFailure("the training loss became \(trainLoss) in epoch \(epoch + 1); lower the learning rate")
            }
        }
        if validation != nil { restore(best.weights) }
        if !options.quiet && isatty(STDERR_FILENO) == 1 { FileHandle.standardError.write(Data("\n".utf8)) }
        return history
    }

    /// Weighted loss and AUC on `data` (no dropout).
    public func evaluate(_ data: LabelledEvents) -> (loss: Double, auc: Double?) {
        guard data.count > 0 else { return (.nan, nil) }
        let z = network.predictRaw(data.features, rows: data.count)
        var g = [Float](repeating: 0, count: data.count)
        let loss = z.withUnsafeBufferPointer { zb in
            data.labels.withUnsafeBufferPointer { y in
                data.weights.withUnsafeBufferPointer { w in
                    g.withUnsafeMutableBufferPointer { gb in
                        LossFunction.evaluate(options.loss, outputs: zb.firstAddress, labels: y.firstAddress, weights: w.firstAddress,
                                              count: data.count, gradient: gb.firstAddress, ratioAlpha: network.ratioAlpha)
                    }
                }
            }
        }
        let auc = try? ROC.auc(scores: z.map(Double.init), labels: data.labels.map(Double.init), weights: data.weights.map(Double.init))
        return (loss, auc)
    }

    /// The penalties on held-out events, as in training: on batches of ``TrainerSettings/batchSize`` events (in a
    /// fixed shuffled order), averaged with the batches' sums of weights as weights, so that validation loss and
    /// training loss add the penalties the same way (a batch statistic such as DisCo's dCor² depends on the batch
    /// size). `rows` are the events' indices in the training set. 0 without penalties.
    func penaltyLoss(_ data: LabelledEvents, rows: [Int]) -> Double {
        guard !penalties.isEmpty, data.count > 0 else { return 0 }
        let z = network.predictRaw(data.features, rows: data.count)
        let order = RandomStream(seed: options.seed &+ 104_729, task: 0).permutation(data.count)
        let b = min(options.batchSize, data.count)
        var bz = [Float](repeating: 0, count: b), by = bz, bw = bz, scratch = bz
        var batchRows = [Int](repeating: 0, count: b)
        var total = 0.0, totalWeight = 0.0
        var start = 0
        while start < order.count {
            let n = min(b, order.count - start)
            var wsum = 0.0
            for k in 0..<n {
                let i = order[start + k]
                bz[k] = z[i]; by[k] = data.labels[i]; bw[k] = data.weights[i]; batchRows[k] = rows[i]
                wsum += Double(bw[k])
            }
            let batch = Array(batchRows[0..<n])
            var value = 0.0
            for p in penalties {
                value += p.evaluate(outputs: bz, rows: batch, labels: by, weights: bw, count: n, gradient: &scratch)
            }
            total += value * wsum
            totalWeight += wsum
            start += n
        }
        return totalWeight != 0 ? total / totalWeight : 0
    }

    private func setStandardization(_ data: LabelledEvents) {
        let k = data.featureCount
        var mean = [Double](repeating: 0, count: k), sq = mean
        for r in 0..<data.count { for j in 0..<k { let v = Double(data.features[r * k + j]); mean[j] += v; sq[j] += v * v } }
        let n = Double(max(data.count, 1))
        network.featureMean = mean.map { Float($0 / n) }
        network.featureStd = (0..<k).map { j in
            let v = sq[j] / n - (mean[j] / n) * (mean[j] / n)
            let s = v > 0 ? v.squareRoot() : 1
            return Float(s > 1e-12 ? s : 1)
        }
    }

    private func snapshot() -> [[Float]] { network.savedTensors.map(\.value.array) }

    private func restore(_ weights: [[Float]]) {
        for (p, w) in zip(network.savedTensors, weights) {
            w.withUnsafeBufferPointer { p.value.storage.update(from: $0.firstAddress, count: w.count) }
        }
    }

    private func report(_ r: EpochRecord) {
        guard !options.quiet, isatty(STDERR_FILENO) == 1 else { return }
        var line = String(format: "\repoch %d/%d  loss %.5f", r.epoch, options.epochs, r.loss)
        if let v = r.validationLoss { line += String(format: "  val_loss %.5f", v) }
        if let a = r.validationAUC { line += String(format: "  val_auc %.4f", a) }
        FileHandle.standardError.write(Data((line + "   ").utf8))
    }
}
