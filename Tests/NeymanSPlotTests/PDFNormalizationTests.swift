import Foundation
import Testing
@testable import NeymanSPlot

/// Every component pdf is a probability density on the fit range: it integrates to 1 there (checked with GSL CQUAD,
/// independent of the QAG and the analytic CDFs the pdfs use) and is not negative at the tested points.
@Suite("Component pdfs: normalisation")
struct PDFNormalizationTests {
    @Test(arguments: Shapes.cases.indices)
    func integratesToOneOnTheRange(_ c: Int) throws {
        let (name, p) = Shapes.cases[c]
        let range = Shapes.range
        let pdf = try PDFCatalog.make(name, range: range)
        let f = NormalizedPDF(pdf, parameters: p, range: range)
        // Integrate piecewise around the peak so CQUAD's nodes see it.
        let cuts = [range.lo, 85, 90, 92, 97, range.hi]
        var total = 0.0
        for k in 0..<(cuts.count - 1) { total += independentIntegral({ f.value($0) }, cuts[k], cuts[k + 1]) }
        #expect(abs(total - 1) < 1e-9, "\(name) \(p): integral \(total)")
        for m in stride(from: 70.0, through: 110.0, by: 0.5) { #expect(f.value(m) >= 0, "\(name) negative at \(m)") }
    }

    @Test func zeroOutsideTheRange() throws {
        let f = NormalizedPDF(GaussianPDF(), parameters: [91, 2], range: Shapes.range)
        #expect(f.value(69.999) == 0 && f.value(110.001) == 0)
        #expect(f.value(91) > 0)
    }

    @Test func exponentialMatchesTheReferenceFormula() throws {
        // f_b(m) = lam e^{lam (m - 70)} / (e^{40 lam} - 1), as in Tests/Fixtures/cases/sweights.
        let lam = -0.03
        let f = NormalizedPDF(ExponentialPDF(range: Shapes.range), parameters: [lam], range: Shapes.range)
        for m in [70.0, 80.5, 109.9] {
            let expected = lam * exp(lam * (m - 70)) / (exp(40 * lam) - 1)
            #expect(relClose(f.value(m), expected, 1e-14))
        }
    }

    @Test func unknownNamesAreRejected() {
        #expect(throws: Error.self) { try PDFCatalog.make("lorentz", range: Shapes.range, option: "signal") }
        #expect(throws: Error.self) { try PDFCatalog.make("chebyshev:7", range: Shapes.range) }
        #expect(throws: Error.self) { try PDFCatalog.make("chebyshev", range: Shapes.range) }
        #expect(throws: Error.self) { try FitRange(110, 70) }
        #expect(throws: Error.self) { try FitRange(1, 1) }
    }
}
