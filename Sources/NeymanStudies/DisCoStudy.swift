import Foundation
import NeymanCore
import NeymanNN
import NeymanReport
import NeymanStats

/// DisCo: a classifier decorrelated from `m` by the distance-correlation penalty (Kasieczka & Shih arXiv:2001.05310;
/// docs/formulas.md §4), on the toy of ``DecorrelationModel`` in which one feature follows `m` in the background (the pT
/// bias of the ATLAS prompt-vs-tau-muon talk).
///
/// For each `lambda` of a grid, one network is trained with
/// ```
///   L = BCE + lambda * dCor²(s, m)          (dCor² over the background events of each batch; DisCoPenalty)
/// ```
/// from the same initial weights, on the same events, in the same batch order (only `lambda` differs; `lambda = 0`
/// is the plain classifier). On independent test events (``DecorrelationMetrics``): the cut at 50 % signal
/// efficiency, the rejection `R50 = 1/eps_B` (binomial error), the Jensen-Shannon divergence in bits between the `m`
/// histograms of passing and failing background (bootstrap error) with the level a random cut of the same `eps_B`
/// gives, and dCor²(s, m) on the background (with `m` shuffled for its finite-sample level). The exact likelihood
/// ratio of the features (the best classifier without decorrelation) is evaluated the same way. The score is
/// `s = sigmoid(z)` of the network's raw output, in Double, as in the penalty.
///
/// The networks train in parallel (one task per `lambda`, OpenBLAS at one thread inside the region; the results are
/// the same for any `--threads`, which a test checks); every random
/// number comes from `RandomStream(seed, task)`: 1, 2 training signal and background, 3, 4 test signal and
/// background, `mixSeed(seed, 5)` the networks' initial weights and the trainer (split and batch order), `100 + i`
/// the bootstrap, random cuts and shuffle of `lambda` number `i` (`100 + count` for the exact ratio).
public struct DisCoStudy: Study {
    public static let kind = "disco"

    public var model: DecorrelationModel
    /// The grid of `lambda`, increasing, each `>= 0`.
    public var lambdas: [Double]
    /// Which events of a batch enter dCor² (`background`, as in the DisCo paper, or `all`).
    public var events: DisCoPenalty.Events
    /// Test events of each class.
    public var testEvents: Int
    /// Equal bins of `m` on [0, 1] for the JSD and the plots.
    public var massBins: Int
    /// Bootstrap replicas for the JSD error, and random cuts for its finite-sample level.
    public var replicates: Int
    public var network: StudyNetworkSettings

    /// The target signal efficiency of the cut (the paper's R50).
    public static let signalEfficiency = 0.5

    public init(config root: ConfigTable, scale: StudyScale) throws {
        let m = try root.table("model")
        do {
            let shape = try m?.doubles("signal_mass_shape") ?? [6, 4]
            guard shape.count == 2 else { throw root.invalid("model.signal_mass_shape", "give [a, b] of the Beta distribution") }
            model = try DecorrelationModel(backgroundMassSlope: try m?.double("background_mass_slope") ?? 4,
                                           signalMassShape: (shape[0], shape[1]),
                                           x1Mean: try m?.double("x1_mean") ?? 0.5,
                                           x2Slope: try m?.double("x2_slope") ?? 2,
                                           x2Width: try m?.double("x2_width") ?? 0.35,
                                           x2SignalMean: try m?.double("x2_signal_mean") ?? 1,
                                           x3SignalWidth: try m?.double("x3_signal_width") ?? 0.6)
        } catch let e as NeymanError { throw e.inFile(root.file) }

        let d = try root.table("disco")
        lambdas = try d?.doubles("lambdas") ?? [0, 1, 3, 10, 30, 100]
        guard !lambdas.isEmpty, lambdas.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
            throw root.invalid("disco.lambdas", "give one or more finite values >= 0")
        }
        guard zip(lambdas, lambdas.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw root.invalid("disco.lambdas", "must be increasing (got \(lambdas.map(fmt).joined(separator: ", ")))")
        }
        let eventsName = try d?.string("events") ?? "background"
        guard let ev = DisCoPenalty.Events(rawValue: eventsName) else {
            throw root.invalid("disco.events", "unknown value '\(eventsName)' (background, all)")
        }
        events = ev
        testEvents = try d?.scaledInt("test_events", scale) ?? 200_000
        guard testEvents >= 1000 else { throw root.invalid("disco.test_events", "must be >= 1000 (got \(testEvents))") }
        massBins = try d?.int("mass_bins") ?? 50
        guard massBins >= 5, massBins <= 10_000 else { throw root.invalid("disco.mass_bins", "must be in 5...10000 (got \(massBins))") }
        replicates = try d?.scaledInt("replicates", scale) ?? 30
        guard replicates >= 0, replicates <= 10_000 else { throw root.invalid("disco.replicates", "must be in 0...10000 (got \(replicates))") }
        // Test events (three features, mass, label, scores of every lambda) against memory (StudySizes).
        try root.checkMemory("disco.test_events", count: testEvents, bytesPerUnit: StudySizes.event * (2 + lambdas.count))

        network = try StudyNetworkSettings(config: root, scale: scale)
        guard network.options.batchSize >= 64 else {
            throw root.invalid("training.batch_size", "DisCo needs batches of at least 64 events for a meaningful dCor² "
                               + "(got \(network.options.batchSize); the DisCo paper uses thousands)")
        }
    }

    /// One trained classifier and its metrics.
    struct Point {
        var lambda: Double
        var epochs: Int
        var validationLoss: Double?
        var metrics: DecorrelationMetrics
    }

    public func run(seed: UInt64, context: StudyContext) throws -> StudyResult {
        let n = network.eventsPerClass
        let trainSignal = model.events(n, signal: true, rng: RandomStream(seed: seed, task: 1))
        let trainBackground = model.events(n, signal: false, rng: RandomStream(seed: seed, task: 2))
        let testSignal = model.events(testEvents, signal: true, rng: RandomStream(seed: seed, task: 3))
        let testBackground = model.events(testEvents, signal: false, rng: RandomStream(seed: seed, task: 4))
        let data = try LabelledEvents(features: DecorrelationModel.features(trainSignal + trainBackground),
                                    labels: [Float](repeating: 1, count: n) + [Float](repeating: 0, count: n), featureCount: 3)
        let mass = (trainSignal + trainBackground).map(\.m)
        let testSignalX = DecorrelationModel.features(testSignal), testBackgroundX = DecorrelationModel.features(testBackground)
        let testMass = testBackground.map(\.m)
        let edges = (lower: 0.0, upper: 1.0, bins: massBins)
        let trainingSeed = RandomStream.mixSeed(seed, 5)
        let lambdas = self.lambdas, network = self.network, model = self.model, events = self.events
        let replicates = self.replicates, nTasks = lambdas.count + 1

        context.log("training \(lambdas.count) networks (lambda = \(lambdas.map(fmt).joined(separator: ", "))) on \(n) + \(n) events, "
                    + "batch \(network.options.batchSize), dCor² over \(events.rawValue) events")
        let points = try deterministicParallelMap(count: nTasks, threads: context.threads) { i -> Point in
            let rng = RandomStream(seed: seed, task: UInt64(100 + i))
            guard i < lambdas.count else {
                // The exact likelihood ratio of the features.
                let s = testSignal.map { logistic(model.logLikelihoodRatio($0)) }
                let b = testBackground.map { logistic(model.logLikelihoodRatio($0)) }
                let metrics = try DecorrelationMetrics.evaluate(signalScores: s, backgroundScores: b, backgroundMass: testMass,
                                                                signalEfficiency: DisCoStudy.signalEfficiency, edges: edges,
                                                                replicates: replicates, rng: rng)
                return Point(lambda: .nan, epochs: 0, validationLoss: nil, metrics: metrics)
            }
            let lambda = lambdas[i]
            var options = network.options
            options.seed = trainingSeed
            options.quiet = true
            let net = try network.makeNetwork(inputs: 3, seed: trainingSeed)
            let trainer = Trainer(network: net, options: options)
            trainer.penalties = [try DisCoPenalty(lambda: lambda, variable: mass, events: events)]
            let history = try trainer.train(data)
            func scores(_ x: [Float], _ rows: Int) -> [Double] {
                net.predictRaw(x, rows: rows).map { logistic(Double($0)) }
            }
            let metrics = try DecorrelationMetrics.evaluate(signalScores: scores(testSignalX, testEvents),
                                                            backgroundScores: scores(testBackgroundX, testEvents),
                                                            backgroundMass: testMass, signalEfficiency: DisCoStudy.signalEfficiency,
                                                            edges: edges, replicates: replicates, rng: rng)
            context.log(String(format: "lambda = %@: %d epochs, R50 = %.2f, 1/JSD = %.1f, dCor² = %.4g", fmt(lambda), history.count,
                               metrics.rejection, 1 / metrics.jsd, metrics.dCor2))
            return Point(lambda: lambda, epochs: history.count, validationLoss: history.map(\.validationLoss).compactMap { $0 }.min(),
                         metrics: metrics)
        }
        let scan = Array(points.prefix(lambdas.count))
        let exact = points[lambdas.count].metrics
        let uncut = zip(scan[0].metrics.passHistogram, scan[0].metrics.failHistogram).map { $0 + $1 }

        let report = makeReport(scan: scan, exact: exact, uncut: uncut, trainingEvents: n)
        let results = makeResults(scan: scan, exact: exact, trainingEvents: n)
        let tables = makeTables(scan: scan, exact: exact, uncut: uncut)
        return StudyResult(results: results, tables: tables, report: report)
    }

    /// Marker colours of the lambda grid: the palette without black (black marks the exact likelihood ratio).
    static let colors = PlotSeries.palette.filter { $0 != "#000000" }


    // MARK: Outputs

    private func metricsObject(_ m: DecorrelationMetrics) -> [(String, JSONValue)] {
        [("signal_efficiency", .number(m.signalEfficiency)), ("cut_score", .number(m.cut)),
         ("background_efficiency", .number(m.backgroundEfficiency)), ("background_efficiency_error", .number(m.backgroundEfficiencyError)),
         ("r50", .number(m.rejection)), ("r50_error", .number(m.rejectionError)),
         ("jsd", .number(m.jsd)), ("jsd_error", .number(m.jsdError)),
         ("inverse_jsd", .number(1 / m.jsd)), ("inverse_jsd_error", .number(m.jsdError / (m.jsd * m.jsd))),
         ("jsd_random_cut", .number(m.jsdRandomCut)),
         ("dcor2", .number(m.dCor2)), ("dcor2_shuffled_m", .number(m.dCor2Shuffled))]
    }

    private func makeResults(scan: [Point], exact: DecorrelationMetrics, trainingEvents n: Int) -> [(String, JSONValue)] {
        let first = scan[0].metrics.dCor2, last = scan[scan.count - 1].metrics.dCor2
        return [
            ("model", .numberObject([("background_mass_slope", model.backgroundMassSlope), ("signal_mass_shape_a", model.signalMassShape.a),
                                     ("signal_mass_shape_b", model.signalMassShape.b), ("x1_mean", model.x1Mean),
                                     ("x2_slope", model.x2Slope), ("x2_width", model.x2Width),
                                     ("x2_signal_mean", model.x2SignalMean), ("x3_signal_width", model.x3SignalWidth)])),
            ("disco_events", .string(events.rawValue)),
            ("batch_size", .integer(network.options.batchSize)),
            ("events_per_class", .integer(n)),
            ("test_events_per_class", .integer(testEvents)),
            ("mass_bins", .integer(massBins)),
            ("replicates", .integer(replicates)),
            ("signal_efficiency_target", .number(DisCoStudy.signalEfficiency)),
            ("jsd_units", .string("bits (base-2 logarithms; JSD in [0, 1])")),
            ("per_lambda", .array(scan.map { p in
                .object([("lambda", .number(p.lambda)), ("epochs", .integer(p.epochs)),
                         ("best_validation_loss", p.validationLoss.map { JSONValue.number($0) } ?? .null)] + metricsObject(p.metrics))
            })),
            ("exact_likelihood_ratio", .object(metricsObject(exact))),
            ("dcor2_ratio_smallest_to_largest_lambda", .number(first / last)),
        ]
    }

    private func makeTables(scan: [Point], exact: DecorrelationMetrics, uncut: [Double]) -> [StudyTable] {
        let ms = scan.map(\.metrics)
        let lambdaScan: [(String, [Double])] = [
            ("lambda", scan.map(\.lambda)), ("epochs", scan.map { Double($0.epochs) }),
            ("signal_efficiency", ms.map(\.signalEfficiency)), ("cut_score", ms.map(\.cut)),
            ("background_efficiency", ms.map(\.backgroundEfficiency)), ("background_efficiency_error", ms.map(\.backgroundEfficiencyError)),
            ("r50", ms.map(\.rejection)), ("r50_error", ms.map(\.rejectionError)),
            ("jsd", ms.map(\.jsd)), ("jsd_error", ms.map(\.jsdError)), ("inverse_jsd", ms.map { 1 / $0.jsd }),
            ("jsd_random_cut", ms.map(\.jsdRandomCut)), ("dcor2", ms.map(\.dCor2)), ("dcor2_shuffled_m", ms.map(\.dCor2Shuffled)),
        ]
        var hist: [(String, [Double])] = [
            ("m_low", (0..<massBins).map { Double($0) / Double(massBins) }),
            ("m_high", (1...massBins).map { Double($0) / Double(massBins) }),
            ("background_all", uncut),
        ]
        for p in scan {
            hist.append(("pass_lambda_\(fmt(p.lambda))", p.metrics.passHistogram))
            hist.append(("fail_lambda_\(fmt(p.lambda))", p.metrics.failHistogram))
        }
        hist.append(("pass_exact_ratio", exact.passHistogram))
        hist.append(("fail_exact_ratio", exact.failHistogram))
        return [StudyTable(name: "lambda_scan", columns: lambdaScan), StudyTable(name: "mass_histograms", columns: hist)]
    }

    private func makeReport(scan: [Point], exact: DecorrelationMetrics, uncut: [Double], trainingEvents n: Int) -> HTMLReport {
        var report = HTMLReport(title: "")
        let k = model.backgroundMassSlope
        report.paragraph("Model: m on [0, 1], background p_B(m) ∝ exp(−\(fmt(k)) m), signal Beta(\(fmt(model.signalMassShape.a)), "
                         + "\(fmt(model.signalMassShape.b))); features x1 ~ N(±\(fmt(model.x1Mean)), 1) (signal +, background −), "
                         + "x2 ~ N(\(fmt(model.x2SignalMean)), \(fmt(model.x2Width))) in signal and N(\(fmt(model.x2Slope))·m, "
                         + "\(fmt(model.x2Width))) in background, x3 ~ N(0, \(fmt(model.x3SignalWidth))) in signal and N(0, 1) in "
                         + "background. Only x2 carries information on m, and only in the background: a high, signal-like x2 means a "
                         + "high m, so a classifier that uses x2 keeps high-m background (the pT bias of the ATLAS tau-muon talk). "
                         + "m is never a network input.")
        report.paragraph("For each λ a dense \(network.layers) \(network.activation.rawValue) network is trained on \(n) + \(n) events "
                         + "with L = BCE + λ·dCor²(s, m), dCor² over the \(events.rawValue) events of each batch of "
                         + "\(network.options.batchSize), from the same initial weights and batch order. Test: \(testEvents) + "
                         + "\(testEvents) independent events; the cut keeps 50 % of the signal; JSD in bits (base 2) between the m "
                         + "histograms (\(massBins) bins on [0, 1]) of background passing and failing the cut.")

        func g(_ v: Double, _ digits: Int = 3) -> String { v.isFinite ? String(format: "%.\(digits)g", v) : "–" }
        var rows: [[String]] = scan.map { p in
            let m = p.metrics
            return [fmt(p.lambda), String(p.epochs), g(m.rejection) + " ± " + g(m.rejectionError, 2),
                    g(1 / m.jsd) + " ± " + g(m.jsdError / (m.jsd * m.jsd), 2), g(1 / m.jsdRandomCut), g(m.dCor2), g(m.dCor2Shuffled)]
        }
        rows.append(["exact ratio", "–", g(exact.rejection) + " ± " + g(exact.rejectionError, 2),
                     g(1 / exact.jsd) + " ± " + g(exact.jsdError / (exact.jsd * exact.jsd), 2), g(1 / exact.jsdRandomCut),
                     g(exact.dCor2), g(exact.dCor2Shuffled)])
        report.table(headers: ["λ", "epochs", "R50", "1/JSD", "1/JSD, random cut", "dCor²(s, m) bkg", "dCor², m shuffled"], rows: rows,
                     caption: "Per λ on the test events: R50 with its binomial error, 1/JSD with its bootstrap error "
                     + "(\(replicates) Poisson replicas), the 1/JSD of a random cut that keeps the same fraction of background "
                     + "independently of m (mean over \(replicates) such cuts: "
                     + "the finite-sample ceiling, up to fluctuations), and dCor² of the score and m on background, also with m shuffled. "
                     + "Last row: the exact likelihood ratio of the features.")

        // R50 vs 1/JSD.
        var merit = Plot(title: "Rejection vs mass sculpting (DisCo paper's figure of merit)", xLabel: "1/JSD (bits⁻¹), background m pass vs fail",
                         yLabel: "R50 = 1/ε_B at ε_S = 0.5")
        merit.logX = true
        merit.logY = true
        merit.legend = .bottomLeft
        let ms = scan.map(\.metrics)
        merit.add(.line("", x: ms.map { 1 / $0.jsd }, y: ms.map(\.rejection), color: "#999999"))
        merit.add(.line("random cut with the same ε_B", x: ms.map { 1 / $0.jsdRandomCut }, y: ms.map(\.rejection), color: "#666666", dashed: true))
        merit.add(.points("exact likelihood ratio", x: [1 / exact.jsd], y: [exact.rejection], yError: [exact.rejectionError], color: "#000000"))
        for (i, p) in scan.enumerated() {
            merit.add(.points("λ = \(fmt(p.lambda))", x: [1 / p.metrics.jsd], y: [p.metrics.rejection], yError: [p.metrics.rejectionError],
                              color: DisCoStudy.colors[i % DisCoStudy.colors.count]))
        }
        let lo = scan[0], hi = scan[scan.count - 1]
        report.figure(merit, caption: String(format: "R50 against 1/JSD, one point per λ (binomial errors on R50; both axes logarithmic). "
                                             + "λ = %@: R50 = %.1f, 1/JSD = %.1f; λ = %@: R50 = %.1f, 1/JSD = %.0f. The exact likelihood "
                                             + "ratio (black, drawn first, so under a network point that coincides with it) reaches R50 = %.1f at 1/JSD = %.1f. The dashed line is the mean 1/JSD of "
                                             + "random cuts (independent of m) at each point's ε_B: the most a perfectly decorrelated "
                                             + "classifier would show on this test sample, up to fluctuations.",
                                             fmt(lo.lambda), lo.metrics.rejection, 1 / lo.metrics.jsd, fmt(hi.lambda), hi.metrics.rejection,
                                             1 / hi.metrics.jsd, exact.rejection, 1 / exact.jsd))

        // m after the cut.
        let edges = (0...massBins).map { Double($0) / Double(massBins) }
        let width = 1 / Double(massBins)
        func density(_ h: [Double]) -> [Double] {
            let total = h.reduce(0, +)
            return h.map { total > 0 ? $0 / (total * width) : .nan }
        }
        var shapes = Plot(title: "Background m after the cut at ε_S = 0.5", xLabel: "m", yLabel: "normalised density of background events")
        shapes.xRange = 0...1
        shapes.legend = .topRight
        shapes.add(.histogram("all background (no cut)", edges: edges, contents: density(uncut), color: "#000000", dashed: true))
        let chosen = scan.count <= 3 ? Array(scan.indices) : [0, scan.count / 2, scan.count - 1]
        for i in chosen {
            shapes.add(.histogram("passing, λ = \(fmt(scan[i].lambda))", edges: edges, contents: density(scan[i].metrics.passHistogram)))
        }
        let means = chosen.map { i -> String in
            let h = scan[i].metrics.passHistogram
            let mean = zip(h, edges).map { $0 * ($1 + 0.5 * width) }.reduce(0, +) / h.reduce(0, +)
            return String(format: "%.3f (λ = %@)", mean, fmt(scan[i].lambda))
        }
        let uncutMean = zip(uncut, edges).map { $0 * ($1 + 0.5 * width) }.reduce(0, +) / uncut.reduce(0, +)
        report.figure(shapes, caption: String(format: "The m distribution of the background events that pass the cut (each normalised to unit "
                                              + "area), for the smallest, middle and largest λ, and of all background events. Mean m: all "
                                              + "background %.3f; passing ", uncutMean) + means.joined(separator: ", ")
                      + ". The undecorrelated classifier keeps high-m background; with DisCo the passing shape approaches the uncut one.")

        // dCor² vs lambda.
        var dcor = Plot(title: "dCor²(s, m) on background vs λ", xLabel: "λ", yLabel: "dCor²(s, m), background test events")
        dcor.logX = true
        dcor.logY = true
        dcor.legend = .bottomLeft
        let positive = scan.filter { $0.lambda > 0 }
        dcor.add(.line("DisCo networks (λ > 0)", x: positive.map(\.lambda), y: positive.map(\.metrics.dCor2), color: PlotSeries.palette[0]))
        dcor.add(.points("", x: positive.map(\.lambda), y: positive.map(\.metrics.dCor2), color: PlotSeries.palette[0]))
        if scan[0].lambda == 0, let l0 = positive.first?.lambda, let l1 = positive.last?.lambda {
            dcor.add(.line("λ = 0 (no penalty)", x: [l0, l1], y: [scan[0].metrics.dCor2, scan[0].metrics.dCor2],
                           color: PlotSeries.palette[1], dashed: true))
        }
        dcor.add(.line("m shuffled (independence level)", x: positive.map(\.lambda), y: positive.map(\.metrics.dCor2Shuffled),
                       color: "#666666", dashed: true))
        var dcorCaption = "dCor² of the score and m on the background test events for each λ > 0 (log axes), and with m randomly "
            + "permuted (the level of independent variables for this sample size)."
        if scan[0].lambda == 0 {
            dcorCaption += String(format: " Dashed: λ = 0, dCor² = %.3g. At λ = %@ it is %.3g, %.0f times smaller.", scan[0].metrics.dCor2,
                                  fmt(hi.lambda), hi.metrics.dCor2, scan[0].metrics.dCor2 / hi.metrics.dCor2)
        }
        report.figure(dcor, caption: dcorCaption)
        return report
    }
}
