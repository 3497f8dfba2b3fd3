import Foundation
import NeymanCore

/// One layer of a network described by its sizes and settings only: an entry of a saved model's `layers` metadata
/// (``ModelMetadata``), and the unit in which memory is counted before a network is built (``NetworkMemory``).
///
/// JSON form (the keys of a saved model):
/// ```
///   {"kind": "dense", "input_shape": [i], "output_shape": [o]}
///   {"kind": "relu" | "elu" | "sigmoid" | "tanh", "input_shape": s, "output_shape": s}
///   {"kind": "dropout", "input_shape": s, "output_shape": s, "rate": r}                       0 <= r < 1
///   {"kind": "batchnorm", "input_shape": [n], "output_shape": [n], "momentum": m, "epsilon": e}  0 <= m < 1, e > 0
///   {"kind": "conv2d", "input_shape": [H, W, C], "output_shape": [H, W, F], "kernel_h": kh, "kernel_w": kw, "filters": F}
///   {"kind": "maxpool2d", "input_shape": [H, W, C], "output_shape": [H/2, W/2, C]}           (floor division)
///   {"kind": "flatten", "input_shape": s, "output_shape": [product of s]}
///   {"kind": "pfn" | "efn", "input_shape": [P, f], "output_shape": [l], "particles": P, "features": f, "efn": 0 | 1,
///    "phi": [dense | activation | dropout entries], "phi_input_mean": [...], "phi_input_std": [...]}
/// ```
/// (`phi_input_mean` / `phi_input_std` are optional and come together.) Decoding is strict: an unknown kind or key, a
/// missing key, a size that is not an integral number (`3` and `3.0` are both 3) or a value of the wrong type is an
/// error whose key path names it (`layers[2].kernel_h`). ``validate(at:)`` then checks the values: every size at
/// least 1, shapes consistent with the kind (a dense layer maps `[i]` to `[o]`, an activation keeps its shape, ...),
/// a dropout rate in `[0, 1)`, a batch-normalisation momentum in `[0, 1)` and epsilon positive, a Phi stack whose sizes chain, standard deviations finite and positive (as `Float`).
public struct LayerSpec: Codable, Sendable, Equatable {
    /// `dense`, an ``ActivationKind``, `dropout`, `batchnorm`, `conv2d`, `maxpool2d`, `flatten`, `pfn` or `efn`.
    public var kind: String
    /// The shape of one input row (without the batch dimension).
    public var inputShape: [Int]
    /// The shape of one output row.
    public var outputShape: [Int]
    /// conv2d: kernel height and width, and the number of filters.
    public var kernelHeight: Int?
    public var kernelWidth: Int?
    public var filters: Int?
    /// dropout: the rate.
    public var rate: Double?
    /// batchnorm: the momentum of the running statistics and the epsilon added to the variance (``BatchNormalization``).
    public var momentum: Double?
    public var epsilon: Double?
    /// pfn/efn: particle slots `P`, features per particle `f`, whether it is an EFN, the Phi stack, and the optional
    /// standardisation of Phi's inputs.
    public var particles: Int?
    public var features: Int?
    public var efn: Bool?
    public var phi: [LayerSpec]?
    public var phiInputMean: [Double]?
    public var phiInputStd: [Double]?

    /// Every kind a saved model may hold.
    public static let kinds: [String] = ["dense"] + ActivationKind.allCases.map(\.rawValue)
        + ["dropout", "batchnorm", "conv2d", "maxpool2d", "flatten"] + DeepSetsKind.allCases.map(\.rawValue)

    /// A layer of `kind` with the given shapes and no settings (use the static constructors for the others).
    public init(kind: String, inputShape: [Int], outputShape: [Int]) {
        self.kind = kind
        self.inputShape = inputShape
        self.outputShape = outputShape
    }

    /// `Dense(inputs -> outputs)`.
    public static func dense(inputs: Int, outputs: Int) -> LayerSpec {
        LayerSpec(kind: "dense", inputShape: [inputs], outputShape: [outputs])
    }

    /// An activation on rows of `shape`.
    public static func activation(_ function: ActivationKind, shape: [Int]) -> LayerSpec {
        LayerSpec(kind: function.rawValue, inputShape: shape, outputShape: shape)
    }

    /// Dropout with `rate` on rows of `shape`.
    public static func dropout(rate: Double, shape: [Int]) -> LayerSpec {
        var s = LayerSpec(kind: "dropout", inputShape: shape, outputShape: shape)
        s.rate = rate
        return s
    }

    /// Batch normalisation of rows of `features` values (``BatchNormalization``; Keras' defaults).
    public static func batchNorm(features: Int, momentum: Double = BatchNormalization.defaultMomentum,
                                 epsilon: Double = BatchNormalization.defaultEpsilon) -> LayerSpec {
        var s = LayerSpec(kind: "batchnorm", inputShape: [features], outputShape: [features])
        s.momentum = momentum
        s.epsilon = epsilon
        return s
    }

    /// A same-padded convolution `[H, W, C] -> [H, W, F]` with a `kh x kw` kernel.
    public static func conv2d(height: Int, width: Int, channels: Int, filters: Int, kernelHeight: Int, kernelWidth: Int) -> LayerSpec {
        var s = LayerSpec(kind: "conv2d", inputShape: [height, width, channels], outputShape: [height, width, filters])
        s.kernelHeight = kernelHeight
        s.kernelWidth = kernelWidth
        s.filters = filters
        return s
    }

    /// 2x2 max pooling `[H, W, C] -> [H/2, W/2, C]`.
    public static func maxPool2d(height: Int, width: Int, channels: Int) -> LayerSpec {
        LayerSpec(kind: "maxpool2d", inputShape: [height, width, channels], outputShape: [height / 2, width / 2, channels])
    }

    /// Flattening rows of `shape` (the output size is `nil`-safe: an overflowing product gives `[0]`, which
    /// ``validate(at:)`` rejects).
    public static func flatten(shape: [Int]) -> LayerSpec {
        LayerSpec(kind: "flatten", inputShape: shape, outputShape: [MemoryBudget.product(shape) ?? 0])
    }

    /// A PFN or EFN block on `[particles, features]` with the given Phi stack.
    public static func deepSets(_ variant: DeepSetsKind, particles: Int, features: Int, phi: [LayerSpec],
                                phiInputMean: [Double]? = nil, phiInputStd: [Double]? = nil) -> LayerSpec {
        var s = LayerSpec(kind: variant.rawValue, inputShape: [particles, features], outputShape: phi.last?.outputShape ?? [0])
        s.particles = particles
        s.features = features
        s.efn = variant == .efn
        s.phi = phi
        s.phiInputMean = phiInputMean
        s.phiInputStd = phiInputStd
        return s
    }

    /// The Phi stack of a PFN/EFN built from widths, as ``DeepSets/init(_:particles:features:widths:activation:initializer:seed:firstTask:name:)``
    /// builds it: `Dense -> activation` for each width.
    public static func phiStack(inputs: Int, widths: [Int], activation: ActivationKind) -> [LayerSpec] {
        var out: [LayerSpec] = []
        var width = inputs
        for h in widths {
            out.append(.dense(inputs: width, outputs: h))
            out.append(.activation(activation, shape: [h]))
            width = h
        }
        return out
    }

    /// The keys a layer of `kind` may have.
    static func allowedKeys(_ kind: String) -> Set<String> {
        var keys: Set<String> = ["kind", "input_shape", "output_shape"]
        switch kind {
        case "conv2d": keys.formUnion(["kernel_h", "kernel_w", "filters"])
        case "dropout": keys.insert("rate")
        case "batchnorm": keys.formUnion(["momentum", "epsilon"])
        case "pfn", "efn": keys.formUnion(["particles", "features", "efn", "phi", "phi_input_mean", "phi_input_std"])
        default: break
        }
        return keys
    }

    public init(from decoder: Decoder) throws {
        typealias Key = StrictJSON.Key
        let c = try decoder.container(keyedBy: Key.self)
        kind = try c.decode(String.self, forKey: Key("kind"))
        guard LayerSpec.kinds.contains(kind) else {
            throw StrictJSON.corrupted(Key("kind"), in: c, "unknown layer kind '\(kind)' (known: \(LayerSpec.kinds.joined(separator: ", ")))")
        }
        try StrictJSON.rejectUnknownKeys(c, allowed: LayerSpec.allowedKeys(kind), what: "a \(kind) layer")
        inputShape = try StrictJSON.integers(c, "input_shape")
        outputShape = try StrictJSON.integers(c, "output_shape")
        switch kind {
        case "conv2d":
            kernelHeight = try StrictJSON.integer(c, "kernel_h")
            kernelWidth = try StrictJSON.integer(c, "kernel_w")
            filters = try StrictJSON.integer(c, "filters")
        case "dropout":
            rate = try c.decode(Double.self, forKey: Key("rate"))
        case "batchnorm":
            momentum = try c.decode(Double.self, forKey: Key("momentum"))
            epsilon = try c.decode(Double.self, forKey: Key("epsilon"))
        case "pfn", "efn":
            particles = try StrictJSON.integer(c, "particles")
            features = try StrictJSON.integer(c, "features")
            let e = try StrictJSON.integer(c, "efn")
            guard e == 0 || e == 1 else { throw StrictJSON.corrupted(Key("efn"), in: c, "must be 0 or 1 (got \(e))") }
            efn = e == 1
            phi = try c.decode([LayerSpec].self, forKey: Key("phi"))
            phiInputMean = try c.decodeIfPresent([Double].self, forKey: Key("phi_input_mean"))
            phiInputStd = try c.decodeIfPresent([Double].self, forKey: Key("phi_input_std"))
        default:
            break
        }
    }

    public func encode(to encoder: Encoder) throws {
        typealias Key = StrictJSON.Key
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(kind, forKey: Key("kind"))
        try c.encode(inputShape, forKey: Key("input_shape"))
        try c.encode(outputShape, forKey: Key("output_shape"))
        try c.encodeIfPresent(kernelHeight, forKey: Key("kernel_h"))
        try c.encodeIfPresent(kernelWidth, forKey: Key("kernel_w"))
        try c.encodeIfPresent(filters, forKey: Key("filters"))
        try c.encodeIfPresent(rate, forKey: Key("rate"))
        try c.encodeIfPresent(momentum, forKey: Key("momentum"))
        try c.encodeIfPresent(epsilon, forKey: Key("epsilon"))
        try c.encodeIfPresent(particles, forKey: Key("particles"))
        try c.encodeIfPresent(features, forKey: Key("features"))
        try c.encodeIfPresent(efn.map { $0 ? 1 : 0 }, forKey: Key("efn"))
        try c.encodeIfPresent(phi, forKey: Key("phi"))
        try c.encodeIfPresent(phiInputMean, forKey: Key("phi_input_mean"))
        try c.encodeIfPresent(phiInputStd, forKey: Key("phi_input_std"))
    }
}
