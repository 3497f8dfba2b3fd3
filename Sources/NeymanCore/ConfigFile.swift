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
    public func strings(_ key: String) throws -> [String]? {
        guard let v = value(key) else { return nil }
        guard let a = v.array else { throw error(key, "must be an array of strings") }
        var out: [String] = []
        for (i, e) in a.enumerated() {
            guard let s = e.string else { throw error(key, "element \(i + 1) must be a string") }
            out.append(s)
        }
        return out
    }

    /// An array of integers, or `nil` if absent.
    public func ints(_ key: String) throws -> [Int]? {
        guard let v = value(key) else { return nil }
        guard let a = v.array else { throw error(key, "must be an array of integers") }
        var out: [Int] = []
        for (i, e) in a.enumerated() {
            guard let n = e.int else { throw error(key, "element \(i + 1) must be an integer") }
            out.append(n)
        }
        return out
    }

    /// An array of numbers, or `nil` if absent.
    public func doubles(_ key: String) throws -> [Double]? {
        guard let v = value(key) else { return nil }
        guard let a = v.array else { throw error(key, "must be an array of numbers") }
        var out: [Double] = []
        for (i, e) in a.enumerated() {
            if let d = e.double { out.append(d) } else if let n = e.int { out.append(Double(n)) } else {
                throw error(key, "element \(i + 1) must be a number")
            }
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
            throw NeymanError.ioError("cannot read the configuration: \(error.localizedDescription)", file: path)
        }
        return try parse(text, file: path)
    }

    /// Parses TOML text (`file` is used in error messages and for relative paths).
    public static func parse(_ text: String, file: String) throws -> ConfigTable {
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
