import Foundation
import Testing
@testable import NeymanNN
import NeymanCore

/// Two unit Gaussians, class A at +1 and class B at -1: the exact ratio is `p_A/p_B = exp(2x)`.
func gaussianPair(eventsPerClass n: Int, seed: UInt64, weightA: Float = 1) throws -> LabelledEvents {
    let rng = RandomStream(seed: seed)
    var x: [Float] = [], y: [Float] = [], w: [Float] = []
    for i in 0..<(2 * n) {
        let a = i % 2 == 0
        x.append(Float(rng.normal(mean: a ? 1 : -1)))
        y.append(a ? 1 : 0)
        w.append(a ? weightA : 1)
    }
    return try LabelledEvents(features: x, labels: y, weights: w, featureCount: 1)
}

@Suite("Classifier as likelihood ratio")
struct LearnedRatioTests {
    /// Deviation of a learned ratio from exp(2x) on a grid over |x| < 2: the density-weighted RMS of the relative
    /// deviation (weight p_A + p_B) and the largest relative deviation.
    ///
    /// Why not "largest deviation < 5%": with 10^5 events the sample itself fluctuates by about 10% in 0.2-wide bins at
    /// |x| = 2 (about 100 events of the rarer class there), and any flexible estimator follows part of that. Measured
    /// for this network over data seeds 1-4: largest deviation 4.9%-12.7%. The RMS over the bulk is where 5% is a
    /// statement about the method rather than about one sample's fluctuations.
    func deviation(_ ratio: (Double) -> Double) -> (rms: Double, worst: Double) {
        var sw = 0.0, s2 = 0.0, worst = 0.0
        for x in stride(from: -2.0, through: 2.0, by: 0.05) {
            let d = ratio(x) / exp(2 * x) - 1
            let w = exp(-0.5 * (x - 1) * (x - 1)) + exp(-0.5 * (x + 1) * (x + 1))
            sw += w; s2 += w * d * d
            worst = max(worst, abs(d))
        }
        return ((s2 / sw).squareRoot(), worst)
    }

    /// ReLU 32 x 32 with decoupled weight decay, trained on all 10^5 events (no early stopping: validation noise at this
    /// precision is larger than the improvements it would have to detect), learning rate halved on plateaus.
    func train(loss: LossKind, weightA: Float = 1) throws -> Network {
        let data = try gaussianPair(eventsPerClass: 50_000, seed: 1, weightA: weightA)
        let net = try Network.dense(inputs: 1, hidden: [32, 32], activation: .relu, seed: 5, lossKind: loss)
        var o = TrainerSettings()
        o.epochs = 40; o.batchSize = 256; o.learningRate = 1e-3; o.patience = 0; o.validationFraction = 0
        o.weightDecay = 1e-3; o.learningRateDecayPatience = 3; o.loss = loss; o.seed = 2
        try Trainer(network: net, options: o).train(data)
        return net
    }

    @Test func bceRatioMatchesExact() throws {
        let net = try train(loss: .bce)
        let lr = try LikelihoodRatio(network: net)
        let d = deviation { x in lr.ratio(score: Double(net.score([Float(x)], rows: 1)[0])) }
        #expect(d.rms < 0.05 && d.worst < 0.15, "rms \(d.rms), worst \(d.worst)")
    }

    /// The ratio loss of guide eq. 3.11 learns `r` directly, with the default relative-ratio parameter alpha = 1e-3
    /// (LossKind: without it the loss is unbounded below where class B has no events, and for some samples of 10^5
    /// events the fit ran away, 40x-400x off at x = 2; measured 2026-12-01 over data seeds 1-4).
    ///
    /// Its precision is uneven by construction: the loss's sensitivity to a relative error of `f` at x is
    /// proportional to `p_B f^2 = p_A r`, so where `r` is small (x = -2: r = 0.018) a factor-2 error changes the loss by
    /// ~1e-4 of its scale and the fit is loose (measured +15% to +46% at x = -2 over data seeds 1-4), while from x = -1
    /// up it is as good as BCE. The test pins both: the density-weighted RMS over |x| < 2, and the largest deviation
    /// on [-1, 2].
    @Test func ratioLossLearnsTheRatioDirectly() throws {
        let data = try gaussianPair(eventsPerClass: 50_000, seed: 1)
        let net = try Network.dense(inputs: 1, hidden: [32, 32], activation: .relu, seed: 5, lossKind: .ratio)
        var o = TrainerSettings()
        o.epochs = 40; o.batchSize = 256; o.learningRate = 1e-3; o.patience = 0; o.validationFraction = 0
        o.weightDecay = 1e-3; o.learningRateDecayPatience = 3; o.loss = .ratio; o.seed = 2
        #expect(o.ratioAlpha == 1e-3)
        try Trainer(network: net, options: o).train(data)
        #expect(net.ratioAlpha == 1e-3)
        let r = { (x: Double) in Double(net.score([Float(x)], rows: 1)[0]) }
        let d = deviation(r)
        let upper = stride(from: -1.0, through: 2.0, by: 0.05).map { abs(r($0) / exp(2 * $0) - 1) }.max() ?? .nan
        #expect(d.rms < 0.08 && upper < 0.1, "rms \(d.rms), largest on [-1, 2] \(upper)")
    }

    /// The relative-ratio form of the ratio loss converts back exactly: a network whose output is the relative ratio
    /// `f = r / (alpha r + 1 - alpha)` of a known `r` scores `r`; and the loss's gradient is that of its value.
    @Test func relativeRatioConvertsBackExactly() throws {
        let net = try Network.dense(inputs: 1, hidden: [], seed: 1, lossKind: .ratio)
        net.ratioAlpha = 0.01
        // Output z = w x + b with w = 1, b = 0: f = e^x.
        let dense = try #require(net.layers.first as? Dense)
        dense.weight.value[0] = 1; dense.bias.value[0] = 0
        for x in [-3.0, 0, 2, 4] {
            let f = exp(x), alpha = 0.01
            let r = Double(net.score([Float(x)], rows: 1)[0])
            #expect(abs(r / ((1 - alpha) * f / (1 - alpha * f)) - 1) < 1e-5)
        }
        #expect(net.score([Float(log(100.0) + 0.01)], rows: 1)[0] == .infinity)  // alpha f >= 1: beyond the optimum
        // Value and gradient of the loss agree (finite differences in Double).
        let z: [Float] = [0.3, -1.2, 2.0, 0.7], y: [Float] = [1, 0, 1, 0], w: [Float] = [1, 2, 0.5, 1]
        var g = [Float](repeating: 0, count: 4)
        _ = LossFunction.evaluate(.ratio, outputs: z, labels: y, weights: w, count: 4, gradient: &g, ratioAlpha: 0.2)
        for i in 0..<4 {
            var zp = z, zm = z, scratch = g
            zp[i] += 1e-2; zm[i] -= 1e-2
            let lp = LossFunction.evaluate(.ratio, outputs: zp, labels: y, weights: w, count: 4, gradient: &scratch, ratioAlpha: 0.2)
            let lm = LossFunction.evaluate(.ratio, outputs: zm, labels: y, weights: w, count: 4, gradient: &scratch, ratioAlpha: 0.2)
            let fd = (lp - lm) / (Double(zp[i]) - Double(zm[i]))
            #expect(abs(fd - Double(g[i])) < 2e-3 * max(1, abs(fd)), "event \(i): \(fd) vs \(g[i])")
        }
    }

    /// Weighting class A by 3 triples W_A: the network's odds triple, and s/(1-s) * W_B/W_A undoes it.
    @Test func weightsChangeTheClassBalanceAndTheConversionUndoesIt() throws {
        let net = try train(loss: .bce, weightA: 3)
        #expect(abs(net.classWeights.a / net.classWeights.b - 3) < 1e-9)
        let odds0 = { (s: Float) in Double(s) / (1 - Double(s)) }(net.score([0], rows: 1)[0])
        #expect(abs(odds0 - 3) < 0.3, "odds at x = 0: \(odds0)")
        let lr = try LikelihoodRatio(network: net)
        let d = deviation { x in lr.ratio(score: Double(net.score([Float(x)], rows: 1)[0])) }
        #expect(d.rms < 0.05 && d.worst < 0.15, "rms \(d.rms), worst \(d.worst)")
    }

    @Test func conversions() throws {
        let lr = try LikelihoodRatio(classWeightA: 2, classWeightB: 6)
        #expect(lr.ratio(score: 0.5) == 3)
        #expect(lr.ratio(score: 0.75) == 9)
        #expect(LikelihoodRatio.mixture(ratioSB: 4, signalFraction: 0.25) == 1.75)
        // CWoLa round trip: L_M from L_S/B, then back.
        let f1 = 0.6, f2 = 0.2
        for l in [0.1, 1, 5, 40] {
            let lm = (f1 * l + 1 - f1) / (f2 * l + 1 - f2)
            #expect(abs(try LikelihoodRatio.cwola(mixedRatio: lm, f1: f1, f2: f2) - l) < 1e-9 * max(1, l))
        }
        #expect(throws: NeymanError.self) { try LikelihoodRatio.cwola(mixedRatio: 1, f1: 0.2, f2: 0.6) }
        #expect(throws: NeymanError.self) { try LikelihoodRatio(classWeightA: 0, classWeightB: 1) }
    }

    /// Calibrating a deliberately miscalibrated score (s^3) recovers the ratio of the binned densities.
    @Test func histogramCalibrationRecoversTheRatio() throws {
        let data = try gaussianPair(eventsPerClass: 100_000, seed: 3)
        let scores = data.features.map { x -> Double in
            let s = 1 / (1 + exp(-2 * Double(x)))
            return s * s * s
        }
        let cal = try RatioCalibration(scores: scores, labels: data.labels.map(Double.init), bins: 40)
        for x in [-1.0, -0.5, 0, 0.5, 1.0] {
            let s = pow(1 / (1 + exp(-2 * x)), 3)
            let r = cal.ratio(score: s)
            #expect(abs(r / exp(2 * x) - 1) < 0.15, "x = \(x): \(r) vs \(exp(2 * x))")
        }
    }

    @Test func sameSeedGivesIdenticalWeights() throws {
        let data = try gaussianPair(eventsPerClass: 2000, seed: 8)
        func run() throws -> [[Float]] {
            let net = try Network.dense(inputs: 1, hidden: [16], dropout: 0.1, seed: 4)
            var o = TrainerSettings(); o.epochs = 3; o.seed = 9
            try Trainer(network: net, options: o).train(data)
            return net.parameters.map(\.value.array)
        }
        #expect(try run() == run())
    }

    @Test func earlyStoppingRestoresTheBestEpoch() throws {
        let data = try gaussianPair(eventsPerClass: 500, seed: 8)
        let net = try Network.dense(inputs: 1, hidden: [64, 64], seed: 4)
        var o = TrainerSettings(); o.epochs = 200; o.patience = 3; o.learningRate = 3e-2; o.seed = 1
        let history = try Trainer(network: net, options: o).train(data)
        #expect(history.count < 200, "early stopping never triggered")
        let best = history.compactMap(\.validationLoss).min() ?? .nan
        // The trainer's validation rows: the first 20% of RandomStream(seed, task: 0).permutation(n), sorted.
        let perm = RandomStream(seed: 1, task: 0).permutation(data.count)
        let validation = data.subset(Array(perm.prefix(Int((Double(data.count) * 0.2).rounded()))).sorted())
        let (restored, _) = Trainer(network: net, options: o).evaluate(validation)
        #expect(abs(restored - best) < 1e-6, "restored weights give \(restored), best epoch had \(best)")
        #expect((history.last?.validationLoss ?? -1) >= best)
        #expect(history.allSatisfy { $0.validationAUC.map { $0 > 0.5 && $0 < 1 } ?? false })
    }
}
