import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads numeric CSV files (a header row of column names, then one row of numbers per event) into a ``Dataset``.
///
/// Format accepted:
/// ```
///   pt, eta ,"iso, rel"        <- row 1: header, names may be quoted ("" inside quotes is one ")
///   41.2,-0.31,0.02            <- row 2: first data row
///   17.9, 1.87 , 4e-1  \r\n    <- spaces/tabs around cells and CRLF line ends are fine
///                              <- blank lines are skipped (they still count in row numbers)
/// ```
/// - The separator is a comma. A UTF-8 byte-order mark before the header is ignored; the file may or may not end
///   with a newline; `\n`, `\r\n` and a lone `\r` all end a row.
/// - Numbers are decimal (`1`, `-2.5`, `.5`, `6.02e23`, `1E-5`), or `nan`, `inf`, `infinity` (any case, with a
///   sign) as ``StrictNumber`` reads them; the decimal point is always `.`, whatever the locale. Hex floats and
///   cells holding a NUL byte are not numbers.
///   A data cell may also be quoted (`"1.5"`).
/// - NaN and infinities (including a decimal that overflows, `1e999`) are an error unless `allowNonFinite` is set.
///
/// Errors are ``NeymanError/invalidInput(_:_:)`` carrying the file, the row and (where one applies) the column:
/// - an empty file (or only blank lines): "the file is empty";
/// - a header with no data rows: "no data rows";
/// - an empty or repeated column name (row 1, the column);
/// - a row with the wrong number of cells: "expected N cells, found M" (the row);
/// - an empty or non-numeric cell, quoting the cell text (the row and the column name);
/// - a non-finite value without `allowNonFinite` (the row and the column name);
/// - a requested column that the header lacks (the column, with the available names listed).
///
/// Row numbers follow ``ErrorLocation``: they are line numbers, so the header is row 1 and the first data row is
/// row 2, and a message can be checked by opening the file in an editor or a spreadsheet. (A quoted header name
/// that spans several lines shifts the rows after it, exactly as it shifts the editor's line numbers.)
///
/// Speed: the file is read in one piece and parsed in place (no per-cell strings), into preallocated columns.
/// Plain decimals with at most 19 significant digits (everything ``CSVWriter``, `%.17g` or `%f` produce) are
/// converted in place, correctly rounded: by Clinger's fast path when the mantissa and the power of ten are both
/// exact Doubles, else by the Eisel-Lemire algorithm. Anything else (longer mantissas, `nan`, `inf`) goes to
/// ``StrictNumber`` (Swift's `Double(_:)` after a grammar check), locale-independent and also correctly rounded.
/// A 10^6 x 5 file of full-precision numbers
/// (97 MB) parses in about half a second on one core in a release build.
public enum CSVReader {

    /// Read the CSV file at `path`.
    ///
    /// - Parameters:
    ///   - path: the file to read.
    ///   - columns: read only these columns, in this order (the other cells are checked for count but not parsed,
    ///     so they may hold text). `nil` reads every column in header order.
    ///   - allowNonFinite: accept NaN and infinite values.
    /// - Returns: an unweighted ``Dataset`` (a `weight` column stays an ordinary column).
    /// - Throws: ``NeymanError/io(_:_:)`` when the file cannot be read, and ``NeymanError/invalidInput(_:_:)`` as
    ///   listed in the type's documentation; every error names `path`.
    public static func read(path: String, columns: [String]? = nil, allowNonFinite: Bool = false) throws -> Dataset {
        let bytes = try FileBytes.readAll(path: path)
        return try bytes.withUnsafeBufferPointer { buf in
            // `readAll` appends one NUL sentinel after the content.
            try parseBytes(buf, length: buf.count - 1, file: path, select: columns, allowNonFinite: allowNonFinite)
        }
    }

    /// Parse CSV text held in memory (same format and errors as ``read(path:columns:allowNonFinite:)``).
    ///
    /// - Parameter source: the name used as the file in error locations (`nil`: none).
    public static func parse(_ data: Data, source: String? = nil, columns: [String]? = nil,
                             allowNonFinite: Bool = false) throws -> Dataset {
        var bytes = [UInt8](data)
        bytes.append(0)
        return try bytes.withUnsafeBufferPointer { buf in
            try parseBytes(buf, length: buf.count - 1, file: source, select: columns, allowNonFinite: allowNonFinite)
        }
    }

    /// Parse CSV text held in a string (same format and errors as ``read(path:columns:allowNonFinite:)``).
    public static func parse(_ text: String, source: String? = nil, columns: [String]? = nil,
                             allowNonFinite: Bool = false) throws -> Dataset {
        try parse(Data(text.utf8), source: source, columns: columns, allowNonFinite: allowNonFinite)
    }
}
