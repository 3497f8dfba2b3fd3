import Foundation

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
        // Written once, straight into uninitialised storage (no zero fill first: the arrays are large).
        return [Double](unsafeUninitializedCapacity: count) { out, initialized in
            HugePages.advise(out.baseAddress, bytes: count * MemoryLayout<Double>.stride)
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
            initialized = count
        }
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
}
