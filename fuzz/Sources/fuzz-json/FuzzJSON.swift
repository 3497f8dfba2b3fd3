// libFuzzer target: HistFactoryWorkspace.parse (pyhf JSON workspaces) on arbitrary bytes.
import Foundation
import FuzzSupport
import NeymanCore
import NeymanStats

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ bytes: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let data = Fuzz.data(bytes, size)
    Fuzz.expectNeymanErrors { _ = try HistFactoryWorkspace.parse(data) }
    return 0
}

@main
enum Main {
    static func main() { exit(Fuzz.run(fuzzJSON)) }
}
