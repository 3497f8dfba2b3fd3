import Foundation
import NeymanCore
import Testing
@testable import NeymanStats

@Suite("Unbinned analysis likelihood and model (rate systematics, simulated pools)")
struct UnbinnedAnalysisModelTests {
    static let ratios = [0.2, 1.5, 3.0, 0.7, 0.05, 9.0, 1.1]
    static let weights = [1.0, 0.5, 2.0, 1.0, 1.5, 0.8, 1.2]
    static func systematics() -> [RateSystematic] {
        [RateSystematic(name: "lumi", signal: NormsysInterpolation(hi: 1.03, lo: 0.97), background: NormsysInterpolation(hi: 1.03, lo: 0.97)),
         RateSystematic(name: "bkg", signal: nil, background: NormsysInterpolation(hi: 1.2, lo: 0.85))]
    }

    @Test func gradientMatchesFiniteDifferences() throws {
        let data = UnbinnedAnalysisData(ratios: Self.ratios, weights: Self.weights, auxiliary: [0.3, -0.4])
        let l = try UnbinnedAnalysisLikelihood(signal: 12, background: 100, systematics: Self.systematics(), data: data, muBounds: -1...10)
        expectGradientMatchesFiniteDifferences(l, at: [[0.5, 0.2, -0.3], [2.0, -1.4, 1.7], [0.0, 0.9, 0.0]])
    }

    /// A free normfactor: no constraint term, a linear factor, and derivatives that stay finite at 0.
    @Test func normfactorIsFreeAndLinear() throws {
        let sys = [RateSystematic.normfactor(name: "k", signal: false, background: true),
                   RateSystematic(name: "lumi", signal: NormsysInterpolation(hi: 1.05, lo: 0.95), background: NormsysInterpolation(hi: 1.05, lo: 0.95))]
        #expect(!sys[0].isConstrained && sys[1].isConstrained && sys[0].parameter.initial == 1)
        let data = UnbinnedAnalysisData(ratios: Self.ratios, weights: Self.weights, auxiliary: [1, 0.2])
        let l = try UnbinnedAnalysisLikelihood(signal: 12, background: 100, systematics: sys, data: data, muBounds: -1...10)
        let plain = try UnbinnedAnalysisLikelihood(signal: 12, background: 130, systematics: [sys[1]],
                                                   data: UnbinnedAnalysisData(ratios: Self.ratios, weights: Self.weights, auxiliary: [0.2]), muBounds: -1...10)
        #expect(abs(l.negativeLogLikelihood([0.7, 1.3, -0.4]) - plain.negativeLogLikelihood([0.7, -0.4])) < 1e-10)
        let points = [[0.7, 1.3, -0.4], [1.5, 0.0, 0.3], [0.2, 2.5, 1.1]]
        for x in points {
            var g = [0.0, 0.0, 0.0]
            let f = l.negativeLogLikelihood(x, gradient: &g)
            #expect(f.isFinite && g.allSatisfy(\.isFinite))
        }
        expectGradientMatchesFiniteDifferences(l, at: points)
    }

    /// Without systematics, differences of -ln L are those of the independent ``UnbinnedRatioLikelihood``.
    @Test func agreesWithTheRatioLikelihoodWithoutSystematics() throws {
        let data = UnbinnedAnalysisData(ratios: Self.ratios, weights: Self.weights, auxiliary: [])
        let l = try UnbinnedAnalysisLikelihood(signal: 12, background: 100, data: data, muBounds: -1...10)
        let ref = try UnbinnedRatioLikelihood(signal: 12, background: 100, ratios: Self.ratios, weights: Self.weights)
        let base = l.negativeLogLikelihood([0]), refBase = ref.negativeLogLikelihood([0, 1])
        for mu in [-0.5, 0.3, 1, 4.5] {
            #expect(abs((l.negativeLogLikelihood([mu]) - base) - (ref.negativeLogLikelihood([mu, 1]) - refBase)) < 1e-10)
        }
    }

    /// A background systematic at alpha = +1 is the background yield times hi, plus the constraint's 1/2.
    @Test func normsysScalesTheYieldAtOneSigma() throws {
        let sys = [RateSystematic(name: "bkg", signal: nil, background: NormsysInterpolation(hi: 1.2, lo: 0.85))]
        let with = try UnbinnedAnalysisLikelihood(signal: 12, background: 100, systematics: sys,
                                                  data: UnbinnedAnalysisData(ratios: Self.ratios, auxiliary: [0]), muBounds: 0...10)
        let scaled = try UnbinnedAnalysisLikelihood(signal: 12, background: 120, data: UnbinnedAnalysisData(ratios: Self.ratios, auxiliary: []),
                                                    muBounds: 0...10)
        let low = try UnbinnedAnalysisLikelihood(signal: 12, background: 85, data: UnbinnedAnalysisData(ratios: Self.ratios, auxiliary: []),
                                                 muBounds: 0...10)
        for mu in [0.0, 1.3] {
            #expect(abs(with.negativeLogLikelihood([mu, 1]) - (scaled.negativeLogLikelihood([mu]) + 0.5)) < 1e-10)
            #expect(abs(with.negativeLogLikelihood([mu, -1]) - (low.negativeLogLikelihood([mu]) + 0.5)) < 1e-10)
        }
    }

    /// Pools that are exactly consistent (the signal pool is the background pool reweighted by r): the Asimov data
    /// set at (mu, alpha) is fitted back to (mu, alpha).
    func consistentModel(systematics: [RateSystematic] = systematics()) throws -> UnbinnedAnalysisModel {
        let rng = RandomStream(seed: 7)
        let raw = (0..<4000).map { _ in rng.exponential(mean: 1) * 2 }     // any positive ratios ...
        let w = (0..<4000).map { _ in rng.uniform(0.5, 1.5) }
        let mean = zip(w, raw).reduce(0) { $0 + $1.0 * $1.1 } / w.reduce(0, +)
        let r = raw.map { $0 / mean }                                        // ... with E_B[r] = 1, as a density ratio has
        let signalWeights = zip(w, r).map { $0 * $1 }
        return try UnbinnedAnalysisModel(signal: 30, background: 400, systematics: systematics,
                                         signalPool: UnbinnedEventPool(ratios: r, weights: signalWeights, name: "signal"),
                                         backgroundPool: UnbinnedEventPool(ratios: r, weights: w, name: "background"), muBounds: -2...10)
    }

    @Test func asimovDataFitBackToTheirParameters() throws {
        let model = try consistentModel()
        for theta in [[1.0, 0.0, 0.0], [2.5, 0.7, -1.2], [0.0, -0.5, 0.4]] {
            let fit = try ProfileLikelihood(model: model).fit(try model.asimovData(theta))
            #expect(fit.converged)
            for k in 0..<3 { #expect(abs(fit.values[k] - theta[k]) < 1e-4, "theta = \(theta): \(fit.values)") }
        }
        #expect(abs(model.backgroundPool.meanRatio * model.backgroundPool.sumOfWeights
                    - model.signalPool.sumOfWeights) < 1e-9 * model.signalPool.sumOfWeights)
    }

    @Test func toysDrawPoissonCountsFromThePoolsByWeight() throws {
        // Background pool: event 0 carries 3/4 of the weight; signal pool: a single event.
        let model = try UnbinnedAnalysisModel(signal: 20, background: 200,
                                              signalPool: UnbinnedEventPool(ratios: [5], name: "signal"),
                                              backgroundPool: UnbinnedEventPool(ratios: [0.5, 1.5], weights: [3, 1], name: "background"),
                                              muBounds: 0...10)
        var total = 0.0, heavy = 0.0, signal = 0.0
        let toys = 400
        for t in 0..<toys {
            let d = try model.sample([1.5], rng: RandomStream(seed: 11, task: UInt64(t)))
            #expect(d.weights == nil && d.auxiliary.isEmpty)
            total += Double(d.ratios.count)
            heavy += Double(d.ratios.filter { $0 == 0.5 }.count)
            signal += Double(d.ratios.filter { $0 == 5 }.count)
        }
        let expected = Double(toys) * (1.5 * 20 + 200)
        #expect(abs(total - expected) < 4 * expected.squareRoot())
        #expect(abs(signal - Double(toys) * 30) < 4 * (Double(toys) * 30).squareRoot())
        let nb = total - signal, p = 0.75
        #expect(abs(heavy / nb - p) < 4 * (p * (1 - p) / nb).squareRoot())
        // The same stream gives the same toy.
        let a = try model.sample([1], rng: RandomStream(seed: 3, task: 9)), b = try model.sample([1], rng: RandomStream(seed: 3, task: 9))
        #expect(a.ratios == b.ratios)
    }

    @Test func negativeWeightsKeepTheExpectedSumOfWeights() throws {
        let model = try UnbinnedAnalysisModel(signal: 10, background: 100,
                                              signalPool: UnbinnedEventPool(ratios: [2], name: "signal"),
                                              backgroundPool: UnbinnedEventPool(ratios: [0.5, 1.5], weights: [3, -1], name: "background"),
                                              muBounds: 0...10)
        var sum = 0.0, count = 0.0
        for t in 0..<300 {
            let d = try model.sample([0], rng: RandomStream(seed: 5, task: UInt64(t)))
            let w = try #require(d.weights)
            #expect(Set(w) .isSubset(of: [2, -2]))
            sum += w.reduce(0, +)
            count += Double(w.count)
        }
        // E[sum w] = 300 * 100; each event's weight is +-2 (sum|w| / sum w), so Var = 4 * E[N].
        #expect(abs(sum - 30000) < 4 * (4 * count).squareRoot())
    }

    @Test func poolsRefuseBadInput() {
        #expect(throws: NeymanError.self) { try UnbinnedEventPool(ratios: [], name: "signal") }
        #expect(throws: NeymanError.self) { try UnbinnedEventPool(ratios: [1, .nan], name: "signal") }
        #expect(throws: NeymanError.self) { try UnbinnedEventPool(ratios: [1, -1], name: "signal") }
        #expect(throws: NeymanError.self) { try UnbinnedEventPool(ratios: [1, 2], weights: [1, -1], name: "signal") }
        #expect(throws: NeymanError.self) { try UnbinnedEventPool(ratios: [1, 2], weights: [1], name: "signal") }
        #expect(throws: NeymanError.self) { try DiscreteDistribution(weights: [0, 0]) }
    }
}
