// libFuzzer target: SafeTensors.decode (8-byte length, JSON header, tensor bytes) on arbitrary bytes.
import Foundation
import FuzzSupport
import NeymanCore
import NeymanNN

/// Every decoded tensor must hold as many values as its shape says.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafeTensors(_ bytes: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let data = Fuzz.data(bytes, size)
    Fuzz.expectNeymanErrors {
        let (entries, _) = try SafeTensors.decode(data, source: "fuzz.safetensors")
        for e in entries {
            Fuzz.check(e.shape.reduce(1, *) == e.values.count, "tensor '\(e.name)' does not match its shape")
        }
    }
    return 0
}

@main
enum Main {
    static func main() { exit(Fuzz.run(fuzzSafeTensors)) }
}
