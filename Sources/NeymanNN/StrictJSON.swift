import Foundation
import NeymanCore

/// Helpers for strict `Decodable` types read from files a user supplies (saved models): unknown keys are errors,
/// sizes must be integral JSON numbers, and every error carries the key path where it happened.
///
/// Key paths are written as a person reads them: `layers[2].kernel_h` (object keys joined by `.`, array indices in
/// brackets).
enum StrictJSON {
    /// A coding key for any string or index, so that a container can list *all* keys of an object (a container
    /// keyed by a `CodingKeys` enum silently drops the keys it does not know).
    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int?
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { self.init(index: intValue) }
        /// The key of element `index` of an array.
        init(index: Int) { stringValue = "\(index)"; intValue = index }
    }

    /// The largest magnitude accepted for an integer written as a JSON number: `2^53`, below which every integer is
    /// exactly representable as a Double (JSON numbers are read as Doubles).
    static let largestInteger = 9_007_199_254_740_992.0

    /// `layers[2].kernel_h` for the coding path `[layers, 2, kernel_h]`, prefixed with `prefix` when given.
    static func path(_ codingPath: [CodingKey], prefix: String = "") -> String {
        var out = prefix
        for key in codingPath {
            if let i = key.intValue { out += "[\(i)]" } else { out += out.isEmpty ? key.stringValue : ".\(key.stringValue)" }
        }
        return out
    }

    /// The key path and a one-line message for a decoding error.
    static func describe(_ error: DecodingError, prefix: String = "") -> (path: String, message: String) {
        func typeName(_ type: Any.Type) -> String {
            switch type {
            case is String.Type: return "a string"
            case is Double.Type, is Float.Type, is Int.Type: return "a number"
            case is Bool.Type: return "true or false"
            default:
                let name = "\(type)"
                if name.hasPrefix("Array") { return "a list" }
                if name.hasPrefix("Dictionary") { return "an object" }
                return "an object"
            }
        }
        switch error {
        case .typeMismatch(let type, let context):
            return (path(context.codingPath, prefix: prefix), "must be \(typeName(type))")
        case .valueNotFound(let type, let context):
            return (path(context.codingPath, prefix: prefix), "is null; it must be \(typeName(type))")
        case .keyNotFound(let key, let context):
            return (path(context.codingPath + [key], prefix: prefix), "is missing")
        case .dataCorrupted(let context):
            // At the root of a document the only corruption is text that is not JSON (the strict decoders here always
            // report their own errors at a key).
            let p = path(context.codingPath, prefix: prefix)
            if context.codingPath.isEmpty { return (p, "is not valid JSON") }
            return (p, context.debugDescription)
        @unknown default:
            return (prefix, "cannot be read: \(error)")
        }
    }

    /// Throws a `dataCorrupted` error at `key` of `container` (the error's path ends with `key`).
    static func corrupted<K: CodingKey>(_ key: K, in container: KeyedDecodingContainer<K>, _ message: String) -> DecodingError {
        DecodingError.dataCorrupted(.init(codingPath: container.codingPath + [key], debugDescription: message))
    }

    /// Throws if `container` holds a key outside `allowed`, naming the first unknown key (sorted) and listing all.
    static func rejectUnknownKeys(_ container: KeyedDecodingContainer<Key>, allowed: Set<String>, what: String) throws {
        let unknown = container.allKeys.map(\.stringValue).filter { !allowed.contains($0) }.sorted()
        guard let first = unknown.first else { return }
        throw DecodingError.dataCorrupted(.init(
            codingPath: container.codingPath + [Key(first)],
            debugDescription: "unknown key\(unknown.count > 1 ? "s" : "") \(unknown.map { "'\($0)'" }.joined(separator: ", ")) in \(what) "
                + "(allowed: \(allowed.sorted().joined(separator: ", ")))"))
    }

    /// An integer written as a JSON number with an integral value of magnitude at most 2^53 (`3` and `3.0` both read
    /// as 3).
    static func integer(_ container: KeyedDecodingContainer<Key>, _ key: String) throws -> Int {
        let k = Key(key)
        let v = try container.decode(Double.self, forKey: k)
        guard let i = exactInteger(v) else { throw corrupted(k, in: container, "must be an integer of magnitude at most 2^53 (got \(v))") }
        return i
    }

    /// A list of integers (see ``integer(_:_:)``); the error names the element.
    static func integers(_ container: KeyedDecodingContainer<Key>, _ key: String) throws -> [Int] {
        let k = Key(key)
        let values = try container.decode([Double].self, forKey: k)
        var out: [Int] = []
        out.reserveCapacity(values.count)
        for (i, v) in values.enumerated() {
            guard let n = exactInteger(v) else {
                throw DecodingError.dataCorrupted(.init(codingPath: container.codingPath + [k, Key(index: i)],
                                                        debugDescription: "must be an integer of magnitude at most 2^53 (got \(v))"))
            }
            out.append(n)
        }
        return out
    }

    /// `v` as an Int when it is finite, integral and of magnitude at most 2^53; else nil.
    static func exactInteger(_ v: Double) -> Int? {
        guard v.isFinite, v == v.rounded(), abs(v) <= largestInteger else { return nil }
        return Int(v)
    }

    /// A JSON encoder with sorted keys (deterministic bytes); a non-finite number is an encoding error.
    static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }
}
