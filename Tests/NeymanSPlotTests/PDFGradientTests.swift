import Foundation
import Testing
@testable import NeymanSPlot

/// The analytic gradient of each normalised pdf (shape gradient and normalisation gradient together) agrees with
/// central finite differences of the normalised pdf.
@Suite("Component pdfs: gradients")
struct PDFGradientTests {
    @Test(arguments: Shapes.cases.indices)
    func gradientMatchesFiniteDifferences(_ c: Int) throws {
        let (name, p) = Shapes.cases[c]
        let range = Shapes.range
        let pdf = try PDFCatalog.make(name, range: range)
        let f = NormalizedPDF(pdf, parameters: p, range: range)
        var g = [Double](repeating: 0, count: p.count), scratch = g
        for m in [71.3, 84.0, 89.7, 91.1, 92.6, 99.0, 108.2] {
            let v = f.value(m, gradient: &g, scratch: &scratch)
            #expect(relClose(v, f.value(m), 1e-14))
            for k in p.indices {
                let h = 1e-5 * max(1, abs(p[k]))
                var up = p, dn = p
                up[k] += h; dn[k] -= h
                let fd = (NormalizedPDF(pdf, parameters: up, range: range).value(m) - NormalizedPDF(pdf, parameters: dn, range: range).value(m)) / (2 * h)
                let scale = max(abs(fd), 1e-3 * v, 1e-12)
                #expect(abs(g[k] - fd) <= 2e-6 * scale, "\(name) \(p) d/d\(pdf.parameterNames(range: range)[k]) at \(m): \(g[k]) vs \(fd)")
            }
        }
    }
}
