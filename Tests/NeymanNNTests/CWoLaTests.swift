import Foundation
import Testing
@testable import NeymanNN
import NeymanCore

@Suite("CWoLa: mixed samples, fractions and the back-conversion")
struct CWoLaTests {
    /// The mixture ratio written out independently of the library: `(f1 L + 1 - f1) / (f2 L + 1 - f2)`.
    static func mixed(_ l: Double, _ f1: Double, _ f2: Double) -> Double { (f1 * l + 1 - f1) / (f2 * l + 1 - f2) }

    static let fractionPairs: [(Double, Double)] = [(0.8, 0.2), (0.7, 0.3), (0.55, 0.45), (1, 0), (0.3, 0), (1, 0.6), (0.9, 0.85)]

    /// The back-conversion is the exact inverse of the mixture map, for every fraction pair and L from 0 to 10^3.
    @Test func backConversionInvertsTheMixtureMap() throws {
        for (f1, f2) in Self.fractionPairs {
            let f = try CWoLaFractions(f1: f1, f2: f2)
            for l in [0, 1e-3, 0.1, 0.5, 1, 2, 10, 1e3] {
                let lm = Self.mixed(l, f1, f2)
                #expect(abs(f.mixedRatio(signalRatio: l) - lm) <= 1e-15 * lm, "f1 = \(f1), f2 = \(f2), L = \(l)")
                let back = f.signalRatio(mixedRatio: lm)
                // Near f1 = f2 the inverse divides by f1 - f2 L_M, which loses about log10(L / (f1 - f2)) digits.
                #expect(abs(back - l) <= 1e-10 * max(l, 1), "f1 = \(f1), f2 = \(f2), L = \(l): got \(back)")
                #expect(try LikelihoodRatio.cwola(mixedRatio: lm, f1: f1, f2: f2) == back)
            }
        }
    }

    /// `L_M` rises strictly from `(1-f1)/(1-f2)` at `L = 0` to `f1/f2` at `L = inf`, and passes through 1 at `L = 1`.
    @Test func mixedRatioIsIncreasingBetweenItsBounds() throws {
        for (f1, f2) in Self.fractionPairs {
            let f = try CWoLaFractions(f1: f1, f2: f2)
            let ls = (0...60).map { pow(10, -3 + Double($0) / 10) }
            let lms = ls.map { f.mixedRatio(signalRatio: $0) }
            for i in 1..<lms.count { #expect(lms[i] > lms[i - 1], "f1 = \(f1), f2 = \(f2) at L = \(ls[i])") }
            #expect(f.mixedRatio(signalRatio: 0) == (1 - f1) / (1 - f2))
            #expect(f.mixedRatio(signalRatio: .infinity) == (f2 > 0 ? f1 / f2 : .infinity))
            #expect(f.mixedRatioRange == ((1 - f1) / (1 - f2))...(f2 > 0 ? f1 / f2 : .infinity))
            #expect(abs(f.mixedRatio(signalRatio: 1) - 1) < 1e-15)
            #expect(abs(f.signalRatio(mixedRatio: 1) - 1) < 1e-15)
        }
    }

    /// Values the mixtures cannot produce: at or above `f1/f2` -> +inf, below `(1-f1)/(1-f2)` -> 0; NaN stays NaN;
    /// a negative L is not a ratio. With `f1 = 1, f2 = 0` the conversion is the identity (the supervised limit).
    @Test func conversionOutsideTheRange() throws {
        let f = try CWoLaFractions(f1: 0.8, f2: 0.2)
        #expect(f.signalRatio(mixedRatio: 4) == .infinity)
        #expect(f.signalRatio(mixedRatio: 7) == .infinity)
        #expect(f.signalRatio(mixedRatio: .infinity) == .infinity)
        #expect(abs(f.signalRatio(mixedRatio: 0.25)) < 1e-15)   // the lower end (1-f1)/(1-f2), up to rounding
        #expect(f.signalRatio(mixedRatio: 0.1) == 0)
        #expect(f.signalRatio(mixedRatio: 0) == 0)
        #expect(f.signalRatio(mixedRatio: .nan).isNaN)
        #expect(f.mixedRatio(signalRatio: -1).isNaN)
        #expect(f.mixedRatio(signalRatio: .nan).isNaN)
        let identity = try CWoLaFractions(f1: 1, f2: 0)
        for lm in [0.0, 0.3, 1, 17] { #expect(identity.signalRatio(mixedRatio: lm) == lm) }
        #expect(identity.mixedRatio(signalRatio: .infinity) == .infinity)
    }

    @Test func fractionsOutsideTheUnitIntervalOrNotOrderedAreRejected() {
        let bad: [(Double, Double, String)] = [(0.5, 0.5, "f1"), (0.2, 0.8, "f1"), (1.1, 0.2, "f1"), (0.8, -0.1, "f2"),
                                               (.nan, 0.2, "f1"), (0.8, .nan, "f2"), (.infinity, 0.2, "f1")]
        for (f1, f2, name) in bad {
            #expect { try CWoLaFractions(f1: f1, f2: f2) } throws: { error in
                guard case NeymanError.invalidInput(_, let location) = error else { return false }
                return location.parameter == name
            }
        }
    }

    /// M1 -> label 1, M2 -> label 0, weights kept per event (1 where none were given); class weights are the sums.
    @Test func samplesAreLabelledBySampleOfOrigin() throws {
        let f = try CWoLaFractions(f1: 0.7, f2: 0.3)
        let s = try CWoLaSamples(mixed1: [1, 2, 3, 4], mixed2: [5, 6, 7, 8, 9, 10], featureCount: 2, weights2: [0.5, 2, 1.5], fractions: f)
        #expect(s.counts.m1 == 2 && s.counts.m2 == 3)
        #expect(s.trainingData.labels == [1, 1, 0, 0, 0])
        #expect(s.trainingData.weights == [1, 1, 0.5, 2, 1.5])
        #expect(s.trainingData.features == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
        #expect(s.trainingData.classWeights.a == 2 && s.trainingData.classWeights.b == 4)
        #expect(s.fractions == f)
        let plain = try CWoLaSamples(mixed1: [1], mixed2: [2, 3], featureCount: 1)
        #expect(plain.trainingData.weights == [1, 1, 1])
        #expect(plain.fractions == nil)
    }

    @Test func badSamplesAreRejectedNamingTheSample() {
        let cases: [(() throws -> CWoLaSamples, String)] = [
            ({ try CWoLaSamples(mixed1: [], mixed2: [1], featureCount: 1) }, "M1"),
            ({ try CWoLaSamples(mixed1: [1], mixed2: [], featureCount: 1) }, "M2"),
            ({ try CWoLaSamples(mixed1: [1, 2, 3], mixed2: [1, 2], featureCount: 2) }, "M1"),
            ({ try CWoLaSamples(mixed1: [1, 2], mixed2: [1, 2], featureCount: 1, weights2: [1]) }, "M2"),
            ({ try CWoLaSamples(mixed1: [1, 2], mixed2: [1, 2], featureCount: 1, weights1: [1, .nan]) }, "M1"),
            ({ try CWoLaSamples(mixed1: [1, 2], mixed2: [1, 2], featureCount: 1, weights2: [1, -1]) }, "M2"),
            ({ try CWoLaSamples(mixed1: [1], mixed2: [1], featureCount: 0) }, "featureCount"),
        ]
        for (make, name) in cases {
            #expect { _ = try make() } throws: { error in
                guard case NeymanError.invalidInput(_, let location) = error else { return false }
                return location.parameter == name
            }
        }
        #expect(throws: NeymanError.self) { try CWoLaSamples(mixed1: [1, .infinity], mixed2: [1], featureCount: 1) }
    }

    /// `L_M = s/(1-s) W_M2/W_M1`, then the back-conversion; no fractions -> an error, not a number.
    @Test func ratioReadOut() throws {
        let f = try CWoLaFractions(f1: 0.8, f2: 0.2)
        let r = try CWoLaRatio(classWeightM1: 2, classWeightM2: 6, fractions: f)
        #expect(r.mixedRatio(score: 0.5) == 3)
        #expect(r.mixedRatio(score: 1) == .infinity)
        let s = 0.4   // L_M = 0.4/0.6 * 3 = 2  ->  L = (2 * 0.8 - 0.2) / (0.8 - 0.4) = 3.5
        #expect(abs(try r.signalRatio(score: s) - 3.5) < 1e-12)
        let blind = try CWoLaRatio(classWeightM1: 1, classWeightM2: 1)
        #expect(throws: NeymanError.self) { try blind.signalRatio(score: 0.5) }
        #expect(throws: NeymanError.self) { try CWoLaRatio(classWeightM1: 0, classWeightM2: 1) }
        let ratioNet = try Network.dense(inputs: 1, hidden: [4], seed: 1, lossKind: .ratio)
        #expect(throws: NeymanError.self) { try CWoLaRatio(network: ratioNet, fractions: f) }
    }

    /// Trained on M1 (3 x 10^4 events, f1 = 0.75) vs M2 (6 x 10^4 events, f2 = 0.25) of S ~ N(1, 1), B ~ N(-1, 1), the
    /// back-converted ratio follows the exact `L = exp(2x)` over |x| <= 1 (where the conversion amplifies an error of
    /// L_M by at most 4). Unequal sample sizes test the `W_M2/W_M1 = 2` correction: without it L_M would be off by a
    /// factor 2 and L at x = 0 would come out 0.2 instead of 1. Measured: 2.1%.
    @Test func trainedOnTwoMixturesRecoversTheSignalRatio() throws {
        let rng1 = RandomStream(seed: 41, task: 1), rng2 = RandomStream(seed: 41, task: 2)
        func mixture(_ n: Int, _ f: Double, _ rng: RandomStream) -> [Float] {
            let ns = Int((f * Double(n)).rounded())
            return (0..<n).map { Float(rng.normal(mean: $0 < ns ? 1 : -1)) }
        }
        let fr = try CWoLaFractions(f1: 0.75, f2: 0.25)
        let samples = try CWoLaSamples(mixed1: mixture(30_000, 0.75, rng1), mixed2: mixture(60_000, 0.25, rng2), featureCount: 1, fractions: fr)
        let net = try Network.dense(inputs: 1, hidden: [16, 16], activation: .tanh, seed: 3)
        var o = TrainerSettings()
        o.epochs = 20; o.batchSize = 512; o.learningRate = 2e-3; o.validationFraction = 0; o.patience = 0
        o.learningRateDecayPatience = 3; o.seed = 4
        let (ratio, history) = try samples.train(net, options: o)
        #expect(history.count == 20)
        #expect(ratio.classifier.classWeightA == 30_000 && ratio.classifier.classWeightB == 60_000)
        var worst = 0.0
        for x in stride(from: -1.0, through: 1.0, by: 0.25) {
            let l = try ratio.signalRatio(score: Double(net.score([Float(x)], rows: 1)[0]))
            worst = max(worst, abs(l / exp(2 * x) - 1))
        }
        #expect(worst < 0.10, "largest relative deviation over |x| <= 1: \(worst)")
    }
}
