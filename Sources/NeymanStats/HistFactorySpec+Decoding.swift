import Foundation
import NeymanCore

/// The pieces shared by the `init(from:)` of the ``HistFactorySpec`` types: objects whose unknown keys are
/// rejected, arrays that must not be empty, and the translation of `DecodingError` into a ``NeymanError`` whose key
/// is the JSON path.
enum SpecDecoding {
    /// Any object key (the schema's names are checked against an allowed list).
    struct Key: CodingKey, Hashable {
        let stringValue: String
        var intValue: Int? { nil }
        init(_ s: String) { stringValue = s }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { return nil }
    }

    /// The keyed container of `decoder`, after checking that every key present is in `allowed` (the schema's
    /// `properties` of an object with `"additionalProperties": false`). The first unknown key in alphabetical
    /// order is reported.
    static func object(_ decoder: Decoder, allowed: Set<String>) throws -> KeyedDecodingContainer<Key> {
        let c = try decoder.container(keyedBy: Key.self)
        if let unknown = c.allKeys.map(\.stringValue).filter({ !allowed.contains($0) }).sorted().first {
            throw error("unknown key \(JSONValueQuoting.name(unknown)) (pyhf schema 1.0.0 allows here: "
                        + allowed.sorted().joined(separator: ", ") + ")", at: c.codingPath, key: unknown)
        }
        return c
    }

    /// A required array with at least one element (`minItems: 1`).
    static func nonEmpty<T: Decodable & Collection>(_ type: T.Type, _ c: KeyedDecodingContainer<Key>, _ key: String) throws -> T {
        let v = try c.decode(T.self, forKey: Key(key))
        guard !v.isEmpty else { throw error("must have at least one element", at: c.codingPath, key: key) }
        return v
    }

    /// An optional array that, when present, has at least one element.
    static func nonEmptyIfPresent<T: Decodable & Collection>(_ type: T.Type, _ c: KeyedDecodingContainer<Key>,
                                                             _ key: String) throws -> T? {
        guard let v = try c.decodeIfPresent(T.self, forKey: Key(key)) else { return nil }
        guard !v.isEmpty else { throw error("must have at least one element", at: c.codingPath, key: key) }
        return v
    }

    /// An input error at `codingPath` (plus `key`, if given).
    static func error(_ message: String, at codingPath: [CodingKey], key: String?) -> NeymanError {
        var path = JSONPath(codingPath: codingPath)
        if let key { path = path.appending(key: key) }
        return NeymanError.invalid(message, key: path.description)
    }

    /// `DecodingError` in words, with the JSON path as key: "expected a number, found a string",
    /// "missing required key 'name'", "expected a string, found null".
    static func neymanError(_ e: DecodingError) -> NeymanError {
        switch e {
        case .typeMismatch(let type, let ctx):
            let found = foundText(ctx.debugDescription).map { ", found \($0)" } ?? " (\(ctx.debugDescription))"
            return error("expected \(describe(type))\(found)", at: ctx.codingPath, key: nil)
        case .valueNotFound(let type, let ctx):
            return error("expected \(describe(type)), found null", at: ctx.codingPath, key: nil)
        case .keyNotFound(let key, let ctx):
            return error("missing required key \(JSONValueQuoting.name(key.stringValue))", at: ctx.codingPath, key: key.stringValue)
        case .dataCorrupted(let ctx):
            return error("cannot be read: \(ctx.debugDescription)", at: ctx.codingPath, key: nil)
        @unknown default:
            return NeymanError.invalid("the workspace cannot be decoded: \(e)", key: "$")
        }
    }

    /// What the decoder found, from its description "Expected to decode X but found Y instead.".
    private static func foundText(_ description: String) -> String? {
        guard let r = description.range(of: "but found "), let end = description.range(of: " instead", range: r.upperBound..<description.endIndex) else {
            return nil
        }
        let what = String(description[r.upperBound..<end.lowerBound])
        switch what {
        case "bool": return "true or false"
        case "number": return "a number"
        case "null": return "null"
        default: return what
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        if type == Double.self { return "a number" }
        if type == String.self { return "a string" }
        if type == Bool.self { return "true or false" }
        let name = String(describing: type)
        if name.hasPrefix("Array") || name.hasPrefix("[") { return "an array" }
        if name.contains("Dictionary") || name.contains("Keyed") { return "an object" }
        return "a value of type \(name)"
    }
}
