import NeymanCore

/// The one range syntax of the CLI: `LO:HI` (documented everywhere), with `LO,HI` also accepted where a single range
/// is given (`sweights --range 60,120` from before the syntax was unified). Both ends go through the strict decimal
/// grammar (``StrictNumber``) and must be finite with `LO < HI`.
enum RangeOption {
    /// Parses one range for option `--name`.
    ///
    /// - Throws: ``NeymanError`` naming the option when the text is not two finite numbers with `LO < HI`.
    static func parse(_ text: String, option: String) throws -> (lower: Double, upper: Double) {
        let separator: Character = text.contains(":") ? ":" : ","
        let v = try ModelOptions.numbers(text.split(separator: separator, omittingEmptySubsequences: false).joined(separator: ","),
                                         option: option)
        guard v.count == 2 else { throw NeymanError.invalid("'\(text)' is not a range LO:HI", parameter: option) }
        guard v[0] < v[1] else { throw NeymanError.invalid("'\(text)' is not a range LO:HI with LO < HI", parameter: option) }
        return (v[0], v[1])
    }

    /// Parses one range per column, `LO:HI` separated by commas (`--range 0:10,-2.5:2.5`); for a single column
    /// `LO,HI` is also read.
    static func parse(_ text: String, columns: Int, option: String) throws -> [(lower: Double, upper: Double)] {
        if columns == 1 && !text.contains(":") { return [try parse(text, option: option)] }
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == columns else {
            throw NeymanError.invalid("\(parts.count) range(s) for \(columns) column(s); give LO:HI per column, separated by commas",
                                      parameter: option)
        }
        return try parts.map { p in
            guard p.contains(":") else { throw NeymanError.invalid("'\(p)' is not a range LO:HI", parameter: option) }
            return try parse(p, option: option)
        }
    }
}
