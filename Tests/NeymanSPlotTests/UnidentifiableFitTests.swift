import Foundation
import NeymanCore
import NeymanStats
import Testing
@testable import NeymanSPlot

/// Fits the data cannot determine are `converged == false` (they were reported as `converged: true`): more free
/// parameters than events, or a Hessian that is not positive definite at the minimum.
@Suite("sPlot fits the data cannot determine")
struct UnidentifiableFitTests {
    static let range = try! FitRange(70, 110)

    /// A 10-parameter fit (crystalball2 + chebyshev:2) on 5 events: the minimiser met its EDM criterion and found a
    /// positive-definite Hessian, but 10 parameters are not determined by 5 events.
    @Test func moreFreeParametersThanEvents() throws {
        let model = try SPlotModel(signal: "crystalball2", background: "chebyshev:2", range: Self.range)
        let fit = try SPlotFit.fit(masses: [90, 92, 95, 85, 100], model: model)
        #expect(model.parameterNames.count == 10)
        #expect(!fit.converged)
        #expect(fit.fit.status == SPlotFit.tooFewEventsStatus(free: 10, events: 5))
        // Fixing parameters until no more than 5 are free lifts the rule (whatever the minimiser then says).
        let fixed = try SPlotFit.fit(masses: [90, 92, 95, 85, 100], model: model,
                                     fixed: ["signal.alpha": 1.5, "signal.n": 3, "signal.alpha2": 1.5, "signal.n2": 3, "background.c2": 0])
        #expect(fixed.fit.status != SPlotFit.tooFewEventsStatus(free: 5, events: 5))
    }

    /// Events of zero weight do not count as events.
    @Test func zeroWeightEventsDoNotCount() throws {
        let model = try SPlotModel(signal: "gauss", background: "exponential", range: Self.range)
        let masses = (0..<8).map { 80 + 3 * Double($0) }
        let fit = try SPlotFit.fit(masses: masses, weights: [1, 1, 1, 0, 0, 0, 0, 0], model: model)
        #expect(!fit.converged && fit.fit.status == SPlotFit.tooFewEventsStatus(free: 5, events: 3))
    }
}
