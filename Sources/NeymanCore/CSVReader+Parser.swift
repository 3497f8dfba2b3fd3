import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The CSV grammar: header, rows, quoted cells, line ends (see ``CSVReader`` for the format and its errors).
extension CSVReader {
    static let comma = UInt8(ascii: ",")
    static let quote = UInt8(ascii: "\"")
    static let lf = UInt8(ascii: "\n")
    static let cr = UInt8(ascii: "\r")
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")

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
        // Every data row but the last ends with a line end (`\n`, `\r\n` or a lone `\r`), so the number of line
        // ends plus one bounds the row count: the values go straight into preallocated buffers, one per output
        // column. (Counting `\n` alone undercounts a file with old Mac line ends, a lone `\r`; the bound must count
        // every kind, and the loop below still checks it before each store.)
        let maxRows = countLineEnds(p + pos, n - pos) + 1
        let buffers = (0..<outNames.count).map { _ in UnsafeMutablePointer<Double>.allocate(capacity: maxRows) }
        defer { for b in buffers { b.deallocate() } }
        var rows = 0

        while pos < n {
            let row = line
            // Blank line?
            let lineStart = pos
            skipBlanks(p, &pos)
            if pos == n { break }
            if p[pos] == lf || p[pos] == cr { endLine(p, n, &pos, &line); continue }
            pos = lineStart

            guard rows < maxRows else {
                throw NeymanError.invalid("internal: more data rows than line ends (\(maxRows))", file: file, row: row)
            }
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
                    buffers[k][rows] = try parseCell(p, n, &pos, &line, file: file, row: row, names: names,
                                                     cell: cell, allowNonFinite: allowNonFinite)
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
        let columns = buffers.map { Array(UnsafeBufferPointer(start: $0, count: rows)) }
        return Dataset(uncheckedNames: outNames, columns: columns, weights: nil, count: rows)
    }

    /// Parse one numeric cell starting at `pos` (blanks before it already skipped); leaves `pos` on the delimiter
    /// (a comma, a line end, or the end of the buffer).
    @inline(__always)
    static func parseCell(_ p: UnsafePointer<UInt8>, _ n: Int, _ pos: inout Int, _ line: inout Int,
                                  file: String?, row: Int, names: [String], cell: Int,
                                  allowNonFinite: Bool) throws -> Double {
        let start = pos
        var value: Double
        if p[start] == quote {
            value = try parseQuotedCell(p, n, &pos, &line, file: file, row: row, column: names[cell])
        } else {
            var parsed = fastDecimal(p, start)
            if let (_, e) = parsed, !endsCell(p, n, e) { parsed = nil }
            if parsed == nil { parsed = slowDecimal(p, n, start) }
            guard let (v, e) = parsed, endsCell(p, n, e) else {
                let shown = cellText(p, n, start)
                throw NeymanError.invalid(shown.isEmpty ? "empty cell" : "non-numeric cell '\(shown)'",
                                          file: file, row: row, column: names[cell])
            }
            value = v
            pos = e
            skipBlanks(p, &pos)
        }
        if !allowNonFinite && !value.isFinite {
            throw NeymanError.invalid(
                "non-finite value '\(cellText(p, n, start))' (NaN and infinities are not accepted as event data)",
                file: file, row: row, column: names[cell])
        }
        return value
    }

    /// Whether only blanks separate index `i` from a delimiter (comma, line end, end of buffer).
    @inline(__always)
    static func endsCell(_ p: UnsafePointer<UInt8>, _ n: Int, _ i: Int) -> Bool {
        var j = i
        skipBlanks(p, &j)
        return j == n || p[j] == comma || p[j] == lf || p[j] == cr
    }

    /// A quoted number (`"1.5"`): its inside is parsed from a private, NUL-terminated copy. Leaves `pos` on the
    /// delimiter after the closing quote.
    static func parseQuotedCell(_ p: UnsafePointer<UInt8>, _ n: Int, _ pos: inout Int, _ line: inout Int,
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

    /// The slow path for what ``fastDecimal(_:_:)`` declines: the whole cell (up to the next delimiter, trailing
    /// blanks trimmed) through ``StrictNumber``, which is locale-independent and correctly rounded and also
    /// reads `nan`, `inf`, `infinity` (any case) and long mantissas (no hex, no NUL). Returns the value and the index after
    /// the number, or `nil` when the cell is not a number.
    static func slowDecimal(_ p: UnsafePointer<UInt8>, _ n: Int, _ start: Int) -> (Double, Int)? {
        var end = start
        while end < n && p[end] != comma && p[end] != lf && p[end] != cr { end += 1 }
        while end > start && (p[end - 1] == space || p[end - 1] == tab) { end -= 1 }
        if end == start { return nil }
        // Strict grammar: a NUL byte inside the cell (`3\0999`) or a hex float is not a number.
        guard let v = StrictNumber.double(String(decoding: UnsafeBufferPointer(start: p + start, count: end - start),
                                                 as: UTF8.self)) else { return nil }
        return (v, end)
    }

    /// The text of the cell starting at `start`, trimmed, at most 40 characters, for messages.
    static func cellText(_ p: UnsafePointer<UInt8>, _ n: Int, _ start: Int) -> String {
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
    static func skipQuoted(_ p: UnsafePointer<UInt8>, _ n: Int, _ pos: inout Int, _ line: inout Int,
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
    static func skipBlanks(_ p: UnsafePointer<UInt8>, _ pos: inout Int) {
        while p[pos] == space || p[pos] == tab { pos += 1 }
    }

    /// Consume one line end (`\n`, `\r\n` or `\r`) if `pos` is on one, and count the line.
    @inline(__always)
    static func endLine(_ p: UnsafePointer<UInt8>, _ n: Int, _ pos: inout Int, _ line: inout Int) {
        if pos < n && p[pos] == cr {
            pos += 1
            if pos < n && p[pos] == lf { pos += 1 }
        } else if pos < n && p[pos] == lf {
            pos += 1
        }
        line += 1
    }

    /// The number of line ends in `p[0..<n]`: every `\n`, plus every `\r` not followed by `\n` (a lone `\r`, the
    /// old Mac line end). A `\r\n` counts once.
    static func countLineEnds(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int {
        count(lf, in: p, n) + count(cr, in: p, n) - countCRLF(p, n)
    }

    /// How many bytes of `p[0..<n]` equal `byte` (memchr-driven).
    static func count(_ byte: UInt8, in p: UnsafePointer<UInt8>, _ n: Int) -> Int {
        var count = 0
        var q = UnsafeRawPointer(p)
        var remaining = n
        while remaining > 0, let hit = memchr(q, Int32(byte), remaining) {
            count += 1
            let advance = (UnsafeRawPointer(hit) - q) + 1
            q = UnsafeRawPointer(hit) + 1
            remaining -= advance
        }
        return count
    }

    /// How many `\r\n` pairs `p[0..<n]` holds.
    static func countCRLF(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int {
        var count = 0
        var q = UnsafeRawPointer(p)
        var remaining = n
        while remaining > 1, let hit = memchr(q, Int32(cr), remaining - 1) {
            let h = hit.assumingMemoryBound(to: UInt8.self)
            if h[1] == lf { count += 1 }
            let advance = (UnsafeRawPointer(hit) - q) + 1
            q = UnsafeRawPointer(hit) + 1
            remaining -= advance
        }
        return count
    }
}
