import Foundation
import NeymanCore

/// A strict RFC 8259 JSON scan that finds the first problem in a document and says where it is: line, column and
/// JSON path, in words.
///
/// Foundation's `JSONDecoder` on Linux reports every syntax error as "The given data was not valid JSON." (no
/// position) and `JSONSerialization` at best gives a character offset, so workspaces are scanned first. The scan
/// rejects, beyond the grammar:
/// - bytes that are not UTF-8 (overlong forms, encoded surrogates, code points above U+10FFFF) and lone `\u`
///   surrogate escapes;
/// - a key repeated in one object (Foundation keeps one of the values silently; Python keeps the last);
/// - numbers that are not finite as a `Double` (`1e999`) or that are non-zero but round to zero (`4e-330`): both
///   would otherwise fail in `JSONDecoder` with no position;
/// - nesting deeper than ``maxDepth`` (the deepest value of a pyhf workspace sits at depth 6);
/// - anything after the top-level value.
/// A UTF-8 byte-order mark at the start is skipped. Lines end at `\n`, `\r\n` or a lone `\r`; lines and columns
/// count from 1, and columns count characters (Unicode scalars), not bytes.
struct JSONSyntaxCheck {
    /// The deepest nesting of arrays and objects accepted.
    static let maxDepth = 64

    /// Throws ``NeymanError/invalidInput(_:_:)`` for the first problem of `bytes` as JSON, or when the top-level
    /// value is not an object and `requireObject` is set. The message holds the line and column; the key is the
    /// JSON path of the value being read (`$` for the document).
    static func check(_ bytes: Data, requireObject: Bool) throws {
        let buffer = [UInt8](bytes)
        var scanner = JSONSyntaxCheck(bytes: buffer)
        try scanner.document(requireObject: requireObject)
    }

    private let bytes: [UInt8]
    private var pos = 0
    private var path = JSONPath()

    private init(bytes: [UInt8]) { self.bytes = bytes }

    // MARK: Errors

    /// `(line, column)` of byte offset `offset`, both from 1.
    static func lineAndColumn(of offset: Int, in bytes: [UInt8]) -> (line: Int, column: Int) {
        var line = 1, column = 1
        var i = 0
        let end = min(offset, bytes.count)
        while i < end {
            let b = bytes[i]
            if b == 0x0A || (b == 0x0D && !(i + 1 < bytes.count && bytes[i + 1] == 0x0A)) {
                line += 1
                column = 1
            } else if b & 0xC0 != 0x80 && b != 0x0D {
                column += 1
            }
            i += 1
        }
        return (line, column)
    }

    private func fail(_ what: String, at offset: Int? = nil) -> NeymanError {
        let (line, column) = Self.lineAndColumn(of: offset ?? pos, in: bytes)
        return NeymanError.invalid("invalid JSON at line \(line), column \(column): \(what)", key: path.description)
    }

    /// What is at the current position, for messages: `'x'`, `byte 0xFF` or `the end of the file`.
    private func found() -> String {
        guard pos < bytes.count else { return "the end of the file" }
        let b = bytes[pos]
        if b >= 0x20 && b < 0x7F { return "'\(Character(Unicode.Scalar(b)))'" }
        if b == 0x0A || b == 0x0D { return "the end of the line" }
        return String(format: "byte 0x%02X", b)
    }

    // MARK: Grammar

    private mutating func document(requireObject: Bool) throws {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { pos = 3 }
        skipSpace()
        guard pos < bytes.count else { throw fail("the file is empty (a workspace is a JSON object)") }
        if requireObject && bytes[pos] != UInt8(ascii: "{") {
            throw fail("the document is not a JSON object (it starts with \(found()))")
        }
        try value(depth: 1)
        skipSpace()
        guard pos == bytes.count else { throw fail("unexpected \(found()) after the end of the JSON document") }
    }

    private mutating func skipSpace() {
        while pos < bytes.count {
            switch bytes[pos] {
            case 0x20, 0x09, 0x0A, 0x0D: pos += 1
            default: return
            }
        }
    }

    private mutating func value(depth: Int) throws {
        guard pos < bytes.count else { throw fail("expected a value, found the end of the file") }
        switch bytes[pos] {
        case UInt8(ascii: "{"): try object(depth: depth)
        case UInt8(ascii: "["): try array(depth: depth)
        case UInt8(ascii: "\""): _ = try string(keep: false)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default: throw fail("expected a value (object, array, string, number, true, false or null), found \(found())")
        }
    }

    private mutating func object(depth: Int) throws {
        guard depth <= Self.maxDepth else { throw fail("arrays and objects are nested deeper than \(Self.maxDepth) levels") }
        pos += 1
        skipSpace()
        if pos < bytes.count && bytes[pos] == UInt8(ascii: "}") { pos += 1; return }
        var seen = Set<String>()
        while true {
            guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else {
                throw fail("expected a key in double quotes, found \(found())")
            }
            let keyStart = pos
            let key = try string(keep: true)
            guard seen.insert(key).inserted else {
                path = path.appending(key: key)
                throw fail("the key \(JSONValueQuoting.quote(key)) appears twice in one object", at: keyStart)
            }
            skipSpace()
            guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else {
                throw fail("expected ':' after the key \(JSONValueQuoting.quote(key)), found \(found())")
            }
            pos += 1
            skipSpace()
            path = path.appending(key: key)
            try value(depth: depth + 1)
            path.components.removeLast()
            skipSpace()
            guard pos < bytes.count else { throw fail("expected ',' or '}' in an object, found the end of the file") }
            if bytes[pos] == UInt8(ascii: "}") { pos += 1; return }
            guard bytes[pos] == UInt8(ascii: ",") else { throw fail("expected ',' or '}' after a value in an object, found \(found())") }
            pos += 1
            skipSpace()
        }
    }

    private mutating func array(depth: Int) throws {
        guard depth <= Self.maxDepth else { throw fail("arrays and objects are nested deeper than \(Self.maxDepth) levels") }
        pos += 1
        skipSpace()
        if pos < bytes.count && bytes[pos] == UInt8(ascii: "]") { pos += 1; return }
        var index = 0
        while true {
            path = path.appending(index: index)
            try value(depth: depth + 1)
            path.components.removeLast()
            skipSpace()
            guard pos < bytes.count else { throw fail("expected ',' or ']' in an array, found the end of the file") }
            if bytes[pos] == UInt8(ascii: "]") { pos += 1; return }
            guard bytes[pos] == UInt8(ascii: ",") else { throw fail("expected ',' or ']' after an array element, found \(found())") }
            pos += 1
            skipSpace()
            index += 1
            if pos < bytes.count && bytes[pos] == UInt8(ascii: "]") {
                path = path.appending(index: index)
                throw fail("expected a value after ',' (a trailing comma is not JSON), found ']'")
            }
        }
    }

    private mutating func literal(_ word: String) throws {
        let w = Array(word.utf8)
        guard pos + w.count <= bytes.count, Array(bytes[pos..<(pos + w.count)]) == w else {
            throw fail("expected a value (object, array, string, number, true, false or null), found \(found())")
        }
        pos += w.count
    }

    /// A number: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, finite and not rounded to zero.
    private mutating func number() throws {
        let start = pos
        func digits() -> Int {
            let s = pos
            while pos < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[pos]) { pos += 1 }
            return pos - s
        }
        if bytes[pos] == UInt8(ascii: "-") { pos += 1 }
        guard pos < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[pos]) else {
            throw fail("expected a digit in a number, found \(found())")
        }
        var mantissaNonZero = false
        if bytes[pos] == UInt8(ascii: "0") {
            pos += 1
            if pos < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[pos]) {
                throw fail("a number cannot start with the digit 0 followed by more digits", at: start)
            }
        } else {
            mantissaNonZero = true
            _ = digits()
        }
        if pos < bytes.count, bytes[pos] == UInt8(ascii: ".") {
            pos += 1
            let s = pos
            guard digits() > 0 else { throw fail("expected a digit after the decimal point, found \(found())") }
            if bytes[s..<pos].contains(where: { $0 != UInt8(ascii: "0") }) { mantissaNonZero = true }
        }
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "e") || bytes[pos] == UInt8(ascii: "E") {
            pos += 1
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "+") || bytes[pos] == UInt8(ascii: "-") { pos += 1 }
            guard digits() > 0 else { throw fail("expected a digit in the exponent, found \(found())") }
        }
        let text = String(decoding: bytes[start..<pos], as: UTF8.self)
        guard let v = Double(text), v.isFinite else {
            throw fail("the number \(text) is too large for a double-precision value", at: start)
        }
        if v == 0 && mantissaNonZero {
            throw fail("the number \(text) is too small for a double-precision value (it rounds to zero)", at: start)
        }
    }

    /// A string; returns its decoded value when `keep` is set (keys), else "".
    private mutating func string(keep: Bool) throws -> String {
        pos += 1
        var scalars = String.UnicodeScalarView()
        while true {
            guard pos < bytes.count else { throw fail("a string is not closed (missing '\"' before the end of the file)") }
            let b = bytes[pos]
            if b == UInt8(ascii: "\"") { pos += 1; return keep ? String(scalars) : "" }
            if b < 0x20 { throw fail("a control character (\(String(format: "0x%02X", b))) inside a string must be escaped") }
            if b == UInt8(ascii: "\\") {
                let u = try escape()
                if keep { scalars.append(u) }
                continue
            }
            let u = try utf8Scalar()
            if keep { scalars.append(u) }
        }
    }

    /// One escape sequence starting at `\`; `\u` surrogate pairs are combined.
    private mutating func escape() throws -> Unicode.Scalar {
        let start = pos
        pos += 1
        guard pos < bytes.count else { throw fail("a string is not closed (the file ends after '\\')") }
        let c = bytes[pos]
        pos += 1
        switch c {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let high = try hex4(start: start)
            if (0xDC00...0xDFFF).contains(high) { throw fail("the escape \\u\(String(format: "%04X", high)) is a lone low surrogate", at: start) }
            if (0xD800...0xDBFF).contains(high) {
                guard pos + 1 < bytes.count, bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u") else {
                    throw fail("the escape \\u\(String(format: "%04X", high)) is a high surrogate without its low half", at: start)
                }
                pos += 2
                let low = try hex4(start: start)
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw fail("the escape \\u\(String(format: "%04X", high)) is a high surrogate without its low half", at: start)
                }
                return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)) ?? "\u{FFFD}"
            }
            return Unicode.Scalar(high) ?? "\u{FFFD}"
        default:
            pos -= 1
            throw fail("unknown escape '\\\(found().trimmingCharacters(in: CharacterSet(charactersIn: "'")))' in a string", at: start)
        }
    }

    private mutating func hex4(start: Int) throws -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard pos < bytes.count, let d = Self.hexValue(bytes[pos]) else {
                throw fail("a \\u escape needs four hexadecimal digits", at: start)
            }
            v = v << 4 | d
            pos += 1
        }
        return v
    }

    private static func hexValue(_ b: UInt8) -> UInt32? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(b - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(b - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(b - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    /// One UTF-8 encoded scalar (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
    private mutating func utf8Scalar() throws -> Unicode.Scalar {
        let b0 = bytes[pos]
        if b0 < 0x80 { pos += 1; return Unicode.Scalar(b0) }
        let (count, minimum, initial): (Int, UInt32, UInt32)
        switch b0 {
        case 0xC2...0xDF: (count, minimum, initial) = (1, 0x80, UInt32(b0 & 0x1F))
        case 0xE0...0xEF: (count, minimum, initial) = (2, 0x800, UInt32(b0 & 0x0F))
        case 0xF0...0xF4: (count, minimum, initial) = (3, 0x10000, UInt32(b0 & 0x07))
        default: throw fail("the file is not UTF-8 (\(found()) inside a string)")
        }
        var v = initial
        for k in 1...count {
            guard pos + k < bytes.count, bytes[pos + k] & 0xC0 == 0x80 else {
                throw fail("the file is not UTF-8 (a multi-byte character is cut short)")
            }
            v = v << 6 | UInt32(bytes[pos + k] & 0x3F)
        }
        guard v >= minimum, v <= 0x10FFFF, !(0xD800...0xDFFF).contains(v), let u = Unicode.Scalar(v) else {
            throw fail("the file is not UTF-8 (an invalid multi-byte character)")
        }
        pos += count + 1
        return u
    }
}
