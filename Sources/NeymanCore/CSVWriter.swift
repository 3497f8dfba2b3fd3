import Foundation

/// Writes numeric columns as CSV that ``CSVReader`` (and NumPy, pandas, spreadsheets) read back exactly.
///
/// Format:
/// ```
///   pt,eta,"iso, rel"      <- header: names quoted only when they hold a comma, a quote, a line end,
///   41.2,-0.31,0.02           or leading/trailing blanks ("" stands for a quote inside quotes)
///   17.9,1.87,0.4          <- one row per event, "\n" line ends, a final "\n"
/// ```
/// Numbers are Swift's shortest round-trip decimal (`Double.description`: `0.1`, `1.0`, `1e-05`, `5e-324`,
/// `1.7976931348623157e+308`), so parsing the text gives back the identical `Double` (the guarantee `%.17g` gives,
/// in fewer digits). Non-finite values are written `nan`, `inf` and `-inf`; reading them back needs
/// `allowNonFinite: true`. A table with zero rows gives a header-only file, which ``CSVReader`` rejects.
///
/// Files are written with ``AtomicFile``: a reader never sees a half-written file.
public enum CSVWriter {

    /// The CSV text (as UTF-8 bytes) for ordered `(name, values)` columns.
    ///
    /// - Throws: ``NeymanError/invalidInput(_:_:)`` when there are no columns, a name is empty or repeated, or
    ///   columns have different lengths (naming the column).
    public static func encode(_ columns: [(String, [Double])]) throws -> Data {
        guard let first = columns.first else { throw NeymanError.invalid("no columns to write") }
        var seen = Set<String>()
        for (name, values) in columns {
            if name.isEmpty { throw NeymanError.invalid("a column name is empty") }
            if !seen.insert(name).inserted {
                throw NeymanError.invalid("duplicate column name '\(name)'", column: name)
            }
            if values.count != first.1.count {
                throw NeymanError.invalid(
                    "ragged columns: '\(name)' has \(values.count) values but '\(first.0)' has \(first.1.count)",
                    column: name)
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(64 + columns.count * first.1.count * 20)
        for (j, (name, _)) in columns.enumerated() {
            if j > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: quotedIfNeeded(name).utf8)
        }
        out.append(UInt8(ascii: "\n"))
        for i in 0..<first.1.count {
            for j in columns.indices {
                if j > 0 { out.append(UInt8(ascii: ",")) }
                appendNumber(columns[j].1[i], to: &out)
            }
            out.append(UInt8(ascii: "\n"))
        }
        return Data(out)
    }

    /// Write ordered `(name, values)` columns to `path` (see ``encode(_:)``), atomically.
    ///
    /// - Throws: as ``encode(_:)``, and ``NeymanError/io(_:_:)`` if the file cannot be written; every error
    ///   names `path`.
    public static func write(_ columns: [(String, [Double])], to path: String) throws {
        let data: Data
        do { data = try encode(columns) } catch let e as NeymanError { throw e.inFile(path) }
        try AtomicFile.write(data, to: path)
    }

    /// The text for one value: the shortest round-trip decimal, or `nan` / `inf` / `-inf`.
    public static func format(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        return value.description
    }

    @inline(__always)
    private static func appendNumber(_ value: Double, to out: inout [UInt8]) {
        // Small integers (counts, labels, flags) are common: write them without going through `description`.
        if value == value.rounded(.towardZero), abs(value) < 1e15, !(value == 0 && value.sign == .minus) {
            var k = Int(value)
            if k < 0 { out.append(UInt8(ascii: "-")); k = -k }
            var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                         UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            var n = 0
            withUnsafeMutableBytes(of: &digits) { d in
                repeat {
                    d[n] = UInt8(48 + k % 10)
                    k /= 10
                    n += 1
                } while k > 0
                for m in stride(from: n - 1, through: 0, by: -1) { out.append(d[m]) }
            }
            out.append(contentsOf: [UInt8(ascii: "."), UInt8(ascii: "0")])
            return
        }
        out.append(contentsOf: format(value).utf8)
    }

    /// A header name, quoted when a plain cell could not carry it.
    static func quotedIfNeeded(_ name: String) -> String {
        let needsQuotes = name.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            || name.first.map { $0 == " " || $0 == "\t" } == true
            || name.last.map { $0 == " " || $0 == "\t" } == true
        guard needsQuotes else { return name }
        return "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
