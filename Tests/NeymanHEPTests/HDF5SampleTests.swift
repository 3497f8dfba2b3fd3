import CHDF5
import Foundation
import Testing
import NeymanCore
@testable import NeymanHEP

/// Samples from HDF5 files: datasets under their own names (mapped onto the layout's members), integer datasets
/// converted, and errors that name the file and the dataset.
@Suite("HDF5 muon samples", .serialized)
struct HDF5SampleTests {
    /// Writes an HDF5 file with the given datasets (Double or Int64 values) and groups, through the C API.
    static func writeHDF5(_ path: String, doubles: [(String, [Int], [Double])], ints: [(String, [Int], [Int64])] = [], groups: [String] = []) {
        let file = H5Fcreate(path, neyman_h5f_acc_trunc(), neyman_h5p_default(), neyman_h5p_default())
        defer { H5Fclose(file) }
        func dataset(_ name: String, _ shape: [Int], _ type: hid_t, _ write: (hid_t) -> Void) {
            var dims = shape.map { hsize_t($0) }
            let space = H5Screate_simple(Int32(shape.count), &dims, nil)
            let d = H5Dcreate2(file, name, type, space, neyman_h5p_default(), neyman_h5p_default(), neyman_h5p_default())
            write(d)
            H5Dclose(d); H5Sclose(space)
        }
        for (name, shape, values) in doubles {
            dataset(name, shape, neyman_h5t_native_double()) { d in
                _ = values.withUnsafeBufferPointer { H5Dwrite(d, neyman_h5t_native_double(), neyman_h5s_all(), neyman_h5s_all(), neyman_h5p_default(), $0.baseAddress) }
            }
        }
        for (name, shape, values) in ints {
            dataset(name, shape, neyman_h5t_native_int64()) { d in
                _ = values.withUnsafeBufferPointer { H5Dwrite(d, neyman_h5t_native_int64(), neyman_h5s_all(), neyman_h5s_all(), neyman_h5p_default(), $0.baseAddress) }
            }
        }
        for g in groups { H5Gclose(H5Gcreate2(file, g, neyman_h5p_default(), neyman_h5p_default(), neyman_h5p_default())) }
    }

    @Test func readsMappedDatasetsAsTheNPZLayout() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("neyman-h5-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("delphes.h5").path
        // Two muons, up to two deposits each (the second muon's second deposit is padding).
        let x: [Double] = [2, 0.1, 0.2, 1, 1, 0.15, 0.25, 3,
                           4, -1.0, 3.0, 4, 0, 0, 0, 0]
        Self.writeHDF5(path, doubles: [("particles", [2, 2, 4], x), ("mu", [2, 4], [12, 0.1, 0.2, 1, 11, -1, 3.1, -1])],
                       ints: [("truth", [2], [1, 0])], groups: ["group"])
        #expect(HDF5File.isHDF5(path: path))
        let s = try MuonSample.read(path: path, datasetNames: ["X": "particles", "muons": "mu", "y": "truth"])
        #expect(s.count == 2 && s.labels == [1, 0])
        #expect(s.deposits[0] == [Particle(pt: 2, eta: 0.1, phi: 0.2, category: .chargedHadron),
                                  Particle(pt: 1, eta: 0.15, phi: 0.25, category: .photon)])
        #expect(s.deposits[1].count == 1 && s.deposits[1][0].category == .pileup)
        #expect(s.muons[1] == MuonSample.Muon(pt: 11, eta: -1, phi: 3.1, charge: -1))
        // Cones agree with the same sample through NPZ.
        let npz = dir.appendingPathComponent("same.npz").path
        try s.write(to: npz)
        #expect(try MuonSample.read(path: npz).cones([0.1, 0.3]) == s.cones([0.1, 0.3]))

        // Errors name the file and the dataset.
        let missing = #expect(throws: NeymanError.self) { try MuonSample.read(path: path, datasetNames: ["X": "particles"]) }
        #expect(missing?.message.contains("'muons'") == true && missing?.location.file == path)
        let group = #expect(throws: NeymanError.self) { try MuonSample.read(path: path, datasetNames: ["X": "group", "muons": "mu"]) }
        #expect(group?.message.contains("'group'") == true)
        let unknown = #expect(throws: NeymanError.self) { try MuonSample.read(path: path, datasetNames: ["Y": "truth"]) }
        #expect(unknown?.location.parameter == "datasets")
        let text = dir.appendingPathComponent("fake.h5").path
        try "not hdf5".write(toFile: text, atomically: true, encoding: .utf8)
        let fake = #expect(throws: NeymanError.self) { try MuonSample.read(path: text) }
        #expect(fake?.message.contains("not an HDF5 file") == true && fake?.location.file == text)
        #expect(throws: NeymanError.self) { try MuonSample.read(path: dir.appendingPathComponent("absent.h5").path) }
    }
}
