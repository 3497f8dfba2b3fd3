import Foundation
import Testing
@testable import NeymanStats

/// A correlated Gaussian `-ln L = (x - m)^T C^-1 (x - m) / 2`: minimum `m`, covariance `C`, exactly.
struct GaussianNLL: Likelihood {
    let mean: [Double]
    let inverse: [Double]  // C^-1, row-major
    let parameters: [Parameter]

    func negativeLogLikelihood(_ x: [Double]) -> Double {
        var g = [Double](repeating: 0, count: x.count)
        return negativeLogLikelihood(x, gradient: &g)
    }

    func negativeLogLikelihood(_ x: [Double], gradient: inout [Double]) -> Double {
        let n = x.count
        var f = 0.0
        for i in 0..<n {
            var gi = 0.0
            for j in 0..<n { gi += inverse[i * n + j] * (x[j] - mean[j]) }
            gradient[i] = gi
            f += 0.5 * (x[i] - mean[i]) * gi
        }
        return f
    }
}

/// Rosenbrock's banana, `(1 - x)^2 + 100 (y - x^2)^2`, without an analytic gradient (finite differences).
struct Rosenbrock: Likelihood {
    let parameters = [Parameter("x", initial: -1.2), Parameter("y", initial: 1)]
    func negativeLogLikelihood(_ p: [Double]) -> Double {
        let a = 1 - p[0], b = p[1] - p[0] * p[0]
        return a * a + 100 * b * b
    }
}

@Suite("Minimizer")
struct MinimizerTests {
    // C = [[4, 1.2], [1.2, 1]] -> C^-1 = [[1, -1.2], [-1.2, 4]] / 2.56
    let gaussian = GaussianNLL(mean: [1.5, -0.5], inverse: [1 / 2.56, -1.2 / 2.56, -1.2 / 2.56, 4 / 2.56],
                               parameters: [Parameter("a", initial: 0), Parameter("b", initial: 0)])

    @Test func gaussianMinimumAndCovarianceAreExact() throws {
        let r = Minimizer().minimize(gaussian)
        #expect(r.converged)
        #expect(abs(r.values[0] - 1.5) < 1e-7 && abs(r.values[1] + 0.5) < 1e-7)
        let cov = try #require(r.covariance)
        #expect(abs(cov[0] - 4) < 1e-5 && abs(cov[1] - 1.2) < 1e-5 && abs(cov[3] - 1) < 1e-5)
        #expect(abs(r.uncertainties[0] - 2) < 1e-6)
        #expect(r.edm < 1e-10)
    }

    @Test func boundsAreRespectedAndActiveBoundFound() {
        var g = gaussian
        g = GaussianNLL(mean: g.mean, inverse: g.inverse, parameters: [Parameter("a", initial: 3, lower: 2, upper: 5), Parameter("b", initial: 0)])
        let r = Minimizer().minimize(g)
        #expect(r.converged)
        #expect(abs(r.values[0] - 2) < 1e-6)  // pinned at the lower bound
        // Conditional minimum of b given a = 2: b = -0.5 + (1.2/4) * ... from the inverse: b = mean_b - (Cinv_ba/Cinv_bb)(a - mean_a)
        #expect(abs(r.values[1] - (-0.5 + 1.2 / 4 * 0.5)) < 1e-5)
    }

    @Test func fixedParametersStayFixed() {
        let r = Minimizer().minimize(gaussian, fixed: [0: 0.25])
        #expect(r.values[0] == 0.25)
        #expect(abs(r.values[1] - (-0.5 + 0.3 * (0.25 - 1.5))) < 1e-6)
        #expect(r.uncertainties[0] == 0)
    }

    @Test func rosenbrockWithFiniteDifferenceGradient() {
        let r = Minimizer().minimize(Rosenbrock())
        #expect(r.converged)
        #expect(abs(r.values[0] - 1) < 1e-4 && abs(r.values[1] - 1) < 1e-4)
    }

    /// A function that is NaN outside a region must not poison the result.
    @Test func nanRegionIsAvoided() {
        struct LogBarrier: Likelihood {
            let parameters = [Parameter("x", initial: 3)]
            func negativeLogLikelihood(_ p: [Double]) -> Double { p[0] - 2 * log(p[0]) }  // NaN for x < 0, min at 2
            func negativeLogLikelihood(_ p: [Double], gradient: inout [Double]) -> Double {
                gradient[0] = 1 - 2 / p[0]
                return negativeLogLikelihood(p)
            }
        }
        let r = Minimizer().minimize(LogBarrier())
        #expect(r.converged)
        #expect(abs(r.values[0] - 2) < 1e-6)
    }

    @Test func flatDirectionIsReportedNotHidden() {
        struct Flat: Likelihood {
            let parameters = [Parameter("x", initial: 0.3), Parameter("y", initial: 0)]
            func negativeLogLikelihood(_ p: [Double]) -> Double { (p[0] - 1) * (p[0] - 1) }
            func negativeLogLikelihood(_ p: [Double], gradient: inout [Double]) -> Double {
                gradient[0] = 2 * (p[0] - 1); gradient[1] = 0
                return negativeLogLikelihood(p)
            }
        }
        let r = Minimizer().minimize(Flat())
        #expect(abs(r.values[0] - 1) < 1e-6)
        // y is not determined: the Hessian is singular, so no covariance and NaN uncertainties.
        #expect(r.covariance == nil)
        #expect(r.uncertainties[1].isNaN)
    }
}

@Suite("Bound transform")
struct BoundTransformTests {
    @Test func roundTripAndDerivative() {
        for t in [BoundTransform(lower: 0, upper: 10), BoundTransform(lower: 1e-10, upper: .infinity),
                  BoundTransform(lower: -.infinity, upper: 2), BoundTransform(lower: -.infinity, upper: .infinity)] {
            for p in [0.5, 1.7, 1.9] {
                let u = t.internalValue(p)
                #expect(abs(t.external(u) - p) < 1e-12, "\(t) \(p)")
                let h = 1e-6
                let numeric = (t.external(u + h) - t.external(u - h)) / (2 * h)
                #expect(abs(numeric - t.derivative(u)) < 1e-7)
            }
        }
    }

    @Test func startOnABoundIsMovedInside() {
        let t = BoundTransform(lower: 0, upper: 10)
        let p = t.external(t.internalValue(0))
        #expect(p > 0 && p < 0.01)
        #expect(t.derivative(t.internalValue(0)) != 0)
    }
}
