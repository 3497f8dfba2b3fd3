import NeymanCore

/// The component pdfs by their command-line names.
///
/// | name | type | parameters |
/// |---|---|---|
/// | `gauss` | ``GaussianPDF`` | mean, sigma |
/// | `voigt` | ``VoigtPDF`` | mean, sigma, width (FWHM Gamma) |
/// | `breitwigner` | ``BreitWignerPDF`` | mean, width |
/// | `relbreitwigner` | ``RelativisticBreitWignerPDF`` | mean, width |
/// | `crystalball` | ``CrystalBallPDF`` | mean, sigma, alpha, n |
/// | `crystalball2` | ``CrystalBallPDF`` (two-sided) | mean, sigma, alpha, n, alpha2, n2 |
/// | `exponential` | ``ExponentialPDF`` | slope |
/// | `chebyshev:N` (N = 1...6) | ``ChebyshevPDF`` | c1 ... cN |
public enum PDFCatalog {
    /// The signal shapes `neyman sweights --signal` accepts.
    public static let signalNames = ["voigt", "gauss", "crystalball", "crystalball2", "breitwigner", "relbreitwigner"]
    /// The background shapes `neyman sweights --background` accepts (`chebyshev:N` with N = 1...6).
    public static let backgroundNames = ["exponential", "chebyshev:N"]

    /// The pdf called `name`, for use on `range`.
    /// - Parameter option: the option or parameter named in an error (e.g. `signal`).
    /// - Throws: ``NeymanError/invalidInput(_:_:)`` for an unknown name or a Chebyshev degree outside 1...6.
    public static func make(_ name: String, range: FitRange, option: String = "pdf") throws -> any ComponentPDF {
        switch name.lowercased() {
        case "gauss", "gaussian": return GaussianPDF()
        case "voigt": return VoigtPDF()
        case "breitwigner": return BreitWignerPDF()
        case "relbreitwigner": return RelativisticBreitWignerPDF()
        case "crystalball": return CrystalBallPDF(twoSided: false)
        case "crystalball2": return CrystalBallPDF(twoSided: true)
        case "exponential", "exp": return ExponentialPDF(range: range)
        default:
            let lower = name.lowercased()
            if lower.hasPrefix("chebyshev") {
                let rest = lower.dropFirst("chebyshev".count)
                guard rest.first == ":", let n = Int(rest.dropFirst()), (1...6).contains(n) else {
                    throw NeymanError.invalid("'\(name)': give the Chebyshev degree as chebyshev:N with N from 1 to 6", parameter: option)
                }
                return ChebyshevPDF(degree: n, range: range)
            }
            let known = (signalNames + backgroundNames).joined(separator: ", ")
            throw NeymanError.invalid("unknown pdf '\(name)'; known: \(known)", parameter: option)
        }
    }
}
