import Foundation
import NeymanCore

/// Parsing shared by `neyman sweights` and `neyman auc`.
enum SPlotOptionParsing {
    /// `name=value,name=value` for option `--option`; names are kept as given (`signal.width`); values by
    /// ``StrictNumber`` (no hex, no NUL).
    static func assignments(_ text: String?, option: String) throws -> [String: Double] {
        guard let text, !text.trimmingCharacters(in: .whitespaces).isEmpty else { return [:] }
        var out: [String: Double] = [:]
        for part in text.split(separator: ",") {
            let pieces = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pieces.count == 2, !pieces[0].isEmpty else {
                throw NeymanError.invalid("'\(part)' is not name=value (e.g. signal.width=2.5)", parameter: option)
            }
            guard let v = StrictNumber.double(pieces[1]), v.isFinite else {
                throw NeymanError.invalid("value '\(pieces[1])' of '\(pieces[0])' is not a finite decimal number", parameter: option)
            }
            guard out[pieces[0]] == nil else { throw NeymanError.invalid("'\(pieces[0])' is given twice", parameter: option) }
            out[pieces[0]] = v
        }
        return out
    }

    /// A column of a loaded dataset, with the file named in a missing-column error.
    static func column(_ data: Dataset, _ name: String, file: String) throws -> [Double] {
        do { return try data.column(name) } catch let e as NeymanError { throw e.inFile(file) }
    }
}
