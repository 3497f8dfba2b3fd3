import Foundation
import NeymanCore
import NeymanStats
import Testing
@testable import NeymanStudies

/// The classifier-reweighting study (guide §4.3): its generator and exact ratio, the closure it claims (each method
/// repairs exactly the variables it sees; the classifier all of them), thread independence, and config errors.
@Suite("Classifier reweighting study")
struct ClassifierReweightingStudyTests {
    static let toml = """
    [study]
    kind = "classifier-reweighting"
    seed = 5
    [model]
    events = 40000
    [model.nominal]
    mean = [0.0, 0.0, 0.0]
    width = [1.0, 1.0, 1.0]
    coupling = 0.5
    [model.varied]
    mean = [0.2, 0.0, 0.15]
    width = [1.1, 1.0, 1.0]
    coupling = 0.8
    [classifier]
    layers = [32, 32]
    epochs = 30
    learning_rate = 2e-3
    """

    static func object(_ results: [(String, JSONValue)], _ key: String) -> [(String, JSONValue)] {
        if case .object(let m)? = results.first(where: { $0.0 == key })?.1 { return m }
        return []
    }

    static func number(_ m: [(String, JSONValue)], _ key: String) -> Double {
        if case .number(let x)? = m.first(where: { $0.0 == key })?.1 { return x }
        return .nan
    }

    /// The generator's moments against the model's: mean and width of x, the slope of y on x, z's mean; and the
    /// exact log-ratio against a direct product of Gaussian densities.
    @Test func generatorAndExactRatioMatchTheModel() throws {
        let root = try ConfigFile.parse(Self.toml, file: "t.toml")
        let study = try ClassifierReweightingStudy(config: root, scale: .quick)
        let n = 200_000
        let c = study.varied.events(n, rng: RandomStream(seed: 3, task: 0))
        let mx = SampleSummary.mean(c[0]), sx = SampleSummary.standardDeviation(c[0])
        #expect(abs(mx - 0.2) < 4 * 1.1 / Double(n).squareRoot() && abs(sx - 1.1) < 4 * 1.1 / (2 * Double(n)).squareRoot())
        let cov = zip(c[0], c[1]).reduce(0) { $0 + ($1.0 - mx) * $1.1 } / Double(n)
        #expect(abs(cov / (sx * sx) - 0.8) < 0.01, "slope of y on x \(cov / (sx * sx))")
        #expect(abs(SampleSummary.mean(c[2]) - 0.15) < 4 / Double(n).squareRoot())
        func gauss(_ v: Double, _ m: Double, _ s: Double) -> Double { exp(-0.5 * pow((v - m) / s, 2)) / (s * (2 * Double.pi).squareRoot()) }
        for (x, y, z) in [(0.3, -1.2, 0.7), (-2.0, 0.5, 1.5), (1.0, 1.0, -0.4)] {
            let direct = gauss(x, 0.2, 1.1) * gauss(y - 0.8 * x, 0, 1) * gauss(z, 0.15, 1) / (gauss(x, 0, 1) * gauss(y - 0.5 * x, 0, 1) * gauss(z, 0, 1))
            let model = exp(study.varied.logDensity(x, y, z) - study.nominal.logDensity(x, y, z))
            #expect(abs(model / direct - 1) < 1e-12)
        }
    }

    /// End to end: the histogram ratio in x repairs x but not y, (x, y) repairs y but not z, the classifier repairs all
    /// four variables and passes the multivariate closure (AUC of a fresh classifier near 0.5, like the exact ratio);
    /// the results are identical with one and two threads.
    @Test func closureSeparatesTheMethodsAndIsThreadIndependent() throws {
        let root = try ConfigFile.parse(Self.toml, file: "t.toml")
        let study = try ClassifierReweightingStudy(config: root, scale: .quick)
        let one = try study.run(seed: 5, context: StudyContext(threads: 1, quiet: true))
        let two = try study.run(seed: 5, context: StudyContext(threads: 2, quiet: true))
        #expect(JSONValue.object(one.results).serialized() == JSONValue.object(two.results).serialized())
        let chi2 = Self.object(one.results, "chi2_per_bin"), auc = Self.object(one.results, "auc_after")
        func chi(_ method: String, _ v: String) -> Double {
            if case .object(let m)? = chi2.first(where: { $0.0 == method })?.1 { return Self.number(m, v) }
            return .nan
        }
        // 40 bins: a chi2 per bin above 3 is a miss of > 8 standard deviations in total; closure is ~1.
        #expect(chi("none", "x") > 5 && chi("none", "y") > 5 && chi("none", "z") > 3)
        #expect(chi("histogram_x", "x") < 2 && chi("histogram_x", "y") > 5)
        #expect(chi("histogram_xy", "y") < 2 && chi("histogram_xy", "z") > 3)
        // Measured with this seed: the classifier 1.1-2.8 per bin (its ratio is good to a few per cent with 2 x 32,000
        // training events; y's tails are the hardest), the exact ratio 0.7-1.6; the methods that miss a variable, 8-42.
        for v in ClassifierReweightingStudy.variables {
            #expect(chi("classifier", v) < 3.5, "classifier, \(v): \(chi("classifier", v))")
            #expect(chi("exact", v) < 2.5, "exact, \(v): \(chi("exact", v))")
        }
        // AUC after (measured: none 0.605, histogram_xy 0.540, classifier 0.508, exact 0.500).
        #expect(Self.number(auc, "none") > 0.58)
        #expect(Self.number(auc, "histogram_xy") > 0.525)
        #expect(Self.number(auc, "classifier") < 0.515 && Self.number(auc, "exact") < 0.51,
                "classifier \(Self.number(auc, "classifier")), exact \(Self.number(auc, "exact"))")
        #expect(Self.number(one.results.map { ($0.0, $0.1) }, "weight_correlation_with_exact") > 0.85)
        let figures = one.report.blocks.filter { if case .figure = $0 { return true }; return false }
        #expect(figures.count == 6)
        #expect(one.tables.map(\.name) == ["closure"])
    }

    @Test func badKeysAreNamed() throws {
        let cases: [(String, String, String)] = [
            ("mean = [0.2, 0.0, 0.15]", "mean = [0.2, 0.0]", "model.varied.mean"),
            ("width = [1.1, 1.0, 1.0]", "width = [1.1, 0.0, 1.0]", "model.varied.width"),
            ("events = 40000", "events = 100", "model.events"),
            ("layers = [32, 32]", "layers = [32, 0]", "classifier.layers"),
            ("epochs = 30", "epochs = 30\nfolds = 1", "classifier.folds"),
            ("epochs = 30", "epochs = 0", "classifier.epochs"),
        ]
        for (old, new, key) in cases {
            let root = try ConfigFile.parse(Self.toml.replacingOccurrences(of: old, with: new), file: "t.toml")
            #expect { try ClassifierReweightingStudy(config: root, scale: .quick) } throws: { "\($0)".contains(key) }
        }
    }
}
