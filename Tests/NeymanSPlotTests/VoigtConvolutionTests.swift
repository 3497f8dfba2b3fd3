@preconcurrency import CGSL
import Foundation
import Testing
@testable import NeymanSPlot

/// libcerf's Voigt profile, as the Voigt pdf uses it, equals the convolution of a Breit-Wigner (FWHM Gamma) with a
/// Gaussian (sigma), computed here directly by GSL's QAGI on the infinite line.
@Suite("Voigt profile")
struct VoigtConvolutionTests {
    static func convolution(_ x: Double, sigma: Double, width: Double) -> Double {
        let gamma = width / 2
        let integrand: (Double) -> Double = { t in
            gsl_ran_gaussian_pdf(x - t, sigma) * gsl_ran_cauchy_pdf(t, gamma)
        }
        final class Box { let f: (Double) -> Double; init(_ f: @escaping (Double) -> Double) { self.f = f } }
        let box = Box(integrand)
        let ws = gsl_integration_workspace_alloc(1000)!
        defer { gsl_integration_workspace_free(ws) }
        var fn = gsl_function(function: { t, p in Unmanaged<Box>.fromOpaque(p!).takeUnretainedValue().f(t) },
                              params: Unmanaged.passUnretained(box).toOpaque())
        // The Gaussian factor makes everything beyond |x - t| > 40 sigma negligible: integrate [x - 40s, x + 40s]
        // with QAGS (the Cauchy factor is smooth there) and cut at the Cauchy peak t = 0.
        var total = 0.0
        let pieces = [x - 40 * sigma, min(max(0, x - 40 * sigma), x + 40 * sigma), x + 40 * sigma]
        for k in 0..<2 where pieces[k + 1] > pieces[k] {
            var r = 0.0, e = 0.0
            _ = gsl_integration_qags(&fn, pieces[k], pieces[k + 1], 0, 1e-12, 1000, ws, &r, &e)
            total += r
        }
        return total
    }

    @Test(arguments: [(0.0, 1.5, 2.5), (1.7, 1.5, 2.5), (-6.0, 1.5, 2.5), (3.0, 0.4, 5.0), (0.5, 3.0, 0.2)])
    func equalsTheDirectConvolution(_ c: (Double, Double, Double)) {
        let (x, sigma, width) = c
        let v = VoigtPDF().shape(91.19 + x, [91.19, sigma, width])
        let direct = Self.convolution(x, sigma: sigma, width: width)
        #expect(relClose(v, direct, 1e-9), "x \(x): \(v) vs \(direct)")
    }

    @Test func libcerfReferenceValue() {
        // shared/refs/swift-with-c-libraries.md: voigt(0, 1, 0.5) = 0.27895547038929436.
        #expect(relClose(VoigtPDF().shape(0, [0, 1, 1]), 0.27895547038929436, 1e-15))
    }
}
