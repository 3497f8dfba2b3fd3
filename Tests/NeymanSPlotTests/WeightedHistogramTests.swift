import Foundation
import NeymanCore
import Testing
@testable import NeymanSPlot

@Suite("sWeighted histograms")
struct WeightedHistogramTests {
    @Test func contentsAndErrors() throws {
        let h = try WeightedHistogram(values: [0.1, 0.2, 0.6, 1.0, -1, 2, 0.5], weights: [1, -0.5, 2, 3, 4, 5, 0.25],
                                      bins: 2, lower: 0, upper: 1)
        #expect(h.contents == [0.5, 5.25])
        #expect(h.sumsOfSquares == [1.25, 13.0625])
        #expect(h.errors[0] == 1.25.squareRoot())
        #expect(h.underflow.sum == 4 && h.overflow.sum == 5 && h.overflow.sumOfSquares == 25)
        #expect(h.edges == [0, 0.5, 1])
    }

    /// The sWeighted histogram of the score reproduces the true signal histogram within a few errors per bin.
    @Test func sWeightedScoreMatchesTheTruth() throws {
        let sample = try ZBosonSample.generate(events: 20_000, seed: 17)
        let model = try SPlotModel(signal: "voigt", background: "exponential", range: FitRange(70, 110))
        let fit = try SPlotFit.fit(masses: sample.mass, model: model, fixed: ["signal.width": 2.4952])
        let sw = try SWeights.compute(fit: fit, masses: sample.mass)
        let h = try WeightedHistogram(values: sample.score, weights: sw.signal, bins: 10, lower: 0, upper: 1)
        let truth = try WeightedHistogram(values: sample.score, weights: sample.isSignal, bins: 10, lower: 0, upper: 1)
        var chi2 = 0.0
        for b in 0..<10 { chi2 += pow(h.contents[b] - truth.contents[b], 2) / max(h.sumsOfSquares[b], 1) }
        // The sWeighted and true counts share their signal events, so the differences are smaller than the errors.
        #expect(chi2 < 30, "chi2 \(chi2) for 10 bins")
    }

    @Test func badInput() {
        #expect(throws: NeymanError.self) { try WeightedHistogram(values: [1], weights: [1], bins: 0, lower: 0, upper: 1) }
        #expect(throws: NeymanError.self) { try WeightedHistogram(values: [1], weights: [1], bins: 3, lower: 1, upper: 1) }
        #expect(throws: NeymanError.self) { try WeightedHistogram(values: [1, 2], weights: [1], bins: 3, lower: 0, upper: 1) }
        #expect(throws: NeymanError.self) { try WeightedHistogram(values: [.nan], weights: [1], bins: 3, lower: 0, upper: 1) }
    }
}
