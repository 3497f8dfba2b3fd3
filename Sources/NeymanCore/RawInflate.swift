import CLibZ
import Foundation

/// Decompression of a raw deflate stream (RFC 1951, no zlib or gzip wrapper: the payload of a deflated ZIP member)
/// whose decompressed size is known in advance, by zlib's `inflate`.
///
/// The output is exactly `size` bytes: a stream that ends before producing them, would produce more, is not valid
/// deflate data, or ends before the stream's final block is an error. Bytes after the final block are ignored (as
/// zlib and ZIP readers do). A size that no deflate stream of the given length can reach (deflate expands at most
/// 1032:1) is refused before anything is allocated, so a damaged or hostile size cannot claim memory it will never
/// fill.
enum RawInflate {
    /// Why decompression failed, in words for an error message.
    struct Failure: Error {
        let reason: String
    }

    /// The largest output a deflate stream of `compressedCount` bytes can have: 258 bytes per 2-bit code at best
    /// (the 1032:1 bound of RFC 1951's longest match), plus a little for block headers.
    static func largestOutput(compressedCount: Int) -> Int {
        let (product, overflow) = compressedCount.multipliedReportingOverflow(by: 1032)
        return overflow ? Int.max : product &+ 1024
    }

    /// The `size` bytes that `compressed` inflates to.
    ///
    /// - Throws: ``Failure`` saying what was wrong (too large a size, corrupt data, too short or too long a stream).
    static func inflate(_ compressed: UnsafeRawBufferPointer, size: Int) throws -> [UInt8] {
        guard size >= 0, size <= largestOutput(compressedCount: compressed.count) else {
            throw Failure(reason: "it declares \(size) uncompressed bytes, more than its \(compressed.count) "
                          + "deflated bytes can hold")
        }
        var stream = z_stream()
        guard neyman_inflate_init_raw(&stream) == Z_OK else {
            throw Failure(reason: "zlib could not start inflating (\(String(cString: zError(Z_MEM_ERROR))))")
        }
        defer { inflateEnd(&stream) }
        var failure: Failure?
        let chunk = Int(UInt32.max)   // avail_in and avail_out are 32-bit: feed larger buffers in pieces
        let output = [UInt8](unsafeUninitializedCapacity: size) { out, initialized in
            initialized = 0
            var consumed = 0
            var status = Z_OK
            while status == Z_OK {
                let inputLeft = compressed.count - consumed, outputLeft = size - Int(stream.total_out)
                stream.next_in = UnsafeMutablePointer(mutating: compressed.firstAddress.assumingMemoryBound(to: Bytef.self))
                    + consumed
                stream.avail_in = uInt(min(inputLeft, chunk))
                let out0 = Int(stream.total_out)
                stream.next_out = out.firstAddress + out0
                stream.avail_out = uInt(min(outputLeft, chunk))
                let inBefore = stream.avail_in
                // With no room left, inflate is given one more call: Z_STREAM_END says the stream ended exactly at
                // `size`, Z_BUF_ERROR that it wants to write more.
                status = CLibZ.inflate(&stream, Z_NO_FLUSH)
                consumed += Int(inBefore - stream.avail_in)
                initialized = Int(stream.total_out)
                if status == Z_OK && inBefore == stream.avail_in && Int(stream.total_out) == out0 {
                    status = Z_BUF_ERROR   // no progress: out of input or out of room
                }
            }
            switch status {
            case Z_STREAM_END where Int(stream.total_out) == size:
                break
            case Z_STREAM_END:
                failure = Failure(reason: "it inflates to \(stream.total_out) bytes, not the \(size) it declares")
            case Z_BUF_ERROR where Int(stream.total_out) == size:
                failure = Failure(reason: "it inflates to more than the \(size) bytes it declares")
            case Z_BUF_ERROR:
                failure = Failure(reason: "its deflate data ends early (after \(stream.total_out) of \(size) bytes)")
            case Z_DATA_ERROR:
                let detail = stream.msg.map { String(cString: $0) } ?? "invalid deflate data"
                failure = Failure(reason: "corrupt deflate data (\(detail))")
            default:
                failure = Failure(reason: "zlib's inflate failed (\(String(cString: zError(status))))")
            }
        }
        if let failure { throw failure }
        return output
    }
}
