import Foundation
import Testing
@testable import NeymanCore

@Suite("NPY format")
struct NPYTests {

    /// numpy.save(np.array([1.0, 2.5, -3.0])) byte for byte (NumPy 2.x): the dict, 20 spaces of growth room for
    /// the shape, then spaces and a newline so that the data starts at byte 128.
    static let numpyF8: [UInt8] = {
        let dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }"
        let header = Array(dict.utf8) + [UInt8](repeating: 0x20, count: 118 - 1 - dict.utf8.count) + [0x0A]
        let data = [1.0, 2.5, -3.0].flatMap { le($0.bitPattern) }
        return [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 0x01, 0x00, 0x76, 0x00] + header + data
    }()

    @Test("a hand-made version 1.0 file as numpy writes it is read exactly, and written back identically")
    func numpyExactBytes() throws {
        #expect(Self.numpyF8.count == 128 + 24)
        let array = try NPYFormat.decode(Data(Self.numpyF8))
        #expect(array.shape == [3])
        #expect(array.values == [1.0, 2.5, -3.0])
        let encoded = try NPYFormat.encode(NPYArray([1.0, 2.5, -3.0]))
        #expect(Array(encoded) == Self.numpyF8)
    }

    @Test("2-D headers match numpy's padding too")
    func numpyHeader2D() {
        // numpy.save(np.zeros((2, 3))) header: 60-character dict + 20 spaces of growth room, padded to 128 bytes.
        let bytes = NPYFormat.headerBytes(descr: "<f8", shape: [2, 3])
        #expect(bytes.count == 128)
        #expect(Array(bytes[8..<10]) == [0x76, 0x00])
        let text = String(decoding: bytes[10...], as: UTF8.self)
        let dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }"
        #expect(text.hasPrefix(dict + String(repeating: " ", count: 20)))
        #expect(text.hasSuffix(" \n"))
    }

    @Test("every dtype is read from hand-written little-endian bytes")
    func dtypes() throws {
        let f4 = handMadeNPY(descr: "<f4", shape: "(3,)", data: [Float(1.5), -2.25, 1e-3].flatMap { le($0.bitPattern) })
        #expect(try NPYFormat.decode(Data(f4)).values == [1.5, -2.25, Double(Float(1e-3))])

        let i8 = handMadeNPY(descr: "<i8", shape: "(3,)", data: [Int64(-5), 1 << 40, Int64.min].flatMap { le($0) })
        #expect(try NPYFormat.decode(Data(i8)).values == [-5, 1_099_511_627_776, -9_223_372_036_854_775_808])

        let i4 = handMadeNPY(descr: "<i4", shape: "(2, 2)", data: [Int32(7), -1, Int32.max, 0].flatMap { le($0) })
        let m = try NPYFormat.decode(Data(i4))
        #expect(m.shape == [2, 2])
        #expect(m.values == [7, -1, 2_147_483_647, 0])

        let i2 = handMadeNPY(descr: "<i2", shape: "(2,)", data: [Int16(-300), 300].flatMap { le($0) })
        #expect(try NPYFormat.decode(Data(i2)).values == [-300, 300])

        let u4 = handMadeNPY(descr: "<u4", shape: "(1,)", data: le(UInt32.max))
        #expect(try NPYFormat.decode(Data(u4)).values == [4_294_967_295])

        let u1 = handMadeNPY(descr: "|u1", shape: "(3,)", data: [0, 7, 255])
        #expect(try NPYFormat.decode(Data(u1)).values == [0, 7, 255])

        let i1 = handMadeNPY(descr: "|i1", shape: "(2,)", data: [0xFF, 0x05])
        #expect(try NPYFormat.decode(Data(i1)).values == [-1, 5])

        let b1 = handMadeNPY(descr: "|b1", shape: "(4,)", data: [1, 0, 1, 2])
        #expect(try NPYFormat.decode(Data(b1)).values == [1, 0, 1, 1])
    }

    @Test("format versions 2.0 and 3.0 (u32 header length, UTF-8 header) and the old 16-byte alignment")
    func versions() throws {
        let dict = Array("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }".utf8)
        for major: UInt8 in [2, 3] {
            var header = dict
            while (12 + header.count + 1) % 64 != 0 { header.append(0x20) }
            header.append(0x0A)
            let bytes = [0x93] + Array("NUMPY".utf8) + [major, 0] + le(UInt32(header.count)) + header
                + [0.25, -8.0].flatMap { le($0.bitPattern) }
            let a = try NPYFormat.decode(Data(bytes))
            #expect(a.values == [0.25, -8.0])
        }
        let old = handMadeNPY(descr: "<f8", shape: "(1L,)", data: le(Double(42).bitPattern), alignment: 16)
        #expect(try NPYFormat.decode(Data(old)).values == [42])
        // Keys in another order, double quotes, no trailing comma: still a valid header.
        var header = Array("{\"shape\": (1,), \"fortran_order\": False, \"descr\": \"<f8\"}".utf8)
        while (10 + header.count + 1) % 64 != 0 { header.append(0x20) }
        header.append(0x0A)
        let reordered = [0x93] + Array("NUMPY".utf8) + [1, 0] + le(UInt16(header.count)) + header
            + le(Double(-1).bitPattern)
        #expect(try NPYFormat.decode(Data(reordered)).values == [-1])
    }

    @Test("round trip through a file: <f8 bit for bit, <f4 rounded to Float, 1-D to 3-D")
    func roundTrip() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let values: [Double] = [
            0, -0.0, 1, .pi, -Double.leastNormalMagnitude / 3, 1.7976931348623157e308, 0.1,
            .leastNonzeroMagnitude, -42.5, 3e10, 7, 8,
        ]
        for shape in [[12], [3, 4], [0], [0, 5], [2, 3, 2], [1, 2, 2, 3]] {
            let count = shape.reduce(1, *)
            let array = try NPYArray(shape: shape, values: Array(values.prefix(count)))
            let path = dir.file("a.npy")
            try NPYFormat.write(array, to: path)
            let back = try NPYFormat.read(path: path)
            #expect(back.shape == shape)
            #expect(back.values.map(\.bitPattern) == array.values.map(\.bitPattern))

            try NPYFormat.write(array, to: path, dtype: .float32)
            let single = try NPYFormat.read(path: path)
            #expect(single.shape == shape)
            #expect(single.values == array.values.map { Double(Float($0)) })
        }
        #expect(try dir.contents() == ["a.npy"])
    }

    @Test("bad files give errors naming the file")
    func errors() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        func readError(_ bytes: [UInt8], _ name: String) throws -> NeymanError? {
            let path = dir.file(name)
            try writeFixture(bytes, to: path)
            let e = #expect(throws: NeymanError.self) { try NPYFormat.read(path: path) }
            #expect(e?.location.file == path, "\(name)")
            return e
        }
        let good = Self.numpyF8

        var badMagic = good
        badMagic[1] = UInt8(ascii: "X")
        #expect(try readError(badMagic, "magic.npy")?.message.contains("bad magic") == true)
        #expect(try readError(Array("a,b\n1,2\n".utf8), "csv.npy")?.message.contains("bad magic") == true)
        #expect(try readError([], "empty.npy")?.message.contains("bad magic") == true)

        let truncated = try readError(Array(good.dropLast(1)), "truncated.npy")
        #expect(truncated?.message == "truncated .npy data: shape (3,) of <f8 needs 24 bytes but the file has 23")
        let truncatedHeader = try readError(Array(good.prefix(40)), "header.npy")
        #expect(truncatedHeader?.message.contains("truncated .npy header") == true)
        #expect(try readError(good + [0], "extra.npy")?.message.contains("1 unexpected bytes") == true)

        let bigEndian = handMadeNPY(descr: ">f8", shape: "(1,)", data: [0x40, 0x45, 0, 0, 0, 0, 0, 0])
        #expect(try readError(bigEndian, "big.npy")?.message.contains("big-endian dtype '>f8'") == true)
        let complex = handMadeNPY(descr: "<c16", shape: "(1,)", data: [UInt8](repeating: 0, count: 16))
        #expect(try readError(complex, "complex.npy")?.message.contains("unsupported dtype '<c16'") == true)
        let text = handMadeNPY(descr: "<U3", shape: "(1,)", data: [UInt8](repeating: 0, count: 12))
        #expect(try readError(text, "text.npy")?.message.contains("unsupported dtype '<U3'") == true)
        let fortran = handMadeNPY(descr: "<f8", fortran: true, shape: "(1, 1)", data: le(Double(1).bitPattern))
        #expect(try readError(fortran, "fortran.npy")?.message.contains("Fortran") == true)
        let fiveD = handMadeNPY(descr: "<f8", shape: "(1, 1, 1, 1, 1)", data: le(Double(1).bitPattern))
        #expect(try readError(fiveD, "five.npy")?.message.contains("1 to 4 dimensions") == true)
        let scalar = handMadeNPY(descr: "<f8", shape: "()", data: le(Double(1).bitPattern))
        #expect(try readError(scalar, "scalar.npy")?.message.contains("1 to 4 dimensions") == true)
        let huge = handMadeNPY(descr: "<f8", shape: "(4294967296, 4294967296, 2)", data: le(Double(1).bitPattern))
        #expect(try readError(huge, "huge.npy")?.message.contains("too large") == true)
        var version = good
        version[6] = 4
        #expect(try readError(version, "version.npy")?.message.contains("version 4.0") == true)
        let garbled = handMadeNPY(descr: "<f8', 'shape", shape: "(1,)", data: le(Double(1).bitPattern))
        #expect(try readError(garbled, "garbled.npy")?.message.contains("malformed .npy header") == true)

        let missing = #expect(throws: NeymanError.self) { try NPYFormat.read(path: dir.file("absent.npy")) }
        #expect(missing?.location.file == dir.file("absent.npy"))
        #expect(missing?.isUserError == true)
    }

    @Test("a header nested too deep is an error, not a stack overflow")
    func deeplyNestedHeader() throws {
        // Found by fuzz/ (fuzz-npy): the header parser recursed once per '(' and overflowed the stack (4000 levels
        // under AddressSanitizer; a header of a million '(' crashed the release build of `neyman`).
        for depth in [33, 4_000, 1_000_000] {
            var header = Array("{'descr': '<f8', 'fortran_order': False, 'shape': ".utf8)
            header += [UInt8](repeating: UInt8(ascii: "("), count: depth) + [0x0A]
            let bytes = [0x93] + Array("NUMPY".utf8) + [2, 0] + le(UInt32(header.count)) + header
            let e = #expect(throws: NeymanError.self) { try NPYFormat.decode(Data(bytes), source: "deep.npy") }
            #expect(e?.message.contains("nested more than 32 levels deep") == true, "depth \(depth)")
            #expect((e?.message.count ?? .max) < 300, "depth \(depth): the message quotes at most 120 characters")
            #expect(e?.location == ErrorLocation(file: "deep.npy"))
        }
        // 32 levels are parsed (and then rejected for what they are: not a shape of integers).
        var header = Array("{'descr': '<f8', 'fortran_order': False, 'shape': ".utf8)
        header += Array((String(repeating: "(", count: 31) + "1," + String(repeating: "),", count: 31) + "}\n").utf8)
        let bytes = [0x93] + Array("NUMPY".utf8) + [2, 0] + le(UInt32(header.count)) + header
        let e = #expect(throws: NeymanError.self) { try NPYFormat.decode(Data(bytes)) }
        #expect(e?.message.contains("'shape' has a non-integer or negative entry") == true)
    }

    @Test("NPYArray checks its shape; <f8, <f4, <i8 and |u1 are written, integers checked")
    func arrayInvariants() throws {
        #expect(throws: NeymanError.self) { try NPYArray(shape: [2, 2], values: [1, 2, 3]) }
        #expect(throws: NeymanError.self) { try NPYArray(shape: [1, 1, 1, 1, 1], values: [1]) }
        #expect(throws: NeymanError.self) { try NPYArray(shape: [], values: [1]) }
        #expect(try NPYArray(shape: [1, 2, 1], values: [1, 2]).count == 2)
        #expect(throws: NeymanError.self) { try NPYArray(shape: [-1], values: []) }
        let e = #expect(throws: NeymanError.self) { try NPYFormat.encode(NPYArray([1]), dtype: .int32) }
        #expect(e?.location.parameter == "dtype")
        // Integer dtypes round-trip exactly and refuse values they cannot hold.
        let ints = try NPYArray(shape: [2, 2], values: [-3, 0, 9_007_199_254_740_992, 7])
        #expect(try NPYFormat.decode(NPYFormat.encode(ints, dtype: .int64)) == ints)
        let bytes = NPYArray([0, 65, 255])
        #expect(try NPYFormat.decode(NPYFormat.encode(bytes, dtype: .uint8)) == bytes)
        #expect(throws: NeymanError.self) { try NPYFormat.encode(NPYArray([1.5]), dtype: .int64) }
        #expect(throws: NeymanError.self) { try NPYFormat.encode(NPYArray([256]), dtype: .uint8) }
        #expect(throws: NeymanError.self) { try NPYFormat.encode(NPYArray([-1]), dtype: .uint8) }
    }
}
