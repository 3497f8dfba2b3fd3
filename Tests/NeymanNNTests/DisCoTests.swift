import Foundation
import Testing
import NeymanCore
import NeymanStats
@testable import NeymanNN

/// The DisCo penalty `lambda * dCor²(sigmoid(z), m)` (docs/formulas.md §4): value against NeymanStats' weighted
/// distance correlation, exact gradient against finite differences, the event selection, the config keys, and a
/// training run in which it removes the score's dependence on m.
@Suite("DisCo penalty")
struct DisCoTests {
    /// `dCor²(sigmoid(z), m)` with weights `w` (any scale), in Double, and its gradient with respect to `z`.
    func penalty(_ z: [Double], _ m: [Double], _ w: [Double]) -> (value: Double, gradient: [Double]) {
        let n = z.count
        let s = z.map(NeymanNN.logistic)
        let total = w.reduce(0, +)
        let p = w.map { $0 / total }
        var g = [Double](repeating: 0, count: n), work = [Double](repeating: 0, count: 4 * n)
        let v = DisCoPenalty.distanceCorrelationSquared(s, m, p, count: n, gradient: &g, work: &work)
        return (v, (0..<n).map { g[$0] * s[$0] * (1 - s[$0]) })
    }

    func sample(_ n: Int, seed: UInt64, integerM: Bool) -> (z: [Double], m: [Double], w: [Double]) {
        let rng = RandomStream(seed: seed)
        var z = [Double](), m = [Double](), w = [Double]()
        for _ in 0..<n {
            var mi = rng.uniform(0, 4)
            if integerM { mi = mi.rounded(.down) }
            m.append(mi)
            z.append(0.8 * mi - 1.5 + rng.normal(sigma: 1))
            w.append(rng.uniform(0.3, 2))
        }
        return (z, m, w)
    }

    /// Central differences in Double (step 1e-5 on z) against the analytic gradient, component by component.
    @Test(arguments: [(7, false), (40, false), (40, true), (150, true)])
    func gradientMatchesFiniteDifferences(n: Int, integerM: Bool) throws {
        let (z, m, w) = sample(n, seed: UInt64(n) + (integerM ? 100 : 0), integerM: integerM)
        let (value, g) = penalty(z, m, w)
        #expect(value > 0.01, "the test needs a non-trivial correlation, got \(value)")
        let h = 1e-5
        var largest = 0.0
        for k in 0..<n {
            var up = z, down = z
            up[k] += h; down[k] -= h
            let fd = (penalty(up, m, w).value - penalty(down, m, w).value) / (2 * h)
            largest = max(largest, abs(fd))
            #expect(abs(fd - g[k]) <= 1e-6 * max(abs(fd), 1e-3), "n=\(n) k=\(k): finite difference \(fd), analytic \(g[k])")
        }
        #expect(largest > 1e-4, "the gradient must not vanish")
    }

    /// The hook used by Trainer: background events only by default, rows mapped to the variable, weights normalised;
    /// value = lambda * NeymanStats' weighted dCor² of the selected events; gradient zero for the others.
    @Test(arguments: DisCoPenalty.Events.allCases)
    func hookSelectsEventsAndMatchesNeymanStats(events: DisCoPenalty.Events) throws {
        let (zd, m, w) = sample(60, seed: 3, integerM: false)
        let labels: [Float] = (0..<60).map { $0 % 3 == 0 ? 1 : 0 }
        // The batch holds the training-set events rows[i]: the variable is indexed by row.
        let rows = RandomStream(seed: 4).permutation(60)
        let z = rows.map { Float(zd[$0]) }, bw = rows.map { Float(w[$0]) }, by = rows.map { labels[$0] }
        let lambda = 7.5
        let disco = try DisCoPenalty(lambda: lambda, variable: m, events: events)
        var gradient = [Float](repeating: .nan, count: 60)
        let value = disco.evaluate(outputs: z, rows: rows, labels: by, weights: bw, count: 60, gradient: &gradient)

        let chosen = (0..<60).filter { events == .all || by[$0] == 0 }
        let s = chosen.map { NeymanNN.logistic(Double(z[$0])) }
        let reference = try DistanceCorrelation.definition(x: s, y: chosen.map { m[rows[$0]] }, weights: chosen.map { Double(bw[$0]) })
        #expect(abs(value - lambda * reference.dCor2) <= 1e-12 * lambda * reference.dCor2, "\(value) vs \(lambda * reference.dCor2)")

        let (_, g) = penalty(chosen.map { Double(z[$0]) }, chosen.map { m[rows[$0]] }, chosen.map { Double(bw[$0]) })
        for (k, i) in chosen.enumerated() {
            #expect(abs(Double(gradient[i]) - lambda * g[k]) <= 1e-5 * max(abs(lambda * g[k]), 1e-4))
        }
        for i in 0..<60 where !chosen.contains(i) { #expect(gradient[i] == 0) }
        // The same call again (scratch reused) gives the same numbers.
        var again = [Float](repeating: 0, count: 60)
        #expect(disco.evaluate(outputs: z, rows: rows, labels: by, weights: bw, count: 60, gradient: &again) == value)
        #expect(again == gradient)
    }

    @Test func degenerateBatchesAddNothing() throws {
        let disco = try DisCoPenalty(lambda: 10, variable: [1, 1, 1, 1, 2, 3])
        var g = [Float](repeating: 1, count: 4)
        // Constant m among the selected events.
        #expect(disco.evaluate(outputs: [0.1, -2, 3, 0.5], rows: [0, 1, 2, 3], labels: [0, 0, 0, 0], weights: [1, 1, 1, 1],
                               count: 4, gradient: &g) == 0)
        #expect(g == [0, 0, 0, 0])
        // One background event only.
        g = [1, 1, 1, 1]
        #expect(disco.evaluate(outputs: [0.1, -2, 3, 0.5], rows: [2, 3, 4, 5], labels: [1, 1, 0, 1], weights: [1, 1, 1, 1],
                               count: 4, gradient: &g) == 0)
        #expect(g == [0, 0, 0, 0])
        // Equal scores: dCor is 0 by definition.
        #expect(disco.evaluate(outputs: [0.5, 0.5, 0.5, 0.5], rows: [2, 3, 4, 5], labels: [0, 0, 0, 0], weights: [1, 1, 1, 1],
                               count: 4, gradient: &g) == 0)
        #expect(throws: NeymanError.self) { try DisCoPenalty(lambda: -1, variable: [1, 2]) }
        #expect(throws: NeymanError.self) { try DisCoPenalty(lambda: 1, variable: [1, .nan]) }
        #expect(throws: NeymanError.self) { try disco.check(eventCount: 7) }
    }

    // MARK: Config

    func config(_ disco: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("neyman-disco-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try "x,m,label\n0.5,1.0,1\n-0.5,2.0,0\n0.1,3.0,0\n1.5,0.5,1\n".write(to: dir.appendingPathComponent("train.csv"),
                                                                              atomically: true, encoding: .utf8)
        let text = """
        [data]
        train = "train.csv"
        features = ["x"]
        [training]
        epochs = 2
        \(disco)
        """
        let path = dir.appendingPathComponent("config.toml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func configKeys() throws {
        let cfg = try TrainingFile.load(path: try config("[training.disco]\nlambda = 10.0\nvariable = \"m\"\nevents = \"all\""))
        #expect(cfg.disco == TrainingFile.DisCoSettings(lambda: 10, variable: "m", events: .all))
        let inputs = try cfg.load()
        let data = inputs.data, penalties = try inputs.penalties()
        #expect(data.count == 4 && penalties.count == 1)
        let disco = try #require(penalties.first as? DisCoPenalty)
        #expect(disco.variable == [1, 2, 3, 0.5] && disco.lambda == 10 && disco.events == .all)

        let defaults = try TrainingFile.load(path: try config("[training.disco]\nlambda = 3\nvariable = \"m\""))
        #expect(defaults.disco?.events == .background)
        #expect(try TrainingFile.load(path: try config("")).disco == nil)
        #expect(try TrainingFile.load(path: try config("")).load().penalties().isEmpty)

        func failure(_ text: String) -> String {
            do {
                let c = try TrainingFile.load(path: try config(text))
                _ = try c.load()
                return "no error"
            } catch { return "\(error)" }
        }
        #expect(failure("[training.disco]\nlambda = 1\nvariable = \"m\"\nbogus = 2").contains("training.disco.bogus"))
        #expect(failure("[training.disco]\nlambda = 1\nvariable = \"m\"\nevents = \"signal\"").contains("training.disco.events"))
        #expect(failure("[training.disco]\nvariable = \"m\"").contains("training.disco.lambda"))
        #expect(failure("[training.disco]\nlambda = -2\nvariable = \"m\"").contains("training.disco.lambda"))
        #expect(failure("[training.disco]\nlambda = 1").contains("training.disco.variable"))
        #expect(failure("[training.disco]\nlambda = 1\nvariable = \"mass\"").contains("mass"))
    }

    // MARK: Training

    /// Background: m ~ U(0, 1) and a feature f2 = 3m + noise; signal: f2 ~ N(2, 0.5), m ~ U(0, 1). A second feature
    /// f1 separates the classes independently of m. Without the penalty the score leans on f2, so on background it
    /// tracks m; with lambda = 50 it must not.
    func toy() throws -> (data: LabelledEvents, m: [Double]) {
        let rng = RandomStream(seed: 21)
        var x = [Float](), y = [Float](), m = [Double]()
        for i in 0..<6000 {
            let signal = i % 2 == 0
            let mi = rng.uniform()
            let f1 = rng.normal(mean: signal ? 0.7 : -0.7)
            let f2 = signal ? rng.normal(mean: 2, sigma: 0.5) : 3 * mi + rng.normal(sigma: 0.3)
            x += [Float(f1), Float(f2)]
            y.append(signal ? 1 : 0)
            m.append(mi)
        }
        return (try LabelledEvents(features: x, labels: y, featureCount: 2), m)
    }

    func backgroundDCor2(lambda: Double) throws -> Double {
        let (data, m) = try toy()
        let net = try Network.dense(inputs: 2, hidden: [16, 16], activation: .relu, seed: 3)
        var o = TrainerSettings()
        o.epochs = 12; o.batchSize = 256; o.learningRate = 3e-3; o.validationFraction = 0.2; o.patience = 0; o.seed = 9
        let trainer = Trainer(network: net, options: o)
        if lambda > 0 { trainer.penalties = [try DisCoPenalty(lambda: lambda, variable: m)] }
        try trainer.train(data)
        let scores = net.score(data.features, rows: data.count)
        let bkg = (0..<data.count).filter { data.labels[$0] == 0 }
        return try DistanceCorrelation.univariate(x: bkg.map { Double(scores[$0]) }, y: bkg.map { m[$0] }).dCor2
    }

    @Test func penaltyDecorrelatesTheScoreFromM() throws {
        let plain = try backgroundDCor2(lambda: 0)
        let decorrelated = try backgroundDCor2(lambda: 50)
        #expect(plain > 0.05, "without the penalty the score should depend on m: dCor² = \(plain)")
        #expect(decorrelated * 5 <= plain, "dCor²(score, m) on background: \(plain) without, \(decorrelated) with lambda = 50")
    }
}
