import Foundation

/// A columnar table of events: named `Double` columns of one common length, plus optional per-event weights.
///
/// ```
///            columnNames:  "pt"     "eta"    "iso"      weights (optional)
///   event 0               41.2     -0.31     0.02         1.0
///   event 1               17.9      1.87     0.40         0.5
///   ...                    ...       ...      ...          ...
/// ```
///
/// Invariants (checked by every initialiser and transformation, so a `Dataset` that exists satisfies them):
/// - column names are unique and non-empty, and their order is the order columns were given in;
/// - every column has exactly ``count`` values;
/// - `weights`, when present, has exactly ``count`` values.
///
/// Values are not checked for finiteness here; the readers (``CSVReader``, ``NPYFormat``, ``NPZArchive`` via
/// ``load(path:columns:allowNonFinite:)``) reject NaN and infinities unless asked not to.
///
/// Weights are never inferred from a column's name: a column called `weight` stays a column until
/// ``withWeights(fromColumn:removingColumn:)`` makes it the weights.
public struct Dataset: Sendable, Equatable {
    /// The column names, in order.
    public private(set) var columnNames: [String]
    /// The column values, parallel to `columnNames`.
    private var storage: [[Double]]
    /// Per-event weights (one per row), or `nil` when every event has weight 1.
    public private(set) var weights: [Double]?
    /// The number of events (rows). A dataset with no columns has `weights?.count ?? 0` rows.
    public private(set) var count: Int

    // MARK: Creating

    /// A dataset from ordered `(name, values)` pairs and optional weights.
    ///
    /// - Throws: ``NeymanError/invalidInput(_:_:)`` when a name is empty or repeated (the error names the column),
    ///   when columns have different lengths (the error names the first column whose length differs from the first
    ///   column's and gives both lengths), or when `weights` has a different length from the columns.
    ///   With no columns, the row count is `weights?.count ?? 0`.
    public init(columns: [(String, [Double])], weights: [Double]? = nil) throws {
        var seen = Set<String>()
        for (name, _) in columns {
            if name.isEmpty { throw NeymanError.invalid("a column name is empty") }
            if !seen.insert(name).inserted {
                throw NeymanError.invalid("duplicate column name '\(name)'", column: name)
            }
        }
        let n = columns.first?.1.count ?? (weights?.count ?? 0)
        if let (first, _) = columns.first {
            for (name, values) in columns where values.count != n {
                throw NeymanError.invalid(
                    "ragged columns: '\(name)' has \(values.count) values but '\(first)' has \(n)", column: name)
            }
        }
        if let w = weights, w.count != n {
            throw NeymanError.invalid("weights have \(w.count) values but the columns have \(n) rows",
                                      column: "weights")
        }
        self.columnNames = columns.map(\.0)
        self.storage = columns.map(\.1)
        self.weights = weights
        self.count = n
    }

    /// Internal initialiser for callers that have already established the invariants.
    init(uncheckedNames names: [String], columns: [[Double]], weights: [Double]?, count: Int) {
        self.columnNames = names
        self.storage = columns
        self.weights = weights
        self.count = count
        assert(Set(names).count == names.count && columns.count == names.count)
        assert(columns.allSatisfy { $0.count == count } && (weights?.count ?? count) == count)
    }

    // MARK: Reading columns

    /// The number of columns.
    public var columnCount: Int { columnNames.count }

    /// Whether a column called `name` exists.
    public func hasColumn(_ name: String) -> Bool { columnNames.contains(name) }

    /// The values of column `name`.
    ///
    /// - Throws: ``NeymanError/invalidInput(_:_:)`` naming the missing column and listing the available ones.
    public func column(_ name: String) throws -> [Double] {
        storage[try index(of: name)]
    }

    /// The values of several columns, in the order of `names` (a name may appear more than once).
    ///
    /// - Throws: as ``column(_:)`` for the first missing name.
    public func columns(_ names: [String]) throws -> [[Double]] {
        try names.map { try column($0) }
    }

    /// All columns as ordered `(name, values)` pairs (the form ``init(columns:weights:)`` takes).
    public var namedColumns: [(String, [Double])] { Array(zip(columnNames, storage)) }

    /// The weights, or `count` ones when the dataset is unweighted.
    public var weightsOrOnes: [Double] { weights ?? [Double](repeating: 1, count: count) }

    // MARK: Transforming

    /// The rows at `rows`, in that order. Indices may repeat (a bootstrap replica) and need not be sorted;
    /// weights, if any, follow their rows.
    ///
    /// - Throws: ``NeymanError/invalidInput(_:_:)`` for an index outside `0..<count` (the message gives the index
    ///   and the valid range).
    public func subset(rows: [Int]) throws -> Dataset {
        for r in rows where r < 0 || r >= count {
            throw NeymanError.invalid("row index \(r) is outside 0..<\(count)")
        }
        let cols = storage.map { col in rows.map { col[$0] } }
        let w = weights.map { w in rows.map { w[$0] } }
        return Dataset(uncheckedNames: columnNames, columns: cols, weights: w, count: rows.count)
    }

    /// A copy with one more column at the end.
    ///
    /// If the dataset has no columns yet (and no weights), the new column sets the row count.
    /// - Throws: ``NeymanError/invalidInput(_:_:)`` if `name` is empty or already used, or if `values.count`
    ///   differs from ``count``.
    public func appending(column name: String, values: [Double]) throws -> Dataset {
        if name.isEmpty { throw NeymanError.invalid("a column name is empty") }
        if hasColumn(name) { throw NeymanError.invalid("duplicate column name '\(name)'", column: name) }
        let defining = columnNames.isEmpty && weights == nil
        if !defining && values.count != count {
            throw NeymanError.invalid("column '\(name)' has \(values.count) values but the dataset has \(count) rows",
                                      column: name)
        }
        return Dataset(uncheckedNames: columnNames + [name], columns: storage + [values], weights: weights,
                       count: defining ? values.count : count)
    }

    /// A copy without column `name`.
    ///
    /// - Throws: as ``column(_:)`` when the column does not exist.
    public func removing(column name: String) throws -> Dataset {
        let i = try index(of: name)
        var names = columnNames, cols = storage
        names.remove(at: i)
        cols.remove(at: i)
        return Dataset(uncheckedNames: names, columns: cols, weights: weights, count: count)
    }

    /// A copy whose weights are the values of column `name`.
    ///
    /// - Parameter removingColumn: drop the column from the features (default), so that a network trained on
    ///   ``columnNames`` never sees its own weights.
    /// - Throws: as ``column(_:)`` when the column does not exist.
    public func withWeights(fromColumn name: String, removingColumn: Bool = true) throws -> Dataset {
        let w = try column(name)
        var result = removingColumn ? try removing(column: name) : self
        result.weights = w
        return result
    }

    /// A copy with the given weights (`nil` makes it unweighted).
    ///
    /// - Throws: ``NeymanError/invalidInput(_:_:)`` when `weights.count != count`.
    public func withWeights(_ weights: [Double]?) throws -> Dataset {
        if let w = weights, w.count != count {
            throw NeymanError.invalid("weights have \(w.count) values but the dataset has \(count) rows",
                                      column: "weights")
        }
        var result = self
        result.weights = weights
        return result
    }

    // MARK: Files

    /// Read a dataset from a file, choosing the format by the file extension (case-insensitive):
    ///
    /// | extension | reader | columns |
    /// |---|---|---|
    /// | `.csv` | ``CSVReader/read(path:columns:allowNonFinite:)`` | one per header name |
    /// | `.npy` | ``NPYFormat/read(path:)`` | 1-D: one column named after the file stem (`mu.npy` -> `mu`); |
    /// |        |                           | 2-D of shape `(n, k)`: `k` columns `x0` ... `x{k-1}` of `n` rows |
    /// | `.npz` | ``NPZArchive/read(path:)`` | one per member (name without `.npy`), in archive order; each |
    /// |        |                            | member used must be 1-D, and all of the same length |
    ///
    /// No column is treated as weights (not even one named `weight` or `weights`); use
    /// ``withWeights(fromColumn:removingColumn:)``.
    ///
    /// - Parameters:
    ///   - columns: keep only these columns, in this order (`nil`: all). Only the kept columns are checked for
    ///     numbers (CSV), finiteness, shape and length (NPZ), so other columns may hold text or other shapes.
    ///   - allowNonFinite: accept NaN and infinite values; by default they are an error that names the file, the
    ///     column and the row (CSV) or the 0-based element index (NPY/NPZ).
    /// - Throws: ``NeymanError`` naming `path`: an unknown extension, an unreadable file, a requested column that
    ///   does not exist (listing those that do), or any error of the readers.
    public static func load(path: String, columns: [String]? = nil, allowNonFinite: Bool = false) throws -> Dataset {
        let url = URL(fileURLWithPath: path)
        var arrays: [(String, NPYArray)]
        switch url.pathExtension.lowercased() {
        case "csv":
            return try CSVReader.read(path: path, columns: columns, allowNonFinite: allowNonFinite)
        case "npy":
            let array = try NPYFormat.read(path: path)
            let stem = url.deletingPathExtension().lastPathComponent
            if array.shape.count == 2 {
                let (n, k) = (array.shape[0], array.shape[1])
                arrays = (0..<k).map { j in ("x\(j)", NPYArray((0..<n).map { i in array.values[i * k + j] })) }
            } else {
                arrays = [(stem, array)]
            }
        case "npz":
            arrays = try NPZArchive.read(path: path)
            if arrays.isEmpty { throw NeymanError.invalid("the archive holds no .npy members", file: path) }
        default:
            let ext = url.pathExtension.isEmpty ? "(none)" : ".\(url.pathExtension)"
            throw NeymanError.invalid("unsupported file extension \(ext); expected .csv, .npy or .npz", file: path)
        }
        if let columns {
            var seen = Set<String>()
            arrays = try columns.map { want in
                guard let found = arrays.first(where: { $0.0 == want }) else {
                    let available = arrays.map { "'\($0.0)'" }.joined(separator: ", ")
                    throw NeymanError.invalid("no column named '\(want)'; available columns: \(available)",
                                              file: path, column: want)
                }
                if !seen.insert(want).inserted {
                    throw NeymanError.invalid("column '\(want)' is requested twice", file: path, column: want)
                }
                return found
            }
        }
        return try fromArrays(arrays, path: path, allowNonFinite: allowNonFinite)
    }

    /// Build columns from named 1-D arrays (NPY or NPZ members), checking shape, length and finiteness.
    private static func fromArrays(_ arrays: [(String, NPYArray)], path: String,
                                   allowNonFinite: Bool) throws -> Dataset {
        for (name, array) in arrays where array.shape.count != 1 {
            throw NeymanError.invalid(
                "member '\(name)' has shape \(NPYFormat.shapeDescription(array.shape)); a dataset column must be 1-D",
                file: path, column: name)
        }
        if let (first, firstArray) = arrays.first {
            for (name, array) in arrays where array.count != firstArray.count {
                throw NeymanError.invalid(
                    "member '\(name)' has \(array.count) values but '\(first)' has \(firstArray.count)",
                    file: path, column: name)
            }
        }
        if !allowNonFinite {
            for (name, array) in arrays {
                if let i = array.values.firstIndex(where: { !$0.isFinite }) {
                    throw NeymanError.invalid(
                        "non-finite value \(array.values[i]) at element index \(i) (0-based); "
                            + "pass allowNonFinite to accept it", file: path, column: name)
                }
            }
        }
        do {
            return try Dataset(columns: arrays.map { ($0.0, $0.1.values) })
        } catch let e as NeymanError {
            throw e.inFile(path)
        }
    }

    /// Write the dataset as CSV (see ``CSVWriter``): a header row, then one row per event.
    ///
    /// - Parameter weightsColumn: when the dataset is weighted, the weights are written as a last column with this
    ///   name (reading the file back gives an ordinary column; restore the weights with
    ///   ``withWeights(fromColumn:removingColumn:)``).
    /// - Throws: ``NeymanError`` if `weightsColumn` collides with a column name, or if the file cannot be written.
    public func write(csv path: String, weightsColumn: String = "weight") throws {
        try CSVWriter.write(try columnsForWriting(weightsColumn: weightsColumn, path: path), to: path)
    }

    /// Write the dataset as an NPZ archive (see ``NPZArchive``): one 1-D `<f8` member per column
    /// (`name.npy`), in column order, plus `weightsColumn.npy` when the dataset is weighted.
    ///
    /// - Parameter compressed: deflate the members (as `numpy.savez_compressed`) instead of storing them
    ///   (as `numpy.savez`).
    /// - Throws: ``NeymanError`` if `weightsColumn` collides with a column name, or if the file cannot be written.
    public func write(npz path: String, weightsColumn: String = "weight", compressed: Bool = false) throws {
        let cols = try columnsForWriting(weightsColumn: weightsColumn, path: path)
        try NPZArchive.write(cols.map { ($0.0, NPYArray($0.1)) }, to: path, compressed: compressed)
    }

    private func columnsForWriting(weightsColumn: String, path: String) throws -> [(String, [Double])] {
        var cols = namedColumns
        if let w = weights {
            if hasColumn(weightsColumn) {
                throw NeymanError.invalid(
                    "cannot write the weights as column '\(weightsColumn)': a column already has that name",
                    file: path, column: weightsColumn)
            }
            cols.append((weightsColumn, w))
        }
        return cols
    }

    // MARK: Helpers

    private func index(of name: String) throws -> Int {
        guard let i = columnNames.firstIndex(of: name) else {
            let available = columnNames.isEmpty ? "none" : columnNames.map { "'\($0)'" }.joined(separator: ", ")
            throw NeymanError.invalid("no column named '\(name)'; available columns: \(available)", column: name)
        }
        return i
    }
}
