import Foundation
import NeymanCore

/// A location inside a JSON document, written as in the messages Neyman prints:
/// `channels[1].samples[0].modifiers[2].data[3]`; the document itself is `$`.
///
/// Object keys that are plain identifiers (`[A-Za-z_][A-Za-z0-9_]*`) are written after a dot; any other key is
/// written in brackets as a JSON string (`["my key"]`), so every path reads back unambiguously.
struct JSONPath: Sendable, Equatable, CustomStringConvertible {
    /// One step: an object key or an array index (0-based).
    enum Component: Sendable, Equatable {
        case key(String)
        case index(Int)
    }

    var components: [Component]

    init(_ components: [Component] = []) { self.components = components }

    /// A path from a `Decoder`'s coding path: keys that carry an integer value and no other name (the decoder's
    /// array positions, `"Index 3"`) are indices, every other key is an object key.
    init(codingPath: [CodingKey]) {
        components = codingPath.map { key in
            if let i = key.intValue, key.stringValue == "Index \(i)" { return .index(i) }
            return .key(key.stringValue)
        }
    }

    func appending(_ c: Component) -> JSONPath { JSONPath(components + [c]) }
    func appending(key: String) -> JSONPath { appending(.key(key)) }
    func appending(index: Int) -> JSONPath { appending(.index(index)) }

    /// `$` for the document, else the dotted/bracketed path.
    var description: String {
        if components.isEmpty { return "$" }
        var out = ""
        for c in components {
            switch c {
            case .index(let i): out += "[\(i)]"
            case .key(let k):
                if Self.isIdentifier(k) {
                    if !out.isEmpty { out += "." }
                    out += k
                } else {
                    out += "[" + JSONValueQuoting.quote(k) + "]"
                }
            }
        }
        return out
    }

    private static func isIdentifier(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else {
            return false
        }
        return s.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }
}

/// Quoting of user text inside messages (keys, names): a JSON string literal, so control characters and quotes in a
/// hostile name cannot break the one-line message.
enum JSONValueQuoting {
    /// `s` as a JSON string literal (``JSONValue/quoted(_:escapingInvisibles:)`` with invisibles escaped).
    static func quote(_ s: String) -> String { JSONValue.quoted(s, escapingInvisibles: true) }

    /// A user-given name for a message: `'name'` when it is printable, else its JSON string literal; long names are
    /// cut at 80 characters.
    static func name(_ s: String) -> String {
        let cut = s.count > 80 ? String(s.prefix(80)) + "..." : s
        let q = quote(cut)
        return q == "\"" + cut + "\"" && !cut.contains("'") ? "'\(cut)'" : q
    }
}

