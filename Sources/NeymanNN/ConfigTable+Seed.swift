import Foundation
import NeymanCore

extension ConfigTable {
    /// A seed (`UInt64`, `0 ... 18446744073709551615`), or `nil` if the key is absent.
    ///
    /// A TOML integer is a signed 64-bit number, so seeds up to `9223372036854775807` (`Int64.max`) are written as
    /// integers (`seed = 42`) and any seed, including those above `Int64.max`, may be written as a decimal string
    /// (`seed = "18446744073709551615"`: digits only, an optional leading `+`, no spaces, no sign `-`).
    /// - Throws: ``NeymanError/invalidInput(_:_:)`` naming the file and key for a negative integer, a string that is
    ///   not a decimal number in range, or another type.
    public func seed(_ key: String) throws -> UInt64? {
        guard contains(key) else { return nil }
        let keyPath = path.isEmpty ? key : "\(path).\(key)"
        let range = "0...18446744073709551615"
        if let text = try? string(key) {
            guard let v = StrictNumber.uint64(text) else {
                throw NeymanError.invalid("must be a seed in \(range) (got \"\(text)\")", file: file, key: keyPath)
            }
            return v
        }
        if let i = try? int(key) {
            guard i >= 0 else { throw NeymanError.invalid("must be a seed in \(range) (got \(i))", file: file, key: keyPath) }
            return UInt64(i)
        }
        throw NeymanError.invalid("must be an integer seed in \(range) (write seeds above 9223372036854775807 as a string, "
                                  + "e.g. \"18446744073709551615\")", file: file, key: keyPath)
    }
}
