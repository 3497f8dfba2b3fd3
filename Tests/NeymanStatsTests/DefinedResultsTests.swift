import Foundation
import Testing
import NeymanCore
@testable import NeymanStats

/// Results that used to come out as NaN (printed as null) or as a false failure, now defined or reported
/// (the reliability issue "failures reported as success").
@Suite("Defined results at the edges")
struct DefinedResultsTests {
    /// The pyhf README model.
    func readmeModel() throws -> (BinnedModel, BinnedData) {
        let model = try BinnedModel.uncorrelatedBackground(signal: [12, 11], background: [50, 52], uncertainty: [3, 7])
        return (model, try model.data(observed: [51, 48]))
    }

    /// At mu = 0 signal-plus-background is background-only: CLs+b = CLb and CLs = 1 by definition (it was 0/0 = NaN
    /// for q~). With q~ the observed statistic is 0, so CLs+b = CLb = Phi(0) = 1/2.
    @Test func asymptoticCLsAtMuZeroIsOne() throws {
        let (model, data) = try readmeModel()
        let r = try AsymptoticCalculator(model: model, data: data).test(mu: 0)
        #expect(r.cls == 1)
        #expect(r.clsb == r.clb)
        #expect(abs(r.clb - Normal.cdf(-r.observedStatistic.squareRoot())) < 1e-15)
        #expect(abs(r.clb - 0.5) < 1e-6)
        #expect(r.clsExpected == [1, 1, 1, 1, 1])
        #expect(r.asimovStatistic == 0)
        // q (mu_hat may go negative): q_obs > 0 here, CLs+b = CLb = Phi(-sqrt(q)).
        let q = try AsymptoticCalculator(model: model, data: data, statistic: .qmu).test(mu: 0)
        #expect(q.cls == 1 && q.clsb == q.clb)
        #expect(q.observedStatistic > 0)
        #expect(abs(q.clb - Normal.cdf(-q.observedStatistic.squareRoot())) < 1e-15)
    }

    /// Toys at mu = 0: the two samples come from one distribution and are pooled; CLs = 1 exactly.
    @Test func toysAtMuZeroArePooled() throws {
        let (model, data) = try readmeModel()
        let calc = try ToyCalculator(model: model, data: data, statistic: .qmu, toys: 200, seed: 3)
        let r = try calc.test(mu: 0)
        let d = try calc.distributions(mu: 0)
        let pooled = d.signalPlusBackground + d.backgroundOnly
        let expected = Double(pooled.filter { $0 >= r.observedStatistic }.count) / 400
        #expect(r.cls == 1 && r.clsError == 0)
        #expect(r.clsb == expected && r.clb == expected)
        #expect(r.clsExpected == [1, 1, 1, 1, 1])
    }

    /// In the far tail CLb = Phi(-t) underflows to 0 and CLs+b / CLb was 0/0. Now CLs comes from the logarithms of
    /// the tails; checked against the asymptotic series of Q(x) = phi(x)/x (1 - 1/x^2 + 3/x^4 - 15/x^6 + 105/x^8).
    @Test func farTailCLsIsFinite() {
        func logQ(_ x: Double) -> Double {
            let x2 = x * x
            let series = 1 - 1 / x2 + 3 / (x2 * x2) - 15 / (x2 * x2 * x2) + 105 / (x2 * x2 * x2 * x2)
            return -x2 / 2 - log(x * (2 * Double.pi).squareRoot()) + log(series)
        }
        for (t, s) in [(40.0, 3.0), (45.0, 0.5), (39.0, 10.0)] {
            let (clsb, clb, cls) = AsymptoticCalculator<BinnedModel>.pValues(t: t, sqrtQA: s)
            #expect(clb == 0 && clsb == 0)
            let exact = exp(logQ(t + s) - logQ(t))
            #expect(cls.isFinite && relClose(cls, exact, 1e-9), "t = \(t): \(cls) vs \(exact)")
        }
        // Away from the tail nothing changes: the plain ratio.
        let (a, b, c) = AsymptoticCalculator<BinnedModel>.pValues(t: 0.3, sqrtQA: 1.2)
        #expect(c == a / b)
    }

    /// A toy sample in which no background-only toy reaches q_obs: CLs is undefined (NaN, reported as a failure by the
    /// command line), never a number made up from 0/0. When CLs+b = 0 < CLb, CLs = 0 and its error is a number.
    @Test func toyCLsWithCLbZeroIsUndefined() {
        let fit = FitResult(names: ["mu"], values: [0], uncertainties: [0], covariance: nil, nll: 0, edm: 0, converged: true,
                            status: "ok", evaluations: 1)
        let observed = TestStatisticValue(value: 5, freeFit: fit, conditionalFit: fit)
        let none = ToyDistributions(signalPlusBackground: [1, 2, 3, 4], backgroundOnly: [0, 0.5, 1, 2], convergedFits: [2, 2, 2, 2])
        let r = ToyCalculator<BinnedModel>.result(mu: 1, statistic: .qmuTilde, observed: observed, distributions: none)
        #expect(r.clb == 0 && r.cls.isNaN)
        let some = ToyDistributions(signalPlusBackground: [1, 2, 3, 4], backgroundOnly: [0, 0.5, 6, 7], convergedFits: [2, 2, 2, 2])
        let s = ToyCalculator<BinnedModel>.result(mu: 1, statistic: .qmuTilde, observed: observed, distributions: some)
        #expect(s.clsb == 0 && s.clb == 0.5 && s.cls == 0)
        #expect(s.clsError == 0)
    }

    /// Toy significance with p0 = 0: Z is not a number the toys resolve; the lower bound Phi^-1(1 - 1/N) is offered.
    @Test func toySignificanceBeyondResolutionGivesALowerBound() throws {
        let model = try BinnedModel.uncorrelatedBackground(signal: [10], background: [100], uncertainty: nil)
        let r = try Significance.toys(model: model, data: try model.data(observed: [200]), toys: 100, seed: 1)
        #expect(r.p0 == 0 && r.z == .infinity)
        #expect(abs((r.zLowerBound ?? .nan) - 2.3263478740408408) < 1e-12)
        let fine = try Significance.toys(model: model, data: try model.data(observed: [110]), toys: 100, seed: 1)
        #expect(fine.p0 > 0 && fine.zLowerBound == nil)
    }

    /// `checkTestable` refuses models whose tests cannot mean anything, before any fit (they gave null CLs with exit 0).
    @Test func untestableModelsAreRefused() throws {
        func model(signal: [Double], background: [Double]) throws -> BinnedModel {
            try BinnedModel(channels: [.init(name: "sr", bins: 0..<2)],
                            samples: [.init(name: "signal", nominal: signal, modifiers: [.normfactor(parameter: 0)]),
                                      .init(name: "background", nominal: background, modifiers: [])],
                            parameters: [Parameter("mu", initial: 1, lower: 0, upper: 10)], poiIndex: 0,
                            constraints: [], nominalAuxiliary: [])
        }
        let data = BinnedData(main: [3, 0], auxiliary: [])
        try model(signal: [1, 0], background: [5, 0]).checkTestable(data)
        #expect(throws: NeymanError.self) { try model(signal: [0, 0], background: [0, 0]).checkTestable(data) }
        #expect(throws: NeymanError.self) { try model(signal: [0, 0], background: [5, 2]).checkTestable(data) }
        // Bin 1 has events but no sample can fill it.
        #expect(throws: NeymanError.self) {
            try model(signal: [1, 0], background: [5, 0]).checkTestable(BinnedData(main: [3, 2], auxiliary: []))
        }
        #expect(throws: NeymanError.self) { try model(signal: [1, 0], background: [1e300, 0]).checkTestable(data) }
        #expect(throws: NeymanError.self) {
            try model(signal: [1, 0], background: [5, 0]).checkTestable(BinnedData(main: [1e13, 0], auxiliary: []))
        }
        do {
            try model(signal: [0, 0], background: [5, 2]).checkTestable(data)
        } catch let e as NeymanError {
            #expect(e.location.parameter == "mu" && e.message.contains("does not change the expected counts"))
        }
    }
}
