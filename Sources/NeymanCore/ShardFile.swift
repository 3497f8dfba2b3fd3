import Foundation

/// The raw numbers of one shard's pseudo-experiments, as the final aggregation needs them.
///
/// - ``common``: values every shard computes identically before its pseudo-experiments (the observed test statistic,
///   a trained network's epoch count, ...); `neyman merge` checks that all shards agree on them bit for bit.
/// - ``columns``: one value per pseudo-experiment of the shard, in index order (test statistics, fitted values,
///   convergence flags as 0/1/2).
public struct ShardPayload: Sendable {
    /// Named values every shard computes the same (a scalar is an array of one).
    public var common: [(String, [Double])]
    /// Named per-pseudo-experiment columns, each with one value per pseudo-experiment of the shard.
    public var columns: [(String, [Double])]

    /// A payload of `common` values and per-pseudo-experiment `columns`.
    public init(common: [(String, [Double])] = [], columns: [(String, [Double])] = []) {
        self.common = common
        self.columns = columns
    }

    /// The column `name`. - Throws: ``NeymanError/invalidInput(_:_:)`` when it is missing.
    public func column(_ name: String) throws -> [Double] {
        guard let c = columns.first(where: { $0.0 == name }) else {
            throw NeymanError.invalid("the shard results have no column '\(name)'", key: "columns.\(name)")
        }
        return c.1
    }

    /// The common values `name`, checked to hold `count` numbers when given.
    public func common(_ name: String, count: Int? = nil) throws -> [Double] {
        guard let c = common.first(where: { $0.0 == name }), count.map({ $0 == c.1.count }) ?? true else {
            throw NeymanError.invalid("the shard results have no common value '\(name)'\(count.map { " of \($0) numbers" } ?? "")",
                                      key: "common.\(name)")
        }
        return c.1
    }

    /// The one common number `name`.
    public func commonNumber(_ name: String) throws -> Double { try common(name, count: 1)[0] }

    /// The one common number `name`, which must be a whole number in `0 ... 2^53` (a count).
    public func commonCount(_ name: String) throws -> Int {
        let x = try commonNumber(name)
        guard x.isFinite, x >= 0, x <= 9_007_199_254_740_992, x == x.rounded() else {
            throw NeymanError.invalid("the common value '\(name)' is \(x), not a count", key: "common.\(name)")
        }
        return Int(x)
    }
}

/// One shard's result file (`shard-K-of-N.json`, written atomically): the payload with its provenance.
///
/// ```json
/// {"neyman_shard": 1, "neyman_version": "0.1.0",
///  "command": ["cls", "--n", "51,48", ...], "study_file": null,
///  "hash": "<sha-256>", "seed": 7, "shard": 0, "shards": 4, "toys": 2000, "toy_range": [0, 500],
///  "encoding": "...", "payload_sha256": "<sha-256>",
///  "common": {"q_obs": ["400f..."]}, "columns": {"q_sb": ["3ff0...", ...], ...}}
/// ```
/// - `command`: for a verb, the verb and its canonical options (what `neyman merge` parses again to print the verb's
///   output); for a study, `["study", FILE, "--scale", SCALE]`, with the study file's text in `study_file`.
/// - `hash`: ``ShardFingerprint`` of everything that affects the numbers (never `--threads`, `--shard` or output
///   paths); shards merge only with shards of the same hash.
/// - `toys`: the whole run's pseudo-experiments; `toy_range`: this shard's (``ShardSelection/range(of:)``).
/// - `payload_sha256`: ``digest(_:)`` of the numbers; a file whose numbers were changed is refused.
/// - Numbers are lossless: each double is its IEEE-754 binary64 bit pattern as 16 hex digits (most significant
///   first), so NaN payloads, signed zeros and infinities survive, and no decimal round trip is involved. In Python:
///   `struct.unpack('>d', bytes.fromhex(s))[0]`.
public struct ShardFile: Sendable {
    /// The file format's version (`neyman_shard`).
    public static let formatVersion = 1
    /// The `encoding` member: how the numbers are written.
    public static let encoding = "IEEE-754 binary64 bit patterns as 16 hex digits, most significant first "
        + "(Python: struct.unpack('>d', bytes.fromhex(s))[0])"

    /// `neyman_version`: the Neyman that wrote the shard (shards of different versions are not merged).
    public var neymanVersion: String
    /// `command`: the verb and its canonical options, or `["study", FILE, "--scale", SCALE]`.
    public var command: [String]
    /// `study_file`: a study shard's study file text (nil for a verb).
    public var studyText: String?
    /// `hash`: the SHA-256 (``ShardFingerprint``) of everything that decides the numbers.
    public var hash: String
    /// `seed`: the run's seed (every toy's stream derives from it and the toy's index).
    public var seed: UInt64
    /// `shard`, `shards`: `K/N`.
    public var shard: ShardSelection
    /// Pseudo-experiments of the whole run.
    public var toys: Int
    /// The raw numbers.
    public var payload: ShardPayload

    /// A shard of a run of `toys` pseudo-experiments with these numbers and this provenance.
    public init(command: [String], studyText: String? = nil, hash: String, seed: UInt64, shard: ShardSelection, toys: Int,
                payload: ShardPayload, neymanVersion: String = NeymanVersion.string) {
        self.neymanVersion = neymanVersion
        self.command = command
        self.studyText = studyText
        self.hash = hash
        self.seed = seed
        self.shard = shard
        self.toys = toys
        self.payload = payload
    }

    /// This shard's pseudo-experiment indices.
    public var toyRange: Range<Int> { shard.range(of: toys) }

    // MARK: - Writing

    /// `x`'s bit pattern, 16 lowercase hex digits.
    public static func hex(_ x: Double) -> String { String(decoding: hexBytes([x], quoted: false), as: UTF8.self) }

    /// The bit patterns of `values` as 16 hex digits each, separated by `", "` and in double quotes (a JSON array's
    /// body) when `quoted`, else by one space (what ``digest(_:)`` hashes). Written byte by byte: a shard holds
    /// tens of thousands of numbers, and a String per number would cost more than the shard's own bookkeeping should.
    static func hexBytes(_ values: [Double], quoted: Bool) -> [UInt8] {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(values.count * (quoted ? 20 : 17))
        for (i, v) in values.enumerated() {
            if i > 0 {
                if quoted { out.append(0x2C) }
                out.append(0x20)
            }
            if quoted { out.append(0x22) }
            let bits = v.bitPattern
            for shift in stride(from: 60, through: 0, by: -4) { out.append(digits[Int((bits >> UInt64(shift)) & 15)]) }
            if quoted { out.append(0x22) }
        }
        return out
    }

    /// The double whose bit pattern `s` is (exactly 16 hex digits), or nil.
    public static func double(hex s: String) -> Double? {
        guard s.utf8.count == 16, s.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) || ($0 >= 65 && $0 <= 70) }),
              let bits = UInt64(s, radix: 16) else { return nil }
        return Double(bitPattern: bits)
    }

    /// The JSON text of the file.
    public func serialized() -> String {
        func hexes(_ pairs: [(String, [Double])]) -> String {
            guard !pairs.isEmpty else { return "{}" }
            var out = "{"
            for (k, (name, values)) in pairs.enumerated() {
                out += (k > 0 ? "," : "") + "\n    " + JSONValue.quoted(name) + ": ["
                out += String(decoding: Self.hexBytes(values, quoted: true), as: UTF8.self) + "]"
            }
            return out + "\n  }"
        }
        let r = toyRange
        let doc = JSONValue.object([
            ("neyman_shard", .integer(Self.formatVersion)), ("neyman_version", .string(neymanVersion)),
            ("command", .array(command.map { .string($0) })), ("study_file", studyText.map { .string($0) } ?? .null),
            ("hash", .string(hash)), ("seed", .unsigned(seed)), ("shard", .integer(shard.index)), ("shards", .integer(shard.count)),
            ("toys", .integer(toys)), ("toy_range", .array([.integer(r.lowerBound), .integer(r.upperBound)])),
            ("encoding", .string(Self.encoding)), ("payload_sha256", .string(Self.digest(payload))),
        ])
        // The header's pretty form ends "\n}": the two number tables follow its last member.
        let head = doc.serialized(pretty: true)
        return String(head.dropLast(2)) + ",\n  \"common\": " + hexes(payload.common) + ",\n  \"columns\": " + hexes(payload.columns)
            + "\n}\n"
    }

    /// SHA-256 of the payload: for each common value, then each column, sorted by name, the entry
    /// `name = hex hex ...` (``ShardFingerprint``). A shard whose numbers no longer give it was changed after it was
    /// written, and is refused.
    public static func digest(_ payload: ShardPayload) -> String {
        var f = ShardFingerprint()
        for (group, pairs) in [("common", payload.common), ("columns", payload.columns)] {
            for (name, values) in pairs.sorted(by: { $0.0 < $1.0 }) { f.add(group + "." + name, hexBytes(values, quoted: false)) }
        }
        return f.finalize()
    }

    /// Writes the file atomically (``AtomicFile``) to `path`.
    public func write(to path: String) throws { try AtomicFile.write(serialized(), to: path) }

    // MARK: - Reading

    private struct Document: Decodable {
        let neyman_shard: Int
        let neyman_version: String
        let command: [String]
        let study_file: String?
        let hash: String
        let seed: UInt64
        let shard: Int
        let shards: Int
        let toys: Int
        let toy_range: [Int]
        let payload_sha256: String
        let common: [String: [String]]
        let columns: [String: [String]]
    }

    /// Reads and checks a shard file: its format version, a shard `K/N` that exists, a toy range that is the one
    /// ``ShardSelection/range(of:)`` gives, every column with one value per pseudo-experiment of the range, and every
    /// number 16 hex digits.
    /// - Throws: ``NeymanError`` naming `path` (and the key at fault).
    public static func read(path: String) throws -> ShardFile {
        var bytes = try FileBytes.readAll(path: path)
        bytes.removeLast()  // the reader's NUL sentinel
        let doc: Document
        do { doc = try JSONDecoder().decode(Document.self, from: Data(bytes)) } catch let e as DecodingError {
            throw NeymanError.invalid("not a Neyman shard result: \(describe(e))", file: path)
        } catch {
            throw NeymanError.invalid("not a Neyman shard result: \(error)", file: path)
        }
        guard doc.neyman_shard == formatVersion else {
            throw NeymanError.invalid("shard format \(doc.neyman_shard), this Neyman reads format \(formatVersion)", file: path, key: "neyman_shard")
        }
        let shard: ShardSelection
        do { shard = try ShardSelection(index: doc.shard, count: doc.shards) } catch let e as NeymanError {
            throw NeymanError.invalid(e.message, file: path, key: "shard")
        }
        guard doc.toys >= shard.count else {
            throw NeymanError.invalid("\(doc.toys) pseudo-experiments cannot fill \(shard.count) shards", file: path, key: "toys")
        }
        guard !doc.command.isEmpty else { throw NeymanError.invalid("the command is empty", file: path, key: "command") }
        let range = shard.range(of: doc.toys)
        guard doc.toy_range == [range.lowerBound, range.upperBound] else {
            throw NeymanError.invalid("toy_range \(doc.toy_range) is not shard \(shard)'s share [\(range.lowerBound), \(range.upperBound)) "
                                      + "of \(doc.toys) pseudo-experiments", file: path, key: "toy_range")
        }
        func numbers(_ group: String, _ name: String, _ values: [String]) throws -> [Double] {
            try values.enumerated().map { k, s in
                guard let x = double(hex: s) else {
                    throw NeymanError.invalid("value \(k) '\(s)' is not 16 hex digits (a double's bit pattern)", file: path, key: "\(group).\(name)")
                }
                return x
            }
        }
        let common = try doc.common.keys.sorted().map { ($0, try numbers("common", $0, doc.common[$0] ?? [])) }
        let columns = try doc.columns.keys.sorted().map { name -> (String, [Double]) in
            let c = try numbers("columns", name, doc.columns[name] ?? [])
            guard c.count == range.count else {
                throw NeymanError.invalid("\(c.count) values for the \(range.count) pseudo-experiments of shard \(shard)", file: path,
                                          key: "columns.\(name)")
            }
            return (name, c)
        }
        let payload = ShardPayload(common: common, columns: columns)
        guard digest(payload) == doc.payload_sha256 else {
            throw NeymanError.invalid("its numbers do not give its payload_sha256: the file was changed after it was written", file: path,
                                      key: "payload_sha256")
        }
        return ShardFile(command: doc.command, studyText: doc.study_file, hash: doc.hash, seed: doc.seed, shard: shard,
                         toys: doc.toys, payload: payload, neymanVersion: doc.neyman_version)
    }

    /// One line for a decoding error: the key path and what was wrong.
    private static func describe(_ e: DecodingError) -> String {
        func path(_ p: [CodingKey]) -> String {
            p.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: CharacterSet(charactersIn: "."))
        }
        switch e {
        case .keyNotFound(let k, let c): return "key '\(path(c.codingPath + [k]))' is missing"
        case .typeMismatch(_, let c), .valueNotFound(_, let c):
            return "key '\(path(c.codingPath))' has the wrong type (\(c.debugDescription))"
        case .dataCorrupted(let c):
            return c.codingPath.isEmpty ? "it is not valid JSON" : "key '\(path(c.codingPath))': \(c.debugDescription)"
        @unknown default: return "\(e)"
        }
    }
}

/// The hash of a shard's provenance (``ShardFile/hash``): SHA-256 over named entries, each written as
/// `name '=' byte-count ':' bytes '\n'` after the line `neyman-shard-hash-1\n`, so that no two different lists of
/// entries give the same byte stream. Callers add what affects the numbers (the verb or study file, its options,
/// the bytes of input files) and never `--threads`, `--shard` or output paths.
public struct ShardFingerprint: Sendable {
    private var sha = SHA256()

    /// A fingerprint with no entries yet (its first line names the scheme's version).
    public init() { sha.update("neyman-shard-hash-1\n") }

    /// Adds an entry.
    public mutating func add(_ name: String, _ bytes: [UInt8]) {
        sha.update("\(name)=\(bytes.count):")
        sha.update(bytes)
        sha.update("\n")
    }

    /// Adds a text entry (its UTF-8 bytes).
    public mutating func add(_ name: String, _ text: String) { add(name, Array(text.utf8)) }

    /// Adds the bytes of the file at `path` (an input whose content, not its name, decides the numbers).
    /// - Throws: ``NeymanError/io(_:_:)`` naming `path` when it cannot be read.
    public mutating func addFile(_ name: String, path: String) throws {
        var bytes = try FileBytes.readAll(path: path)
        bytes.removeLast()  // the reader's NUL sentinel
        add(name, bytes)
    }

    /// The hex digest (consumes the fingerprint).
    public mutating func finalize() -> String { sha.finalize().hex }
}
