// libFuzzer target: NPZArchive.decode (ZIP via ZIPFoundation, then each .npy member) on arbitrary bytes.
import Foundation
import FuzzSupport
import NeymanCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNPZ(_ bytes: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let data = Fuzz.data(bytes, size)
    Fuzz.expectNeymanErrors {
        let members = try NPZArchive.decode(data, source: "fuzz.npz")
        Fuzz.check(Set(members.map(\.0)).count == members.count, "repeated member names were accepted")
    }
    return 0
}

@main
enum Main {
    static func main() { exit(Fuzz.run(fuzzNPZ)) }
}
