import Foundation
import Testing
@testable import NeymanSPlot
@testable import NeymanStats

/// Second derivatives: the shapes' batch form and the analytic Hessian of the extended likelihood agree with
/// differences of the analytic gradients; the Voigt integral's end-point derivatives agree with quadrature.
@Suite("Analytic Hessians")
struct HessianTests {
    let range = Shapes.range

    /// Batch values and gradients equal the per-event ones; batch second derivatives equal central differences of
    /// the batch gradient.
    @Test(arguments: ["voigt", "exponential"])
    func batchSecondDerivativesMatchGradientDifferences(_ name: String) throws {
        let pdf = try PDFCatalog.make(name, range: range)
        let p = name == "voigt" ? [91.2, 1.5, 2.4952] : [-0.03]
        let np = p.count
        let masses = [71.3, 84.0, 89.7, 91.1, 92.6, 99.0, 108.2]
        let n = masses.count
        var v = [Double](repeating: 0, count: n), g = [Double](repeating: 0, count: n * np), h = [Double](repeating: 0, count: n * np * np)
        #expect(pdf.shapes(masses, count: n, p, values: &v, gradients: &g, hessians: &h))
        var single = [Double](repeating: 0, count: np)
        for e in 0..<n {
            #expect(relClose(v[e], pdf.shape(masses[e], p, gradient: &single), 1e-13))
            for k in 0..<np { #expect(abs(g[k * n + e] - single[k]) <= 1e-13 * max(abs(single[k]), 1e-3 * v[e])) }
        }
        for l in 0..<np {
            let step = 1e-5 * max(1, abs(p[l]))
            var up = p, dn = p
            up[l] += step; dn[l] -= step
            var vu = v, vd = v, gu = g, gd = g
            _ = pdf.shapes(masses, count: n, up, values: &vu, gradients: &gu, hessians: nil)
            _ = pdf.shapes(masses, count: n, dn, values: &vd, gradients: &gd, hessians: nil)
            for k in 0..<np {
                for e in 0..<n {
                    let fd = (gu[k * n + e] - gd[k * n + e]) / (2 * step)
                    let an = h[(k * np + l) * n + e]
                    #expect(abs(an - fd) <= 1e-5 * max(abs(fd), 1e-2 * v[e]), "\(name) d2/d\(k)d\(l) at \(masses[e]): \(an) vs \(fd)")
                }
            }
        }
    }

    /// The Voigt integral's end-point derivatives equal quadrature of the shape gradient, and its second derivatives
    /// equal central differences of the first.
    @Test func voigtIntegralDerivatives() {
        let pdf = VoigtPDF()
        let p = [91.2, 1.5, 2.4952]
        var g = [0.0, 0.0, 0.0], h = [Double](repeating: 0, count: 9), sg = [0.0, 0.0, 0.0]
        let i = pdf.integral(p, range: range, gradient: &g, hessian: &h) ?? .nan
        #expect(relClose(i, Quadrature.integrate({ pdf.shape($0, p) }, from: 70, to: 110, breakpoints: [91.2]), 1e-10))
        for k in 0..<3 {
            let q = Quadrature.integrate({ _ = pdf.shape($0, p, gradient: &sg); return sg[k] }, from: 70, to: 110, breakpoints: [p[0]])
            #expect(abs(g[k] - q) <= 1e-9 * max(abs(q), 1e-3), "dI/dp\(k): \(g[k]) vs \(q)")
        }
        for l in 0..<3 {
            let step = 1e-5 * max(1, abs(p[l]))
            var up = p, dn = p
            up[l] += step; dn[l] -= step
            var gu = g, gd = g, scratch = h
            _ = pdf.integral(up, range: range, gradient: &gu, hessian: &scratch)
            _ = pdf.integral(dn, range: range, gradient: &gd, hessian: &scratch)
            for k in 0..<3 {
                let fd = (gu[k] - gd[k]) / (2 * step)
                #expect(abs(h[k * 3 + l] - fd) <= 1e-5 * max(abs(fd), 1e-3), "d2I/dp\(k)dp\(l): \(h[k * 3 + l]) vs \(fd)")
            }
        }
    }

    /// The extended likelihood's analytic Hessian (Voigt + exponential) equals central differences of its analytic gradient.
    @Test func extendedLikelihoodHessianMatchesGradientDifferences() throws {
        let sample = try ZBosonSample.generate(events: 3000, seed: 3)
        let masses = sample.mass.filter { range.contains($0) }
        let x = [1000.0, 1900, 91.0, 1.6, 2.4952, -0.025]
        let l = ExtendedMassLikelihood(signal: VoigtPDF(), background: ExponentialPDF(range: range), range: range,
                                       masses: masses, weights: nil, start: x)
        let n = x.count
        var g = [Double](repeating: 0, count: n), h = [Double](repeating: 0, count: n * n)
        let f = try #require(l.negativeLogLikelihood(x, gradient: &g, hessian: &h))
        var g1 = g
        #expect(relClose(f, l.negativeLogLikelihood(x, gradient: &g1), 1e-13))
        for k in 0..<n { #expect(abs(g[k] - g1[k]) <= 1e-10 * max(1, abs(g1[k]))) }
        for j in 0..<n {
            let step = 1e-6 * max(1, abs(x[j]))
            var up = x, dn = x
            up[j] += step; dn[j] -= step
            var gu = g, gd = g
            _ = l.negativeLogLikelihood(up, gradient: &gu)
            _ = l.negativeLogLikelihood(dn, gradient: &gd)
            for i in 0..<n {
                let fd = (gu[i] - gd[i]) / (2 * step)
                let scale = (abs(h[i * n + i] * h[j * n + j])).squareRoot()
                #expect(abs(h[i * n + j] - fd) <= 1e-6 * scale, "H[\(i)][\(j)] = \(h[i * n + j]) vs \(fd)")
            }
        }
    }

    /// A pdf without second derivatives (Gaussian) gives no analytic Hessian, so the minimiser falls back to BFGS.
    @Test func shapesWithoutSecondDerivativesGiveNoHessian() throws {
        let l = ExtendedMassLikelihood(signal: GaussianPDF(), background: ExponentialPDF(range: range), range: range,
                                       masses: [80, 90, 91, 100], weights: nil, start: [2, 2, 91, 2, -0.01])
        var g = [Double](repeating: 0, count: 5), h = [Double](repeating: 0, count: 25)
        #expect(l.negativeLogLikelihood([2, 2, 91, 2, -0.01], gradient: &g, hessian: &h) == nil)
    }

    /// The sPlot fit of the benchmark model converges by Newton in few evaluations and the event loop gives the same
    /// numbers for one and two threads.
    @Test func newtonFitIsCheapAndThreadIndependent() throws {
        let sample = try ZBosonSample.generate(events: 20_000, seed: 7)
        let model = try SPlotModel(signal: "voigt", background: "exponential", range: range)
        let fit = try SPlotFit.fit(masses: sample.mass, model: model, fixed: ["signal.width": 2.4952])
        #expect(fit.converged)
        #expect(fit.fit.edm < 1e-10)
        #expect(fit.fit.evaluations <= 40, "\(fit.fit.evaluations) evaluations")
        let masses = fit.eventsInRange.map { sample.mass[$0] }
        var l = ExtendedMassLikelihood(signal: model.signal, background: model.background, range: range, masses: masses,
                                       weights: nil, start: fit.fit.values)
        var g1 = [Double](repeating: 0, count: 6), h1 = [Double](repeating: 0, count: 36), g2 = g1, h2 = h1
        l.threads = 1
        let f1 = l.negativeLogLikelihood(fit.fit.values, gradient: &g1, hessian: &h1)
        l.threads = 2
        let f2 = l.negativeLogLikelihood(fit.fit.values, gradient: &g2, hessian: &h2)
        #expect(f1 == f2 && g1 == g2 && h1 == h2)
    }
}
