import Foundation
import Testing
@testable import NeymanStats
import NeymanCore

/// A model that exercises every modifier: normfactor, lumi, normsys, histosys, per-bin gammas with Poisson and
/// Gaussian constraints.
func fullModifierModel() throws -> (BinnedModel, BinnedData) {
    let pars = [
        Parameter("mu", initial: 1, lower: 0, upper: 10),
        Parameter("lumi", initial: 1, lower: 0.5, upper: 1.5),
        Parameter("sig_eff", initial: 0, lower: -5, upper: 5),
        Parameter("bkg_shape", initial: 0, lower: -5, upper: 5),
        Parameter("gamma0", initial: 1, lower: 1e-10, upper: 10),
        Parameter("gamma1", initial: 1, lower: 1e-10, upper: 10),
        Parameter("stat0", initial: 1, lower: 1e-10, upper: 10),
    ]
    let normsys = try #require(NormsysInterpolation(hi: 1.08, lo: 0.93))
    let signal = BinnedModel.Sample(name: "signal", nominal: [4, 8], modifiers: [
        .normfactor(parameter: 0), .lumi(parameter: 1), .normsys(parameter: 2, interpolation: normsys),
        .perBin(parameters: [6, nil])])
    let background = BinnedModel.Sample(name: "background", nominal: [40, 25], modifiers: [
        .lumi(parameter: 1), .histosys(parameter: 3, up: [44, 24], down: [37, 27]), .perBin(parameters: [4, 5])])
    let constraints: [BinnedModel.Constraint] = [
        .gaussian(parameter: 1, auxIndex: 0, sigma: 0.02), .gaussian(parameter: 2, auxIndex: 1, sigma: 1),
        .gaussian(parameter: 3, auxIndex: 2, sigma: 1), .poisson(parameter: 4, auxIndex: 3, tau: 100),
        .poisson(parameter: 5, auxIndex: 4, tau: 50), .gaussian(parameter: 6, auxIndex: 5, sigma: 0.1)]
    let model = try BinnedModel(channels: [.init(name: "sr", bins: 0..<2)], samples: [signal, background], parameters: pars,
                                poiIndex: 0, constraints: constraints, nominalAuxiliary: [1, 0, 0, 100, 50, 1])
    return (model, BinnedData(main: [43, 30], auxiliary: [1, 0, 0, 100, 50, 1]))
}

@Suite("Binned likelihood")
struct BinnedLikelihoodTests {
    @Test func analyticGradientMatchesFiniteDifferences() throws {
        let (model, data) = try fullModifierModel()
        let l = try BinnedLikelihood(model: model, data: data)
        // Points inside and outside |alpha| < 1 for the interpolations.
        for theta in [[1.3, 1.01, 0.4, -0.7, 1.05, 0.9, 1.02], [0.2, 0.98, 1.6, -1.8, 0.95, 1.1, 0.97], [2.0, 1.0, -2.5, 2.2, 1, 1, 1]] {
            var g = [Double](repeating: 0, count: theta.count)
            let f = l.negativeLogLikelihood(theta, gradient: &g)
            #expect(abs(f - l.negativeLogLikelihood(theta)) < 1e-12)
            for k in 0..<theta.count {
                let h = 1e-6
                var up = theta, dn = theta
                up[k] += h; dn[k] -= h
                let numeric = (l.negativeLogLikelihood(up) - l.negativeLogLikelihood(dn)) / (2 * h)
                #expect(abs(numeric - g[k]) < 1e-5 * max(1, abs(g[k])), "parameter \(model.parameters[k].name): \(g[k]) vs \(numeric)")
            }
        }
    }

    /// The NLL by hand for the one-bin shapesys model: Poisson main term and continuous-Poisson constraint.
    @Test func valueMatchesHandFormula() throws {
        let model = try BinnedModel.uncorrelatedBackground(signal: [5], background: [50], uncertainty: [7])
        let l = try BinnedLikelihood(model: model, data: try model.data(observed: [52]))
        let tau = (50.0 / 7) * (50.0 / 7)
        let mu = 0.7, gamma = 1.1
        let lam = mu * 5 + gamma * 50
        let expected = lam - 52 * log(lam) + lgamma(53.0) + gamma * tau - tau * log(gamma * tau) + lgamma(tau + 1)
        #expect(abs(l.negativeLogLikelihood([mu, gamma]) - expected) < 1e-10)
    }

    @Test func interpolationsAreContinuousAtPlusMinusOne() throws {
        let n = try #require(NormsysInterpolation(hi: 1.2, lo: 0.85))
        for a in [-1.0, 1.0] {
            let e = 1e-9
            #expect(abs(n.factor(a - e) - n.factor(a + e)) < 1e-8)
            #expect(abs(n.derivative(a - e) - n.derivative(a + e)) < 1e-7)
            #expect(abs(HistosysInterpolation.delta(a - e, nominal: 40, up: 44, down: 37)
                        - HistosysInterpolation.delta(a + e, nominal: 40, up: 44, down: 37)) < 1e-7)
        }
        #expect(abs(n.factor(1) - 1.2) < 1e-12 && abs(n.factor(-1) - 0.85) < 1e-12 && n.factor(0) == 1)
        #expect(NormsysInterpolation(hi: -1, lo: 0.9) == nil)
    }

    @Test func asimovAndSamplingFollowTheModel() throws {
        let (model, _) = try fullModifierModel()
        let theta = [1.5, 1.0, 0.5, -0.3, 1.02, 0.97, 1.0]
        let asimov = model.asimovData(theta)
        #expect(asimov.main == model.expectedMain(theta))
        #expect(asimov.auxiliary[3] == 1.02 * 100)
        // Mean of sampled counts over many pseudo-experiments.
        var sum = [0.0, 0.0]
        let n = 20000
        for i in 0..<n {
            let d = model.sample(theta, rng: RandomStream(seed: 3, task: UInt64(i)))
            sum[0] += d.main[0]; sum[1] += d.main[1]
        }
        for b in 0..<2 {
            let mean = sum[b] / Double(n), lam = asimov.main[b]
            #expect(abs(mean - lam) < 5 * (lam / Double(n)).squareRoot(), "bin \(b)")
        }
    }

    @Test func badModelsAreRejected() {
        #expect(throws: NeymanError.self) { try BinnedModel.uncorrelatedBackground(signal: [1, 2], background: [10], uncertainty: nil) }
        #expect(throws: NeymanError.self) { try BinnedModel.uncorrelatedBackground(signal: [1], background: [0], uncertainty: nil) }
        #expect(throws: NeymanError.self) { try BinnedModel.uncorrelatedBackground(signal: [1], background: [10], uncertainty: [-1]) }
        #expect(throws: NeymanError.self) { try BinnedModel.uncorrelatedBackground(signal: [0], background: [10], uncertainty: nil) }
        #expect(throws: NeymanError.self) {
            let m = try BinnedModel.uncorrelatedBackground(signal: [1], background: [10], uncertainty: nil)
            _ = try m.data(observed: [-3])
        }
    }
}
