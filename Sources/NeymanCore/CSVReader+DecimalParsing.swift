import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Correctly rounded decimal parsing of a CSV cell: Clinger's fast path, then Eisel-Lemire (the 128-bit powers of
/// five are in `CSVReader+PowersOfFive.swift`); anything longer goes through ``StrictNumber``.
extension CSVReader {
    /// Exact powers of ten representable in a Double (10^0 ... 10^22).
    static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// Reads the run of decimal digits at `p[i...]` into `mantissa`, counting significant digits (leading zeros are
    /// not) in `digits`; leaves `i` after the run. Returns how many digits the run had, or `nil` at a 20th significant
    /// digit (the mantissa would no longer fit 64 bits exactly: the caller takes the slow path).
    @inline(__always)
    static func readDigits(_ p: UnsafePointer<UInt8>, _ i: inout Int, _ mantissa: inout UInt64, _ digits: inout Int) -> Int? {
        let start = i
        while true {
            let d = p[i] &- 48
            if d > 9 { break }
            if mantissa != 0 || d != 0 {
                if digits == 19 { return nil }
                mantissa = mantissa &* 10 &+ UInt64(d)
                digits += 1
            }
            i += 1
        }
        return i - start
    }

    /// The fast path for plain decimals, `[+-]digits[.digits][(e|E)[+-]digits]` with at most 19 significant
    /// digits, so that the value is exactly `w * 10^q` for a 64-bit integer `w`:
    /// - Clinger's case: `w <= 2^53` and `|q| <= 22`, so `w * 10^q` (or `w / 10^-q`) is one IEEE operation on exact
    ///   operands, hence correctly rounded;
    /// - otherwise the Eisel-Lemire algorithm (``eiselLemire(_:_:)``), also correctly rounded.
    /// Returns `nil` (use the slow path) for more than 19 significant digits or anything that is not a plain decimal.
    @inline(__always)
    static func fastDecimal(_ p: UnsafePointer<UInt8>, _ start: Int) -> (Double, Int)? {
        var i = start
        var negative = false
        if p[i] == UInt8(ascii: "-") { negative = true; i += 1 } else if p[i] == UInt8(ascii: "+") { i += 1 }
        var mantissa: UInt64 = 0
        var digits = 0
        var exponent = 0
        guard let integerDigits = readDigits(p, &i, &mantissa, &digits) else { return nil }
        var sawDigit = integerDigits > 0
        if p[i] == UInt8(ascii: ".") {
            i += 1
            guard let fractionDigits = readDigits(p, &i, &mantissa, &digits) else { return nil }
            sawDigit = sawDigit || fractionDigits > 0
            exponent -= fractionDigits
        }
        if !sawDigit { return nil }
        if p[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            var expNegative = false
            if p[i] == UInt8(ascii: "-") { expNegative = true; i += 1 } else if p[i] == UInt8(ascii: "+") { i += 1 }
            var e = 0
            var expDigits = 0
            while true {
                let d = p[i] &- 48
                if d > 9 { break }
                if expDigits == 6 { return nil }
                e = e * 10 + Int(d)
                expDigits += 1
                i += 1
            }
            if expDigits == 0 { return nil }
            exponent += expNegative ? -e : e
        }
        if mantissa == 0 { return (negative ? -0.0 : 0.0, i) }
        var v: Double
        if mantissa <= (1 << 53) && exponent >= -22 && exponent <= 22 {
            v = Double(mantissa)
            if exponent > 0 {
                v *= exactPowersOfTen[exponent]
            } else if exponent < 0 {
                v /= exactPowersOfTen[-exponent]
            }
        } else {
            v = eiselLemire(mantissa, exponent)
        }
        return (negative ? -v : v, i)
    }

    /// The correctly rounded Double nearest `w * 10^q` for `w != 0` (Eisel-Lemire, as in Lemire's fast_float).
    ///
    /// ```
    ///   w normalised (top bit set)  x  T[q] (the 128 leading bits of 5^q)  ->  128-bit product
    ///   the product's top 54 bits + the binary exponent of 10^q  ->  mantissa rounded to nearest, ties to even
    /// ```
    /// One 64x64-bit product suffices unless its low bits are all ones; then the second half of `T[q]` refines it.
    /// For an exact 64-bit `w` this never needs a slower fallback (Mushtak & Lemire, "Fast number parsing without
    /// fallback", 2023). `q < -342` gives 0 and `q > 308` gives infinity (w has at most 19 digits).
    /// See: D. Lemire, "Number parsing at a gigabyte per second", Software: Practice and Experience 51 (2021).
    static func eiselLemire(_ w: UInt64, _ q: Int) -> Double {
        if q < -342 { return 0 }
        if q > 308 { return .infinity }
        let leadingZeros = w.leadingZeroBitCount
        let wn = w << UInt64(leadingZeros)
        let index = 2 * (q + 342)
        var (high, low) = wn.multipliedFullWidth(by: powersOfFive128[index])
        let precisionMask: UInt64 = UInt64.max >> 55   // 52 explicit mantissa bits + 3
        if high & precisionMask == precisionMask {
            let (high2, _) = wn.multipliedFullWidth(by: powersOfFive128[index + 1])
            let (sum, carry) = low.addingReportingOverflow(high2)
            low = sum
            if carry { high &+= 1 }
        }
        let upperBit = Int(high >> 63)
        let shift = UInt64(upperBit + 64 - 52 - 3)
        var mantissa = high >> shift
        // floor(log2(10^q)) + 63 = ((152170 + 65536) * q) >> 16) + 63, then the exponent bias 1023.
        var power2 = (((152_170 + 65_536) * q) >> 16) + 63 + upperBit - leadingZeros + 1023
        if power2 <= 0 {
            // Subnormal (or zero).
            if -power2 + 1 >= 64 { return 0 }
            mantissa >>= UInt64(-power2 + 1)
            mantissa += mantissa & 1
            mantissa >>= 1
            power2 = mantissa < (1 << 52) ? 0 : 1
            return Double(bitPattern: mantissa | UInt64(power2) << 52)
        }
        // A tie (exactly halfway) rounds to even: only possible for small |q|, where the product is exact.
        if low <= 1 && q >= -4 && q <= 23 && mantissa & 3 == 1 && (mantissa << shift) == high {
            mantissa &= ~1
        }
        mantissa += mantissa & 1
        mantissa >>= 1
        if mantissa >= (2 << 52) {
            mantissa = 1 << 52
            power2 += 1
        }
        mantissa &= ~(1 << 52)
        if power2 >= 0x7FF { return .infinity }
        return Double(bitPattern: mantissa | UInt64(power2) << 52)
    }
}
