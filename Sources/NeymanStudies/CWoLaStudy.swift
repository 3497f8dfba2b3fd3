import Foundation
import NeymanCore
import NeymanNN
import NeymanReport
import NeymanStats

/// Classification without labels (CWoLa; Metodiev, Nachman, Thaler, arXiv:1708.02949; docs/formulas.md §1): a classifier
/// trained to separate two mixed samples M1, M2 with signal fractions `f1 > f2` is the optimal S-vs-B classifier,
/// and with the fractions its output converts back into `L_{S/B}`:
/// ```
///   L_{M1/M2} = s/(1-s) W_M2/W_M1 = (f1 L + 1 - f1) / (f2 L + 1 - f2),     L_{S/B} = (L_M (1-f2) - (1-f1)) / (f1 - f2 L_M)
/// ```
/// For each toy model (a 2-D Gaussian pair with exact `L = exp(Delta . (x - m))` and optimal AUC `Phi(|Delta|/sqrt 2)`;
/// the bump-hunt model of docs/formulas.md §2 at one global sigma, exact `L = WN(y; sqrt 2 sigma)`, optimal AUC
/// `1 - 2 E_S|y|` by quadrature) and each pair `f1 = c + d/2`, `f2 = c - d/2`, one network is trained on M1 vs M2
/// (`N` events each, exactly `round(f N)` of them signal) and one fully supervised network on S vs B (`N` events each),
/// with the same architecture, training settings and initial weights. Reported: the AUC of every network on
/// independent labelled S and B test events, with DeLong's error and the paired error of CWoLa minus supervised;
/// the back-converted `L_{S/B}` against the exact one along a line (the line through both means of the Gaussians;
/// `y` at `Y0 - Y1 = 0` for the bump hunt), with the largest relative deviation in the bulk.
///
/// Determinism: every model draws one signal pool and one background pool for training (streams `(seed, 100 k + 1)`
/// and `(seed, 100 k + 2)` for model `k = 1, 2`) and the test events (`(seed, 100 k + 3)`, `(seed, 100 k + 4)`);
/// M1 takes the first events of each pool, M2 the next ones, the supervised network the first `N` of each. Every
/// network of a model starts from the same weights with the same batch order (training seed `mixSeed(seed, 100 k + 10)`).
/// The trainings run as independent tasks of ``deterministicParallelMap``, so results do not depend on the thread count.
///
/// Study file (`toys/cwola.toml`; defaults in brackets):
/// ```toml
/// [fractions]
/// differences = [0.6, 0.4, 0.2, 0.1]  # d = f1 - f2, each > 0
/// centre = 0.5                        # f1 = centre + d/2, f2 = centre - d/2, both in [0, 1]  [0.5]
/// [gaussian]                          # optional: the Gaussian pair (any dimension)
/// signal_mean = [0.6, 0.9]            # [0.6, 0.9]
/// background_mean = [-0.6, 0.0]       # [-0.6, 0]
/// bulk = 1.5                          # |t| <= bulk on the line through the means  [1.5]
/// [bumphunt]                          # optional: the bump hunt at one global sigma
/// sigma = 0.08                        # required, in (0, 0.5); scale-dependent allowed
/// features = ["y", "d"]               # y, and optionally d = Y0 - Y1  [["y"]]
/// bulk = 2.0                          # |y| <= bulk * sqrt(2) sigma  [2]
/// [test]
/// events_per_class = 100000           # labelled S and B test events, scale-dependent  [100000]
/// [network]                           # and [training]: StudyNetworkSettings; training.events_per_class = events per mixed sample
/// ```
/// At least one of `[gaussian]` and `[bumphunt]` must be present.
public struct CWoLaStudy: Study {
    public static let kind = "cwola"

    /// `f1 - f2` of each pair, and their centre `(f1 + f2) / 2`.
    public var differences: [Double]
    public var centre: Double
    /// The 2-D Gaussian model and its bulk half-width in `t` (distance from the midpoint along the line of the means).
    public var gaussian: (model: GaussianPairModel, bulk: Double)?
    /// The bump-hunt model: sigma, features (`y`, and `d` = Y0 - Y1), bulk half-width in units of `sqrt 2 sigma`.
    public var bumpHunt: (sigma: Double, features: [String], bulk: Double)?
    /// Independent labelled S and B test events for the AUCs (each class).
    public var testEventsPerClass: Int
    /// Architecture and training of every network; `eventsPerClass` is the size of each mixed sample.
    public var network: StudyNetworkSettings

    /// Reads the tables listed above; errors name the file and key.
    public init(config root: ConfigTable, scale: StudyScale) throws {
        let fr = try root.require("fractions") { try root.table($0) }
        differences = try fr.require("differences") { try fr.doubles($0) }
        centre = try fr.double("centre") ?? 0.5
        guard !differences.isEmpty else { throw fr.invalid("differences", "needs at least one f1 - f2") }
        for d in differences {
            guard d > 0, d.isFinite else { throw fr.invalid("differences", "every f1 - f2 must be positive (got \(d))") }
            guard centre - d / 2 >= 0, centre + d / 2 <= 1 else {
                throw fr.invalid("differences", "f1 - f2 = \(d) around centre \(centre) gives fractions outside [0, 1]")
            }
        }
        if let g = try root.table("gaussian") {
            let mS = try g.doubles("signal_mean") ?? [0.6, 0.9], mB = try g.doubles("background_mean") ?? [-0.6, 0]
            let model: GaussianPairModel
            do { model = try GaussianPairModel(signalMean: mS, backgroundMean: mB) } catch let NeymanError.invalidInput(m, _) {
                throw g.invalid("signal_mean", m)
            }
            let bulk = try g.double("bulk") ?? 1.5
            guard bulk > 0, bulk.isFinite else { throw g.invalid("bulk", "must be positive (the half-width in t of the bulk)") }
            gaussian = (model, bulk)
        }
        if let b = try root.table("bumphunt") {
            let sigma = try b.requirePositiveDouble("sigma", scale)
            guard sigma < 0.5 else { throw b.invalid("sigma", "must be below 0.5 (the model lives on [-0.5, 0.5))") }
            let features = try b.strings("features") ?? ["y"]
            guard !features.isEmpty, Set(features).count == features.count, features.allSatisfy({ ["y", "d"].contains($0) }),
                  features.contains("y") else {
                throw b.invalid("features", "must list y, optionally d (= Y0 - Y1), each once")
            }
            let bulk = try b.double("bulk") ?? 2
            guard bulk > 0, bulk.isFinite else { throw b.invalid("bulk", "must be positive (in units of sqrt(2) sigma)") }
            bumpHunt = (sigma, features, bulk)
        }
        guard gaussian != nil || bumpHunt != nil else {
            throw NeymanError.invalid("needs a [gaussian] or a [bumphunt] table (or both)", file: root.file, key: "gaussian")
        }
        let test = try root.table("test")
        testEventsPerClass = try test?.scaledInt("events_per_class", scale) ?? 100_000
        guard testEventsPerClass >= 100 else { throw root.invalid("test.events_per_class", "must be at least 100") }
        network = try StudyNetworkSettings(config: root, scale: scale)
        // Test events of both classes (features, exact and learned logits) against memory (StudySizes).
        try root.checkMemory("test.events_per_class", count: testEventsPerClass, bytesPerUnit: 2 * StudySizes.event)
    }

    /// The fraction pairs `(centre + d/2, centre - d/2)`.
    func pairs() throws -> [CWoLaFractions] {
        try differences.map { try CWoLaFractions(f1: centre + $0 / 2, f2: centre - $0 / 2) }
    }

    /// The toy models of this study, in report order.
    func toys() throws -> [CWoLaToy] {
        var out: [CWoLaToy] = []
        if let g = gaussian { out.append(CWoLaToy.gaussian(g.model, bulk: g.bulk)) }
        if let b = bumpHunt { out.append(try CWoLaToy.bumpHunt(sigma: b.sigma, features: b.features, bulk: b.bulk)) }
        return out
    }

    /// Trains and evaluates every network (see ``evaluate(toys:pairs:eventsPerSample:testEventsPerClass:network:seed:context:)``)
    /// and assembles results, CSV tables and the report.
    public func run(seed: UInt64, context: StudyContext) throws -> StudyResult {
        let pairs = try pairs()
        let toys = try toys()
        let n = network.eventsPerClass
        let outcomes = try CWoLaStudy.evaluate(toys: toys, pairs: pairs, eventsPerSample: n, testEventsPerClass: testEventsPerClass,
                                               network: network, seed: seed, context: context)
        var results: [(String, JSONValue)] = [
            ("fractions", .object([("centre", .number(centre)), ("differences", .numbers(differences)),
                                   ("f1", .numbers(pairs.map(\.f1))), ("f2", .numbers(pairs.map(\.f2)))])),
            ("events_per_sample", .integer(n)),
            ("test_events_per_class", .integer(testEventsPerClass)),
        ]
        var tables: [StudyTable] = []
        var report = HTMLReport(title: "")
        report.paragraph("CWoLa (Metodiev, Nachman, Thaler, arXiv:1708.02949; docs/formulas.md §1): a dense \(network.layers) "
                         + "\(network.activation.rawValue) network is trained to separate two mixed samples M1 (label 1) and M2 "
                         + "(label 0) of \(n) events each, with exact signal fractions f1 = \(fmt(centre)) + d/2 and f2 = \(fmt(centre)) − d/2, "
                         + "d = f1 − f2 ∈ {\(differences.map(fmt).joined(separator: ", "))}; no event carries an S or B label. "
                         + "A fully supervised network with the same architecture, training settings, initial weights and number of "
                         + "events (\(n) S + \(n) B, the same events the mixed samples are drawn from) is the reference. Every AUC is "
                         + "measured on \(testEventsPerClass) independent S and \(testEventsPerClass) independent B test events "
                         + "(errors: DeLong; the difference CWoLa − supervised has a paired error, both networks being evaluated on the "
                         + "same events). The back-converted ratio is L_{S/B} = (L_M (1−f2) − (1−f1)) / (f1 − f2 L_M) with "
                         + "L_M = s/(1−s)·W_M2/W_M1; its error is amplified by dL/dL_M = (f1 − f2)/(f1 − f2 L_M)², i.e. 1/(f1 − f2) at L = 1.")
        for o in outcomes {
            let t = o.toy
            results.append((t.key, o.json(pairs: pairs)))
            report.heading(t.title, level: 3)
            report.paragraph(t.description)
            report.figure(o.aucPlot(pairs: pairs), caption: o.aucCaption(pairs: pairs))
            report.figure(o.ratioPlot(pairs: pairs), caption: o.ratioCaption(pairs: pairs))
            report.figure(o.deviationPlot(pairs: pairs), caption: o.deviationCaption(pairs: pairs))
            report.table(headers: ["f1 − f2", "f1", "f2", "AUC", "AUC − supervised", "max |L̂/L − 1| in the bulk", "epochs"],
                         rows: o.tableRows(pairs: pairs), caption: "\(t.title): every network on the same test events.")
            tables += o.tables(pairs: pairs)
        }
        return StudyResult(results: results, tables: tables, report: report)
    }

    // MARK: Training and evaluation

    /// Trains and evaluates every network of every toy (see the type's documentation for the streams).
    static func evaluate(toys: [CWoLaToy], pairs: [CWoLaFractions], eventsPerSample n: Int, testEventsPerClass m: Int,
                         network: StudyNetworkSettings, seed: UInt64, context: StudyContext) throws -> [CWoLaOutcome] {
        struct Prepared {
            var signal: [Double], background: [Double], test: [Double], testIsSignal: [Bool]
        }
        // Pools large enough for the supervised network (N each) and for M1 + M2 of every pair.
        let counts = pairs.map { p -> (s1: Int, s2: Int) in (Int((p.f1 * Double(n)).rounded()), Int((p.f2 * Double(n)).rounded())) }
        let poolS = max(n, counts.map { $0.s1 + $0.s2 }.max() ?? 0)
        let poolB = max(n, counts.map { 2 * n - $0.s1 - $0.s2 }.max() ?? 0)
        let prepared: [Prepared] = toys.enumerated().map { k, toy in
            let base = UInt64(100 * (k + 1))
            let s = toy.generate(poolS, true, RandomStream(seed: seed, task: base + 1))
            let b = toy.generate(poolB, false, RandomStream(seed: seed, task: base + 2))
            let ts = toy.generate(m, true, RandomStream(seed: seed, task: base + 3))
            let tb = toy.generate(m, false, RandomStream(seed: seed, task: base + 4))
            return Prepared(signal: s, background: b, test: ts + tb,
                            testIsSignal: [Bool](repeating: true, count: m) + [Bool](repeating: false, count: m))
        }
        // Task (k, j): toy k, j = 0 supervised, j = 1... the CWoLa network of pair j - 1.
        let perToy = 1 + pairs.count
        let total = toys.count * perToy
        context.log("training \(total) networks (\(toys.count) models x (1 supervised + \(pairs.count) CWoLa)) on \(n) + \(n) events each")
        let trained = try deterministicParallelMap(count: total, threads: context.threads) { task -> TrainedNetwork in
            let k = task / perToy, j = task % perToy
            let toy = toys[k], data = prepared[k]
            let f = toy.featureCount
            func rows(_ x: [Double], _ range: Range<Int>) -> [Float] { x[(range.lowerBound * f)..<(range.upperBound * f)].map(Float.init) }
            let a: [Float], b: [Float]
            if j == 0 {
                a = rows(data.signal, 0..<n); b = rows(data.background, 0..<n)
            } else {
                let (s1, s2) = counts[j - 1]
                a = rows(data.signal, 0..<s1) + rows(data.background, 0..<(n - s1))
                b = rows(data.signal, s1..<(s1 + s2)) + rows(data.background, (n - s1)..<(2 * n - s1 - s2))
            }
            let samples = try CWoLaSamples(mixed1: a, mixed2: b, featureCount: f, fractions: j == 0 ? nil : pairs[j - 1])
            var options = network.options
            options.seed = RandomStream.mixSeed(seed, UInt64(100 * (k + 1) + 10))
            options.quiet = true
            let net = try network.makeNetwork(inputs: f, seed: options.seed)
            let (ratio, history) = try samples.train(net, options: options)
            let logits = net.predictRaw(data.test.map(Float.init), rows: 2 * m).map(Double.init)
            let scores = net.score(toy.curveFeatures.map(Float.init), rows: toy.curveX.count).map(Double.init)
            return TrainedNetwork(testLogits: logits, curveRatio: scores.map { ratio.mixedRatio(score: $0) }, epochs: history.count)
        }
        return try toys.indices.map { k in
            let toy = toys[k], data = prepared[k]
            let exactScores = stride(from: 0, to: data.test.count, by: toy.featureCount).map { toy.exactRatio(data.test[$0..<($0 + toy.featureCount)]) }
            let exact = try AUCPlacements(scores: exactScores, isSignal: data.testIsSignal)
            let nets = try (0..<perToy).map { j -> (TrainedNetwork, AUCPlacements) in
                let t = trained[k * perToy + j]
                return (t, try AUCPlacements(scores: t.testLogits, isSignal: data.testIsSignal))
            }
            return CWoLaOutcome(toy: toy, exactOnTest: exact, supervised: nets[0].1, supervisedNetwork: nets[0].0,
                                cwola: nets.dropFirst().map(\.1), cwolaNetworks: nets.dropFirst().map(\.0), pairs: pairs)
        }
    }
}

/// What the study keeps of one trained network.
struct TrainedNetwork {
    /// Network logits on the test events (signal first), for the AUC.
    var testLogits: [Double]
    /// `s/(1-s) W_0/W_1` along the toy's line: `r_{S/B}` for the supervised network, `L_{M1/M2}` for a CWoLa one.
    var curveRatio: [Double]
    var epochs: Int
}
