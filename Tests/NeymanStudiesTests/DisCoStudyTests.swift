import CGSL
import Foundation
import NeymanCore
import NeymanStats
import Testing
@testable import NeymanStudies

/// The DisCo study (Kasieczka & Shih arXiv:2001.05310; docs/formulas.md §4): the toy generator against its exact
/// densities, the Jensen-Shannon divergence against hand-computed values, the cut metrics on constructed scores, the
/// study's acceptance check (DisCo removes the score's dependence on m), and config errors that name the key.
@Suite("DisCo study")
struct DisCoStudyTests {
    // MARK: Generator

    /// `P(x2 <= x)` of the background by quadrature of `p_B(m) Phi((x - c m)/sigma2)` over m: independent of the
    /// closed-form marginal density.
    static func backgroundX2CDF(_ model: DecorrelationModel, _ x: Double) -> Double {
        Quadrature.integrate({ m in
            model.massDensity(m, signal: false) * gsl_cdf_gaussian_P(x - model.x2Slope * m, model.x2Width)
        }, from: 0, to: 1)
    }

    /// Both classes' m against the exact CDFs (KS), and a background slope 10 % off is rejected.
    @Test func massFollowsItsExactDistributions() throws {
        let model = try DecorrelationModel()
        let n = 20_000
        let bkg = model.events(n, signal: false, rng: RandomStream(seed: 31, task: 1)).map(\.m)
        let sig = model.events(n, signal: true, rng: RandomStream(seed: 31, task: 2)).map(\.m)
        #expect(bkg.allSatisfy { $0 >= 0 && $0 <= 1 } && sig.allSatisfy { $0 >= 0 && $0 <= 1 })
        let dB = BumpHuntModelTests.ksDistance(bkg) { model.massCDF($0, signal: false) }
        let dS = BumpHuntModelTests.ksDistance(sig) { model.massCDF($0, signal: true) }
        #expect(BumpHuntModelTests.ksPValue(dB, n: n) > 1e-3, "background m: KS distance \(dB)")
        #expect(BumpHuntModelTests.ksPValue(dS, n: n) > 1e-3, "signal m: KS distance \(dS)")
        let wrong = try DecorrelationModel(backgroundMassSlope: 3.6)
        let dWrong = BumpHuntModelTests.ksDistance(bkg) { wrong.massCDF($0, signal: false) }
        #expect(BumpHuntModelTests.ksPValue(dWrong, n: n) < 1e-6, "slope 3.6 instead of 4: KS distance \(dWrong)")
        // Exact means: 1/k - 1/(e^k - 1) and a/(a+b); the sample means within 4 standard errors.
        let meanB = bkg.reduce(0, +) / Double(n), meanS = sig.reduce(0, +) / Double(n)
        #expect(abs(model.massMean(signal: false) - (0.25 - 1 / (exp(4) - 1))) < 1e-15)
        #expect(abs(meanB - model.massMean(signal: false)) < 4 * 0.2 / Double(n).squareRoot())
        #expect(abs(meanS - 0.6) < 4 * 0.15 / Double(n).squareRoot())
        // The density integrates to the CDF.
        for k in [0.05, 4.0, 12.0] {
            let m = try DecorrelationModel(backgroundMassSlope: k)
            let part = try Quadrature.integrate({ m.massDensity($0, signal: false) }, over: 0...0.3, relativeTolerance: 1e-12)
            #expect(abs(part - m.massCDF(0.3, signal: false)) < 1e-12)
        }
    }

    /// The background's x2 follows m with slope c (KS of the marginal against the exact CDF; a slope of 1.8 instead of
    /// 2 is rejected), and the regression of x2 on m recovers c and sigma2.
    @Test func backgroundX2ShiftsWithMAsSpecified() throws {
        let model = try DecorrelationModel()
        let n = 20_000
        let events = model.events(n, signal: false, rng: RandomStream(seed: 32, task: 1))
        let x2 = events.map(\.x2)
        let d = BumpHuntModelTests.ksDistance(x2) { Self.backgroundX2CDF(model, $0) }
        #expect(BumpHuntModelTests.ksPValue(d, n: n) > 1e-3, "x2: KS distance \(d)")
        let shifted = try DecorrelationModel(x2Slope: 1.8)
        let dWrong = BumpHuntModelTests.ksDistance(x2) { Self.backgroundX2CDF(shifted, $0) }
        #expect(BumpHuntModelTests.ksPValue(dWrong, n: n) < 1e-6, "slope 1.8: KS distance \(dWrong)")
        // Least squares x2 = alpha + beta m: beta = c within 4 standard errors, residual sd = sigma2 within 3 %.
        let ms = events.map(\.m)
        let mBar = ms.reduce(0, +) / Double(n), xBar = x2.reduce(0, +) / Double(n)
        var sxy = 0.0, sxx = 0.0
        for i in 0..<n { sxy += (ms[i] - mBar) * (x2[i] - xBar); sxx += (ms[i] - mBar) * (ms[i] - mBar) }
        let beta = sxy / sxx
        let residual = (zip(ms, x2).map { pow($1 - xBar - beta * ($0 - mBar), 2) }.reduce(0, +) / Double(n - 2)).squareRoot()
        #expect(abs(beta - 2) < 4 * 0.35 / sxx.squareRoot(), "slope \(beta)")
        #expect(abs(residual / 0.35 - 1) < 0.03, "residual sd \(residual)")
        // Signal x2 does not follow m; x1 and x3 have their specified means and widths.
        let sig = model.events(n, signal: true, rng: RandomStream(seed: 32, task: 2))
        let corr = DisCoStudyTests.correlation(sig.map(\.m), sig.map(\.x2))
        #expect(abs(corr) < 4 / Double(n).squareRoot(), "signal corr(m, x2) = \(corr)")
        let se = 1 / Double(n).squareRoot()
        #expect(abs(sig.map(\.x1).reduce(0, +) / Double(n) - 0.5) < 4 * se)
        #expect(abs(events.map(\.x1).reduce(0, +) / Double(n) + 0.5) < 4 * se)
        #expect(abs((sig.map { $0.x3 * $0.x3 }.reduce(0, +) / Double(n)).squareRoot() / 0.6 - 1) < 0.03)
        #expect(abs((events.map { $0.x3 * $0.x3 }.reduce(0, +) / Double(n)).squareRoot() - 1) < 0.03)
    }

    /// The closed-form marginal `p_B(x2)` against direct quadrature over m, its normalisation, and finite tails.
    @Test func backgroundX2DensityMatchesQuadrature() throws {
        for (c, k) in [(2.0, 4.0), (-1.5, 0.7), (0.3, 9.0)] {
            let model = try DecorrelationModel(backgroundMassSlope: k, x2Slope: c, x2Width: 0.35)
            for x in [-1.2, -0.3, 0.4, 1.1, 2.5] {
                let direct = try Quadrature.integrate({ m in
                    model.massDensity(m, signal: false) * gsl_ran_gaussian_pdf(x - c * m, 0.35)
                }, over: 0...1, relativeTolerance: 1e-12)
                let closed = exp(model.logBackgroundX2Density(x))
                #expect(abs(closed / direct - 1) < 1e-9, "c = \(c), k = \(k), x2 = \(x): \(closed) vs \(direct)")
            }
            let total = try Quadrature.integrate({ exp(model.logBackgroundX2Density($0)) }, over: -6...8, relativeTolerance: 1e-11)
            #expect(abs(total - 1) < 1e-9)
            for x in [-40.0, 60.0] { #expect(model.logBackgroundX2Density(x).isFinite) }
        }
        // c = 0: x2 is N(0, sigma2) whatever m.
        let flat = try DecorrelationModel(x2Slope: 0)
        #expect(abs(exp(flat.logBackgroundX2Density(0.2)) - gsl_ran_gaussian_pdf(0.2, 0.35)) < 1e-14)
    }

    static func correlation(_ a: [Double], _ b: [Double]) -> Double {
        let n = Double(a.count)
        let ma = a.reduce(0, +) / n, mb = b.reduce(0, +) / n
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for i in a.indices { sab += (a[i] - ma) * (b[i] - mb); saa += (a[i] - ma) * (a[i] - ma); sbb += (b[i] - mb) * (b[i] - mb) }
        return sab / (saa * sbb).squareRoot()
    }

    // MARK: Jensen-Shannon divergence

    @Test func jensenShannonMatchesHandComputedValues() throws {
        #expect(try JensenShannonDivergence.bits([3, 1, 4, 1, 5], [3, 1, 4, 1, 5]) == 0)
        #expect(abs(try JensenShannonDivergence.bits([3, 1, 4], [6, 2, 8])) < 1e-15)          // normalised first
        #expect(try JensenShannonDivergence.bits([1, 1, 0, 0], [0, 0, 3, 1]) == 1)              // disjoint: 1 bit
        // P = (1, 0), Q = (1/2, 1/2), M = (3/4, 1/4): 1/2 log2(4/3) + 1/4 log2(2/3) + 1/4 log2(2) = 3/2 - 3/4 log2 3.
        #expect(abs(try JensenShannonDivergence.bits([1, 0], [1, 1]) - (1.5 - 0.75 * log2(3))) < 1e-15)
        // P = (.2, .3, .5), Q = (.5, .3, .2), M = (.35, .3, .35): .2 log2(4/7) + .5 log2(10/7).
        let v = try JensenShannonDivergence.bits([2, 3, 5], [5, 3, 2])
        #expect(abs(v - (0.2 * log2(4.0 / 7) + 0.5 * log2(10.0 / 7))) < 1e-15)
        #expect(abs(v - (try JensenShannonDivergence.bits([5, 3, 2], [2, 3, 5]))) < 1e-16)  // symmetric
        #expect(throws: NeymanError.self) { try JensenShannonDivergence.bits([1, 2], [1, 2, 3]) }
        #expect(throws: NeymanError.self) { try JensenShannonDivergence.bits([1, -2], [1, 2]) }
        #expect(throws: NeymanError.self) { try JensenShannonDivergence.bits([0, 0], [1, 2]) }
        #expect(throws: NeymanError.self) { try JensenShannonDivergence.bits([1, .nan], [1, 2]) }
    }

    // MARK: Metrics

    /// Cut, efficiencies and errors by hand: signal scores 1...10 -> cut 5.5 keeps 5 of 10; background 1...20 -> 15
    /// pass (6...20), eps_B = 0.75.
    @Test func metricsCutAtHalfTheSignal() throws {
        var generator = FixedGenerator()
        let sig = (1...10).map(Double.init).shuffled(using: &generator)
        let bkg = (1...20).map(Double.init)
        let mass = (0..<20).map { Double($0) / 20 }
        let r = try DecorrelationMetrics.evaluate(signalScores: sig, backgroundScores: bkg, backgroundMass: mass,
                                                  edges: (0, 1, 4), replicates: 0, rng: RandomStream(seed: 1))
        #expect(r.cut == 5.5 && r.signalEfficiency == 0.5 && r.backgroundEfficiency == 0.75)
        #expect(abs(r.backgroundEfficiencyError - (0.75 * 0.25 / 20).squareRoot()) < 1e-15)
        #expect(abs(r.rejection - 4.0 / 3) < 1e-15)
        #expect(abs(r.rejectionError - (0.75 * 0.25 / 20).squareRoot() / (0.75 * 0.75)) < 1e-15)
        // m bins of width 0.25 hold background 1-5, 6-10, 11-15, 16-20: fail [5, 0, 0, 0], pass [0, 5, 5, 5] -> disjoint.
        #expect(r.failHistogram == [5, 0, 0, 0] && r.passHistogram == [0, 5, 5, 5])
        #expect(r.jsd == 1)
        #expect(r.jsdError.isNaN && r.jsdRandomCut.isNaN)
    }

    /// A score independent of m gives a JSD at the random-cut level; a score that follows m a JSD far above it.
    @Test func metricsSeparateSculptingFromSampleNoise() throws {
        let rng = RandomStream(seed: 41)
        let n = 40_000
        let mass = (0..<n).map { _ in rng.uniform() }
        let independent = (0..<n).map { _ in rng.normal() }
        let following = mass.map { 3 * $0 + rng.normal() }
        let signal = (0..<n).map { _ in rng.normal(mean: 1.5) }
        let flat = try DecorrelationMetrics.evaluate(signalScores: signal, backgroundScores: independent, backgroundMass: mass,
                                                     edges: (0, 1, 20), replicates: 20, rng: RandomStream(seed: 42))
        let sculpted = try DecorrelationMetrics.evaluate(signalScores: signal, backgroundScores: following, backgroundMass: mass,
                                                         edges: (0, 1, 20), replicates: 20, rng: RandomStream(seed: 43))
        // Finite-sample level (k - 1)/(8 ln 2) (1/N_pass + 1/N_fail) for k = 20 bins.
        let nPass = flat.backgroundEfficiency * Double(n)
        let level = 19 / (8 * log(2.0)) * (1 / nPass + 1 / (Double(n) - nPass))
        #expect(abs(flat.jsdRandomCut / level - 1) < 0.3, "random-cut JSD \(flat.jsdRandomCut), expansion \(level)")
        #expect(flat.jsd < 3 * flat.jsdRandomCut && flat.jsd > flat.jsdRandomCut / 3, "\(flat.jsd) vs \(flat.jsdRandomCut)")
        #expect(sculpted.jsd > 50 * sculpted.jsdRandomCut, "\(sculpted.jsd) vs \(sculpted.jsdRandomCut)")
        #expect(sculpted.jsdError > 0 && sculpted.jsdError < 0.2 * sculpted.jsd)
        #expect(flat.dCor2 < 5 * flat.dCor2Shuffled + 1e-4 && sculpted.dCor2 > 0.05, "\(flat.dCor2), \(sculpted.dCor2)")
    }

    // MARK: The study

    static func toml(lambdas: String = "[0, 40]", events: Int = 20_000, test: Int = 30_000, epochs: Int = 15,
                     extra: String = "", training: String = "") -> String {
        """
        [study]
        kind = "disco"
        seed = 7
        [model]
        background_mass_slope = 4.0
        x2_slope = 2.0
        \(extra)
        [disco]
        lambdas = \(lambdas)
        test_events = \(test)
        replicates = 10
        [network]
        layers = [16, 16]
        [training]
        events_per_class = \(events)
        epochs = \(epochs)
        batch_size = 512
        learning_rate = 3e-3
        patience = 4
        \(training)
        """
    }

    static func number(_ o: [(String, JSONValue)], _ key: String) -> Double? {
        guard case .number(let v)? = o.first(where: { $0.0 == key })?.1 else { return nil }
        return v
    }

    /// The issue's acceptance check: at small scale dCor²(score, m) on background falls by at least 5x between
    /// lambda = 0 and the largest lambda. Also: at lambda = 0 the cut sculpts m (JSD far above the random-cut level),
    /// the network is close to the exact likelihood ratio's R50, and DisCo reduces the sculpting.
    @Test func discoRemovesTheDependenceOnM() throws {
        let study = try DisCoStudy(config: try ConfigFile.parse(Self.toml(), file: "t.toml"), scale: .quick)
        let out = try study.run(seed: 7, context: StudyContext(quiet: true))
        guard case .array(let scan)? = out.results.first(where: { $0.0 == "per_lambda" })?.1, scan.count == 2,
              case .object(let plain) = scan[0], case .object(let disco) = scan[1],
              case .object(let exact)? = out.results.first(where: { $0.0 == "exact_likelihood_ratio" })?.1 else {
            Issue.record("no per_lambda results"); return
        }
        let d0 = try #require(Self.number(plain, "dcor2")), d1 = try #require(Self.number(disco, "dcor2"))
        #expect(d0 >= 5 * d1, "dCor²(s, m) on background: \(d0) at lambda = 0, \(d1) at lambda = 40")
        let jsd0 = try #require(Self.number(plain, "jsd")), floor0 = try #require(Self.number(plain, "jsd_random_cut"))
        let jsd1 = try #require(Self.number(disco, "jsd"))
        #expect(jsd0 > 20 * floor0, "sculpting at lambda = 0: JSD \(jsd0), random-cut level \(floor0)")
        #expect(jsd1 * 5 < jsd0, "JSD \(jsd0) at lambda = 0, \(jsd1) at lambda = 40")
        let r0 = try #require(Self.number(plain, "r50")), r1 = try #require(Self.number(disco, "r50"))
        let rExact = try #require(Self.number(exact, "r50"))
        #expect(r0 > 0.85 * rExact && r0 < 1.05 * rExact, "R50 \(r0) at lambda = 0, exact ratio \(rExact)")
        #expect(r1 < r0, "decorrelation costs rejection: \(r1) vs \(r0)")
        #expect(Self.number(plain, "signal_efficiency").map { abs($0 - 0.5) < 1e-4 } == true)
        #expect(out.tables.map(\.name) == ["lambda_scan", "mass_histograms"])
        #expect(out.tables[1].columns.map(\.0).contains("pass_lambda_40"))
    }

    /// The same numbers with 1 and 2 threads (tiny sizes: determinism, not physics).
    @Test func resultsDoNotDependOnTheThreadCount() throws {
        let study = try DisCoStudy(config: try ConfigFile.parse(Self.toml(lambdas: "[0, 5, 20]", events: 1500, test: 2000, epochs: 2),
                                                                file: "t.toml"), scale: .quick)
        let one = try study.run(seed: 3, context: StudyContext(threads: 1, quiet: true))
        let two = try study.run(seed: 3, context: StudyContext(threads: 2, quiet: true))
        #expect(JSONValue.object(one.results).serialized(pretty: false) == JSONValue.object(two.results).serialized(pretty: false))
    }

    @Test func registeredAsDisco() {
        #expect(StudyRunner.kinds.contains("disco"))
    }

    @Test func configErrorsNameTheKey() throws {
        func failure(_ text: String) -> String {
            do {
                let root = try ConfigFile.parse(text, file: "t.toml")
                let header = try root.table("study")
                _ = (try header?.string("kind"), try header?.int("seed"))
                _ = try DisCoStudy(config: root, scale: .quick)
                try root.rejectUnknownKeys()
                return "no error"
            } catch { return "\(error)" }
        }
        #expect(failure(Self.toml()) == "no error")
        #expect(failure(Self.toml(lambdas: "[10, 1]")).contains("disco.lambdas"))
        #expect(failure(Self.toml(lambdas: "[0, -1]")).contains("disco.lambdas"))
        #expect(failure(Self.toml(lambdas: "[]")).contains("disco.lambdas"))
        #expect(failure(Self.toml(test: 10)).contains("disco.test_events"))
        #expect(failure(Self.toml(extra: "x2_width = 0")).contains("model.x2_width"))
        #expect(failure(Self.toml(extra: "background_mass_slope = -1").replacingOccurrences(of: "background_mass_slope = 4.0\n", with: ""))
                    .contains("model.background_mass_slope"))
        #expect(failure(Self.toml(extra: "signal_mass_shape = [1, 2, 3]")).contains("model.signal_mass_shape"))
        #expect(failure(Self.toml(extra: "x2_slop = 1")).contains("model.x2_slop"))
        #expect(failure(Self.toml(training: "events = 3")).contains("training.events"))
        #expect(failure(Self.toml().replacingOccurrences(of: "replicates = 10", with: "events = \"signal\"")).contains("disco.events"))
        #expect(failure(Self.toml().replacingOccurrences(of: "batch_size = 512", with: "batch_size = 16")).contains("training.batch_size"))
        #expect(failure(Self.toml().replacingOccurrences(of: "replicates = 10", with: "mass_bins = 2")).contains("disco.mass_bins"))
        #expect(failure(Self.toml().replacingOccurrences(of: "test_events = 30000", with: "test_events = { quick = 500, full = 5000 }"))
                    .contains("disco.test_events"))
        let error = failure(Self.toml(extra: "x2_width = 0"))
        #expect(error.contains("t.toml"), "the file is named: \(error)")
    }
}

/// A fixed permutation source (SplitMix64) so that the shuffled input of a test is the same in every run.
struct FixedGenerator: RandomNumberGenerator {
    var state: UInt64 = 12345
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
