import Foundation
import NeymanCore

/// The architectures a ``Network`` can be built as, from a config or a saved model.
public enum NetworkKind: String, Sendable, CaseIterable {
    case dense
    /// Particle-flow network `F(sum_i Phi(x_i))` on zero-padded particle lists.
    case pfn
    /// Convolutional network on images (muon paper appendix A.1).
    case cnn
    /// Energy-flow network `F(sum_i z_i Phi(eta_i, phi_i))`.
    case efn
}

/// A feed-forward network: input standardisation, a stack of ``Layer``s, one raw output per event.
///
/// The output is a logit for classifiers trained with `bce`/`mse` (``score(_:rows:)`` applies the sigmoid), or the
/// log of the ratio for the `ratio` loss (``score(_:rows:)`` exponentiates). Standardisation (`(x - mean) / std` per feature, computed on the training set) is part
/// of the model, so saved models predict on raw inputs.
public final class Network {
    public let layers: [Layer]
    public let inputShape: [Int]
    /// Per-feature mean and standard deviation applied before the first layer (empty: none).
    public var featureMean: [Float]
    public var featureStd: [Float]
    /// How the output is read (``LossKind/outputIsLogit``).
    public var lossKind: LossKind
    /// Names of the input columns, in order (saved with the model so that `neyman predict` can find them).
    public var featureNames: [String] = []
    /// Sums of training weights of class A (label 1) and class B (label 0): the `W_A`, `W_B` of docs/formulas.md §1.
    public var classWeights: (a: Double, b: Double) = (1, 1)
    /// For the `ratio` loss: the relative-ratio parameter `alpha` it was trained with (``LossKind``), `0 <= alpha < 1`;
    /// the output `f = exp(z)` estimates `r / (alpha r + 1 - alpha)` and ``score(_:rows:)`` converts it back to `r`.
    public var ratioAlpha: Double = 0

    private let standardized = Tensor(shape: [1, 1])

    public init(layers: [Layer], inputShape: [Int], lossKind: LossKind = .bce) {
        self.layers = layers
        self.inputShape = inputShape
        self.lossKind = lossKind
        featureMean = []
        featureStd = []
    }

    /// A dense network `inputs -> hidden[0] -> ... -> 1`, with `activation` after every hidden layer and optional
    /// dropout after each activation; with `batchNorm`, a ``BatchNormalization`` after each hidden `Dense` and before
    /// its activation (`Dense -> BatchNorm -> activation [-> Dropout]`, the network of the ATLAS prompt-vs-tau-muon
    /// talk). Weights from `initializer` with `RandomStream(seed, task: k)` for hidden layer `k` (the output layer:
    /// `k = hidden.count`); layers are named by their index in ``layers``.
    /// - Throws: ``NeymanError`` if `inputs` or a width is below 1, if the network would not fit in memory
    ///   (``NetworkMemory``, parameter `hidden`), or if the initializer fails.
    public static func dense(inputs: Int, hidden: [Int], activation: ActivationKind = .relu, dropout: Float = 0,
                             batchNorm: Bool = false, initializer: Initializer = .glorotNormal, seed: UInt64 = 0,
                             lossKind: LossKind = .bce) throws -> Network {
        guard inputs >= 1 else { throw NeymanError.invalid("a dense network needs at least one input (got \(inputs))", parameter: "inputs") }
        guard hidden.allSatisfy({ $0 >= 1 }) else { throw NeymanError.invalid("layer widths must be positive (got \(hidden))", parameter: "hidden") }
        let specs = denseSpecs(inputs: inputs, hidden: hidden, activation: activation, dropout: dropout, batchNorm: batchNorm)
        try NetworkMemory(parts: [.init(key: "hidden", setting: "\(hidden)", layers: specs)])
            .check(batch: 1, batchKey: "hidden", floatsPerParameter: NetworkMemory.inferenceFloatsPerParameter, isParameter: true)
        var layers: [Layer] = []
        var width = inputs
        for (k, h) in hidden.enumerated() {
            let d = Dense(inputs: width, outputs: h, name: "\(layers.count)")
            try initializer.fill(d.weight.value, fanIn: width, fanOut: h, rng: RandomStream(seed: seed, task: UInt64(k)))
            layers.append(d)
            if batchNorm { layers.append(BatchNormalization(features: h, name: "\(layers.count)")) }
            layers.append(Activation(activation, shape: [h]))
            if dropout > 0 { layers.append(Dropout(rate: dropout, shape: [h], seed: seed &+ UInt64(k) &+ 1000)) }
            width = h
        }
        let out = Dense(inputs: width, outputs: 1, name: "\(layers.count)")
        try Initializer.glorotNormal.fill(out.weight.value, fanIn: width, fanOut: 1, rng: RandomStream(seed: seed, task: UInt64(hidden.count)))
        layers.append(out)
        return Network(layers: layers, inputShape: [inputs], lossKind: lossKind)
    }

    /// The layers of ``dense(inputs:hidden:activation:dropout:batchNorm:initializer:seed:lossKind:)`` as specs (sizes
    /// only, nothing allocated): for each width `Dense [-> batchnorm] -> activation [-> dropout]`, then `Dense(-> 1)`.
    public static func denseSpecs(inputs: Int, hidden: [Int], activation: ActivationKind, dropout: Float,
                                  batchNorm: Bool = false) -> [LayerSpec] {
        var specs: [LayerSpec] = []
        var width = inputs
        for h in hidden {
            specs.append(.dense(inputs: width, outputs: h))
            if batchNorm { specs.append(.batchNorm(features: h)) }
            specs.append(.activation(activation, shape: [h]))
            if dropout > 0 { specs.append(.dropout(rate: Double(dropout), shape: [h])) }
            width = h
        }
        specs.append(.dense(inputs: width, outputs: 1))
        return specs
    }

    /// All trainable parameters in layer order.
    public var parameters: [Parameter] { layers.flatMap(\.parameters) }

    /// Every tensor a saved model holds, in layer order: each layer's trainable parameters, then its state
    /// (``Layer/state``, e.g. batch normalisation's running statistics).
    public var savedTensors: [Parameter] { layers.flatMap { $0.parameters + $0.state } }

    /// Number of features per event.
    public var inputSize: Int { inputShape.reduce(1, *) }

    /// Raw outputs for a batch `[n, inputSize...]` (standardised first). The returned tensor belongs to the last layer.
    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        var x = input
        if !featureMean.isEmpty {
            standardized.reshape(input.shape)
            let n = input.shape[0], k = inputSize
            for r in 0..<n {
                for j in 0..<k {
                    let f = j % featureMean.count
                    standardized[r * k + j] = (input[r * k + j] - featureMean[f]) / featureStd[f]
                }
            }
            x = standardized
        }
        for layer in layers { x = layer.forward(x, training: training) }
        return x
    }

    /// Backpropagates `dL/d(output)` through every layer, accumulating parameter gradients.
    public func backward(_ outputGradient: Tensor) {
        var g = outputGradient
        for layer in layers.reversed() { g = layer.backward(g) }
    }

    /// Sets every parameter gradient to zero.
    public func zeroGradients() { for p in parameters { p.gradient.fill(0) } }

    /// Raw outputs for `rows` events of `features` (row-major `[rows, inputSize]`), in batches of `batchSize` events
    /// (default: 4096, or 128 for convolutional networks, fewer if a batch's activations would take more than a
    /// quarter of ``MemoryBudget/limit``; see ``NetworkMemory/affordableBatch(preferred:)``).
    public func predictRaw(_ features: [Float], rows: Int, batchSize: Int? = nil) -> [Float] {
        let batchSize = max(1, batchSize ?? NetworkMemory(network: self).affordableBatch(preferred: predictionBatchSize))
        let k = inputSize
        let rows = min(rows, features.count / max(k, 1))  // never read past the end
        var out = [Float](repeating: 0, count: rows)
        let batch = Tensor(shape: [1, k])
        var start = 0
        while start < rows {
            let n = min(batchSize, rows - start)
            batch.reshape([n] + inputShape)
            features.withUnsafeBufferPointer { batch.storage.update(from: $0.firstAddress + start * k, count: n * k) }
            let y = forward(batch, training: false)
            for i in 0..<n { out[start + i] = y[i] }
            start += n
        }
        return out
    }

    /// Classifier scores `s = sigmoid(z)` in (0, 1); for the `ratio` loss, the ratio itself: `f = exp(z)` for
    /// `alpha = 0`, else `r = (1 - alpha) f / (1 - alpha f)` (`+inf` if `alpha f >= 1`, beyond the loss's optimum).
    public func score(_ features: [Float], rows: Int) -> [Float] {
        let z = predictRaw(features, rows: rows)
        guard lossKind.outputIsLogit else {
            let alpha = ratioAlpha
            guard alpha > 0 else { return z.map { exp(min($0, 40)) } }
            return z.map { v in
                let f = exp(min(Double(v), 40))
                return alpha * f < 1 ? Float((1 - alpha) * f / (1 - alpha * f)) : .infinity
            }
        }
        return z.map { v in v >= 0 ? 1 / (1 + exp(-v)) : exp(v) / (1 + exp(v)) }
    }
}
