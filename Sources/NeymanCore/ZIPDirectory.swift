import Foundation

/// The members of a ZIP archive held in memory, read from its central directory (PKWARE APPNOTE 6.3, §4.3), with
/// ZIP64 sizes and offsets, as ``NPZArchive`` needs them: name, kind, compression, CRC-32, sizes, and where the data
/// starts. Nothing is decompressed or copied here.
///
/// ```
///   [local header 1][data 1] ... [local header n][data n] [central directory: n records] [ZIP64 end record]
///   [ZIP64 locator] [end-of-central-directory record (EOCD), up to 64 KiB of comment]
/// ```
/// Reading: the EOCD is the last `PK\5\6` signature within the last 22 + 65535 bytes; when a ZIP64 locator precedes it,
/// the ZIP64 end record it points to gives the member count and the directory's place instead. Each central record's
/// 0xFFFFFFFF sizes and offset are replaced by its ZIP64 extra field (id 0x0001). A member's data starts after its
/// local header (30 bytes, name and extra field of the local header's own lengths).
///
/// Records are read in order and reading stops at the first that cannot be read (bytes missing, wrong signature,
/// a ZIP64 value missing, or a local header that is not there whole), so ``Listing/members`` may hold fewer members than
/// ``Listing/declaredCount``; the caller decides what that means. Names are UTF-8 when the record's flag bit 11 says
/// so (invalid UTF-8 gives an empty name), code page 437 otherwise; the kind (file, directory, symbolic link)
/// follows the Unix mode in the external attributes when the record was made on Unix or macOS, the MS-DOS directory
/// attribute when made on MS-DOS, and otherwise a trailing `/` in the name means a directory.
enum ZIPDirectory {
    /// One member, as its central-directory record and local header describe it.
    struct Member: Equatable {
        /// What the member is; only files hold data a reader wants.
        enum Kind: Equatable { case file, directory, symbolicLink }

        /// The member's name (its path within the archive).
        var name: String
        var kind: Kind
        /// Compression method: 0 stored, 8 deflated (others exist but are not decoded here).
        var method: UInt16
        /// Flag bit 0: the data is encrypted.
        var isEncrypted: Bool
        /// The CRC-32 of the uncompressed bytes, from the central directory.
        var crc32: UInt32
        var compressedSize: UInt64
        var uncompressedSize: UInt64
        /// Offset of the first data byte in the archive (not checked against the archive's length).
        var dataOffset: UInt64
    }

    /// The members that could be read and the count the end record declares.
    struct Listing {
        var declaredCount: UInt64
        var members: [Member]
    }

    /// Why the archive has no readable end record (it is not a ZIP archive), in words.
    struct NotAnArchive: Error {
        let reason: String
    }

    /// The members of the ZIP archive `bytes`.
    ///
    /// - Throws: ``NotAnArchive`` when there is no end-of-central-directory record.
    static func read(_ bytes: UnsafeRawBufferPointer) throws -> Listing {
        let reader = LittleEndianBytes(bytes: bytes)
        let n = bytes.count
        let window = 22 + 0xFFFF
        guard n >= 22 else {
            throw NotAnArchive(reason: "\(n) bytes, fewer than an end-of-central-directory record's 22")
        }
        var eocd = n - 22
        while eocd >= max(0, n - window) && reader.u32(eocd) != 0x0605_4B50 { eocd -= 1 }
        guard eocd >= max(0, n - window) else {
            throw NotAnArchive(reason: "no end-of-central-directory record in its last \(min(n, window)) bytes")
        }
        var count = UInt64(reader.u16(eocd + 10) ?? 0)
        var directoryOffset = UInt64(reader.u32(eocd + 16) ?? 0)
        // ZIP64: the locator (20 bytes) right before the EOCD points at the ZIP64 end record.
        if eocd >= 20, reader.u32(eocd - 20) == 0x0706_4B50, let recordOffset = reader.u64(eocd - 20 + 8),
           let record = Int(exactly: recordOffset), reader.u32(record) == 0x0606_4B50,
           let total = reader.u64(record + 32), let start = reader.u64(record + 48) {
            count = total
            directoryOffset = start
        }
        var members: [Member] = []
        var position = directoryOffset
        while UInt64(members.count) < count, let (member, next) = record(at: position, in: reader) {
            members.append(member)
            position = next
        }
        return Listing(declaredCount: count, members: members)
    }

    /// The central-directory record at `offset` and the offset of the next one, or `nil` when it cannot be read.
    private static func record(at offset: UInt64, in reader: LittleEndianBytes) -> (Member, UInt64)? {
        guard let at = Int(exactly: offset), reader.u32(at) == 0x0201_4B50,
              let madeBy = reader.u16(at + 4), let flags = reader.u16(at + 8), let method = reader.u16(at + 10),
              let crc = reader.u32(at + 16), let compressed32 = reader.u32(at + 20),
              let uncompressed32 = reader.u32(at + 24), let nameLength = reader.u16(at + 28),
              let extraLength = reader.u16(at + 30), let commentLength = reader.u16(at + 32),
              let attributes = reader.u32(at + 38), let localOffset32 = reader.u32(at + 42),
              let nameBytes = reader.slice(at + 46, nameLength),
              let extra = reader.slice(at + 46 + nameLength, extraLength),
              reader.slice(at + 46 + nameLength + extraLength, commentLength) != nil
        else { return nil }
        // ZIP64 extra field: the saturated fields, in this order, each 8 bytes.
        var uncompressed = UInt64(uncompressed32), compressed = UInt64(compressed32), localOffset = UInt64(localOffset32)
        if uncompressed32 == 0xFFFF_FFFF || compressed32 == 0xFFFF_FFFF || localOffset32 == 0xFFFF_FFFF {
            guard let zip64 = zip64Field(in: extra, reader: reader) else { return nil }
            var cursor = zip64.lowerBound
            func next() -> UInt64? {
                guard cursor + 8 <= zip64.upperBound, let v = reader.u64(cursor) else { return nil }
                cursor += 8
                return v
            }
            if uncompressed32 == 0xFFFF_FFFF { guard let v = next() else { return nil }; uncompressed = v }
            if compressed32 == 0xFFFF_FFFF { guard let v = next() else { return nil }; compressed = v }
            if localOffset32 == 0xFFFF_FFFF { guard let v = next() else { return nil }; localOffset = v }
        }
        // The local header: signature, then its own name and extra-field lengths decide where the data starts.
        guard let local = Int(exactly: localOffset), reader.u32(local) == 0x0403_4B50,
              let localName = reader.u16(local + 26), let localExtra = reader.u16(local + 28),
              reader.slice(local + 30, localName + localExtra) != nil else { return nil }
        let name = decodeName(reader.bytes[nameBytes], utf8: flags & 0x0800 != 0)
        let member = Member(name: name, kind: kind(name: name, madeBy: madeBy, attributes: attributes),
                            method: UInt16(truncatingIfNeeded: method), isEncrypted: flags & 1 != 0, crc32: crc,
                            compressedSize: compressed, uncompressedSize: uncompressed,
                            dataOffset: UInt64(local) + 30 + UInt64(localName) + UInt64(localExtra))
        return (member, UInt64(at + 46 + nameLength + extraLength + commentLength))
    }

    /// The byte range of the ZIP64 extended-information field's data within the extra-field block `extra`.
    private static func zip64Field(in extra: Range<Int>, reader: LittleEndianBytes) -> Range<Int>? {
        var at = extra.lowerBound
        while at + 4 <= extra.upperBound, let id = reader.u16(at), let length = reader.u16(at + 2) {
            let end = at + 4 + length
            guard end <= extra.upperBound else { return nil }
            if id == 0x0001 { return (at + 4)..<end }
            at = end
        }
        return nil
    }

    /// The member's kind, from the record's "version made by" (upper byte: the system) and external attributes.
    private static func kind(name: String, madeBy: Int, attributes: UInt32) -> Member.Kind {
        let trailingSlash = name.hasSuffix("/")
        switch madeBy >> 8 {
        case 3, 19:   // Unix, macOS: the file mode in the upper 16 bits
            switch (attributes >> 16) & 0o170000 {
            case 0o100000: return .file
            case 0o040000: return .directory
            case 0o120000: return .symbolicLink
            default: return trailingSlash ? .directory : .file
            }
        case 0:       // MS-DOS: attribute bit 4 is "directory"
            return trailingSlash || (attributes >> 4) == 1 ? .directory : .file
        default:
            return trailingSlash ? .directory : .file
        }
    }

    /// A member name: UTF-8 (empty when invalid) or code page 437 (every byte a character: 0x20-0x7E as ASCII,
    /// the others as the IBM PC's glyphs; 0x00 stays NUL).
    static func decodeName(_ bytes: UnsafeRawBufferPointer.SubSequence, utf8: Bool) -> String {
        if utf8 { return String(bytes: bytes, encoding: .utf8) ?? "" }
        var name = String.UnicodeScalarView()
        for b in bytes {
            let code: UInt32
            switch b {
            case 0x20..<0x7F: code = UInt32(b)
            case 0x7F: code = 0x2302
            case 0x80...: code = codePage437High[Int(b) - 0x80]
            default: code = codePage437Low[Int(b)]
            }
            name.append(Unicode.Scalar(code) ?? "?")
        }
        return String(name)
    }

    /// Code page 437, bytes 0x00-0x1F.
    private static let codePage437Low: [UInt32] = [
        0x0000, 0x263A, 0x263B, 0x2665, 0x2666, 0x2663, 0x2660, 0x2022, 0x25D8, 0x25CB, 0x25D9, 0x2642, 0x2640, 0x266A,
        0x266B, 0x263C, 0x25BA, 0x25C4, 0x2195, 0x203C, 0x00B6, 0x00A7, 0x25AC, 0x21A8, 0x2191, 0x2193, 0x2192, 0x2190,
        0x221F, 0x2194, 0x25B2, 0x25BC,
    ]

    /// Code page 437, bytes 0x80-0xFF.
    private static let codePage437High: [UInt32] = [
        0x00C7, 0x00FC, 0x00E9, 0x00E2, 0x00E4, 0x00E0, 0x00E5, 0x00E7, 0x00EA, 0x00EB, 0x00E8, 0x00EF, 0x00EE, 0x00EC,
        0x00C4, 0x00C5, 0x00C9, 0x00E6, 0x00C6, 0x00F4, 0x00F6, 0x00F2, 0x00FB, 0x00F9, 0x00FF, 0x00D6, 0x00DC, 0x00A2,
        0x00A3, 0x00A5, 0x20A7, 0x0192, 0x00E1, 0x00ED, 0x00F3, 0x00FA, 0x00F1, 0x00D1, 0x00AA, 0x00BA, 0x00BF, 0x2310,
        0x00AC, 0x00BD, 0x00BC, 0x00A1, 0x00AB, 0x00BB, 0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x2561, 0x2562, 0x2556,
        0x2555, 0x2563, 0x2551, 0x2557, 0x255D, 0x255C, 0x255B, 0x2510, 0x2514, 0x2534, 0x252C, 0x251C, 0x2500, 0x253C,
        0x255E, 0x255F, 0x255A, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256C, 0x2567, 0x2568, 0x2564, 0x2565, 0x2559,
        0x2558, 0x2552, 0x2553, 0x256B, 0x256A, 0x2518, 0x250C, 0x2588, 0x2584, 0x258C, 0x2590, 0x2580, 0x03B1, 0x00DF,
        0x0393, 0x03C0, 0x03A3, 0x03C3, 0x00B5, 0x03C4, 0x03A6, 0x0398, 0x03A9, 0x03B4, 0x221E, 0x03C6, 0x03B5, 0x2229,
        0x2261, 0x00B1, 0x2265, 0x2264, 0x2320, 0x2321, 0x00F7, 0x2248, 0x00B0, 0x2219, 0x00B7, 0x221A, 0x207F, 0x00B2,
        0x25A0, 0x00A0,
    ]
}
