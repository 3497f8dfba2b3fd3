import Foundation

/// A JSON value with a deterministic serialisation: object keys keep insertion order, and doubles print as the
/// shortest decimal that round-trips (Swift's `description`), so the same numbers always give the same bytes.
/// Non-finite doubles print as `null` (JSON has no NaN or infinity).
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case integer(Int)
    /// An unsigned integer (seeds are `UInt64` and print as such: 2^64 - 1 is `18446744073709551615`, never -1).
    case unsigned(UInt64)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool { a.serialized() == b.serialized() }

    /// Compact (`pretty == false`) or indented serialisation.
    public func serialized(pretty: Bool = false) -> String {
        var out = ""
        write(into: &out, pretty: pretty, indent: 0)
        return out
    }

    private func write(into out: inout String, pretty: Bool, indent: Int) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .integer(let i): out += String(i)
        case .unsigned(let u): out += String(u)
        case .number(let d):
            if !d.isFinite { out += "null" }
            else if d == d.rounded(), abs(d) < 1e15 { out += String(format: "%.1f", d) }
            else { out += "\(d)" }
        case .string(let s): JSONValue.escape(s, into: &out)
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            let scalarOnly = items.allSatisfy { if case .array = $0 { return false }; if case .object = $0 { return false }; return true }
            out += "["
            for (k, item) in items.enumerated() {
                if k > 0 { out += pretty && scalarOnly ? ", " : "," }
                if pretty && !scalarOnly { out += "\n" + String(repeating: "  ", count: indent + 1) }
                item.write(into: &out, pretty: pretty, indent: indent + 1)
            }
            if pretty && !scalarOnly { out += "\n" + String(repeating: "  ", count: indent) }
            out += "]"
        case .object(let members):
            if members.isEmpty { out += "{}"; return }
            out += "{"
            for (k, (key, value)) in members.enumerated() {
                if k > 0 { out += "," }
                if pretty { out += "\n" + String(repeating: "  ", count: indent + 1) }
                JSONValue.escape(key, into: &out)
                out += pretty ? ": " : ":"
                value.write(into: &out, pretty: pretty, indent: indent + 1)
            }
            if pretty { out += "\n" + String(repeating: "  ", count: indent) }
            out += "}"
        }
    }

    private static func escape(_ s: String, into out: inout String) {
        out += quoted(s)
    }

    /// `s` as a JSON string literal: `"`, `\` and the control characters U+0000-U+001F escaped (`\n`, `\r`, `\t`,
    /// else `\u00xx`). With `escapingInvisibles`, also U+007F, the C1 controls U+0080-U+009F and the line and
    /// paragraph separators U+2028/U+2029, so that a hostile name quoted in a one-line message cannot break the line.
    public static func quoted(_ s: String, escapingInvisibles: Bool = false) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                let invisible = escapingInvisibles
                    && (u.value == 0x7F || (0x80..<0xA0).contains(u.value) || u.value == 0x2028 || u.value == 0x2029)
                if u.value < 0x20 || invisible {
                    out += String(format: "\\u%04x", u.value)
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}

public extension JSONValue {
    /// An array of numbers.
    static func numbers(_ xs: [Double]) -> JSONValue { .array(xs.map { .number($0) }) }
    /// An object from ordered (name, number) pairs.
    static func numberObject(_ pairs: [(String, Double)]) -> JSONValue { .object(pairs.map { ($0.0, .number($0.1)) }) }
}
