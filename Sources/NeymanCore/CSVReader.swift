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
/// - Numbers are decimal (`1`, `-2.5`, `.5`, `6.02e23`, `1E-5`), or anything Swift's `Double(_:)` reads
///   (hex floats, `nan`, `inf`, `infinity`, any case); the decimal point is always `.`, whatever the locale.
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
/// Speed: the file is read in one piece and parsed in place (no per-cell strings). Plain decimals with at most 19
/// significant digits and a small exponent are converted exactly by Clinger's fast path (one multiplication or
/// division by an exact power of ten, which IEEE rounding makes correct); anything else goes to Swift's
/// `Double(_:)` (locale-independent, also correctly rounded). A 10^6 x 5 file parses in a fraction of a second
/// in a release build.
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

    // MARK: - Parser

    private static let comma = UInt8(ascii: ",")
    private static let quote = UInt8(ascii: "\"")
    private static let lf = UInt8(ascii: "\n")
    private static let cr = UInt8(ascii: "\r")
    private static let space = UInt8(ascii: " ")
    private static let tab = UInt8(ascii: "\t")

    /// The parser over `buf[0..<length]`; `buf[length]` must be 0 (a sentinel that stops every scan).
    static func parseBytes(_ buf: UnsafeBufferPointer<UInt8>, length n: Int, file: String?, select: [String]?,
                           allowNonFinite: Bool) throws -> Dataset {
        guard let p = buf.baseAddress, buf.count > n, p[n] == 0 else {
            throw NeymanError.invalid("internal: the CSV buffer lacks its terminating sentinel", file: file)
        }
        var pos = 0
        var line = 1
        if n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF { pos = 3 }

        // Skip blank lines before the header.
        while true {
            let start = pos
            skipBlanks(p, &pos)
            if pos == n { throw NeymanError.invalid("the file is empty (a header row is required)", file: file) }
            if p[pos] == lf || p[pos] == cr { endLine(p, n, &pos, &line); continue }
            pos = start
            break
        }

        // MARK: Header
        let headerRow = line
        var names: [String] = []
        while true {
            skipBlanks(p, &pos)
            var name: String
            if p[pos] == quote {
                var bytes: [UInt8] = []
                pos += 1
                while true {
                    if pos == n {
                        throw NeymanError.invalid("unterminated quoted header name", file: file, row: headerRow)
                    }
                    let c = p[pos]
                    if c == quote {
                        if p[pos + 1] == quote { bytes.append(quote); pos += 2; continue }
                        pos += 1
                        break
                    }
                    if c == lf || (c == cr && p[pos + 1] != lf) { line += 1 }
                    bytes.append(c)
                    pos += 1
                }
                name = String(decoding: bytes, as: UTF8.self)
                skipBlanks(p, &pos)
                if !(pos == n || p[pos] == comma || p[pos] == lf || p[pos] == cr) {
                    throw NeymanError.invalid(
                        "unexpected text after the closing quote of header name \"\(name)\"", file: file,
                        row: headerRow)
                }
            } else {
                let start = pos
                while pos < n && p[pos] != comma && p[pos] != lf && p[pos] != cr { pos += 1 }
                var end = pos
                while end > start && (p[end - 1] == space || p[end - 1] == tab) { end -= 1 }
                name = String(decoding: UnsafeBufferPointer(start: p + start, count: end - start), as: UTF8.self)
            }
            names.append(name)
            if pos < n && p[pos] == comma { pos += 1; continue }
            endLine(p, n, &pos, &line)
            break
        }
        var firstPosition: [String: Int] = [:]
        for (j, name) in names.enumerated() {
            if name.isEmpty {
                throw NeymanError.invalid(
                    "header cell \(j + 1) is empty; every column needs a name", file: file, row: headerRow)
            }
            if let k = firstPosition[name] {
                throw NeymanError.invalid(
                    "duplicate column name '\(name)' (header cells \(k + 1) and \(j + 1))", file: file,
                    row: headerRow, column: name)
            }
            firstPosition[name] = j
        }

        // MARK: Column selection
        let ncols = names.count
        var slot = [Int](repeating: -1, count: ncols)   // header cell -> output column, or -1 (skip)
        let outNames: [String]
        if let select {
            var seen = Set<String>()
            for (k, want) in select.enumerated() {
                guard let j = firstPosition[want] else {
                    let available = names.map { "'\($0)'" }.joined(separator: ", ")
                    throw NeymanError.invalid(
                        "no column named '\(want)'; available columns: \(available)", file: file, column: want)
                }
                if !seen.insert(want).inserted {
                    throw NeymanError.invalid("column '\(want)' is requested twice", file: file, column: want)
                }
                slot[j] = k
            }
            outNames = select
        } else {
            for j in 0..<ncols { slot[j] = j }
            outNames = names
        }

        // MARK: Data rows
        let estimatedRows = countNewlines(p + pos, n - pos) + 1
        var out = [[Double]](repeating: [], count: outNames.count)
        for k in out.indices { out[k].reserveCapacity(estimatedRows) }
        var rows = 0

        while pos < n {
            let row = line
            // Blank line?
            let lineStart = pos
            skipBlanks(p, &pos)
            if pos == n { break }
            if p[pos] == lf || p[pos] == cr { endLine(p, n, &pos, &line); continue }
            pos = lineStart

            var cell = 0
            while true {
                skipBlanks(p, &pos)
                if cell >= ncols {
                    // Too many cells: count them all for the message.
                    var found = cell + 1
                    while pos < n && p[pos] != lf && p[pos] != cr {
                        if p[pos] == quote { try skipQuoted(p, n, &pos, &line, file: file, row: row) ; continue }
                        if p[pos] == comma { found += 1 }
                        pos += 1
                    }
                    throw NeymanError.invalid(
                        "expected \(ncols) cells (one per header column), found \(found)", file: file, row: row)
                }
                let k = slot[cell]
                if k >= 0 {
                    let v = try parseCell(p, n, &pos, &line, file: file, row: row, column: names[cell],
                                          allowNonFinite: allowNonFinite)
                    out[k].append(v)
                } else {
                    if p[pos] == quote { try skipQuoted(p, n, &pos, &line, file: file, row: row) }
                    while pos < n && p[pos] != comma && p[pos] != lf && p[pos] != cr { pos += 1 }
                }
                if pos < n && p[pos] == comma { pos += 1; cell += 1; continue }
                // End of the row.
                if cell + 1 != ncols {
                    throw NeymanError.invalid(
                        "expected \(ncols) cells (one per header column), found \(cell + 1)", file: file, row: row)
                }
                endLine(p, n, &pos, &line)
                break
            }
            rows += 1
        }
        if rows == 0 {
            throw NeymanError.invalid("no data rows (the file has a header only)", file: file)
        }
        return Dataset(uncheckedNames: outNames, columns: out, weights: nil, count: rows)
    }

    /// Parse one numeric cell starting at `pos` (blanks before it already skipped); leaves `pos` on the delimiter
    /// (a comma, a line end, or the end of the buffer).
    @inline(__always)
    private static func parseCell(_ p: UnsafePointer<UInt8>, _ n: Int, _ pos: inout Int, _ line: inout Int,
                                  file: String?, row: Int, column: String, allowNonFinite: Bool) throws -> Double {
        let start = pos
        var value: Double
        if p[start] == quote {
            value = try parseQuotedCell(p, n, &pos, &line, file: file, row: row, column: column)
        } else {
            var parsed = fastDecimal(p, start)
            if let (_, e) = parsed, !endsCell(p, n, e) { parsed = nil }
            if parsed == nil { parsed = slowDecimal(p, n, start) }
            guard let (v, e) = parsed, endsCell(p, n, e) else {
                let shown = cellText(p, n, start)
                throw NeymanError.invalid(shown.isEmpty ? "empty cell" : "non-numeric cell '\(shown)'",
                                          file: file, row: row, column: column)
            }
            value = v
            pos = e
            skipBlanks(p, &pos)
        }
        if !allowNonFinite && !value.isFinite {
            throw NeymanError.invalid(
                "non-finite value '\(cellText(p, n, start))' (NaN and infinities are rejected unless allowNonFinite is set)",
                file: file, row: row, column: column)
        }
        return value
    }

    /// Whether only blanks separate index `i` from a delimiter (comma, line end, end of buffer).
    @inline(__always)
    private static func endsCell(_ p: UnsafePointer<UInt8>, _ n: Int, _ i: Int) -> Bool {
        var j = i
        skipBlanks(p, &j)
        return j == n || p[j] == comma || p[j] == lf || p[j] == cr
    }

    /// A quoted number (`"1.5"`): its inside is parsed from a private, NUL-terminated copy. Leaves `pos` on the
    /// delimiter after the closing quote.
    private static func parseQuotedCell(_ p: UnsafePointer<UInt8>, _ n: Int, _ pos: inout Int, _ line: inout Int,
                                        file: String?, row: Int, column: String) throws -> Double {
        let start = pos
        pos += 1
        var inner: [UInt8] = []
        while true {
            if pos == n { throw NeymanError.invalid("unterminated quoted cell", file: file, row: row, column: column) }
            if p[pos] == quote {
                if p[pos + 1] == quote { inner.append(quote); pos += 2; continue }
                pos += 1
                break
            }
            if p[pos] == lf || (p[pos] == cr && p[pos + 1] != lf) { line += 1 }
            inner.append(p[pos])
            pos += 1
        }
        var bytes = Array(String(decoding: inner, as: UTF8.self).trimmingCharacters(in: .whitespaces).utf8)
        bytes.append(0)
        let parsed: Double? = bytes.withUnsafeBufferPointer { b -> Double? in
            guard let q = b.baseAddress, b.count > 1 else { return nil }
            let length = b.count - 1
            if let (v, e) = fastDecimal(q, 0), e == length { return v }
            if let (v, e) = slowDecimal(q, length, 0), e == length { return v }
            return nil
        }
        skipBlanks(p, &pos)
        guard let v = parsed, pos == n || p[pos] == comma || p[pos] == lf || p[pos] == cr else {
            let shown = cellText(p, n, start)
            throw NeymanError.invalid(shown == "\"\"" ? "empty cell" : "non-numeric cell '\(shown)'",
                                      file: file, row: row, column: column)
        }
        return v
    }

    /// Exact powers of ten representable in a Double (10^0 ... 10^22).
    private static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// Clinger's fast path: `[+-]digits[.digits][(e|E)[+-]digits]` with at most 19 significant digits, a
    /// mantissa `w <= 2^53` and a decimal exponent `|q| <= 22`, so that `w * 10^q` (or `w / 10^-q`) is one correctly
    /// rounded IEEE operation on exact operands. Returns `nil` (use the slow path) for anything else.
    @inline(__always)
    static func fastDecimal(_ p: UnsafePointer<UInt8>, _ start: Int) -> (Double, Int)? {
        var i = start
        var negative = false
        if p[i] == UInt8(ascii: "-") { negative = true; i += 1 } else if p[i] == UInt8(ascii: "+") { i += 1 }
        var mantissa: UInt64 = 0
        var digits = 0
        var exponent = 0
        var sawDigit = false
        while true {
            let d = p[i] &- 48
            if d > 9 { break }
            sawDigit = true
            if mantissa != 0 || d != 0 {
                if digits == 19 { return nil }
                mantissa = mantissa &* 10 &+ UInt64(d)
                digits += 1
            }
            i += 1
        }
        if p[i] == UInt8(ascii: ".") {
            i += 1
            while true {
                let d = p[i] &- 48
                if d > 9 { break }
                sawDigit = true
                if mantissa != 0 || d != 0 {
                    if digits == 19 { return nil }
                    mantissa = mantissa &* 10 &+ UInt64(d)
                    digits += 1
                }
                exponent -= 1
                i += 1
            }
        }
        if !sawDigit { return nil }
        if p[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            var expNegative = false
            if p[i] == UInt8(ascii: "-") { expNegative = true; i += 1 } else if p[i] == UInt8(ascii: "+") { i += 1 }
            var e = 0
            var expDigits = 0
            while true {
                let d = p[i] &- 48
                if d > 9 { break }
                if expDigits == 6 { return nil }
                e = e * 10 + Int(d)
                expDigits += 1
                i += 1
            }
            if expDigits == 0 { return nil }
            exponent += expNegative ? -e : e
        }
        if mantissa == 0 { return (negative ? -0.0 : 0.0, i) }
        if mantissa > (1 << 53) || exponent < -22 || exponent > 22 { return nil }
        var v = Double(mantissa)
        if exponent > 0 { v *= exactPowersOfTen[exponent] } else if exponent < 0 { v /= exactPowersOfTen[-exponent] }
        return (negative ? -v : v, i)
    }

    /// The slow path for what ``fastDecimal(_:_:)`` declines: the whole cell (up to the next delimiter, trailing
    /// blanks trimmed) through Swift's `Double(_:)`, which is locale-independent and correctly rounded and also
    /// reads `nan`, `inf`, `infinity` (any case), hex floats and long mantissas. Returns the value and the index after
    /// the number, or `nil` when the cell is not a number.
    private static func slowDecimal(_ p: UnsafePointer<UInt8>, _ n: Int, _ start: Int) -> (Double, Int)? {
        var end = start
        while end < n && p[end] != comma && p[end] != lf && p[end] != cr { end += 1 }
        while end > start && (p[end - 1] == space || p[end - 1] == tab) { end -= 1 }
        if end == start { return nil }
        let text = String(decoding: UnsafeBufferPointer(start: p + start, count: end - start), as: UTF8.self)
        guard let v = Double(text) else { return nil }
        return (v, end)
    }

    /// The text of the cell starting at `start`, trimmed, at most 40 characters, for messages.
    private static func cellText(_ p: UnsafePointer<UInt8>, _ n: Int, _ start: Int) -> String {
        var end = start
        if p[start] == quote {
            end += 1
            while end < n && p[end] != quote { end += 1 }
            if end < n { end += 1 }
        }
        while end < n && p[end] != comma && p[end] != lf && p[end] != cr { end += 1 }
        let text = String(decoding: UnsafeBufferPointer(start: p + start, count: end - start), as: UTF8.self)
            .trimmingCharacters(in: .whitespaces)
        return text.count > 40 ? String(text.prefix(40)) + "..." : text
    }

    /// Skip a quoted cell (the opening quote at `pos`), leaving `pos` after the closing quote.
    private static func skipQuoted(_ p: UnsafePointer<UInt8>, _ n: Int, _ pos: inout Int, _ line: inout Int,
                                   file: String?, row: Int) throws {
        pos += 1
        while true {
            if pos == n { throw NeymanError.invalid("unterminated quoted cell", file: file, row: row) }
            if p[pos] == quote {
                if p[pos + 1] == quote { pos += 2; continue }
                pos += 1
                return
            }
            if p[pos] == lf || (p[pos] == cr && p[pos + 1] != lf) { line += 1 }
            pos += 1
        }
    }

    @inline(__always)
    private static func skipBlanks(_ p: UnsafePointer<UInt8>, _ pos: inout Int) {
        while p[pos] == space || p[pos] == tab { pos += 1 }
    }

    /// Consume one line end (`\n`, `\r\n` or `\r`) if `pos` is on one, and count the line.
    @inline(__always)
    private static func endLine(_ p: UnsafePointer<UInt8>, _ n: Int, _ pos: inout Int, _ line: inout Int) {
        if pos < n && p[pos] == cr { pos += 1; if pos < n && p[pos] == lf { pos += 1 } } else if pos < n && p[pos] == lf { pos += 1 }
        line += 1
    }

    private static func countNewlines(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int {
        var count = 0
        var q = UnsafeRawPointer(p)
        var remaining = n
        while remaining > 0, let hit = memchr(q, Int32(lf), remaining) {
            count += 1
            let advance = (UnsafeRawPointer(hit) - q) + 1
            q = UnsafeRawPointer(hit) + 1
            remaining -= advance
        }
        return count
    }
}

/// Whole-file reading for the readers: the bytes of a file followed by one NUL sentinel.
enum FileBytes {
    /// The content of `path` plus a trailing 0 byte (so the returned array has `size + 1` elements).
    ///
    /// - Throws: ``NeymanError/io(_:_:)`` naming `path` when it cannot be opened or read.
    static func readAll(path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY)
        if fd < 0 {
            throw NeymanError.ioError("cannot open for reading: \(String(cString: strerror(errno)))", file: path)
        }
        defer { close(fd) }
        var st = stat()
        if fstat(fd, &st) != 0 {
            throw NeymanError.ioError("cannot read: \(String(cString: strerror(errno)))", file: path)
        }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            throw NeymanError.ioError("cannot read: it is a directory", file: path)
        }
        let size = max(Int(st.st_size), 0)
        var readError: Int32 = 0
        // Read straight into the array's storage (capacity `size + 1` leaves room for the sentinel) ...
        var bytes = try [UInt8](unsafeUninitializedCapacity: size + 1) { buf, initialized in
            initialized = 0
            guard let base = buf.baseAddress else { return }
            var got = 0
            while got < size {
                let r = read(fd, base + got, size - got)
                if r < 0 {
                    if errno == EINTR { continue }
                    readError = errno
                    break
                }
                if r == 0 { break }
                got += r
            }
            initialized = got
            if readError != 0 {
                throw NeymanError.ioError("cannot read: \(String(cString: strerror(readError)))", file: path)
            }
        }
        // ... then in chunks, in case the file grew since `fstat` (or reports no size, like a pipe).
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let r = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if r < 0 {
                if errno == EINTR { continue }
                throw NeymanError.ioError("cannot read: \(String(cString: strerror(errno)))", file: path)
            }
            if r == 0 { break }
            bytes.append(contentsOf: chunk[0..<r])
        }
        bytes.append(0)
        return bytes
    }
}
