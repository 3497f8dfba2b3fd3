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
