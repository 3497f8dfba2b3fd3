import Foundation
import NeymanCore

/// The JSON header of a `.safetensors` file as typed values (the format: ``SafeTensors``):
///
/// ```
///   { "<tensor name>": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}, ...,
///     "__metadata__": {"<key>": "<string>", ...} }
/// ```
/// Read strictly: a tensor entry has exactly the keys `dtype`, `shape` and `data_offsets`; shapes and offsets are
/// integers written as JSON numbers of magnitude at most 2^53 (``StrictJSON/integers(_:_:)``); `__metadata__` maps
/// strings to strings. Errors carry the key path (`w.shape[1]`).
struct SafeTensorsHeader: Codable {
    /// One tensor's entry.
    struct Tensor: Codable {
        var dtype: String
        var shape: [Int]
        /// `[begin, end)` byte offsets relative to the start of the data section.
        var dataOffsets: [Int]

        init(dtype: String, shape: [Int], dataOffsets: [Int]) {
            self.dtype = dtype
            self.shape = shape
            self.dataOffsets = dataOffsets
        }

        init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: StrictJSON.Key.self)
            try StrictJSON.rejectUnknownKeys(c, allowed: ["dtype", "shape", "data_offsets"], what: "a tensor entry")
            dtype = try c.decode(String.self, forKey: StrictJSON.Key("dtype"))
            shape = try StrictJSON.integers(c, "shape")
            dataOffsets = try StrictJSON.integers(c, "data_offsets")
            guard dataOffsets.count == 2 else {
                throw StrictJSON.corrupted(StrictJSON.Key("data_offsets"), in: c, "must hold two integers [begin, end] (got \(dataOffsets.count))")
            }
        }

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: StrictJSON.Key.self)
            try c.encode(dtype, forKey: StrictJSON.Key("dtype"))
            try c.encode(shape, forKey: StrictJSON.Key("shape"))
            try c.encode(dataOffsets, forKey: StrictJSON.Key("data_offsets"))
        }
    }

    /// The key of the metadata object.
    static let metadataKey = "__metadata__"

    /// The tensors by name (the header is a JSON object, so names are unique).
    var tensors: [String: Tensor]
    var metadata: [String: String]

    init(tensors: [String: Tensor], metadata: [String: String]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: StrictJSON.Key.self)
        var tensors: [String: Tensor] = [:], metadata: [String: String] = [:]
        for key in c.allKeys {
            if key.stringValue == Self.metadataKey {
                metadata = try c.decode([String: String].self, forKey: key)
            } else {
                tensors[key.stringValue] = try c.decode(Tensor.self, forKey: key)
            }
        }
        self.tensors = tensors
        self.metadata = metadata
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: StrictJSON.Key.self)
        for (name, t) in tensors { try c.encode(t, forKey: StrictJSON.Key(name)) }
        if !metadata.isEmpty { try c.encode(metadata, forKey: StrictJSON.Key(Self.metadataKey)) }
    }

    /// Decodes header bytes; errors name `source` and say which tensor entry (and key path) is malformed.
    static func decode(_ data: Data, source: String) throws -> SafeTensorsHeader {
        do {
            return try JSONDecoder().decode(SafeTensorsHeader.self, from: data)
        } catch let error as DecodingError {
            let path: [CodingKey]
            switch error {
            case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c): path = c.codingPath
            case .keyNotFound(let k, let c): path = c.codingPath + [k]
            @unknown default: path = []
            }
            guard let first = path.first else {
                throw NeymanError.invalid("the safetensors header is not a JSON object", file: source)
            }
            if first.stringValue == metadataKey {
                throw NeymanError.invalid("__metadata__ must map strings to strings", file: source)
            }
            let d = StrictJSON.describe(error)
            throw NeymanError.invalid("tensor '\(first.stringValue)' has a malformed header entry: \(d.path) \(d.message)", file: source)
        } catch {
            throw NeymanError.invalid("the safetensors header cannot be read: \(error)", file: source)
        }
    }
}
