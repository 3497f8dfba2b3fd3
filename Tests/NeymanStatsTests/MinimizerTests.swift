import Foundation
import Testing
import NeymanCore
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
        let r = try Minimizer().minimize(gaussian)
        #expect(r.converged)
        #expect(abs(r.values[0] - 1.5) < 1e-7 && abs(r.values[1] + 0.5) < 1e-7)
        let cov = try #require(r.covariance)
        #expect(abs(cov[0] - 4) < 1e-5 && abs(cov[1] - 1.2) < 1e-5 && abs(cov[3] - 1) < 1e-5)
        #expect(abs(r.uncertainties[0] - 2) < 1e-6)
        #expect(r.edm < 1e-10)
    }

    @Test func boundsAreRespectedAndActiveBoundFound() throws {
        var g = gaussian
        g = GaussianNLL(mean: g.mean, inverse: g.inverse, parameters: [Parameter("a", initial: 3, lower: 2, upper: 5), Parameter("b", initial: 0)])
        let r = try Minimizer().minimize(g)
        #expect(r.converged)
        #expect(abs(r.values[0] - 2) < 1e-6)  // pinned at the lower bound
        // Conditional minimum of b given a = 2: b = -0.5 + (1.2/4) * ... from the inverse: b = mean_b - (Cinv_ba/Cinv_bb)(a - mean_a)
        #expect(abs(r.values[1] - (-0.5 + 1.2 / 4 * 0.5)) < 1e-5)
    }

    @Test func fixedParametersStayFixed() throws {
        let r = try Minimizer().minimize(gaussian, fixed: [0: 0.25])
        #expect(r.values[0] == 0.25)
        #expect(abs(r.values[1] - (-0.5 + 0.3 * (0.25 - 1.5))) < 1e-6)
        #expect(r.uncertainties[0] == 0)
    }

    @Test func rosenbrockWithFiniteDifferenceGradient() throws {
        let r = try Minimizer().minimize(Rosenbrock())
        #expect(r.converged)
        #expect(abs(r.values[0] - 1) < 1e-4 && abs(r.values[1] - 1) < 1e-4)
    }

    /// A function that is NaN outside a region must not poison the result.
    @Test func nanRegionIsAvoided() throws {
        struct LogBarrier: Likelihood {
            let parameters = [Parameter("x", initial: 3)]
            func negativeLogLikelihood(_ p: [Double]) -> Double { p[0] - 2 * log(p[0]) }  // NaN for x < 0, min at 2
            func negativeLogLikelihood(_ p: [Double], gradient: inout [Double]) -> Double {
                gradient[0] = 1 - 2 / p[0]
                return negativeLogLikelihood(p)
            }
        }
        let r = try Minimizer().minimize(LogBarrier())
        #expect(r.converged)
        #expect(abs(r.values[0] - 2) < 1e-6)
    }

    @Test func flatDirectionIsReportedNotHidden() throws {
        struct Flat: Likelihood {
            let parameters = [Parameter("x", initial: 0.3), Parameter("y", initial: 0)]
            func negativeLogLikelihood(_ p: [Double]) -> Double { (p[0] - 1) * (p[0] - 1) }
            func negativeLogLikelihood(_ p: [Double], gradient: inout [Double]) -> Double {
                gradient[0] = 2 * (p[0] - 1); gradient[1] = 0
                return negativeLogLikelihood(p)
            }
        }
        let r = try Minimizer().minimize(Flat())
        #expect(abs(r.values[0] - 1) < 1e-6)
        // y is not determined: the Hessian is singular, so no covariance and NaN uncertainties.
        #expect(r.covariance == nil)
        #expect(r.uncertainties[1].isNaN)
    }

    /// `-ln L = (x - 1)^2 + 1e-12 y` on `y in [0, 1]`: the likelihood is flat in `y` to 1e-12, the EDM criterion is met
    /// with `y` far from its bound, and the Hessian has no curvature in `y`. With a covariance asked for, the fit is
    /// `converged == false` and says why (it was `true` with status "ok; Hessian not positive definite").
    @Test func singularHessianIsNotConverged() throws {
        struct Flat: Likelihood {
            let parameters = [Parameter("x", initial: 0.3), Parameter("y", initial: 0.3, lower: 0, upper: 1)]
            func negativeLogLikelihood(_ p: [Double]) -> Double { (p[0] - 1) * (p[0] - 1) + 1e-12 * p[1] }
            func negativeLogLikelihood(_ p: [Double], gradient: inout [Double]) -> Double {
                gradient[0] = 2 * (p[0] - 1); gradient[1] = 1e-12
                return negativeLogLikelihood(p)
            }
        }
        let r = try Minimizer().minimize(Flat())
        #expect(abs(r.values[0] - 1) < 1e-6 && r.values[1] > 0.1)
        #expect(!r.converged)
        #expect(r.status == Minimizer.singularHessianStatus)
        #expect(r.covariance == nil && r.uncertainties[0].isNaN)
        // Without a covariance asked for (toys, scans) the EDM criterion alone decides.
        #expect(try Minimizer(options: .fast).minimize(Flat()).converged)
    }

    /// `-ln L = (x - 1)^2 + y` on `y in [0, 1]`: `y` ends on its bound with the gradient pushing outwards (an active
    /// bound) and no curvature. The minimum is determined (by the bound): `y` is held there for the covariance, with
    /// uncertainty 0, and the status names it; `x` keeps its Hesse error `sqrt(1/2)`.
    @Test func activeBoundWithoutCurvatureIsHeld() throws {
        struct Linear: Likelihood {
            let parameters = [Parameter("x", initial: 0.3), Parameter("y", initial: 0.5, lower: 0, upper: 1)]
            func negativeLogLikelihood(_ p: [Double]) -> Double { (p[0] - 1) * (p[0] - 1) + p[1] }
            func negativeLogLikelihood(_ p: [Double], gradient: inout [Double]) -> Double {
                gradient[0] = 2 * (p[0] - 1); gradient[1] = 1
                return negativeLogLikelihood(p)
            }
        }
        let r = try Minimizer().minimize(Linear())
        #expect(r.converged && r.values[1] == 0)
        #expect(r.heldAtBound == ["y"] && r.status == Minimizer.heldAtBoundStatus(["y"]))
        #expect(r.uncertainties[1] == 0 && abs(r.uncertainties[0] - 0.5.squareRoot()) < 1e-5)
    }

    /// A start point of the wrong length is an error naming both lengths; it used to be replaced by the initial values
    /// without a word. So is a fixed index that is not a parameter.
    @Test func wrongLengthStartIsAnError() throws {
        #expect(throws: NeymanError.invalid("the start point has 3 values but the likelihood has 2 parameters (a, b)", parameter: "start")) {
            try Minimizer().minimize(gaussian, start: [1, 2, 3])
        }
        #expect(throws: NeymanError.self) { try Minimizer().minimize(gaussian, start: []) }
        #expect(throws: NeymanError.self) { try Minimizer().minimize(gaussian, fixed: [2: 1]) }
        #expect(throws: NeymanError.self) { try Minimizer().minimize(gaussian, fixed: [0: .nan]) }
        // The right length is used as given: a start at the minimum stays there.
        let r = try Minimizer().minimize(gaussian, start: [1.5, -0.5])
        #expect(r.converged && abs(r.values[0] - 1.5) < 1e-9)
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

/// `GaussianNLL` with its exact Hessian `C^-1`: the minimiser's Newton stage.
struct GaussianNLLWithHessian: Likelihood {
    let base: GaussianNLL
    var parameters: [Parameter] { base.parameters }
    func negativeLogLikelihood(_ x: [Double]) -> Double { base.negativeLogLikelihood(x) }
    func negativeLogLikelihood(_ x: [Double], gradient: inout [Double]) -> Double { base.negativeLogLikelihood(x, gradient: &gradient) }
    func negativeLogLikelihood(_ x: [Double], gradient: inout [Double], hessian: inout [Double]) -> Double? {
        for k in hessian.indices { hessian[k] = base.inverse[k] }
        return base.negativeLogLikelihood(x, gradient: &gradient)
    }
}

@Suite("Minimizer with an analytic Hessian")
struct MinimizerHessianTests {
    let gaussian = GaussianNLL(mean: [1.5, -0.5], inverse: [1 / 2.56, -1.2 / 2.56, -1.2 / 2.56, 4 / 2.56],
                               parameters: [Parameter("a", initial: 0), Parameter("b", initial: 0)])

    /// On an unbounded quadratic one Newton step is exact: start, step, and nothing else (the covariance reuses the
    /// last Hessian), against dozens for BFGS with differenced Hessians.
    @Test func quadraticTakesOneNewtonStep() throws {
        let r = try Minimizer().minimize(GaussianNLLWithHessian(base: gaussian))
        #expect(r.converged && r.edm < 1e-10)
        #expect(r.evaluations <= 3, "\(r.evaluations) evaluations")
        #expect(abs(r.values[0] - 1.5) < 1e-9 && abs(r.values[1] + 0.5) < 1e-9)
        let cov = try #require(r.covariance)
        #expect(abs(cov[0] - 4) < 1e-9 && abs(cov[1] - 1.2) < 1e-9 && abs(cov[3] - 1) < 1e-9)
        let plain = try Minimizer().minimize(gaussian)
        #expect(r.evaluations < plain.evaluations)
    }

    /// Bounds: the Newton stage works in the internal coordinates (with the transform's second derivative) and the
    /// active bound is still found exactly, with the KKT refit.
    @Test func activeBoundWithNewton() throws {
        let g = GaussianNLL(mean: gaussian.mean, inverse: gaussian.inverse,
                            parameters: [Parameter("a", initial: 3, lower: 2, upper: 5), Parameter("b", initial: 0)])
        let r = try Minimizer().minimize(GaussianNLLWithHessian(base: g))
        #expect(r.converged)
        #expect(abs(r.values[0] - 2) < 1e-6)
        #expect(abs(r.values[1] - (-0.5 + 1.2 / 4 * 0.5)) < 1e-5)
    }

    /// A bounded, non-quadratic problem: the internal Hessian from the analytic one equals differences of the
    /// internal gradient, and Newton converges with the covariance of the plain path.
    @Test func boundedNonQuadraticMatchesPlainPath() throws {
        let g = GaussianNLL(mean: gaussian.mean, inverse: gaussian.inverse,
                            parameters: [Parameter("a", initial: 0.2, lower: -1, upper: 4), Parameter("b", initial: 0.3, lower: -3, upper: .infinity)])
        let withH = try Minimizer().minimize(GaussianNLLWithHessian(base: g))
        let plain = try Minimizer().minimize(g)
        #expect(withH.converged && plain.converged)
        for k in 0..<2 { #expect(abs(withH.values[k] - plain.values[k]) < 1e-6) }
        let c1 = try #require(withH.covariance), c2 = try #require(plain.covariance)
        for k in 0..<4 { #expect(abs(c1[k] - c2[k]) < 1e-5) }
        let ctx = MinimizationContext(likelihood: GaussianNLLWithHessian(base: g), template: [0.2, 0.3], free: [0, 1],
                                      transforms: [BoundTransform(lower: -1, upper: 4), BoundTransform(lower: -3, upper: .infinity)])
        let u = [0.4, 1.3]
        var gi = [0.0, 0.0], h = [Double](repeating: 0, count: 4)
        _ = try #require(ctx.valueGradientHessian(u, &gi, &h))
        for j in 0..<2 {
            var up = u, dn = u
            up[j] += 1e-6; dn[j] -= 1e-6
            var gu = gi, gd = gi
            _ = ctx.valueAndGradient(up, &gu)
            _ = ctx.valueAndGradient(dn, &gd)
            for i in 0..<2 { #expect(abs(h[i * 2 + j] - (gu[i] - gd[i]) / 2e-6) < 1e-7) }
        }
    }

    @Test func transformSecondDerivative() {
        for t in [BoundTransform(lower: 0, upper: 10), BoundTransform(lower: 1e-10, upper: .infinity),
                  BoundTransform(lower: -.infinity, upper: 2), BoundTransform(lower: -.infinity, upper: .infinity)] {
            for u in [-0.7, 0.3, 1.9] {
                let h = 1e-5
                let numeric = (t.derivative(u + h) - t.derivative(u - h)) / (2 * h)
                #expect(abs(numeric - t.secondDerivative(u)) < 1e-8)
            }
        }
    }
}
