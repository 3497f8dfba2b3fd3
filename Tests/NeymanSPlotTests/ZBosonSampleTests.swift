import Foundation
import NeymanCore
import NeymanStats
import Testing
@testable import NeymanSPlot

/// The Z -> mu mu-like generator and the whole chain a study runs on it: fit, sWeights, sWeighted AUC.
@Suite("Z sample and the sPlot chain")
struct ZBosonSampleTests {
    @Test func reproducibleAndInRange() throws {
        let a = try ZBosonSample.generate(events: 5_000, seed: 42)
        let b = try ZBosonSample.generate(events: 5_000, seed: 42)
        let c = try ZBosonSample.generate(events: 5_000, seed: 43)
        #expect(a.mass == b.mass && a.score == b.score)
        #expect(a.mass != c.mass)
        #expect(a.mass.allSatisfy { $0 >= 70 && $0 <= 110 })
        let fraction = a.isSignal.reduce(0, +) / 5_000
        #expect(abs(fraction - 0.35) < 5 * (0.35 * 0.65 / 5_000).squareRoot())
    }

    /// The signal mass distribution is the Voigt it claims to be (a binned chi2 against the normalised VoigtPDF).
    @Test func signalFollowsTheVoigt() throws {
        let s = try ZBosonSample.generate(events: 40_000, signalFraction: 1, seed: 7)
        let range = try FitRange(70, 110)
        let f = NormalizedPDF(VoigtPDF(), parameters: [91.1876, 1.5, 2.4952], range: range)
        let bins = 40
        let h = try WeightedHistogram(values: s.mass, weights: s.isSignal, bins: bins, lower: 70, upper: 110)
        var chi2 = 0.0
        for b in 0..<bins {
            let lo = 70 + Double(b), expected = 40_000 * Quadrature.integrate({ f.value($0) }, from: lo, to: lo + 1)
            chi2 += pow(h.contents[b] - expected, 2) / expected
        }
        #expect(chi2 < 90, "chi2 \(chi2) for \(bins) bins")
    }

    /// Fit -> sWeights -> sWeighted AUC agrees with the AUC computed from the truth labels.
    @Test func sWeightedAUCMatchesTheTruth() throws {
        let sample = try ZBosonSample.generate(events: 20_000, seed: 1)
        let model = try SPlotModel(signal: "voigt", background: "exponential", range: FitRange(70, 110))
        let fit = try SPlotFit.fit(masses: sample.mass, model: model, fixed: ["signal.width": 2.4952])
        #expect(fit.converged)
        let sw = try SWeights.compute(fit: fit, masses: sample.mass)
        let sWeighted = try SWeightedROC.auc(scores: sample.score, sweights: sw)
        let truth = try ROC.auc(scores: sample.score, labels: sample.isSignal)
        let boot = try ROC.bootstrapAUC(scores: sample.score, signalWeights: sw.signal, backgroundWeights: sw.background,
                                        replicas: 50, seed: 3)
        #expect(abs(sWeighted - truth) < 4 * boot.error, "sWeighted \(sWeighted) vs truth \(truth) +- \(boot.error)")
        let curve = try SWeightedROC.curve(scores: sample.score, sweights: sw)
        #expect(curve.first?.threshold == .infinity && abs((curve.last?.truePositiveRate ?? 0) - 1) < 1e-12)
    }

    /// The control variable (score) is independent of the mass within each species, though its distribution differs
    /// between them: the plain sWeighted Kendall test is fooled by that difference, the centred one
    /// (SPlotIndependence) is not; a score built from the mass is rejected.
    @Test func independenceCheck() throws {
        let sample = try ZBosonSample.generate(events: 10_000, seed: 12)
        let model = try SPlotModel(signal: "voigt", background: "exponential", range: FitRange(70, 110))
        let fit = try SPlotFit.fit(masses: sample.mass, model: model, fixed: ["signal.width": 2.4952])
        let sw = try SWeights.compute(fit: fit, masses: sample.mass)
        let plain = try WeightedKendallTau.test(x: sample.mass, y: sample.score, weights: sw.signal)
        #expect(plain.pValue < 1e-6, "the uncentred test rejects: p = \(plain.pValue)")
        let good = try SPlotIndependence.test(masses: sample.mass, control: sample.score, fit: fit, sweights: sw)
        #expect(good.signal.pValue > 1e-3, "signal p = \(good.signal.pValue), z = \(good.signal.z)")
        #expect(good.background.pValue > 1e-3, "background p = \(good.background.pValue), z = \(good.background.z)")
        // Dependence inside the signal only: the signal's control shifts with the mass.
        let bad = sample.mass.indices.map { sample.score[$0] + sample.isSignal[$0] * 0.1 * (sample.mass[$0] - 91.19) }
        let r = try SPlotIndependence.test(masses: sample.mass, control: bad, fit: fit, sweights: sw)
        #expect(r.signal.pValue < 1e-6, "signal p = \(r.signal.pValue), z = \(r.signal.z)")
    }

    @Test func badInput() {
        #expect(throws: NeymanError.self) { try ZBosonSample.generate(events: -1, seed: 1) }
        #expect(throws: NeymanError.self) { try ZBosonSample.generate(events: 10, signalFraction: 1.5, seed: 1) }
    }
}
