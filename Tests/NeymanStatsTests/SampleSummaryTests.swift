import Testing
import NeymanStats

/// Sample mean, variance, standard deviation and median against hand computations, and their edge cases.
@Suite("Sample summaries")
struct SampleSummaryTests {
    @Test func valuesMatchHandComputations() {
        let x: [Double] = [2, 4, 4, 4, 5, 5, 7, 9]
        #expect(SampleSummary.mean(x) == 5)
        // sum of squared deviations 32, n - 1 = 7
        #expect(abs(SampleSummary.variance(x) - 32.0 / 7) < 1e-15)
        #expect(abs(SampleSummary.standardDeviation(x) - (32.0 / 7).squareRoot()) < 1e-15)
        #expect(abs(SampleSummary.standardErrorOfMean(x) - (32.0 / 7 / 8).squareRoot()) < 1e-15)
        #expect(SampleSummary.median(x) == 4.5)
        #expect(SampleSummary.median([9, 1, 5]) == 5)
        #expect(SampleSummary.median([3, -1]) == 1)
    }

    @Test func tooFewValuesGiveNaN() {
        #expect(SampleSummary.mean([]).isNaN)
        #expect(SampleSummary.median([]).isNaN)
        #expect(SampleSummary.variance([1]).isNaN)
        #expect(SampleSummary.standardDeviation([1]).isNaN)
        #expect(SampleSummary.mean([3]) == 3 && SampleSummary.median([3]) == 3)
        #expect(SampleSummary.median([1, .nan, 2]).isNaN)
        #expect(SampleSummary.mean([1, .nan]).isNaN)
    }

    /// The variance is computed stably: a large common offset does not cost the small spread its digits.
    @Test func varianceSurvivesALargeOffset() {
        let x = [1e9 + 1, 1e9 + 2, 1e9 + 3]
        #expect(abs(SampleSummary.variance(x) - 1) < 1e-6)
    }
}
