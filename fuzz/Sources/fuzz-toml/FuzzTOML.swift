// libFuzzer target: ConfigFile.parse (TOML via TOMLKit / toml++) and the typed accessors of ConfigTable.
import Foundation
import FuzzSupport
import NeymanCore

/// Keys that Neyman's study and training configs use, asked of the root table and of every sub-table with each
/// accessor, so that type mismatches go through the accessors' error paths.
private let keys = ["name", "kind", "seed", "scale", "data", "training", "model", "epochs", "batch_size",
                    "learning_rate", "layers", "columns", "signal", "background", "bins", "a", "b", "x"]

private func walk(_ table: ConfigTable, depth: Int) throws {
    for key in keys {
        _ = table.contains(key)
        if table.isTable(key) {
            if depth < 4, let child = try table.table(key) { try walk(child, depth: depth + 1) }
            continue
        }
        _ = try? table.string(key)
        _ = try? table.int(key)
        _ = try? table.double(key)
        _ = try? table.bool(key)
        _ = try? table.strings(key)
        _ = try? table.ints(key)
        _ = try? table.doubles(key)
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTOML(_ bytes: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: Fuzz.data(bytes, size), as: UTF8.self)
    Fuzz.expectNeymanErrors {
        let root = try ConfigFile.parse(text, file: "fuzz.toml")
        try walk(root, depth: 0)
        try root.rejectUnknownKeys()
    }
    return 0
}

@main
enum Main {
    static func main() { exit(Fuzz.run(fuzzTOML)) }
}
