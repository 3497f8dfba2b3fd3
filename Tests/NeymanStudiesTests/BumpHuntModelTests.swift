import CGSL
import Foundation
import NeymanCore
import NeymanStats
import Testing
@testable import NeymanStudies

/// The generator against the exact densities of docs/formulas.md §2.
@Suite("Bump-hunt model")
struct BumpHuntModelTests {
    /// Kolmogorov-Smirnov distance sup |F_n - F| of a sample against a CDF.
    static func ksDistance(_ xs: [Double], _ cdf: (Double) -> Double) -> Double {
        let s = xs.sorted()
        let n = Double(s.count)
        var d = 0.0
        for (i, x) in s.enumerated() {
            let f = cdf(x)
            d = max(d, abs(f - Double(i) / n), abs(Double(i + 1) / n - f))
        }
        return d
    }

    /// Asymptotic KS p-value (GSL has no KS distribution; the Kolmogorov series converges fast for lambda > 0.3).
    static func ksPValue(_ d: Double, n: Int) -> Double {
        let l = (Double(n).squareRoot() + 0.12 + 0.11 / Double(n).squareRoot()) * d
        var p = 0.0
        for k in 1...100 { p += 2 * (k % 2 == 1 ? 1 : -1) * exp(-2 * Double(k * k) * l * l) }
        return min(max(p, 0), 1)
    }

    @Test func wrapMapsIntoTheUnitInterval() {
        #expect(BumpHuntModel.wrap(0.6) == 0.6 - 1)
        #expect(abs(BumpHuntModel.wrap(0.4 + 0.2) - (-0.4)) < 1e-15)  // the guide's example
        #expect(BumpHuntModel.wrap(-0.7) == -0.7 + 1)
        #expect(BumpHuntModel.wrap(0.5) == -0.5)
        #expect(BumpHuntModel.wrap(-0.5) == -0.5)
        #expect(BumpHuntModel.wrap(3.25) == 0.25)
    }

    @Test func wrappedNormalIsANormalisedDensityWithAMatchingCDF() throws {
        for w in [0.02, 0.113, 0.41] {
            let total = try Quadrature.integrate({ WrappedNormal.density($0, width: w) }, over: -0.5...0.5, relativeTolerance: 1e-12)
            #expect(abs(total - 1) < 1e-10)
            let part = try Quadrature.integrate({ WrappedNormal.density($0, width: w) }, over: -0.5...0.1, relativeTolerance: 1e-12)
            #expect(abs(part - WrappedNormal.cdf(0.1, width: w)) < 1e-10)
        }
        // Narrow width: the images do not matter and it is the normal density.
        #expect(abs(WrappedNormal.density(0.03, width: 0.05) - gsl_ran_gaussian_pdf(0.03, 0.05)) < 1e-12)
        // Wide width: close to uniform.
        #expect(abs(WrappedNormal.density(0.5, width: 2) - 1) < 1e-6)
    }

    /// The signal's y is a wrapped normal of width sqrt(2) sigma: a KS test accepts it, and rejects the width sigma
    /// that the guide's figure label suggests (a wrong variance must fail).
    @Test func signalMassFollowsTheWrappedNormalOfWidthRootTwoSigma() throws {
        let sigma = 0.08
        let model = try BumpHuntModel(resolution: .global(sigma))
        let ys = model.events(20_000, signal: true, rng: RandomStream(seed: 11)).map(\.y)
        let right = Self.ksDistance(ys) { WrappedNormal.cdf($0, width: 2.0.squareRoot() * sigma) }
        let wrong = Self.ksDistance(ys) { WrappedNormal.cdf($0, width: sigma) }
        #expect(Self.ksPValue(right, n: ys.count) > 1e-3)
        #expect(Self.ksPValue(wrong, n: ys.count) < 1e-12)
    }

    @Test func backgroundMassIsUniformAndDifferenceCarriesOnlySigma() throws {
        let sigma = 0.16
        let model = try BumpHuntModel(resolution: .global(sigma))
        let bkg = model.events(20_000, signal: false, rng: RandomStream(seed: 12))
        let sig = model.events(20_000, signal: true, rng: RandomStream(seed: 13))
        #expect(Self.ksPValue(Self.ksDistance(bkg.map(\.y)) { $0 + 0.5 }, n: bkg.count) > 1e-3)
        let w = 2.0.squareRoot() * sigma
        for sample in [bkg, sig] {
            let d = sample.map(\.d)
            #expect(Self.ksPValue(Self.ksDistance(d) { WrappedNormal.cdf($0, width: w) }, n: d.count) > 1e-3)
            #expect(Self.ksPValue(Self.ksDistance(d) { WrappedNormal.cdf($0, width: 0.8 * w) }, n: d.count) < 1e-6)
        }
        #expect(bkg.allSatisfy { $0.y >= -0.5 && $0.y < 0.5 && $0.d >= -0.5 && $0.d < 0.5 && !$0.isSignal })
    }

    @Test func perEventSigmaIsUniformAndSetsEachEventsWidth() throws {
        let model = try BumpHuntModel(resolution: .perEvent(0...0.29))
        let events = model.events(20_000, signal: true, rng: RandomStream(seed: 14))
        #expect(Self.ksPValue(Self.ksDistance(events.map(\.sigma)) { $0 / 0.29 }, n: events.count) > 1e-3)
        // Standardised by each event's own width, small-sigma events' y are N(0, 1) (images negligible for sigma < 0.05).
        let narrow = events.filter { $0.sigma < 0.05 && $0.sigma > 0.005 }.map { $0.y / (2.0.squareRoot() * $0.sigma) }
        #expect(Self.ksPValue(Self.ksDistance(narrow) { gsl_cdf_ugaussian_P($0) }, n: narrow.count) > 1e-3)
    }

    @Test func sigmaBlindRatioIsTheAverageOverSigma() throws {
        let r = 0.0...0.29
        let y = 0.07
        var avg = 0.0
        let m = 20_000
        for k in 0..<m { avg += BumpHuntModel.ratio(y: y, sigma: 0.29 * (Double(k) + 0.5) / Double(m)) }
        avg /= Double(m)
        #expect(abs(try BumpHuntModel.sigmaBlindRatio(y: y, sigmaRange: r) - avg) < 1e-5 * avg)
    }

    @Test func invalidResolutionsAreErrors() {
        #expect(throws: NeymanError.self) { try BumpHuntModel(resolution: .global(0)) }
        #expect(throws: NeymanError.self) { try BumpHuntModel(resolution: .global(.nan)) }
        #expect(throws: NeymanError.self) { try BumpHuntModel(resolution: .perEvent(0.3...0.3)) }
    }

    @Test func sameSeedSameEvents() throws {
        let model = try BumpHuntModel(resolution: .global(0.08))
        let a = model.pseudoExperiment(signal: 50, background: 1000, rng: RandomStream(seed: 5, task: 9))
        let b = model.pseudoExperiment(signal: 50, background: 1000, rng: RandomStream(seed: 5, task: 9))
        #expect(a == b)
        #expect(a.count > 900)
    }
}
