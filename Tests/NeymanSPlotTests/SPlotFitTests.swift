import Foundation
import NeymanCore
import NeymanStats
import Testing
@testable import NeymanSPlot

/// The extended fit with floating shapes on generated Z -> mu mu-like samples, its starting values, and its errors.
@Suite("sPlot fit")
struct SPlotFitTests {
    static let range = try! FitRange(70, 110)

    /// A Voigt (width fixed at the generated Gamma) over an exponential: the fitted parameters lie within 4 standard
    /// errors of the truth, and the signal yield within 4 errors of the generated signal count.
    @Test func recoversTheGeneratedZSample() throws {
        let sample = try ZBosonSample.generate(events: 20_000, seed: 11)
        let model = try SPlotModel(signal: "voigt", background: "exponential", range: Self.range)
        let fit = try SPlotFit.fit(masses: sample.mass, model: model, fixed: ["signal.width": 2.4952])
        #expect(fit.converged, "\(fit.fit.status)")
        let nSignal = sample.isSignal.reduce(0, +)
        func pull(_ name: String, _ truth: Double) -> Double {
            let k = fit.fit.names.firstIndex(of: name)!
            return (fit.fit.values[k] - truth) / fit.fit.uncertainties[k]
        }
        #expect(abs(pull("signal.yield", nSignal)) < 4, "signal yield \(fit.yields.signal) vs \(nSignal)")
        #expect(abs(pull("signal.mean", 91.1876)) < 4)
        #expect(abs(pull("signal.sigma", 1.5)) < 4)
        #expect(abs(pull("background.slope", -0.03)) < 4)
        #expect(fit.fixedNames == ["signal.width"])
        #expect(fit.fit.uncertainties[4] == 0)
    }

    /// The same fit, every signal and background shape: it converges from the automatic starting values.
    @Test(arguments: ["voigt", "gauss", "crystalball", "crystalball2", "breitwigner", "relbreitwigner"])
    func everySignalShapeConverges(_ signal: String) throws {
        let sample = try ZBosonSample.generate(events: 5_000, seed: 3)
        for background in ["exponential", "chebyshev:2"] {
            let model = try SPlotModel(signal: signal, background: background, range: Self.range)
            let fit = try SPlotFit.fit(masses: sample.mass, model: model)
            #expect(fit.converged, "\(signal) + \(background): \(fit.fit.status)")
            let sw = try SWeights.compute(fit: fit, masses: sample.mass)
            #expect(abs(sw.sums.signal - fit.yields.signal) <= 1e-8 * max(fit.yields.signal, 1))
            #expect(abs(sw.sums.background - fit.yields.background) <= 1e-8 * max(fit.yields.background, 1))
        }
    }

    @Test func startingValuesComeFromTheData() throws {
        let sample = try ZBosonSample.generate(events: 20_000, seed: 5)
        let s = StartingValues(masses: sample.mass, weights: nil, range: Self.range)
        #expect(abs(s.mode - 91.19) < 2, "mode \(s.mode)")
        #expect(s.peakWidth > 2 && s.peakWidth < 12, "width \(s.peakWidth)")
        #expect(s.slope < 0, "slope \(s.slope)")
        #expect(abs(s.signalYield + s.backgroundYield - 20_000) < 1e-9)
    }

    /// Events outside the range do not take part: the fit equals the fit of the in-range events alone, and their
    /// sWeights are 0.
    @Test func eventsOutsideTheRangeAreIgnored() throws {
        let sample = try ZBosonSample.generate(events: 3_000, seed: 9)
        let model = try SPlotModel(signal: "gauss", background: "exponential", range: Self.range)
        let extra = sample.mass + [50, 150, 69.9, 110.1]
        let a = try SPlotFit.fit(masses: sample.mass, model: model)
        let b = try SPlotFit.fit(masses: extra, model: model)
        #expect(a.fit.values == b.fit.values)
        #expect(b.eventsInRange.count == sample.mass.count)
        let sw = try SWeights.compute(fit: b, masses: extra)
        #expect(sw.signal.suffix(4).allSatisfy { $0 == 0 } && sw.background.suffix(4).allSatisfy { $0 == 0 })
    }

    /// Per-event weights: integer weights give the same fit as repeating the events.
    @Test func integerWeightsEqualRepeatedEvents() throws {
        let sample = try ZBosonSample.generate(events: 2_000, seed: 4)
        let model = try SPlotModel(signal: "gauss", background: "exponential", range: Self.range)
        let weights = sample.mass.indices.map { Double($0 % 3 + 1) }
        var repeated: [Double] = []
        for (m, w) in zip(sample.mass, weights) { repeated += [Double](repeating: m, count: Int(w)) }
        let a = try SPlotFit.fit(masses: sample.mass, weights: weights, model: model)
        let b = try SPlotFit.fit(masses: repeated, model: model)
        #expect(a.converged && b.converged)
        for k in a.fit.values.indices { #expect(relClose(a.fit.values[k], b.fit.values[k], 1e-6), "\(a.fit.names[k])") }
        let sw = try SWeights.compute(fit: a, masses: sample.mass, weights: weights)
        #expect(abs(sw.sums.signal - a.yields.signal) < 1e-8 * a.yields.signal)
    }

    @Test func badInputNamesTheParameter() throws {
        let model = try SPlotModel(signal: "voigt", background: "exponential", range: Self.range)
        let masses = [80.0, 90, 91, 92, 100]
        func message(_ body: () throws -> Void) -> String {
            do { try body(); return "no error" } catch { return "\(error)" }
        }
        #expect(message { _ = try SPlotFit.fit(masses: masses, model: model, fixed: ["signal.gamma": 1]) }.contains("signal.gamma"))
        #expect(message { _ = try SPlotFit.fit(masses: masses, model: model, start: ["signal.sigma": -1]) }.contains("signal.sigma"))
        #expect(message { _ = try SPlotFit.fit(masses: [10, 20], model: model) }.contains("no events"))
        #expect(message { _ = try SPlotFit.fit(masses: [90, .nan], model: model) }.contains("event 2"))
        #expect(message { _ = try SPlotModel(signal: "lorentz", background: "exponential", range: Self.range) }.contains("signal"))
    }

    /// A fit that cannot converge reports converged = false rather than a silent number.
    @Test func nonConvergenceIsReported() throws {
        let sample = try ZBosonSample.generate(events: 2_000, seed: 2)
        let model = try SPlotModel(signal: "voigt", background: "chebyshev:3", range: Self.range)
        let fit = try SPlotFit.fit(masses: sample.mass, model: model, options: MinimizerOptions(edmTolerance: 0, maxIterations: 2))
        #expect(!fit.converged)
        #expect(fit.fit.status.contains("not converged"))
    }
}
