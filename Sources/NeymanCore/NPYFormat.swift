import Foundation

/// A numeric array of 1 to 4 dimensions as stored in a NumPy `.npy` file: its shape and its values as `Double` in C
/// (row-major) order, so element `(i, j)` of a 2-D array is `values[i * shape[1] + j]` and element `(i, j, k)` of a
/// 3-D one (the EnergyFlow particle layout `X[event, particle, feature]`) is `values[(i * shape[1] + j) * shape[2] + k]`.
///
/// Invariant: `values.count` is the product of `shape`, and `shape` has 1 to ``NPYFormat/maximumDimensions``
/// non-negative entries.
public struct NPYArray: Sendable, Equatable {
    /// The dimensions: `[n]` for a vector, `[rows, columns]` for a matrix, `[n, m, k]` for a 3-D array.
    public private(set) var shape: [Int]
    /// The elements in C order.
    public private(set) var values: [Double]

    /// An array of the given shape.
    ///
    /// - Throws: ``NeymanError/invalidInput(_:_:)`` when `shape` has no or more than 4 dimensions, a negative entry,
    ///   or a product that differs from `values.count`.
    public init(shape: [Int], values: [Double]) throws {
        guard (1...NPYFormat.maximumDimensions).contains(shape.count) else {
            throw NeymanError.invalid("an array must have 1 to \(NPYFormat.maximumDimensions) dimensions, not shape "
                                      + NPYFormat.shapeDescription(shape))
        }
        guard shape.allSatisfy({ $0 >= 0 }) else {
            throw NeymanError.invalid("negative dimension in shape \(NPYFormat.shapeDescription(shape))")
        }
        guard let product = MemoryBudget.product(shape), product == values.count else {
            throw NeymanError.invalid(
                "shape \(NPYFormat.shapeDescription(shape)) does not hold \(values.count) values")
        }
        self.shape = shape
        self.values = values
    }

    /// A 1-D array (shape `[values.count]`).
    public init(_ values: [Double]) {
        self.shape = [values.count]
        self.values = values
    }

    /// The number of elements.
    public var count: Int { values.count }
}

/// The element types Neyman reads from `.npy` files, named by NumPy's `descr` string.
///
/// All are converted to `Double` on reading: integers exactly up to 2^53 in magnitude (64-bit integers beyond that
/// round to the nearest Double), booleans as 0 and 1. Only ``float64`` and ``float32`` can be written.
public enum NPYDType: String, Sendable, CaseIterable {
    /// `<f8`: IEEE double, little-endian.
    case float64 = "<f8"
    /// `<f4`: IEEE single, little-endian.
    case float32 = "<f4"
    /// `<i8`: signed 64-bit integer, little-endian.
    case int64 = "<i8"
    /// `<i4`: signed 32-bit integer, little-endian.
    case int32 = "<i4"
    /// `<i2`: signed 16-bit integer, little-endian.
    case int16 = "<i2"
    /// `|i1`: signed 8-bit integer.
    case int8 = "|i1"
    /// `<u8`: unsigned 64-bit integer, little-endian.
    case uint64 = "<u8"
    /// `<u4`: unsigned 32-bit integer, little-endian.
    case uint32 = "<u4"
    /// `<u2`: unsigned 16-bit integer, little-endian.
    case uint16 = "<u2"
    /// `|u1`: unsigned 8-bit integer.
    case uint8 = "|u1"
    /// `|b1`: boolean, one byte (any non-zero byte reads as 1).
    case bool = "|b1"

    /// Bytes per element.
    public var itemSize: Int {
        switch self {
        case .float64, .int64, .uint64: return 8
        case .float32, .int32, .uint32: return 4
        case .int16, .uint16: return 2
        case .int8, .uint8, .bool: return 1
        }
    }

    /// The dtype for a `descr` string. Byte order `<` (little-endian), `=` (native: little-endian on every
    /// platform Neyman runs on), `|` (not applicable) or none are accepted; `>` (big-endian) only for one-byte
    /// types, where order does not matter. Returns `nil` for anything else, including big-endian multi-byte types,
    /// which callers report separately.
    init?(descr: String) {
        var body = Substring(descr)
        var bigEndian = false
        if let first = body.first, "<=|>".contains(first) {
            bigEndian = first == ">"
            body = body.dropFirst()
        }
        guard let type = NPYDType.byKind[String(body)] else { return nil }
        if bigEndian && type.itemSize > 1 { return nil }
        self = type
    }

    private static let byKind: [String: NPYDType] = Dictionary(
        uniqueKeysWithValues: NPYDType.allCases.map { (String($0.rawValue.dropFirst()), $0) })
}

/// Reads and writes NumPy's `.npy` format (format versions 1.0, 2.0 and 3.0).
///
/// Layout (numpy/lib/format.py):
/// ```
///   \x93NUMPY  major minor  HEADER_LEN              header                                   data
///   6 bytes    1     1      u16 LE (v1.0)           "{'descr': '<f8', 'fortran_order': False,  C-order
///                           u32 LE (v2.0, v3.0)      'shape': (3,), }" + spaces + "\n"       elements
///                                                   (latin-1; UTF-8 in v3.0)
/// ```
/// `10 + HEADER_LEN` (or `12 + HEADER_LEN`) is a multiple of 64, so the data is aligned.
///
/// Reading accepts the dtypes of ``NPYDType`` with shapes of 1 to 4 dimensions and `fortran_order: False`.
/// Errors (each ``NeymanError`` names the file): a bad magic string, an unknown format version, a header that
/// is not a dict with `descr`, `fortran_order` and `shape`, a big-endian or unsupported dtype, Fortran order, a
/// 0-D or 5-D (or higher) shape, data shorter than the shape needs ("truncated"), or bytes after the data.
///
/// Writing produces exactly the bytes `numpy.save` produces for the same array (NumPy >= 1.23 header padding),
/// as version 1.0 unless the header needs more than 65535 bytes.
public enum NPYFormat {

    /// The most dimensions an array may have (the EnergyFlow layouts need 3: events x particles x features, and
    /// events x 32 x 32 for images).
    public static let maximumDimensions = 4

    /// The six magic bytes every `.npy` file starts with.
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]   // "\x93NUMPY"

    // MARK: Reading

    /// Read the `.npy` file at `path`.
    ///
    /// - Throws: ``NeymanError/io(_:_:)`` if the file cannot be read; ``NeymanError/invalidInput(_:_:)`` for the
    ///   format errors listed in the type's documentation. Every error names `path`.
    public static func read(path: String) throws -> NPYArray {
        let bytes = try FileBytes.readAll(path: path)
        return try bytes.withUnsafeBufferPointer { buf in
            try decode(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buf)[0..<(buf.count - 1)]),
                       source: path)
        }
    }

    /// Decode `.npy` bytes held in memory.
    ///
    /// - Parameter source: the file name used in error locations (`nil`: none).
    public static func decode(_ data: Data, source: String? = nil) throws -> NPYArray {
        try data.withUnsafeBytes { try decode($0, source: source) }
    }

    static func decode(_ raw: UnsafeRawBufferPointer, source: String?) throws -> NPYArray {
        func fail(_ message: String) -> NeymanError { NeymanError.invalid(message, file: source) }
        let n = raw.count
        guard n >= 8, Array(raw[0..<6]) == magic else {
            throw fail("not a NumPy .npy file (bad magic string; expected \\x93NUMPY)")
        }
        let major = raw[6], minor = raw[7]
        let headerLength: Int
        let headerStart: Int
        switch major {
        case 1:
            guard n >= 10 else { throw fail("truncated .npy header") }
            headerLength = Int(raw[8]) | Int(raw[9]) << 8
            headerStart = 10
        case 2, 3:
            guard n >= 12 else { throw fail("truncated .npy header") }
            headerLength = Int(raw[8]) | Int(raw[9]) << 8 | Int(raw[10]) << 16 | Int(raw[11]) << 24
            headerStart = 12
        default:
            throw fail("unsupported .npy format version \(major).\(minor) (expected 1.0, 2.0 or 3.0)")
        }
        guard minor == 0 else {
            throw fail("unsupported .npy format version \(major).\(minor) (expected 1.0, 2.0 or 3.0)")
        }
        guard headerStart + headerLength <= n else {
            throw fail("truncated .npy header: it declares \(headerLength) bytes but the file has "
                       + "\(n - headerStart) after the prefix")
        }
        let headerBytes = raw[headerStart..<(headerStart + headerLength)]
        let headerText: String
        if major == 3 {
            guard let text = String(bytes: headerBytes, encoding: .utf8) else {
                throw fail("the .npy header is not valid UTF-8")
            }
            headerText = text
        } else {
            headerText = String(headerBytes.map { Character(Unicode.Scalar($0)) })   // latin-1
        }
        let header = try parseHeader(headerText, source: source)

        let dataStart = headerStart + headerLength
        let count = MemoryBudget.product(header.shape) ?? 0   // the header parser refused shapes whose product overflows
        let itemSize = header.dtype.itemSize
        let (needed, overflow) = count.multipliedReportingOverflow(by: itemSize)
        let available = n - dataStart
        if overflow || needed > available {
            throw fail("truncated .npy data: shape \(shapeDescription(header.shape)) of \(header.dtype.rawValue) "
                       + "needs \(overflow ? "more than Int.max" : String(needed)) bytes but the file has \(available)")
        }
        if needed < available {
            throw fail("\(available - needed) unexpected bytes after the data of shape "
                       + shapeDescription(header.shape))
        }
        let values = convert(UnsafeRawBufferPointer(rebasing: raw[dataStart..<(dataStart + needed)]),
                             count: count, dtype: header.dtype)
        return try NPYArray(shape: header.shape, values: values)
    }

    /// Elements of `dtype` (little-endian) to Doubles.
    private static func convert(_ raw: UnsafeRawBufferPointer, count: Int, dtype: NPYDType) -> [Double] {
        func load<T: FixedWidthInteger>(_: T.Type, _ i: Int) -> T {
            T(littleEndian: raw.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.size, as: T.self))
        }
        var out = [Double](repeating: 0, count: count)
        switch dtype {
        case .float64: for i in 0..<count { out[i] = Double(bitPattern: load(UInt64.self, i)) }
        case .float32: for i in 0..<count { out[i] = Double(Float(bitPattern: load(UInt32.self, i))) }
        case .int64: for i in 0..<count { out[i] = Double(load(Int64.self, i)) }
        case .int32: for i in 0..<count { out[i] = Double(load(Int32.self, i)) }
        case .int16: for i in 0..<count { out[i] = Double(load(Int16.self, i)) }
        case .int8: for i in 0..<count { out[i] = Double(load(Int8.self, i)) }
        case .uint64: for i in 0..<count { out[i] = Double(load(UInt64.self, i)) }
        case .uint32: for i in 0..<count { out[i] = Double(load(UInt32.self, i)) }
        case .uint16: for i in 0..<count { out[i] = Double(load(UInt16.self, i)) }
        case .uint8: for i in 0..<count { out[i] = Double(raw[i]) }
        case .bool: for i in 0..<count { out[i] = raw[i] != 0 ? 1 : 0 }
        }
        return out
    }

    // MARK: Header

    struct Header {
        var dtype: NPYDType
        var shape: [Int]
    }

    /// Parse the header dict (a Python literal) and check it describes something Neyman can read.
    static func parseHeader(_ text: String, source: String?) throws -> Header {
        func fail(_ message: String) -> NeymanError { NeymanError.invalid(message, file: source) }
        var parser = PythonLiteralParser(text)
        let literal: PythonLiteral
        do {
            literal = try parser.parseDocument()
        } catch let reason as PythonLiteralParser.Failure {
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            let shown = trimmed.count > 120 ? String(trimmed.prefix(120)) + "..." : trimmed
            throw fail("malformed .npy header (\(reason.message)): \(shown)")
        }
        guard case .dict(let entries) = literal else { throw fail("the .npy header is not a dict: \(text)") }
        func value(_ key: String) throws -> PythonLiteral {
            guard let v = entries.first(where: { $0.0 == key })?.1 else {
                throw fail("the .npy header lacks the key '\(key)'")
            }
            return v
        }
        let dtype: NPYDType
        switch try value("descr") {
        case .string(let descr):
            if let t = NPYDType(descr: descr) {
                dtype = t
            } else if descr.hasPrefix(">") {
                throw fail("big-endian dtype '\(descr)' is not supported; "
                           + "convert with numpy's astype('<\(descr.dropFirst())')")
            } else {
                let supported = NPYDType.allCases.map(\.rawValue).joined(separator: ", ")
                throw fail("unsupported dtype '\(descr)' (supported: \(supported))")
            }
        default:
            throw fail("unsupported dtype: structured arrays (a list descr) are not supported")
        }
        guard case .bool(let fortran) = try value("fortran_order") else {
            throw fail("the .npy header's 'fortran_order' is not True or False")
        }
        if fortran {
            throw fail("Fortran-ordered arrays are not supported; save with numpy.ascontiguousarray(a)")
        }
        guard case .tuple(let dims) = try value("shape") else {
            throw fail("the .npy header's 'shape' is not a tuple")
        }
        var shape: [Int] = []
        for d in dims {
            guard case .int(let k) = d, k >= 0 else {
                throw fail("the .npy header's 'shape' has a non-integer or negative entry")
            }
            shape.append(k)
        }
        guard (1...maximumDimensions).contains(shape.count) else {
            throw fail("unsupported shape \(shapeDescription(shape)): arrays of 1 to \(maximumDimensions) dimensions are supported")
        }
        if MemoryBudget.product(shape) == nil {
            throw fail("shape \(shapeDescription(shape)) is too large")
        }
        return Header(dtype: dtype, shape: shape)
    }

    /// A shape as Python writes a tuple: `(3,)`, `(2, 3)`, `()`.
    public static func shapeDescription(_ shape: [Int]) -> String {
        shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    }

    // MARK: Writing

    /// Encode `array` as `.npy` bytes with element type `dtype`: ``NPYDType/float64``, ``NPYDType/float32`` (each
    /// value rounded to the nearest Float), ``NPYDType/int64`` or ``NPYDType/uint8`` (each value must then be an
    /// integer in the type's range: event numbers, labels, process codes, UTF-8 bytes of metadata).
    ///
    /// The header is the one `numpy.save` writes: keys in sorted order, the shape padded by spaces so it can grow
    /// to 21 digits in place, then spaces and a newline up to a multiple of 64 bytes; format 1.0, or 2.0 if the
    /// header is longer than 65535 bytes.
    /// - Throws: ``NeymanError/invalidInput(_:_:)`` for another dtype, or a value an integer dtype cannot hold.
    public static func encode(_ array: NPYArray, dtype: NPYDType = .float64) throws -> Data {
        guard [.float64, .float32, .int64, .uint8].contains(dtype) else {
            throw NeymanError.invalid("writing dtype '\(dtype.rawValue)' is not supported (use <f8, <f4, <i8 or |u1)",
                                      parameter: "dtype")
        }
        var out = headerBytes(descr: dtype.rawValue, shape: array.shape)
        out.reserveCapacity(out.count + array.count * dtype.itemSize)
        switch dtype {
        case .float64: for v in array.values { appendLittleEndian(v.bitPattern, to: &out) }
        case .float32: for v in array.values { appendLittleEndian(Float(v).bitPattern, to: &out) }
        case .int64:
            for (i, v) in array.values.enumerated() {
                guard v == v.rounded(), abs(v) <= 9_007_199_254_740_992 else {
                    throw NeymanError.invalid("element \(i) (\(v)) is not an integer of magnitude at most 2^53", parameter: "dtype")
                }
                appendLittleEndian(UInt64(bitPattern: Int64(v)), to: &out)
            }
        default:
            for (i, v) in array.values.enumerated() {
                guard v == v.rounded(), v >= 0, v <= 255 else {
                    throw NeymanError.invalid("element \(i) (\(v)) is not a byte (an integer from 0 to 255)", parameter: "dtype")
                }
                out.append(UInt8(v))
            }
        }
        return Data(out)
    }

    /// Write `array` to `path` as `.npy` (see ``encode(_:dtype:)``), atomically via ``AtomicFile``.
    ///
    /// - Throws: as ``encode(_:dtype:)``, and ``NeymanError/io(_:_:)`` naming `path` if it cannot be written.
    public static func write(_ array: NPYArray, to path: String, dtype: NPYDType = .float64) throws {
        let data: Data
        do { data = try encode(array, dtype: dtype) } catch let e as NeymanError { throw e.inFile(path) }
        try AtomicFile.write(data, to: path)
    }

    /// The magic string, version, length and padded header, exactly as numpy's `_write_array_header`.
    static func headerBytes(descr: String, shape: [Int]) -> [UInt8] {
        var dict = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shapeDescription(shape)), }"
        // numpy >= 1.23: room for the first axis to grow to 21 digits without rewriting the header.
        if let first = shape.first { dict += String(repeating: " ", count: max(0, 21 - String(first).count)) }
        let body = Array(dict.utf8)
        var prefixLength = 10   // magic(6) + version(2) + u16 length
        var padding = 64 - (prefixLength + body.count + 1) % 64
        var major: UInt8 = 1
        if body.count + 1 + padding > 65535 {
            major = 2
            prefixLength = 12
            padding = 64 - (prefixLength + body.count + 1) % 64
        }
        let headerLength = body.count + padding + 1
        var out = magic + [major, 0]
        if major == 1 {
            appendLittleEndian(UInt16(headerLength), to: &out)
        } else {
            appendLittleEndian(UInt32(headerLength), to: &out)
        }
        out += body
        out += [UInt8](repeating: 0x20, count: padding)
        out.append(0x0A)
        return out
    }

    static func appendLittleEndian<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        var v = value.littleEndian
        withUnsafeBytes(of: &v) { out.append(contentsOf: $0) }
    }
}

// MARK: - Python literals (the .npy header)

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
