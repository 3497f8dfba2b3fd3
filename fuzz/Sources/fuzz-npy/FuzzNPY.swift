// libFuzzer target: NPYFormat.decode on arbitrary bytes.
import Foundation
import FuzzSupport
import NeymanCore

/// A decoded array must re-encode (as float64) and decode to the same shape and the same bits.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNPY(_ bytes: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let data = Fuzz.data(bytes, size)
    Fuzz.expectNeymanErrors {
        let a = try NPYFormat.decode(data, source: "fuzz.npy")
        let b = try NPYFormat.decode(try NPYFormat.encode(a))
        Fuzz.check(a.shape == b.shape && a.values.map(\.bitPattern) == b.values.map(\.bitPattern),
                   "float64 round trip changed the array of shape \(a.shape)")
    }
    return 0
}

@main
enum Main {
    static func main() { exit(Fuzz.run(fuzzNPY)) }
}
