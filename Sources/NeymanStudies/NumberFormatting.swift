import Foundation

/// A number as the study reports print it: an integer without a decimal point when it is one (below 10^9 in
/// magnitude), otherwise `%g` (six significant digits). Non-finite values print as `nan`, `inf`, `-inf`.
func fmt(_ v: Double) -> String {
    if v.isFinite && v == v.rounded() && abs(v) < 1e9 { return String(Int(v)) }
    return String(format: "%g", v)
}

/// A number with `digits` decimals (`%.<digits>f`); non-finite values print as `nan`, `inf`, `-inf`.
func fmt(_ v: Double, _ digits: Int) -> String {
    v.isFinite ? String(format: "%.\(max(0, min(digits, 17)))f", v) : String(format: "%g", v)
}
