// libFuzzer target: CSVReader.parse on arbitrary bytes (LF, CRLF and lone-CR line ends, quoted fields, BOM).
import Foundation
import FuzzSupport
import NeymanCore

/// Each input is parsed twice: every column with non-finite values rejected, and (to reach the code that skips
/// unselected and quoted cells) every other header name, split naively from the first line, with NaN allowed.
/// A successful parse must give a dataset whose columns all have `count` values.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ bytes: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let data = Fuzz.data(bytes, size)
    Fuzz.expectNeymanErrors {
        let d = try CSVReader.parse(data, source: "fuzz.csv")
        Fuzz.check(d.namedColumns.allSatisfy { $0.1.count == d.count }, "ragged dataset")
    }
    let firstLine = data.prefix { $0 != 0x0A && $0 != 0x0D }
    let names = String(decoding: firstLine, as: UTF8.self).split(separator: ",", omittingEmptySubsequences: false)
        .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " \t\u{FEFF}")) }
    let selected = names.enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
    Fuzz.expectNeymanErrors {
        let d = try CSVReader.parse(data, source: "fuzz.csv", columns: selected, allowNonFinite: true)
        Fuzz.check(d.columnNames == selected, "selected \(selected), got \(d.columnNames)")
    }
    return 0
}

@main
enum Main {
    static func main() { exit(Fuzz.run(fuzzCSV)) }
}
