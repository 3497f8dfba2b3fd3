/// Strict parsing of numbers a user types (command-line options, config values given as text, CSV cells on the
/// slow path).
///
/// Swift's `Double(_:)` reads hexadecimal floats (`0x1p3`) and, through C's `strtod`, stops at a NUL byte, so
/// `"3\u{0}999"` would read as 3. Here a number is exactly:
/// ```
///   [+-] digits [. digits] [(e|E) [+-] digits]     at least one digit in the mantissa
///   [+-] (nan | inf | infinity)                     any case
/// ```
/// with nothing before or after (no spaces, no NUL, no hex, no `_`). Values are correctly rounded (the conversion
/// itself is Swift's, applied only to text that passed the grammar above).
public enum StrictNumber {
    /// The value of `text` as a Double, or `nil` if `text` is not a number by the grammar above.
    public static func double<S: StringProtocol>(_ text: S) -> Double? {
        guard isDecimal(text.utf8) else { return nil }
        return Double(String(text))
    }

    /// The value of `text` as an Int (`[+-]digits`, no other characters), or `nil`.
    public static func int<S: StringProtocol>(_ text: S) -> Int? {
        guard isInteger(text.utf8) else { return nil }
        return Int(String(text))
    }

    /// The value of `text` as a UInt64 (`[+]digits`), or `nil` (negative values and overflow included).
    public static func uint64<S: StringProtocol>(_ text: S) -> UInt64? {
        guard isInteger(text.utf8), text.first != "-" else { return nil }
        return UInt64(String(text))
    }

    /// Whether the bytes follow the decimal grammar (or name NaN/infinity).
    public static func isDecimal<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        var i = bytes.startIndex
        let end = bytes.endIndex
        if i == end { return false }
        if bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i = bytes.index(after: i) }
        // Named values.
        let rest = String(decoding: bytes[i...], as: UTF8.self).lowercased()
        if rest == "nan" || rest == "inf" || rest == "infinity" { return true }
        var mantissaDigits = 0
        while i != end, isDigit(bytes[i]) { mantissaDigits += 1; i = bytes.index(after: i) }
        if i != end, bytes[i] == UInt8(ascii: ".") {
            i = bytes.index(after: i)
            while i != end, isDigit(bytes[i]) { mantissaDigits += 1; i = bytes.index(after: i) }
        }
        if mantissaDigits == 0 { return false }
        if i != end, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i = bytes.index(after: i)
            if i != end, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i = bytes.index(after: i) }
            var expDigits = 0
            while i != end, isDigit(bytes[i]) { expDigits += 1; i = bytes.index(after: i) }
            if expDigits == 0 { return false }
        }
        return i == end
    }

    private static func isInteger<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        var i = bytes.startIndex
        let end = bytes.endIndex
        if i != end, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i = bytes.index(after: i) }
        var digits = 0
        while i != end, isDigit(bytes[i]) { digits += 1; i = bytes.index(after: i) }
        return digits > 0 && i == end
    }

    @inline(__always)
    private static func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
}
