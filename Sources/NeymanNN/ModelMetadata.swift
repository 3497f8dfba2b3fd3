import Foundation
import NeymanCore

/// The metadata of a saved ``Network``: the `__metadata__` of its `.safetensors` file, where (as safetensors requires)
/// every value is a string:
///
/// ```
///   format          "neyman-network-1"
///   layers          JSON list of LayerSpec                  e.g. [{"input_shape":[1],"kind":"dense","output_shape":[16]}, ...]
///   input_shape     JSON list of sizes                      [1]
///   feature_mean    JSON list of numbers (empty: none)      one per input, the standardisation (x - mean) / std
///   feature_std     JSON list of numbers (empty: none)      one per input, each positive
///   loss            bce | mse | ratio
///   ratio_alpha     number in [0, 1)                        "0.001"
///   class_weight_a  positive number                         "160.0"   (W_A, W_B of docs/formulas.md §1)
///   class_weight_b  positive number
///   features        JSON list of column names (empty, or one per input)
/// ```
/// Reading is strict (``decode(_:)`` then ``validate()``): every key above is required, an unknown key is an error,
/// and every error names its key path (`feature_std[1]`, `layers[2].kernel_h`). Values are checked for their domain
/// (``validate()``), so a loaded model never divides by a zero width or silently drops a malformed standardisation.
public struct ModelMetadata: Codable, Sendable, Equatable {
    /// The value of `format` this version writes and reads.
    public static let formatVersion = "neyman-network-1"
    /// The keys of the metadata.
    public static let keys: Set<String> = ["format", "layers", "input_shape", "feature_mean", "feature_std", "loss", "ratio_alpha",
                                           "class_weight_a", "class_weight_b", "features"]

    public var format: String
    public var layers: [LayerSpec]
    public var inputShape: [Int]
    public var featureMean: [Double]
    public var featureStd: [Double]
    /// The loss's raw value (``LossKind``), checked by ``validate()``.
    public var loss: String
    public var ratioAlpha: Double
    public var classWeightA: Double
    public var classWeightB: Double
    public var features: [String]

    /// The metadata that describes `network`.
    /// - Throws: for a layer that cannot be saved (see ``LayerSpec/init(layer:)``).
    public init(network: Network) throws {
        format = ModelMetadata.formatVersion
        layers = try network.layers.map(LayerSpec.init(layer:))
        inputShape = network.inputShape
        featureMean = network.featureMean.map(Double.init)
        featureStd = network.featureStd.map(Double.init)
        loss = network.lossKind.rawValue
        ratioAlpha = network.ratioAlpha
        classWeightA = network.classWeights.a
        classWeightB = network.classWeights.b
        features = network.featureNames
    }

    public init(from decoder: Decoder) throws {
        typealias Key = StrictJSON.Key
        let c = try decoder.container(keyedBy: Key.self)
        try StrictJSON.rejectUnknownKeys(c, allowed: ModelMetadata.keys, what: "the model's metadata")
        /// The string at `key`, parsed as JSON into `T`; an error inside it keeps its path under `key`.
        func json<T: Decodable>(_ type: T.Type, _ key: String) throws -> T {
            let text = try c.decode(String.self, forKey: Key(key))
            do {
                return try JSONDecoder().decode(T.self, from: Data(text.utf8))
            } catch let e as DecodingError {
                let (inner, message) = StrictJSON.describe(e)
                let full = inner.isEmpty ? key : key + (inner.hasPrefix("[") ? inner : ".\(inner)")
                throw DecodingError.dataCorrupted(.init(codingPath: [Key(full)], debugDescription: message))
            }
        }
        func number(_ key: String) throws -> Double {
            let text = try c.decode(String.self, forKey: Key(key))
            guard let v = StrictNumber.double(text) else { throw StrictJSON.corrupted(Key(key), in: c, "must be a number (got '\(text)')") }
            return v
        }
        format = try c.decode(String.self, forKey: Key("format"))
        layers = try json([LayerSpec].self, "layers")
        inputShape = try json([Double].self, "input_shape").enumerated().map { i, v in
            guard let n = StrictJSON.exactInteger(v) else {
                throw DecodingError.dataCorrupted(.init(codingPath: [Key("input_shape"), Key(index: i)],
                                                        debugDescription: "must be an integer of magnitude at most 2^53 (got \(v))"))
            }
            return n
        }
        featureMean = try json([Double].self, "feature_mean")
        featureStd = try json([Double].self, "feature_std")
        loss = try c.decode(String.self, forKey: Key("loss"))
        ratioAlpha = try number("ratio_alpha")
        classWeightA = try number("class_weight_a")
        classWeightB = try number("class_weight_b")
        features = try json([String].self, "features")
    }

    public func encode(to encoder: Encoder) throws {
        typealias Key = StrictJSON.Key
        var c = encoder.container(keyedBy: Key.self)
        func json<T: Encodable>(_ value: T) throws -> String { String(decoding: try StrictJSON.encoder().encode(value), as: UTF8.self) }
        try c.encode(format, forKey: Key("format"))
        try c.encode(try json(layers), forKey: Key("layers"))
        try c.encode(try json(inputShape), forKey: Key("input_shape"))
        try c.encode(try json(featureMean), forKey: Key("feature_mean"))
        try c.encode(try json(featureStd), forKey: Key("feature_std"))
        try c.encode(loss, forKey: Key("loss"))
        try c.encode("\(ratioAlpha)", forKey: Key("ratio_alpha"))
        try c.encode("\(classWeightA)", forKey: Key("class_weight_a"))
        try c.encode("\(classWeightB)", forKey: Key("class_weight_b"))
        try c.encode(try json(features), forKey: Key("features"))
    }

    /// Reads the string map of a `.safetensors` file (structure and types only; call ``validate()`` for the values).
    /// - Throws: ``NeymanError/invalidInput(_:_:)`` whose key is the path at fault (`layers[1].kind`).
    public static func decode(_ metadata: [String: String]) throws -> ModelMetadata {
        do {
            let data = try StrictJSON.encoder().encode(metadata)
            return try JSONDecoder().decode(ModelMetadata.self, from: data)
        } catch let e as DecodingError {
            let (path, message) = StrictJSON.describe(e)
            throw NeymanError.invalid("metadata '\(path)' \(message)", key: path)
        }
    }

    /// The string map to store in a `.safetensors` file.
    /// - Throws: if a value cannot be written as JSON (a non-finite standardisation or Phi standardisation).
    public func strings() throws -> [String: String] {
        do {
            let data = try StrictJSON.encoder().encode(self)
            return try JSONDecoder().decode([String: String].self, from: data)
        } catch let e as EncodingError {
            throw NeymanError.invalid("the model cannot be saved: \(e)", key: "metadata")
        } catch is DecodingError {
            throw NeymanError.invalid("the model's metadata did not encode to a map of strings", key: "metadata")
        }
    }

    /// The number of inputs per event, the product of ``inputShape`` (nil on overflow).
    public var inputSize: Int? { MemoryBudget.product(inputShape) }

    /// Checks the values (after ``decode(_:)``).
    /// - Throws: ``NeymanError/invalidInput(_:_:)`` naming the key path: a format other than ``formatVersion``; no
    ///   layers, or a layer ``LayerSpec/validate(at:)`` rejects; a first layer that does not take ``inputShape``,
    ///   consecutive layers whose shapes differ, or a last layer that does not give one output; a standardisation
    ///   whose lengths are not 0 or one per input, with a non-finite mean or a standard deviation that is not
    ///   positive and finite (as `Float`); an unknown loss; `ratio_alpha` outside `[0, 1)`; a class weight that is not
    ///   positive and finite; feature names that are neither absent nor one per input.
    public func validate() throws {
        func bad(_ key: String, _ message: String) -> NeymanError { .invalid("metadata '\(key)' \(message)", key: key) }
        guard format == ModelMetadata.formatVersion else {
            throw bad("format", "is '\(format)'; this is not a Neyman network (expected '\(ModelMetadata.formatVersion)')")
        }
        guard !inputShape.isEmpty, inputShape.allSatisfy({ $0 >= 1 }), let n = inputSize else {
            throw bad("input_shape", "must be a non-empty list of positive sizes (got \(inputShape))")
        }
        guard let first = layers.first, let last = layers.last else { throw bad("layers", "lists no layer") }
        for (i, s) in layers.enumerated() {
            do { try s.validate(at: "layers[\(i)]") } catch let e as NeymanError {
                throw bad(e.location.key ?? "layers[\(i)]", e.message)
            }
        }
        guard first.inputShape == inputShape else {
            throw bad("layers[0].input_shape", "is \(first.inputShape), but the network's input_shape is \(inputShape)")
        }
        for i in 1..<layers.count where layers[i].inputShape != layers[i - 1].outputShape {
            throw bad("layers[\(i)].input_shape", "is \(layers[i].inputShape), but layer \(i - 1) gives \(layers[i - 1].outputShape)")
        }
        guard last.outputShape == [1] else {
            throw bad("layers[\(layers.count - 1)].output_shape", "must be [1], one output per event (got \(last.outputShape))")
        }
        guard featureMean.count == featureStd.count else {
            throw bad("feature_std", "has \(featureStd.count) values for \(featureMean.count) means")
        }
        guard featureMean.isEmpty || featureMean.count == n else {
            throw bad("feature_mean", "has \(featureMean.count) values for \(n) inputs (give one per input, or none)")
        }
        if let i = featureMean.firstIndex(where: { !Float($0).isFinite }) { throw bad("feature_mean[\(i)]", "must be finite (got \(featureMean[i]))") }
        if let i = featureStd.firstIndex(where: { !(Float($0).isFinite && Float($0) > 0) }) {
            throw bad("feature_std[\(i)]", "must be positive and finite (got \(featureStd[i])): a zero width divides by zero")
        }
        guard LossKind(rawValue: loss) != nil else {
            throw bad("loss", "is '\(loss)'; known losses are \(LossKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard ratioAlpha.isFinite, ratioAlpha >= 0, ratioAlpha < 1 else { throw bad("ratio_alpha", "must be in [0, 1) (got \(ratioAlpha))") }
        for (key, w) in [("class_weight_a", classWeightA), ("class_weight_b", classWeightB)] where !(w.isFinite && w > 0) {
            throw bad(key, "must be positive and finite (got \(w))")
        }
        guard features.isEmpty || features.count == n else {
            throw bad("features", "names \(features.count) columns for \(n) inputs")
        }
    }
}
