/// SHA-256 (FIPS 180-4, §6.2): the 256-bit digest that names what a shard of pseudo-experiments was computed from
/// (``ShardFile/hash``), so that `neyman merge` can refuse shards of different runs.
///
/// ```
///   pad:      message || 0x80 || 0x00... || bit length (64-bit big-endian), to a multiple of 64 bytes
///   schedule: W_t = message word t (t < 16),  W_t = s1(W_t-2) + W_t-7 + s0(W_t-15) + W_t-16
///             s0(x) = ROTR7 ^ ROTR18 ^ SHR3,  s1(x) = ROTR17 ^ ROTR19 ^ SHR10
///   round t:  T1 = h + S1(e) + Ch(e,f,g) + K_t + W_t,   T2 = S0(a) + Maj(a,b,c)
///             S0(a) = ROTR2 ^ ROTR13 ^ ROTR22,  S1(e) = ROTR6 ^ ROTR11 ^ ROTR25
/// ```
/// All additions are modulo 2^32. Checked against the FIPS 180-4 example vectors (`""`, `"abc"`, the 448-bit
/// message, a million `a`) in NeymanCoreTests. Not constant-time: it fingerprints inputs, it guards no secret.
///
/// Usage: `var h = SHA256(); h.update(bytes); h.update(more); let hex = h.finalize().hex`, or
/// `SHA256.hex(of: bytes)`.
public struct SHA256: Sendable {
    private var state: [UInt32] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]
    private var pending: [UInt8] = []
    private var length: UInt64 = 0

    /// A digest of nothing yet.
    public init() {}

    /// Adds `bytes` to the message.
    public mutating func update<S: Sequence>(_ bytes: S) where S.Element == UInt8 {
        let done: Void? = bytes.withContiguousStorageIfAvailable { absorb($0) }
        if done == nil { Array(bytes).withUnsafeBufferPointer { absorb($0) } }
    }

    /// Adds a buffer: whole 64-byte blocks are compressed where they lie, the rest waits in `pending`.
    private mutating func absorb(_ buffer: UnsafeBufferPointer<UInt8>) {
        length &+= UInt64(buffer.count)
        var i = 0
        if !pending.isEmpty {
            let take = min(64 - pending.count, buffer.count)
            pending.append(contentsOf: buffer[0..<take])
            i = take
            if pending.count == 64 {
                pending.withUnsafeBufferPointer { compress($0.firstAddress) }
                pending.removeAll(keepingCapacity: true)
            }
        }
        while buffer.count - i >= 64 {
            compress(buffer.firstAddress + i)
            i += 64
        }
        if i < buffer.count { pending.append(contentsOf: buffer[i...]) }
    }

    /// Adds the UTF-8 bytes of `text`.
    public mutating func update(_ text: String) { update(Array(text.utf8)) }

    /// The 32-byte digest of everything added (the state is consumed: make a new value for another message).
    public mutating func finalize() -> Digest {
        let bits = (length &* 8)
        var tail = pending + [0x80]
        while tail.count % 64 != 56 { tail.append(0) }
        for k in (0..<8).reversed() { tail.append(UInt8(truncatingIfNeeded: bits >> (8 * UInt64(k)))) }
        tail.withUnsafeBufferPointer { t in
            var k = 0
            while k < t.count { compress(t.firstAddress + k); k += 64 }
        }
        pending = []
        var out: [UInt8] = []
        for w in state { for s in [24, 16, 8, 0] { out.append(UInt8(truncatingIfNeeded: w >> UInt32(s))) } }
        return Digest(bytes: out)
    }

    /// The lowercase hex digest of `bytes`.
    public static func hex<S: Sequence>(of bytes: S) -> String where S.Element == UInt8 {
        var h = SHA256()
        h.update(bytes)
        return h.finalize().hex
    }

    /// A finished digest.
    public struct Digest: Sendable, Equatable {
        /// The 32 bytes, most significant first.
        public let bytes: [UInt8]
        /// 64 lowercase hex digits.
        public var hex: String {
            let digits = Array("0123456789abcdef".utf8)
            var s: [UInt8] = []
            for b in bytes { s.append(digits[Int(b >> 4)]); s.append(digits[Int(b & 15)]) }
            return String(decoding: s, as: UTF8.self)
        }
    }

    // MARK: - The compression function (FIPS 180-4 §6.2.2)

    private static let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]

    @inline(__always) private static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }

    /// One 64-byte block (the 64 bytes at `block`) into the state.
    private mutating func compress(_ block: UnsafePointer<UInt8>) {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
            for t in 0..<16 {
                w[t] = UInt32(block[4 * t]) << 24 | UInt32(block[4 * t + 1]) << 16 | UInt32(block[4 * t + 2]) << 8 | UInt32(block[4 * t + 3])
            }
            for t in 16..<64 {
                let s0 = Self.rotr(w[t - 15], 7) ^ Self.rotr(w[t - 15], 18) ^ (w[t - 15] >> 3)
                let s1 = Self.rotr(w[t - 2], 17) ^ Self.rotr(w[t - 2], 19) ^ (w[t - 2] >> 10)
                w[t] = s1 &+ w[t - 7] &+ s0 &+ w[t - 16]
            }
            Self.k.withUnsafeBufferPointer { k in
                var a = state[0], b = state[1], c = state[2], d = state[3], e = state[4], f = state[5], g = state[6], h = state[7]
                for t in 0..<64 {
                    let S1 = Self.rotr(e, 6) ^ Self.rotr(e, 11) ^ Self.rotr(e, 25)
                    let ch = (e & f) ^ (~e & g)
                    let t1 = h &+ S1 &+ ch &+ k[t] &+ w[t]
                    let S0 = Self.rotr(a, 2) ^ Self.rotr(a, 13) ^ Self.rotr(a, 22)
                    let maj = (a & b) ^ (a & c) ^ (b & c)
                    let t2 = S0 &+ maj
                    h = g; g = f; f = e; e = d &+ t1; d = c; c = b; b = a; a = t1 &+ t2
                }
                state[0] &+= a; state[1] &+= b; state[2] &+= c; state[3] &+= d
                state[4] &+= e; state[5] &+= f; state[6] &+= g; state[7] &+= h
            }
        }
    }
}
