import Foundation

/// The subset of Python literals that `.npy` headers use.
enum PythonLiteral: Equatable {
    case string(String)
    case int(Int)
    case bool(Bool)
    case none
    case tuple([PythonLiteral])
    case list([PythonLiteral])
    case dict([(String, PythonLiteral)])

    static func == (a: PythonLiteral, b: PythonLiteral) -> Bool {
        switch (a, b) {
        case (.string(let x), .string(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.bool(let x), .bool(let y)): return x == y
        case (.none, .none): return true
        case (.tuple(let x), .tuple(let y)), (.list(let x), .list(let y)): return x == y
        case (.dict(let x), .dict(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }
}

/// A recursive-descent parser for ``PythonLiteral``: strings in single or double quotes (with backslash escapes),
/// integers (a Python 2 `L` suffix allowed), `True`, `False`, `None`, tuples, lists and dicts with string keys;
/// trailing commas allowed. Tuples, lists and dicts nest at most ``maxDepth`` deep (a real header nests 2 deep):
/// the parser recurses once per level, so deeper nesting, e.g. a header of a million `(`, would overflow the stack.
struct PythonLiteralParser {
    struct Failure: Error { var message: String }

    /// The deepest nesting of tuples, lists and dicts accepted.
    static let maxDepth = 32

    private let chars: [Character]
    private var i = 0
    private var depth = 0

    init(_ text: String) { chars = Array(text) }

    /// One literal, then only whitespace.
    mutating func parseDocument() throws -> PythonLiteral {
        let v = try parseValue()
        skipSpace()
        if i != chars.count { throw Failure(message: "unexpected text after the literal at offset \(i)") }
        return v
    }

    private mutating func skipSpace() {
        while i < chars.count && chars[i].isWhitespace { i += 1 }
    }

    private mutating func parseValue() throws -> PythonLiteral {
        skipSpace()
        guard i < chars.count else { throw Failure(message: "unexpected end") }
        let c = chars[i]
        if c == "(" || c == "[" || c == "{" {
            if depth == Self.maxDepth {
                throw Failure(message: "nested more than \(Self.maxDepth) levels deep at offset \(i)")
            }
            depth += 1
        }
        defer { if c == "(" || c == "[" || c == "{" { depth -= 1 } }
        switch c {
        case "'", "\"": return .string(try parseString())
        case "(":
            i += 1
            return .tuple(try parseSequence(closing: ")"))
        case "[":
            i += 1
            return .list(try parseSequence(closing: "]"))
        case "{":
            i += 1
            var entries: [(String, PythonLiteral)] = []
            while true {
                skipSpace()
                if i < chars.count && chars[i] == "}" { i += 1; return .dict(entries) }
                guard i < chars.count, chars[i] == "'" || chars[i] == "\"" else {
                    throw Failure(message: "expected a string key at offset \(i)")
                }
                let key = try parseString()
                skipSpace()
                guard i < chars.count, chars[i] == ":" else { throw Failure(message: "expected ':' at offset \(i)") }
                i += 1
                entries.append((key, try parseValue()))
                skipSpace()
                if i < chars.count && chars[i] == "," { i += 1; continue }
                guard i < chars.count, chars[i] == "}" else {
                    throw Failure(message: "expected ',' or '}' at offset \(i)")
                }
                i += 1
                return .dict(entries)
            }
        default:
            if c == "-" || c == "+" || c.isASCII && c.isNumber { return .int(try parseInt()) }
            var word = ""
            while i < chars.count && (chars[i].isLetter || chars[i] == "_") { word.append(chars[i]); i += 1 }
            switch word {
            case "True": return .bool(true)
            case "False": return .bool(false)
            case "None": return .none
            default: throw Failure(message: "unexpected '\(word.isEmpty ? String(c) : word)' at offset \(i)")
            }
        }
    }

    private mutating func parseSequence(closing: Character) throws -> [PythonLiteral] {
        var items: [PythonLiteral] = []
        while true {
            skipSpace()
            if i < chars.count && chars[i] == closing { i += 1; return items }
            items.append(try parseValue())
            skipSpace()
            if i < chars.count && chars[i] == "," { i += 1; continue }
            guard i < chars.count, chars[i] == closing else {
                throw Failure(message: "expected ',' or '\(closing)' at offset \(i)")
            }
            i += 1
            return items
        }
    }

    private mutating func parseString() throws -> String {
        let q = chars[i]
        i += 1
        var s = ""
        while i < chars.count {
            let c = chars[i]
            if c == q { i += 1; return s }
            if c == "\\" && i + 1 < chars.count {
                let e = chars[i + 1]
                switch e {
                case "n": s.append("\n")
                case "t": s.append("\t")
                case "\\", "'", "\"": s.append(e)
                default: s.append("\\"); s.append(e)
                }
                i += 2
                continue
            }
            s.append(c)
            i += 1
        }
        throw Failure(message: "unterminated string")
    }

    private mutating func parseInt() throws -> Int {
        var text = ""
        if chars[i] == "-" || chars[i] == "+" { text.append(chars[i]); i += 1 }
        while i < chars.count && chars[i].isASCII && chars[i].isNumber { text.append(chars[i]); i += 1 }
        if i < chars.count && (chars[i] == "L" || chars[i] == "l") { i += 1 }
        guard let v = Int(text) else { throw Failure(message: "bad integer '\(text)'") }
        return v
    }
}
