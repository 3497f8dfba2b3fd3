import Foundation
import NeymanCore
import Testing
@testable import NeymanStats

@Suite("Ratio grids: per-event r(theta) for shape systematics")
struct RatioGridTests {
    /// r(x; sigma) of the bump hunt: N(x; 5, sigma) / (1/10).
    static func ratio(_ x: Double, _ sigma: Double) -> Double { exp(-0.5 * pow((x - 5) / sigma, 2)) / (sigma * (2 * Double.pi).squareRoot()) * 10 }

    static func grid(_ xs: [Double], lower: Double = 0.3, upper: Double = 0.8, points: Int = 26) throws -> RatioGrid {
        let h = (upper - lower) / Double(points - 1)
        return try RatioGrid(lower: lower, upper: upper, points: points,
                             values: xs.flatMap { x in (0..<points).map { ratio(x, lower + Double($0) * h) } })
    }

    @Test func interpolationIsExactAtNodesAndCloseBetween() throws {
        let xs = [4.2, 4.9, 5.0, 5.6, 6.3]
        let g = try Self.grid(xs)
        for (i, x) in xs.enumerated() {
            for k in [0, 7, 25] { #expect(abs(g.evaluate(event: i, theta: g.theta(k)).value - Self.ratio(x, g.theta(k))) < 1e-12) }
            for s in [0.31, 0.437, 0.55, 0.79] {
                let (v, d) = g.evaluate(event: i, theta: s)
                #expect(abs(v - Self.ratio(x, s)) < 2e-3 * max(1, Self.ratio(x, s)), "x = \(x), sigma = \(s)")
                let numeric = (Self.ratio(x, s + 1e-6) - Self.ratio(x, s - 1e-6)) / 2e-6
                #expect(abs(d - numeric) < 0.03 * max(1, abs(numeric)), "x = \(x), sigma = \(s): \(d) vs \(numeric)")
            }
        }
        // Clamped outside, and gathered rows keep their values.
        #expect(g.evaluate(event: 0, theta: 2).value == g.evaluate(event: 0, theta: 0.8).value)
        let sub = g.rows([3, 3, 0])
        #expect(sub.count == 3 && sub.evaluate(event: 1, theta: 0.44).value == g.evaluate(event: 3, theta: 0.44).value)
        #expect(throws: NeymanError.self) { try RatioGrid(lower: 0, upper: 1, points: 2, values: [1, -1]) }
    }

    @Test func shapeLikelihoodGradientMatchesFiniteDifferences() throws {
        let xs = [4.2, 4.9, 5.0, 5.6, 6.3, 1.0, 8.5]
        let g = try Self.grid(xs)
        let data = UnbinnedAnalysisData(ratios: g.ratios(at: 0.5), weights: nil, auxiliary: [0.2, 0.5], grid: g)
        let shape = ShapeSystematic(name: "sigma", nominal: 0.5, uncertainty: 0.1, target: .signal)
        let l = try UnbinnedAnalysisLikelihood(signal: 20, background: 100,
                                               systematics: [RateSystematic(name: "b", signal: nil, background: NormsysInterpolation(hi: 1.1, lo: 0.9))],
                                               shape: shape, data: data, muBounds: -1...10)
        #expect(l.parameters.map(\.name) == ["mu", "b", "sigma"])
        expectGradientMatchesFiniteDifferences(l, at: [[1.0, 0.1, 0.45], [0.3, -0.5, 0.62], [2.0, 0.0, 0.5]], step: 1e-7, tolerance: 1e-4)
        // The likelihood's value at sigma is the plain likelihood with the ratios at sigma, plus the constraints.
        let plain = try UnbinnedAnalysisLikelihood(signal: 20, background: 100,
                                                   systematics: [RateSystematic(name: "b", signal: nil, background: NormsysInterpolation(hi: 1.1, lo: 0.9))],
                                                   data: UnbinnedAnalysisData(ratios: g.ratios(at: 0.62), auxiliary: [0.2]), muBounds: -1...10)
        let diff = l.negativeLogLikelihood([0.3, -0.5, 0.62]) - plain.negativeLogLikelihood([0.3, -0.5])
        #expect(abs(diff - 0.5 * pow((0.62 - 0.5) / 0.1, 2)) < 1e-9)
    }
}
