import Foundation

extension NPYFormat {
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
