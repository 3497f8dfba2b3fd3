import Foundation
import NeymanCore

/// Saving and loading a ``Network`` as `.safetensors`: the weights as `F32` tensors named `<layer>.weight` /
/// `<layer>.bias`, and in `__metadata__` the architecture (a JSON list of layers), the input shape, the
/// standardisation, the loss and the training class weights, so that a loaded model predicts on raw inputs and
/// converts scores to ratios by itself.
extension Network {
    static let formatVersion = "neyman-network-1"

    /// The metadata that describes the network (strings, as safetensors requires).
    func metadata() throws -> [String: String] {
        var layerSpecs: [[String: Any]] = []
        for l in layers {
            if let block = l as? DeepSets { layerSpecs.append(block.specification()); continue }
            var spec: [String: Any] = ["kind": l.kind, "input_shape": l.inputShape, "output_shape": l.outputShape]
            for (k, v) in l.configuration { spec[k] = v }
            layerSpecs.append(spec)
        }
        func json(_ o: Any) throws -> String { String(decoding: try JSONSerialization.data(withJSONObject: o, options: [.sortedKeys]), as: UTF8.self) }
        return [
            "format": Network.formatVersion,
            "layers": try json(layerSpecs),
            "input_shape": try json(inputShape),
            "feature_mean": try json(featureMean.map(Double.init)),
            "feature_std": try json(featureStd.map(Double.init)),
            "loss": lossKind.rawValue,
            "ratio_alpha": "\(ratioAlpha)",
            "class_weight_a": "\(classWeights.a)",
            "class_weight_b": "\(classWeights.b)",
            "features": try json(featureNames),
        ]
    }

    /// Writes the model atomically.
    public func save(to path: String) throws {
        let entries = parameters.map { SafeTensors.Entry(name: $0.name, shape: $0.value.shape, values: $0.value.array) }
        try SafeTensors.write(entries, metadata: try metadata(), to: path)
    }

    /// Loads a model written by ``save(to:)``.
    /// - Throws: a ``NeymanError`` naming the file for a truncated file, an unknown layer kind, or a tensor whose
    ///   shape does not match the architecture.
    public static func load(path: String) throws -> Network {
        let (entries, meta) = try SafeTensors.read(path: path)
        func bad(_ m: String, key: String? = nil) -> NeymanError { NeymanError.invalid(m, file: path, key: key) }
        guard meta["format"] == formatVersion else {
            throw bad("not a Neyman network (metadata 'format' is \(meta["format"].map { "'\($0)'" } ?? "missing"))", key: "format")
        }
        func parse(_ key: String) throws -> Any {
            guard let s = meta[key], let o = try? JSONSerialization.jsonObject(with: Data(s.utf8), options: [.fragmentsAllowed]) else {
                throw bad("metadata '\(key)' is missing or not JSON", key: key)
            }
            return o
        }
        guard let specs = try parse("layers") as? [[String: Any]] else { throw bad("metadata 'layers' is not a list", key: "layers") }
        guard let input = (try parse("input_shape") as? [NSNumber])?.map(\.intValue) else { throw bad("bad input_shape", key: "input_shape") }
        var layers: [Layer] = []
        for (i, spec) in specs.enumerated() {
            let kind = spec["kind"] as? String ?? "?"
            let inShape = (spec["input_shape"] as? [NSNumber])?.map(\.intValue) ?? []
            let outShape = (spec["output_shape"] as? [NSNumber])?.map(\.intValue) ?? []
            switch kind {
            case "dense":
                guard inShape.count == 1, outShape.count == 1 else { throw bad("layer \(i) (dense) has bad shapes", key: "layers") }
                layers.append(Dense(inputs: inShape[0], outputs: outShape[0], name: "\(i)"))
            case "relu", "elu", "sigmoid", "tanh":
                guard let f = ActivationKind(rawValue: kind) else { throw bad("layer \(i) has unknown kind '\(kind)'", key: "layers") }
                layers.append(Activation(f, shape: inShape))
            case "conv2d":
                guard inShape.count == 3, outShape.count == 3 else { throw bad("layer \(i) (conv2d) has bad shapes", key: "layers") }
                let kh = (spec["kernel_h"] as? NSNumber)?.intValue ?? 3, kw = (spec["kernel_w"] as? NSNumber)?.intValue ?? 3
                layers.append(Conv2D(height: inShape[0], width: inShape[1], channels: inShape[2], filters: outShape[2],
                                     kernelHeight: kh, kernelWidth: kw, name: "\(i)"))
            case "maxpool2d":
                guard inShape.count == 3 else { throw bad("layer \(i) (maxpool2d) has bad shapes", key: "layers") }
                layers.append(MaxPool2D(height: inShape[0], width: inShape[1], channels: inShape[2]))
            case "flatten":
                layers.append(Flatten(shape: inShape))
            case "pfn", "efn":
                layers.append(try DeepSets.from(specification: spec, name: "\(i)", file: path))
            case "dropout":
                layers.append(Dropout(rate: Float((spec["rate"] as? NSNumber)?.doubleValue ?? 0), shape: inShape))
            default:
                throw bad("layer \(i) has unknown kind '\(kind)'", key: "layers")
            }
        }
        guard let first = layers.first, first.inputShape == input else {
            throw bad("the first layer's input shape does not match input_shape \(input)", key: "input_shape")
        }
        let loss = LossKind(rawValue: meta["loss"] ?? "") ?? .bce
        let net = Network(layers: layers, inputShape: input, lossKind: loss)
        net.featureMean = ((try? parse("feature_mean")) as? [NSNumber])?.map { $0.floatValue } ?? []
        net.featureStd = ((try? parse("feature_std")) as? [NSNumber])?.map { $0.floatValue } ?? []
        net.classWeights = (Double(meta["class_weight_a"] ?? "") ?? 1, Double(meta["class_weight_b"] ?? "") ?? 1)
        let alpha = Double(meta["ratio_alpha"] ?? "0") ?? .nan
        guard alpha >= 0, alpha < 1 else { throw bad("metadata 'ratio_alpha' must be in [0, 1)", key: "ratio_alpha") }
        net.ratioAlpha = alpha
        net.featureNames = ((try? parse("features")) as? [String]) ?? []
        let byName = Dictionary(entries.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for p in net.parameters {
            guard let e = byName[p.name] else { throw bad("tensor '\(p.name)' is missing") }
            guard e.shape == p.value.shape else {
                throw bad("tensor '\(p.name)' has shape \(e.shape), the architecture needs \(p.value.shape)")
            }
            for (k, v) in e.values.enumerated() { p.value[k] = v }
        }
        return net
    }
}
