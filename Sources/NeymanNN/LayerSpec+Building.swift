import Foundation
import NeymanCore

extension LayerSpec {
    /// The spec of an existing layer (for saving): kind, shapes and settings.
    /// - Throws: for a layer type Neyman cannot save (a custom ``Layer`` whose kind is not one of ``kinds``).
    public init(layer: Layer) throws {
        switch layer {
        case let d as DeepSets:
            self = .deepSets(d.variant, particles: d.particles, features: d.features, phi: try d.phi.map(LayerSpec.init(layer:)),
                             phiInputMean: d.phiInputMean.isEmpty ? nil : d.phiInputMean.map(Double.init),
                             phiInputStd: d.phiInputStd.isEmpty ? nil : d.phiInputStd.map(Double.init))
            outputShape = d.outputShape
        case let c as Conv2D:
            self = .conv2d(height: c.height, width: c.width, channels: c.channels, filters: c.filters,
                           kernelHeight: c.kernelHeight, kernelWidth: c.kernelWidth)
        case let d as Dropout:
            self = .dropout(rate: Double(d.rate), shape: d.inputShape)
        case let b as BatchNormalization:
            self = .batchNorm(features: b.features, momentum: b.momentum, epsilon: b.epsilon)
        default:
            guard LayerSpec.kinds.contains(layer.kind), !["conv2d", "dropout", "batchnorm", "pfn", "efn"].contains(layer.kind) else {
                throw NeymanError.invalid("a layer of kind '\(layer.kind)' (\(type(of: layer))) cannot be saved", key: "layers")
            }
            self.init(kind: layer.kind, inputShape: layer.inputShape, outputShape: layer.outputShape)
        }
    }

    /// The layer this spec describes, with zero weights, named `name` (parameters `"<name>.weight"`, `"<name>.bias"`;
    /// Phi's layers `"<name>.phi.<k>"`, as ``DeepSets`` names them). Call ``validate(at:)`` first: the spec's sizes are
    /// taken as they are.
    /// - Throws: for a spec that does not describe a layer (an unknown kind, a missing setting), or a Phi
    ///   standardisation ``DeepSets/setPhiInputStandardization(mean:std:)`` rejects.
    public func makeLayer(name: String) throws -> Layer {
        func missing(_ what: String) -> NeymanError { .invalid("a \(kind) layer needs \(what)", key: "layers") }
        switch kind {
        case "dense":
            guard inputShape.count == 1, outputShape.count == 1 else { throw missing("shapes [inputs] and [outputs]") }
            return Dense(inputs: inputShape[0], outputs: outputShape[0], name: name)
        case "dropout":
            guard let rate else { throw missing("a rate") }
            return Dropout(rate: Float(rate), shape: inputShape)
        case "batchnorm":
            guard inputShape.count == 1, let momentum, let epsilon else { throw missing("a shape [features], momentum and epsilon") }
            return BatchNormalization(features: inputShape[0], momentum: momentum, epsilon: epsilon, name: name)
        case "conv2d":
            guard inputShape.count == 3, let filters, let kernelHeight, let kernelWidth else {
                throw missing("[height, width, channels], filters, kernel_h and kernel_w")
            }
            return Conv2D(height: inputShape[0], width: inputShape[1], channels: inputShape[2], filters: filters,
                          kernelHeight: kernelHeight, kernelWidth: kernelWidth, name: name)
        case "maxpool2d":
            guard inputShape.count == 3 else { throw missing("[height, width, channels]") }
            return MaxPool2D(height: inputShape[0], width: inputShape[1], channels: inputShape[2])
        case "flatten":
            return Flatten(shape: inputShape)
        case "pfn", "efn":
            guard let variant = DeepSetsKind(rawValue: kind), let particles, let features, let phi else {
                throw missing("particles, features and phi")
            }
            let prefix = DeepSets.phiPrefix(name: name)
            let layers = try phi.enumerated().map { k, s in try s.makeLayer(name: "\(prefix).\(k)") }
            let block = try DeepSets(variant, particles: particles, features: features, phi: layers)
            if let mean = phiInputMean, let std = phiInputStd {
                try block.setPhiInputStandardization(mean: mean.map { Float($0) }, std: std.map { Float($0) })
            }
            return block
        default:
            guard let function = ActivationKind(rawValue: kind) else {
                throw NeymanError.invalid("unknown layer kind '\(kind)' (known: \(LayerSpec.kinds.joined(separator: ", ")))", key: "layers")
            }
            return Activation(function, shape: inputShape)
        }
    }

    /// The shapes of the layer's tensors in the order ``Network/savedTensors`` lists them (`weight`, then `bias`;
    /// batchnorm: `gamma`, `beta`, `running_mean`, `running_var`), with their names for a layer called `name`: what a
    /// saved model must hold.
    public func parameterShapes(name: String) -> [(name: String, shape: [Int])] {
        switch kind {
        case "dense":
            guard inputShape.count == 1, outputShape.count == 1 else { return [] }
            return [("\(name).weight", [inputShape[0], outputShape[0]]), ("\(name).bias", [outputShape[0]])]
        case "batchnorm":
            guard inputShape.count == 1 else { return [] }
            return ["gamma", "beta", "running_mean", "running_var"].map { ("\(name).\($0)", [inputShape[0]]) }
        case "conv2d":
            guard inputShape.count == 3, let filters, let kernelHeight, let kernelWidth,
                  let k = MemoryBudget.product([kernelHeight, kernelWidth, inputShape[2]]) else { return [] }
            return [("\(name).weight", [k, filters]), ("\(name).bias", [filters])]
        case "pfn", "efn":
            let prefix = DeepSets.phiPrefix(name: name)
            return (phi ?? []).enumerated().flatMap { k, s in s.parameterShapes(name: "\(prefix).\(k)") }
        default:
            return []
        }
    }
}
