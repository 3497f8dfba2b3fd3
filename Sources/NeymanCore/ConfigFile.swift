import Foundation
import TOMLKit

/// A table of a TOML configuration file (a study definition, a training config), read through typed accessors that
/// remember which keys were used, so that a misspelt or unknown key is an error that names it
/// (``ConfigTable/rejectUnknownKeys()``) instead of being silently ignored.
///
/// Every error names the file and the full key path (`training.batch_size`).
public final class ConfigTable {
    private let table: TOMLTable
    /// The file the table came from.
    public let file: String
    /// The key path of this table (`""` for the root).
    public let path: String
    private var used: Set<String> = []
    private var children: [ConfigTable] = []

    init(table: TOMLTable, file: String, path: String) {
        self.table = table
        self.file = file
        self.path = path
    }

    /// The directory of the file, for resolving relative paths in the config.
    public var directory: URL { URL(fileURLWithPath: file).deletingLastPathComponent() }

    private func keyPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    private func error(_ key: String, _ message: String) -> NeymanError {
        NeymanError.invalid(message, file: file, key: keyPath(key))
    }

    private func value(_ key: String) -> TOMLValueConvertible? {
        used.insert(key)
        return table[key]
    }

    /// The keys of this table, sorted (listing them does not count as using them: ``rejectUnknownKeys()`` still
    /// reports those never read).
    public var keys: [String] { table.keys.map { String($0) }.sorted() }

    /// Whether the key is present.
    public func contains(_ key: String) -> Bool { table[key] != nil }

    /// Whether the key is present and holds a table (`[a.b]` or an inline `{ ... }`).
    public func isTable(_ key: String) -> Bool { table[key]?.table != nil }

    /// A string, or `nil` if absent; an error if present with another type.
    public func string(_ key: String) throws -> String? {
        guard let v = value(key) else { return nil }
        guard let s = v.string else { throw error(key, "must be a string") }
        return s
    }

    /// An integer, or `nil` if absent.
    public func int(_ key: String) throws -> Int? {
        guard let v = value(key) else { return nil }
        guard let i = v.int else { throw error(key, "must be an integer") }
        return i
    }

    /// A seed, or `nil` if absent: an integer in 0 ... 2^63 - 1, or, for the full UInt64 range that a TOML integer
    /// (signed 64-bit) cannot hold, a string of decimal digits (`seed = "18446744073709551615"`).
    public func seed(_ key: String) throws -> UInt64? {
        guard let v = value(key) else { return nil }
        if let i = v.int {
            guard i >= 0 else { throw error(key, "must be >= 0 (a seed is an unsigned 64-bit integer), got \(i)") }
            return UInt64(i)
        }
        if let s = v.string {
            guard let u = StrictNumber.uint64(s) else {
                throw error(key, "must be an integer in 0 ... 18446744073709551615 (got \"\(s)\")")
            }
            return u
        }
        throw error(key, "must be an integer (or, above 2^63 - 1, a string of digits)")
    }

    /// A number (integers accepted), or `nil` if absent.
    public func double(_ key: String) throws -> Double? {
        guard let v = value(key) else { return nil }
        if let d = v.double { return d }
        if let i = v.int { return Double(i) }
        throw error(key, "must be a number")
    }

    /// A boolean, or `nil` if absent.
    public func bool(_ key: String) throws -> Bool? {
        guard let v = value(key) else { return nil }
        guard let b = v.bool else { throw error(key, "must be true or false") }
        return b
    }

    /// An array of strings, or `nil` if absent.
    public func strings(_ key: String) throws -> [String]? { try array(key, of: "strings", element: "a string") { $0.string } }

    /// An array of integers, or `nil` if absent.
    public func ints(_ key: String) throws -> [Int]? { try array(key, of: "integers", element: "an integer") { $0.int } }

    /// An array of numbers (integers are read as numbers too), or `nil` if absent.
    public func doubles(_ key: String) throws -> [Double]? {
        try array(key, of: "numbers", element: "a number") { e in e.double ?? e.int.map(Double.init) }
    }

    /// An array whose every element `convert` accepts; an error names the key and the first element it refuses.
    private func array<T>(_ key: String, of plural: String, element singular: String,
                          _ convert: (TOMLValueConvertible) -> T?) throws -> [T]? {
        guard let v = value(key) else { return nil }
        guard let a = v.array else { throw error(key, "must be an array of \(plural)") }
        var out: [T] = []
        for (i, e) in a.enumerated() {
            guard let x = convert(e) else { throw error(key, "element \(i + 1) must be \(singular)") }
            out.append(x)
        }
        return out
    }

    /// A sub-table, or `nil` if absent.
    public func table(_ key: String) throws -> ConfigTable? {
        guard let v = value(key) else { return nil }
        guard let t = v.table else { throw error(key, "must be a table ([\(keyPath(key))])") }
        let child = ConfigTable(table: t, file: file, path: keyPath(key))
        children.append(child)
        return child
    }

    /// A value that must be present.
    public func require<T>(_ key: String, _ get: (String) throws -> T?) throws -> T {
        guard let v = try get(key) else { throw error(key, "is required") }
        return v
    }

    /// Throws if this table or any sub-table read through ``table(_:)`` has keys that were never asked for.
    public func rejectUnknownKeys() throws {
        let unknown = table.keys.filter { !used.contains($0) }.sorted()
        if let first = unknown.first {
            let list = unknown.map { keyPath($0) }.joined(separator: ", ")
            throw NeymanError.invalid("unknown key\(unknown.count > 1 ? "s" : "") \(list)", file: file, key: keyPath(first))
        }
        for c in children { try c.rejectUnknownKeys() }
    }
}

/// Loads TOML configuration files.
public enum ConfigFile {
    /// Parses the file; a syntax error names the file, line and column.
    public static func load(path: String) throws -> ConfigTable {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw FileSystemError.readError(path, underlying: error)
        }
        return try parse(text, file: path)
    }

    /// Parses TOML text (`file` is used in error messages and for relative paths).
    ///
    /// Before the text reaches TOMLKit's parser (toml++), ``TOMLPreflight`` rejects two things that parser does not
    /// report as errors: a NUL byte (it would silently end the document there) and a table header whose key does
    /// not start with a key character (`[.a]`, `[[ [a]]`, `[` then a line end: toml++ 3.4 stops the process with
    /// a failed assertion instead of throwing).
    public static func parse(_ text: String, file: String) throws -> ConfigTable {
        if let problem = TOMLPreflight.check(text) {
            throw NeymanError.invalid(
                "TOML syntax error: \(problem.message) at line \(problem.line), column \(problem.column)", file: file)
        }
        do {
            return ConfigTable(table: try TOMLTable(string: text), file: file, path: "")
        } catch let e as TOMLParseError {
            throw NeymanError.invalid("TOML syntax error: \(e.description) at line \(e.source.begin.line), column \(e.source.begin.column)",
                                      file: file)
        } catch {
            throw NeymanError.invalid("TOML syntax error: \(error)", file: file)
        }
    }
}

/// The checks ``ConfigFile/parse(_:file:)`` makes before handing TOML text to toml++: a scan of the text's structure
/// (strings, comments, the nesting of arrays and inline tables) that finds every table header where toml++ would
/// look for one, at the start of a line outside any value.
///
/// It reports the first of these (each a failed assertion in toml++ 3.4, which aborts the process, except the NUL):
/// - a NUL byte (TOML allows none; toml++ would read the text only up to it);
/// - a table header `[` or `[[` whose next character after spaces and tabs is not a bare-key character
///   (`A-Z a-z 0-9 - _`) or a quote;
/// - a `}` where an array expects a value or its `]` (after `[` or a comma, spaces, line ends and comments);
/// - a Unicode line separator (U+0085, U+2028, U+2029) outside strings and comments;
/// - a value that starts as a date-time, `YYYY-MM-DDT` or `YYYY-MM-DD` and a space and a digit, with no digit
///   after the `T` or after that first digit; a value starting with a digit that holds a non-ASCII character.
/// Every valid TOML document passes; for an invalid one this may report a different (earlier or later) problem than
/// toml++ would, which is still an error naming the line and column.
enum TOMLPreflight {
    struct Problem: Equatable {
        var message: String
        /// 1-based line and column (in Unicode scalars) of the offending character.
        var line: Int
        var column: Int
    }

    static func check(_ text: String) -> Problem? {
        let b = Array(text.utf8)
        let n = b.count
        func at(_ i: Int) -> UInt8 { i < n ? b[i] : 0 }
        func problem(_ message: String, _ i: Int) -> Problem {
            var line = 1, column = 1
            for k in 0..<i {
                if b[k] == 0x0A { line += 1; column = 1 } else if b[k] & 0xC0 != 0x80 { column += 1 }
            }
            return Problem(message: message, line: line, column: column)
        }
        if let nul = b.firstIndex(of: 0) { return problem("a NUL byte, which TOML does not allow", nul) }
        let quote = UInt8(ascii: "\""), apostrophe = UInt8(ascii: "'"), backslash = UInt8(ascii: "\\")
        let newline = UInt8(ascii: "\n"), space = UInt8(ascii: " "), tab = UInt8(ascii: "\t")
        let openBracket = UInt8(ascii: "["), closeBracket = UInt8(ascii: "]")
        func isKeyStart(_ c: UInt8) -> Bool {
            (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) || c == 0x2D || c == 0x5F
                || c == quote || c == apostrophe
        }
        /// The index after the string starting at `i` (a quote or apostrophe): multi-line if the delimiter is
        /// tripled; a single-line string also ends at a line end (unterminated: toml++ reports it).
        func skipString(_ i: Int) -> Int {
            let d = b[i]
            if at(i + 1) == d && at(i + 2) == d {
                var j = i + 3
                while j < n {
                    if d == quote && b[j] == backslash { j += 2; continue }
                    if b[j] == d && at(j + 1) == d && at(j + 2) == d {
                        // Up to two more delimiters belong to the content (`"""a""""` is `a"`).
                        var k = 3
                        while k < 5 && at(j + k) == d { k += 1 }
                        return j + k
                    }
                    j += 1
                }
                return n
            }
            var j = i + 1
            while j < n && b[j] != newline {
                if d == quote && b[j] == backslash { j += 2; continue }
                if b[j] == d { return j + 1 }
                j += 1
            }
            return min(j, n)
        }
        /// The first character at or after `j` that is not a space, tab, line end or comment (`n` at the end).
        func nextValueCharacter(_ j: Int) -> Int {
            var k = j
            while k < n {
                if b[k] == space || b[k] == tab || b[k] == newline || b[k] == UInt8(ascii: "\r") {
                    k += 1
                } else if b[k] == UInt8(ascii: "#") {
                    while k < n && b[k] != newline { k += 1 }
                } else {
                    break
                }
            }
            return k
        }
        func isDigit(_ k: Int) -> Bool { k < n && b[k] >= 0x30 && b[k] <= 0x39 }
        /// A problem with the value starting at `k` (after `=`, or an array's `[` or comma), if any.
        func checkValue(_ k: Int) -> Problem? {
            guard isDigit(k) else { return nil }
            let dateShape = (0..<10).allSatisfy { d in d == 4 || d == 7 ? at(k + d) == 0x2D : isDigit(k + d) }
            if dateShape && (at(k + 10) | 0x20) == UInt8(ascii: "t") && !isDigit(k + 11) {
                return problem("expected a time (HH:MM:SS) after the 'T' of a date-time", k + 11)
            }
            // The value's characters as toml++ classifies them: up to a terminator, underscores not counted.
            var j = k
            var kept: [UInt8] = []
            while j < n && !" \t\r\n\u{0B}\u{0C},]}#".utf8.contains(b[j]) {
                if b[j] >= 0x80 { return problem("a non-ASCII character in a number, date or time", j) }
                if b[j] != UInt8(ascii: "_") { kept.append(b[j]) }
                j += 1
            }
            // Ten characters shaped like a date, then a space and a digit: toml++ reads on as a date-time and
            // asserts that a second digit follows.
            let addsNoTrait = kept.allSatisfy { c in
                !((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A) && c != UInt8(ascii: "+") && c != UInt8(ascii: ".")
                    && c != UInt8(ascii: ":")
            }
            if kept.count == 10 && kept[4] == 0x2D && kept[7] == 0x2D && addsNoTrait && at(j) == space && isDigit(j + 1)
                && j + 2 < n && !isDigit(j + 2) {
                return problem("expected a time (HH:MM:SS) after the date of a date-time", j + 2)
            }
            return nil
        }
        func isLineSeparator(_ i: Int) -> Bool {
            (b[i] == 0xC2 && at(i + 1) == 0x85) || (b[i] == 0xE2 && at(i + 1) == 0x80 && (at(i + 2) | 1) == 0xA9)
        }
        var i = 0
        if n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF { i = 3 }
        var open: [UInt8] = []   // the arrays (`[`) and inline tables (`{`) open in the current value
        var lineStart = true     // only spaces and tabs since the last line end outside any value
        while i < n {
            let c = b[i]
            if lineStart && open.isEmpty {
                if c == space || c == tab { i += 1; continue }
                lineStart = false
                if c == openBracket {
                    // A table header: `[` or `[[`, spaces or tabs, then the first key.
                    var j = i + 1
                    if at(j) == openBracket { j += 1 }
                    while at(j) == space || at(j) == tab { j += 1 }
                    if j >= n || !isKeyStart(b[j]) {
                        return problem("a table header must start with a key (a letter, digit, '-', '_' or a quote)", j)
                    }
                    // Skip the header's keys up to its closing bracket(s) or the line end.
                    while j < n && b[j] != newline && b[j] != closeBracket {
                        j = (b[j] == quote || b[j] == apostrophe) ? skipString(j) : j + 1
                    }
                    while at(j) == closeBracket { j += 1 }
                    i = j
                    continue
                }
            }
            switch c {
            case newline:
                if open.isEmpty { lineStart = true }
                i += 1
            case UInt8(ascii: "#"):
                while i < n && b[i] != newline { i += 1 }
            case quote, apostrophe:
                i = skipString(i)
            case openBracket, UInt8(ascii: "{"), UInt8(ascii: ","):
                if c != UInt8(ascii: ",") { open.append(c) }
                if open.last == openBracket {
                    let k = nextValueCharacter(i + 1)
                    if k < n && b[k] == UInt8(ascii: "}") { return problem("expected a value or ']' in an array", k) }
                    if let p = checkValue(k) { return p }
                }
                i += 1
            case UInt8(ascii: "="):
                var k = i + 1
                while at(k) == space || at(k) == tab { k += 1 }
                if let p = checkValue(k) { return p }
                i += 1
            case closeBracket, UInt8(ascii: "}"):
                _ = open.popLast()
                i += 1
            default:
                if isLineSeparator(i) { return problem("a Unicode line separator outside a string or comment", i) }
                i += 1
            }
        }
        return nil
    }
}
