import Foundation
import NeymanCore

/// The memory a network will take, counted from its sizes *before* anything is allocated, so that a size a user
/// typed (`layers = [100000000000]`, `particles = 1000000000000`, `batch_size = ...`) is refused with a message that
/// names it instead of aborting in the allocator or growing memory for minutes.
///
/// The network is a list of ``Part``s in the order it is built (inputs, Phi, convolutions, dense layers), each sized
/// by one setting. With `B` the batch size, all counts overflow-checked (an overflow counts as too big):
/// ```
///   bytes(B) = 4 * sum over parts of ( c * parameters + fixedFloats + B * floatsPerEvent )
///   c = 6 when training   (value, gradient, Adam's m and v, and two best-epoch snapshots while one replaces the other)
///   c = 2 when predicting (value and gradient, which every Parameter holds)
/// ```
/// ``check(batch:batchKey:floatsPerParameter:file:isParameter:)`` refuses when `bytes(B)` exceeds
/// ``MemoryBudget/limit``, and names the *first* part at which the running total with a batch of one event already
/// exceeds it, or, when even the whole network fits with one event, the batch size.
public struct NetworkMemory: Sendable, Equatable {
    /// One part of a network and the setting that sizes it.
    public struct Part: Sendable, Equatable {
        /// The setting, as the user wrote its key (`network.layers`, `network.particles`).
        public var key: String
        /// Its value as written (`[100000000000]`), for the message.
        public var setting: String
        /// Trainable parameters (`nil`: does not fit in `Int`).
        public var parameters: Int?
        /// Floats kept per event of a batch (activations, input gradients, scratch; `nil`: overflow).
        public var floatsPerEvent: Int?
        /// Floats held once, whatever the batch (e.g. generated feature names, counted as 4 floats each).
        public var fixedFloats: Int?

        public init(key: String, setting: String, parameters: Int? = 0, floatsPerEvent: Int? = 0, fixedFloats: Int? = 0) {
            self.key = key
            self.setting = setting
            self.parameters = parameters
            self.floatsPerEvent = floatsPerEvent
            self.fixedFloats = fixedFloats
        }

        /// A part made of `layers`: their parameters and per-event floats summed.
        public init(key: String, setting: String, layers: [LayerSpec]) {
            self.init(key: key, setting: setting, parameters: CheckedCount.sum(layers.map(\.parameterCount)),
                      floatsPerEvent: CheckedCount.sum(layers.map(\.floatsPerEvent)))
        }

        /// Adds `layers` repeated `times` times to this part.
        public mutating func add(_ layers: [LayerSpec], times: Int = 1) {
            parameters = CheckedCount.add(parameters, CheckedCount.product([times, CheckedCount.sum(layers.map(\.parameterCount))]))
            floatsPerEvent = CheckedCount.add(floatsPerEvent, CheckedCount.product([times, CheckedCount.sum(layers.map(\.floatsPerEvent))]))
        }

        /// `4 (c parameters + fixedFloats + batch floatsPerEvent)` bytes, or nil on overflow.
        public func bytes(batch: Int, floatsPerParameter c: Int) -> Int? {
            let floats = CheckedCount.sum([CheckedCount.product([c, parameters]), fixedFloats, CheckedCount.product([batch, floatsPerEvent])])
            return CheckedCount.product([4, floats])
        }
    }

    /// Parameters are held `trainingFloatsPerParameter` times while training (see the type's documentation).
    public static let trainingFloatsPerParameter = 6
    /// Parameters are held twice (value and gradient) by a network that only predicts.
    public static let inferenceFloatsPerParameter = 2

    /// The parts, in the order the network is built.
    public var parts: [Part]

    public init(parts: [Part]) { self.parts = parts }

    /// The parts of an existing network, one per layer (keyed `layers[i]`), after its input (`input_shape`):
    /// the per-event floats of the input are the batch tensor and its standardised copy, plus labels, weights and
    /// the loss gradient (3).
    public init(network: Network) {
        var parts = [Part(key: "input_shape", setting: "\(network.inputShape)", floatsPerEvent: CheckedCount.add(CheckedCount.product([2, network.inputSize]), 3))]
        for (i, layer) in network.layers.enumerated() {
            if let spec = try? LayerSpec(layer: layer) {
                parts.append(Part(key: "layers[\(i)]", setting: "\(layer.kind) \(layer.inputShape) -> \(layer.outputShape)", layers: [spec]))
            } else {
                let params = CheckedCount.sum(layer.parameters.map { MemoryBudget.product($0.value.shape) })
                parts.append(Part(key: "layers[\(i)]", setting: layer.kind, parameters: params,
                                  floatsPerEvent: CheckedCount.product([2, CheckedCount.add(MemoryBudget.product(layer.inputShape),
                                                                                            MemoryBudget.product(layer.outputShape))])))
            }
        }
        self.init(parts: parts)
    }

    /// All parts' bytes for batches of `batch` events (nil on overflow).
    public func bytes(batch: Int, floatsPerParameter c: Int = NetworkMemory.trainingFloatsPerParameter) -> Int? {
        CheckedCount.sum(parts.map { $0.bytes(batch: batch, floatsPerParameter: c) })
    }

    /// The Floats per event of all parts (nil on overflow): what one more event in a batch costs, divided by 4.
    public var floatsPerEvent: Int? { CheckedCount.sum(parts.map(\.floatsPerEvent)) }

    /// Throws unless batches of `batch` events fit within ``MemoryBudget/limit``.
    ///
    /// - Parameters:
    ///   - batchKey: the batch-size setting (`training.batch_size`), named when the network fits with one event.
    ///   - file: the config the sizes came from, if any.
    ///   - isParameter: name the setting as a parameter rather than a config key.
    /// - Throws: ``NeymanError/invalidInput(_:_:)`` naming the first part (or the batch size) at fault and the bytes
    ///   the whole network would need: "network.layers = [100000000000] (training with batches of 256 events) would
    ///   need 2400000000000 bytes (2235 GiB) of memory; the limit is 22.9 GiB".
    public func check(batch: Int, batchKey: String, floatsPerParameter c: Int = NetworkMemory.trainingFloatsPerParameter,
                      file: String? = nil, isParameter: Bool = false) throws {
        let limit = MemoryBudget.limit
        let total = bytes(batch: batch, floatsPerParameter: c)
        if let total, total <= limit { return }
        let purpose = c == NetworkMemory.trainingFloatsPerParameter ? "training" : "predicting"
        var running: Int? = 0
        for part in parts {
            running = CheckedCount.add(running, part.bytes(batch: min(batch, 1), floatsPerParameter: c))
            if (running.map { $0 > limit }) ?? true {
                try MemoryBudget.check(bytes: total, what: part.key,
                                       description: "\(part.key) = \(part.setting) (\(purpose) with batches of \(batch) events)",
                                       file: file, isParameter: isParameter)
            }
        }
        try MemoryBudget.check(bytes: total, what: batchKey, description: "\(batchKey) = \(batch) (\(purpose) this network)",
                               file: file, isParameter: isParameter)
    }

    /// The largest batch, at most `preferred`, whose per-event floats take at most a quarter of
    /// ``MemoryBudget/limit`` (at least 1; 1 when the per-event count overflows): how many events ``Network/predictRaw(_:rows:batchSize:)`` puts through the
    /// network at once. For every network whose batch of `preferred` events fits, this is `preferred`.
    public func affordableBatch(preferred: Int) -> Int {
        guard let perEvent = floatsPerEvent else { return 1 }
        guard perEvent > 0 else { return preferred }
        let (bytesPerEvent, overflow) = perEvent.multipliedReportingOverflow(by: 4)
        if overflow { return 1 }
        return max(1, min(preferred, MemoryBudget.limit / 4 / bytesPerEvent))
    }
}
