import CHDF5
import Foundation
import NeymanCore

/// Reading numeric datasets from HDF5 files (Debian's libhdf5), for samples users bring from Delphes or open data.
///
/// A dataset of any integer or floating type with 1 to 4 dimensions is read as Double into an ``NPYArray`` (HDF5
/// converts the values). HDF5's own error printing is switched off; every failure is a ``NeymanError`` naming the
/// file and the dataset. Sizes are checked against ``MemoryBudget`` before reading. Calls are serialised by a lock:
/// Debian's serial HDF5 is not thread-safe.
public enum HDF5File {
    private static let lock = NSLock()

    /// Whether `path` is an HDF5 file (by its signature).
    public static func isHDF5(path: String) -> Bool {
        lock.lock(); defer { lock.unlock() }
        silenceErrors()
        return H5Fis_hdf5(path) > 0
    }

    /// The named datasets of `path` that exist, in the order asked for; a name in `required` that is missing is an
    /// error.
    ///
    /// - Throws: when the file cannot be opened or is not HDF5, a required dataset is missing, a dataset is not
    ///   numeric, has 0 or more than 4 dimensions, or is too large for memory.
    public static func read(path: String, datasets names: [String], required: Set<String> = []) throws -> [(String, NPYArray)] {
        lock.lock(); defer { lock.unlock() }
        silenceErrors()
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw NeymanError.ioError("cannot open for reading: \(FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file")", file: path)
        }
        guard H5Fis_hdf5(path) > 0 else { throw NeymanError.invalid("not an HDF5 file (no HDF5 signature)", file: path) }
        let file = H5Fopen(path, neyman_h5f_acc_rdonly(), neyman_h5p_default())
        guard file >= 0 else { throw NeymanError.invalid("the HDF5 file cannot be opened (damaged?)", file: path) }
        defer { H5Fclose(file) }
        var out: [(String, NPYArray)] = []
        for name in names {
            guard H5Lexists(file, name, neyman_h5p_default()) > 0 else {
                if required.contains(name) { throw NeymanError.invalid("no dataset '\(name)'", file: path, column: name) }
                continue
            }
            out.append((name, try readDataset(file, name, path)))
        }
        return out
    }

    private static func readDataset(_ file: hid_t, _ name: String, _ path: String) throws -> NPYArray {
        func bad(_ message: String) -> NeymanError { NeymanError.invalid("dataset '\(name)': \(message)", file: path, column: name) }
        let dataset = H5Dopen2(file, name, neyman_h5p_default())
        guard dataset >= 0 else { throw bad("cannot be opened (is it a group?)") }
        defer { H5Dclose(dataset) }
        let type = H5Dget_type(dataset)
        guard type >= 0 else { throw bad("has no readable type") }
        let typeClass = H5Tget_class(type)
        H5Tclose(type)
        guard typeClass == H5T_INTEGER || typeClass == H5T_FLOAT else { throw bad("is not numeric (integer or floating point)") }
        let space = H5Dget_space(dataset)
        guard space >= 0 else { throw bad("has no readable shape") }
        defer { H5Sclose(space) }
        let rank = Int(H5Sget_simple_extent_ndims(space))
        guard (1...NPYFormat.maximumDimensions).contains(rank) else {
            throw bad("has \(rank) dimensions; 1 to \(NPYFormat.maximumDimensions) are read")
        }
        var dims = [hsize_t](repeating: 0, count: rank)
        guard H5Sget_simple_extent_dims(space, &dims, nil) == Int32(rank) else { throw bad("has an unreadable shape") }
        let shape = dims.map { Int(clamping: $0) }
        guard let count = MemoryBudget.product(shape) else { throw bad("shape \(shape) has more elements than can be counted") }
        try MemoryBudget.check(count: count, bytesPerElement: 8, what: "dataset '\(name)'", file: path)
        var values = [Double](repeating: 0, count: count)
        let status = values.withUnsafeMutableBufferPointer { b in
            H5Dread(dataset, neyman_h5t_native_double(), neyman_h5s_all(), neyman_h5s_all(), neyman_h5p_default(), b.firstAddress)
        }
        guard status >= 0 else { throw bad("could not be read (damaged data?)") }
        return try NPYArray(shape: shape, values: values)
    }

    /// Turns off HDF5's automatic error printing (to stderr) for this process; errors are reported as NeymanErrors.
    private static func silenceErrors() { H5Eset_auto2(neyman_h5e_default(), nil, nil) }
}
