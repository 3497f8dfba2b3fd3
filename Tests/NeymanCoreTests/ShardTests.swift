import Foundation
import Testing
@testable import NeymanCore

@Suite("SHA-256")
struct SHA256Tests {
    /// FIPS 180-4 example vectors (NIST "SHA256.pdf", and the million-`a` message of FIPS 180-2 appendix B.3).
    @Test func fipsVectors() {
        #expect(SHA256.hex(of: Array("".utf8)) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(of: Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(of: Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex(of: [UInt8](repeating: 0x61, count: 1_000_000))
            == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Messages of 55 ... 120 bytes straddle the padding's block boundary (Python's hashlib gave the digests).
    @Test func paddingBoundaries() {
        let expected: [Int: String] = [
            55: "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318",
            56: "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a",
            63: "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34",
            64: "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb",
            65: "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0",
            119: "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb",
            120: "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c",
        ]
        #expect(expected.count == 7)
        for (n, digest) in expected { #expect(SHA256.hex(of: [UInt8](repeating: 0x61, count: n)) == digest, "length \(n)") }
    }

    /// The digest does not depend on how the message is cut into `update` calls.
    @Test func streamingEqualsOneShot() {
        let message = Array(0..<768).map { UInt8($0 % 256) }
        let whole = "f3a25aa93aa2fbba28d79260535bbd6a5eb0fc1c24a8b0f04e12b484c1dfe363"
        #expect(SHA256.hex(of: message) == whole)
        for cut in [0, 1, 63, 64, 65, 300, 767] {
            var h = SHA256()
            h.update(message[..<cut])
            h.update(message[cut...])
            #expect(h.finalize().hex == whole, "cut at \(cut)")
        }
    }
}

@Suite("Shards")
struct ShardTests {
    /// Every split of T toys into N shards is a partition of 0 ..< T into contiguous blocks, in order, of sizes that
    /// differ by at most one.
    @Test func rangesPartitionTheToys() throws {
        var checked = 0
        for total in 1...60 {
            for n in 1...total {
                let ranges = try (0..<n).map { try ShardSelection(index: $0, count: n).range(of: total) }
                #expect(ranges.first?.lowerBound == 0 && ranges.last?.upperBound == total)
                #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
                let sizes = ranges.map(\.count)
                #expect((sizes.max() ?? 0) - (sizes.min() ?? 0) <= 1 && (sizes.min() ?? 0) >= 1)
                checked += 1
            }
        }
        #expect(checked == 1830)
        #expect(try ShardSelection(index: 1, count: 3).range(of: 10) == 4..<7)
    }

    @Test func parsingAndFileNames() throws {
        let s = try ShardSelection(parsing: "2/8")
        #expect(s.index == 2 && s.count == 8 && s.description == "2/8")
        #expect(try ShardSelection(parsing: "3/12").fileName == "shard-03-of-12.json")
        #expect(try ShardSelection(parsing: "0/1").fileName == "shard-0-of-1.json")
        #expect(try ShardSelection(parsing: "99/100").fileName == "shard-99-of-100.json")
        for bad in ["8/8", "4", "a/b", "-1/4", "1/0", "1/4/5", " 1/4", "1/4 ", "", "/4", "0x1/4", "1/100001"] {
            #expect(throws: NeymanError.self, "\(bad)") { try ShardSelection(parsing: bad) }
        }
    }

    /// Doubles go through the file bit for bit: NaN payloads, signed zeros, infinities, subnormals.
    @Test func hexIsLossless() {
        let values: [Double] = [0, -0.0, 0.1, -1.5e-300, .leastNonzeroMagnitude, .greatestFiniteMagnitude, .infinity, -.infinity,
                                .nan, Double(bitPattern: 0x7ff8_0000_dead_beef), 3.141592653589793]
        for v in values {
            let h = ShardFile.hex(v)
            #expect(h.count == 16)
            #expect(ShardFile.double(hex: h)?.bitPattern == v.bitPattern, "\(v)")
        }
        #expect(ShardFile.hex(1) == "3ff0000000000000")
        for bad in ["3ff000000000000", "3ff00000000000000", "3ff000000000000g", "+ff0000000000000", ""] {
            #expect(ShardFile.double(hex: bad) == nil, "\(bad)")
        }
    }

    /// A run of 10 toys in 3 shards: each file reads back as written, and the merge joins the columns in toy order.
    static func files(_ dir: TemporaryDirectory, seed: UInt64 = 7, hash: String = "abc", n: Int = 3, q: Double = 2.5,
                      tag: String = "") throws -> [String] {
        try (0..<n).map { k in
            let s = try ShardSelection(index: k, count: n)
            let r = s.range(of: 10)
            let file = ShardFile(command: ["cls", "--toys", "10"], hash: hash, seed: seed, shard: s, toys: 10,
                                 payload: ShardPayload(common: [("q_obs", [q])], columns: [("t", r.map { Double($0) + 0.25 }),
                                                                                          ("u", r.map { -Double($0) })]))
            let path = dir.file("\(tag)\(s.fileName)")
            try file.write(to: path)
            return path
        }
    }

    static func merge(_ paths: [String]) throws -> ShardMerge.Merged {
        try ShardMerge.merge(paths.map { ($0, try ShardFile.read(path: $0)) })
    }

    @Test func writeReadAndMerge() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let paths = try Self.files(dir)
        let m = try Self.merge(paths.reversed())
        #expect(m.paths == paths)
        #expect(try m.payload.column("t") == (0..<10).map { Double($0) + 0.25 })
        #expect(try m.payload.column("u") == (0..<10).map { -Double($0) })
        #expect(try m.payload.commonNumber("q_obs") == 2.5)
        #expect(m.reference.seed == 7 && m.reference.toys == 10 && m.reference.command == ["cls", "--toys", "10"])
    }

    /// Shards that do not belong together are refused, naming the file at fault.
    @Test func refusals() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let good = try Self.files(dir)
        func refused(_ paths: [String], naming name: String, _ words: String) {
            do {
                _ = try Self.merge(paths)
                Issue.record("merged \(paths)")
            } catch let e as NeymanError {
                #expect(e.isUserError && e.description.contains(name) && e.description.contains(words), "\(e)")
            } catch { Issue.record("\(error)") }
        }
        refused([good[0], good[2]], naming: "shard-1-of-3.json", "missing")
        refused(good + [good[1]], naming: good[1], "each shard once")
        let seed = try Self.files(dir, seed: 8, tag: "seed-")
        refused([good[0], seed[1], good[2]], naming: seed[1], "seed 8")
        let foreign = try Self.files(dir, hash: "xyz", tag: "foreign-")
        refused([good[0], good[1], foreign[2]], naming: foreign[2], "hash xyz")
        let four = try Self.files(dir, n: 4, tag: "four-")
        refused([good[0], four[1], good[2]], naming: four[1], "number of shards")
        let q = try Self.files(dir, q: 2.5000000000000004, tag: "q-")
        refused([good[0], q[1], good[2]], naming: q[1], "q_obs")
        // A file whose numbers were edited after it was written.
        let text = try String(contentsOfFile: good[1], encoding: .utf8)
        let edited = dir.file("edited.json")
        try writeFixture(text.replacingOccurrences(of: ShardFile.hex(4.25), with: ShardFile.hex(4.5)), to: edited)
        #expect(text.contains(ShardFile.hex(4.25)))
        refused([good[0], edited, good[2]], naming: edited, "payload_sha256")
        let notJSON = dir.file("x.json")
        try writeFixture("{\"neyman_shard\": 1", to: notJSON)
        refused([notJSON], naming: notJSON, "not a Neyman shard result")
    }
}
