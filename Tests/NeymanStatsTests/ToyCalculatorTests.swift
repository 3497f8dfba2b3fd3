import Foundation
import Testing
@testable import NeymanStats
import NeymanCore

@Suite("Toy-based CLs and significance")
struct ToyCalculatorTests {
    /// pyhf 0.7.6 with 2000 toys (Tests/Fixtures/cases/pyhf, hypotest_toys_mu1): CLs+b = 0.367, CLb = 0.568. Our
    /// 4000 toys must agree within 4 combined binomial standard errors.
    @Test func agreesWithPyhfToysWithinBinomialError() throws {
        let ref = try Fixtures.json("pyhf/a_onebin_shapesys.expected.json").dict("hypotest_toys_mu1")
        let model = try BinnedModel.uncorrelatedBackground(signal: [5], background: [50], uncertainty: [7])
        let calc = try ToyCalculator(model: model, data: try model.data(observed: [52]), toys: 4000, seed: 2024)
        let r = try calc.test(mu: 1)
        for (ours, theirs) in [(r.clsb, ref.double("CLsb_obs")), (r.clb, ref.double("CLb_obs"))] {
            let se = (theirs * (1 - theirs) / 2000 + ours * (1 - ours) / 4000).squareRoot()
            #expect(abs(ours - theirs) < 4 * se, "\(ours) vs \(theirs) (se \(se))")
        }
        #expect(r.fitsConverged)
        #expect(r.clsExpected == r.clsExpected.sorted())
    }

    /// Toy CLs converges to the asymptotic value for large counts (here b = 1000, s = 60, no nuisance).
    @Test func toysApproachAsymptoticsForLargeCounts() throws {
        let model = try BinnedModel.uncorrelatedBackground(signal: [60], background: [1000], uncertainty: nil)
        let data = try model.data(observed: [1010])
        let asym = try AsymptoticCalculator(model: model, data: data).test(mu: 1)
        let toys = try ToyCalculator(model: model, data: data, toys: 3000, seed: 5).test(mu: 1)
        #expect(abs(toys.cls - asym.cls) < 4 * (toys.clsError ?? 1) + 0.01, "\(toys.cls) vs \(asym.cls)")
    }

    @Test func identicalForAnyThreadCount() throws {
        let model = try BinnedModel.uncorrelatedBackground(signal: [12, 11], background: [50, 52], uncertainty: [3, 7])
        let data = try model.data(observed: [51, 48])
        let one = try ToyCalculator(model: model, data: data, toys: 200, seed: 7, threads: 1).distributions(mu: 1)
        let two = try ToyCalculator(model: model, data: data, toys: 200, seed: 7, threads: 2).distributions(mu: 1)
        let four = try ToyCalculator(model: model, data: data, toys: 200, seed: 7, threads: 4).distributions(mu: 1)
        #expect(one.signalPlusBackground == two.signalPlusBackground && one.backgroundOnly == two.backgroundOnly)
        #expect(one.signalPlusBackground == four.signalPlusBackground)
        // Toy i does not depend on the total number of toys.
        let fewer = try ToyCalculator(model: model, data: data, toys: 50, seed: 7, threads: 2).distributions(mu: 1)
        #expect(Array(one.signalPlusBackground.prefix(50)) == fewer.signalPlusBackground)
    }

    /// Counting with known b: q0 = 2 [n ln(n/b) - (n - b)] (CCGV eq. 97 with s_hat = n - b).
    @Test func asymptoticSignificanceClosedForm() throws {
        let model = try BinnedModel.uncorrelatedBackground(signal: [10], background: [100], uncertainty: nil)
        let r = try Significance.asymptotic(model: model, data: try model.data(observed: [130]))
        let q0 = 2 * (130 * log(130.0 / 100) - 30)
        #expect(abs(r.q0 - q0) < 1e-8)
        #expect(abs(r.z - q0.squareRoot()) < 1e-8)
        #expect(abs(r.p0 - Normal.survival(q0.squareRoot())) < 1e-12)
        // Median expected Z for s = 10, b = 100: sqrt(2 ((s + b) ln(1 + s/b) - s)).
        let zA = (2 * (110 * log(1.1) - 10)).squareRoot()
        #expect(abs((r.expectedZ ?? 0) - zA) < 1e-8)
    }

    @Test func toySignificanceAgreesWithPoissonTail() throws {
        // No nuisance: q0 is monotone in n for n > b, so p0 = P(N >= n_obs | b).
        let model = try BinnedModel.uncorrelatedBackground(signal: [10], background: [100], uncertainty: nil)
        let r = try Significance.toys(model: model, data: try model.data(observed: [118]), toys: 4000, seed: 3)
        let exact = 1 - Poisson.cdf(117, mean: 100)
        #expect(abs(r.p0 - exact) < 4 * (exact * (1 - exact) / 4000).squareRoot(), "\(r.p0) vs \(exact)")
    }

    /// A deficit (q0 = 0): every toy has q0 >= 0, so p0 = 1 and Z is 0, never -inf.
    @Test func toySignificanceOfADeficitIsZero() throws {
        let model = try BinnedModel.uncorrelatedBackground(signal: [10], background: [100], uncertainty: nil)
        let r = try Significance.toys(model: model, data: try model.data(observed: [90]), toys: 200, seed: 3)
        #expect(r.q0 == 0 && r.p0 == 1 && r.z == 0)
    }

    @Test func percentileMatchesNumpyLinear() {
        // numpy.percentile([10, 2, 3, 1, 4], [0, 25, 50, 90, 100]) = [1, 2, 3, 7.6, 10] (linear interpolation).
        let p = Percentile.linear([10, 2, 3, 1, 4], [0, 25, 50, 90, 100])
        #expect(p[0] == 1 && p[1] == 2 && p[2] == 3 && p[4] == 10)
        #expect(abs(p[3] - 7.6) < 1e-12)
        #expect(abs(Percentile.linear([0, 1], [30])[0] - 0.3) < 1e-15)
    }
}
