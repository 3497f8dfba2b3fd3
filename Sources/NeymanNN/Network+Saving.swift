import Foundation
import NeymanCore

/// Saving and loading a ``Network`` as `.safetensors`: the weights as `F32` tensors named `<layer>.weight` /
/// `<layer>.bias` (batch normalisation: `<layer>.gamma`, `<layer>.beta`, `<layer>.running_mean`, `<layer>.running_var`), and in `__metadata__` the architecture, the input shape, the standardisation, the loss and the
/// training class weights (``ModelMetadata``), so that a loaded model predicts on raw inputs and converts scores to
/// ratios by itself.
extension Network {
    static let formatVersion = ModelMetadata.formatVersion

    /// The metadata that describes the network (strings, as safetensors requires).
    func metadata() throws -> [String: String] { try ModelMetadata(network: self).strings() }

    /// Writes the model atomically.
    /// - Throws: if a weight is not finite (such a model could not be loaded again), a layer cannot be saved, or the
    ///   file cannot be written.
    public func save(to path: String) throws {
        for p in savedTensors {
            let values = p.value.array
            if let i = values.firstIndex(where: { !$0.isFinite }) {
                throw NeymanError.numericalFailure("cannot save the model: weight \(i) of tensor '\(p.name)' is \(values[i])", parameter: p.name)
            }
        }
        let entries = savedTensors.map { SafeTensors.Entry(name: $0.name, shape: $0.value.shape, values: $0.value.array) }
        do {
            try SafeTensors.write(entries, metadata: try metadata(), to: path)
        } catch let e as NeymanError { throw e.inFile(path) }
    }

    /// Loads a model written by ``save(to:)``.
    ///
    /// Checked before any layer is allocated: the metadata (``ModelMetadata/decode(_:)`` and
    /// ``ModelMetadata/validate()``: unknown keys, shapes that do not chain, a standardisation with a zero width or of
    /// the wrong length, an unknown loss, ...), the tensors (each parameter of the architecture present with its
    /// shape and finite values, and no other tensor), and the memory of the network (``NetworkMemory``, its
    /// parameters and one event of activations; predictions then go in batches that fit).
    /// - Throws: a ``NeymanError`` naming the file and the metadata key path or tensor at fault.
    public static func load(path: String) throws -> Network {
        let (entries, meta) = try SafeTensors.read(path: path)
        do {
            return try build(entries: entries, metadata: meta)
        } catch let e as NeymanError {
            throw e.inFile(path)
        }
    }

    /// The network described by `metadata` with the weights of `entries` (see ``load(path:)``).
    static func build(entries: [SafeTensors.Entry], metadata meta: [String: String]) throws -> Network {
        let m = try ModelMetadata.decode(meta)
        try m.validate()
        // Every parameter present with its shape and finite values, before anything is allocated for the layers.
        let expected = m.layers.enumerated().flatMap { i, s in s.parameterShapes(name: "\(i)") }
        var byName: [String: SafeTensors.Entry] = [:]
        for e in entries { byName[e.name] = e }
        for (name, shape) in expected {
            guard let e = byName.removeValue(forKey: name) else {
                throw NeymanError.invalid("tensor '\(name)' is missing (the architecture needs shape \(shape))", key: name)
            }
            guard e.shape == shape else {
                throw NeymanError.invalid("tensor '\(name)' has shape \(e.shape), the architecture needs \(shape)", key: name)
            }
            if let i = e.values.firstIndex(where: { !$0.isFinite }) {
                throw NeymanError.invalid("tensor '\(name)' holds \(e.values[i]) at element \(i); weights must be finite", key: name)
            }
        }
        if let extra = byName.keys.sorted().first {
            throw NeymanError.invalid("tensor '\(extra)' is not part of the architecture", key: extra)
        }
        let inputSize = m.inputSize ?? 0
        var parts = [NetworkMemory.Part(key: "input_shape", setting: "\(m.inputShape)", floatsPerEvent: CheckedCount.add(CheckedCount.product([2, inputSize]), 3))]
        for (i, s) in m.layers.enumerated() { parts.append(.init(key: "layers[\(i)]", setting: "\(s.kind) \(s.inputShape) -> \(s.outputShape)", layers: [s])) }
        try NetworkMemory(parts: parts).check(batch: 1, batchKey: "input_shape", floatsPerParameter: NetworkMemory.inferenceFloatsPerParameter)

        var layers: [Layer] = []
        for (i, s) in m.layers.enumerated() {
            do { layers.append(try s.makeLayer(name: "\(i)")) } catch let e as NeymanError {
                throw NeymanError.invalid("metadata 'layers[\(i)]' \(e.message)", key: "layers[\(i)]")
            }
        }
        guard let loss = LossKind(rawValue: m.loss) else { throw NeymanError.invalid("metadata 'loss' is '\(m.loss)'", key: "loss") }
        let net = Network(layers: layers, inputShape: m.inputShape, lossKind: loss)
        net.featureMean = m.featureMean.map { Float($0) }
        net.featureStd = m.featureStd.map { Float($0) }
        net.classWeights = (m.classWeightA, m.classWeightB)
        net.ratioAlpha = m.ratioAlpha
        net.featureNames = m.features
        let values = Dictionary(entries.map { ($0.name, $0.values) }, uniquingKeysWith: { a, _ in a })
        for p in net.savedTensors {
            guard let v = values[p.name], v.count == p.value.count else {
                throw NeymanError.invalid("tensor '\(p.name)' does not match the architecture", key: p.name)
            }
            v.withUnsafeBufferPointer { b in
                if let base = b.baseAddress { p.value.withUnsafeMutablePointer { $0.update(from: base, count: v.count) } }
            }
        }
        return net
    }
}
