import Foundation
import Testing
@testable import NeymanNN
import NeymanCore

@Suite("Flat sampling per epoch")
struct EpochSamplingTests {
    @Test func binsAreHalfOpenWithClampedUnderflowAndAnOverflowBin() throws {
        let s = try EpochSampling(variable: [], edges: [0, 1, 2], classAPerBin: 1, classBPerBin: 1)
        #expect([-5.0, 0, 0.999, 1, 1.5, 2, 1e9].map(s.bin) == [0, 0, 0, 1, 1, 2, 2])
    }

    /// Class A: 10 events in bin 0, 2 in bin 1, none in bin 2. Class B: 5 in each bin.
    func example(a: Int = 4, b: Int = 3) throws -> (EpochSampling, [[[Int]]], [Float]) {
        let v: [Double] = Array(repeating: 0.5, count: 10) + [1.5, 1.5] + Array(repeating: 0.2, count: 5)
            + Array(repeating: 1.2, count: 5) + Array(repeating: 7, count: 5)
        let labels: [Float] = Array(repeating: 1, count: 12) + Array(repeating: 0, count: 15)
        let s = try EpochSampling(variable: v, edges: [0, 1, 2], classAPerBin: a, classBPerBin: b)
        return (s, s.strata(rows: Array(0..<v.count), labels: labels), labels)
    }

    @Test func eachNonEmptyStratumGivesItsCountPerEpoch() throws {
        let (s, strata, _) = try example()
        #expect(strata[1].map(\.count) == [10, 2, 0] && strata[0].map(\.count) == [5, 5, 5])
        for epoch in 0..<5 {
            let drawn = s.draw(strata: strata, epoch: epoch, seed: 3)
            #expect(drawn.count == 4 + 4 + 3 * 3)  // class A: two non-empty bins; class B: three
            let a0 = drawn.filter { $0 < 10 }, a1 = drawn.filter { $0 == 10 || $0 == 11 }
            #expect(a0.count == 4 && Set(a0).count == 4, "enough events: drawn without replacement")
            #expect(a1.count == 4, "too few events: drawn with replacement")
            for bin in 0..<3 {
                let b = drawn.filter { $0 >= 12 + 5 * bin && $0 < 17 + 5 * bin }
                #expect(b.count == 3 && Set(b).count == 3)
            }
        }
        #expect(s.draw(strata: strata, epoch: 1, seed: 3) == s.draw(strata: strata, epoch: 1, seed: 3))
        #expect(s.draw(strata: strata, epoch: 1, seed: 3) != s.draw(strata: strata, epoch: 2, seed: 3))
    }

    @Test func expectedClassWeightsUseTheStratumMeanWeight() throws {
        let (s, strata, _) = try example()
        var w = [Float](repeating: 1, count: 27)
        for i in 0..<10 { w[i] = 2 }  // class A bin 0: mean weight 2
        w[10] = 1; w[11] = 3            // class A bin 1: mean 2
        let cw = s.expectedClassWeights(strata: strata, weights: w)
        #expect(cw.a == 4 * 2 + 4 * 2 && cw.b == 3 * 3 * 1)
    }

    /// Groups: class B made of group 0 (bins 0 and 1) and group 5 (bins 1 and 2); its 6 per bin are split 3 + 3
    /// among the two groups, so bin 1 holds both halves and bins 0 and 2 one half each. Class A (one group) as before.
    @Test func groupsSplitTheClassCountEqually() throws {
        let (plain, _, labels) = try example(a: 4, b: 6)
        var g = [Int](repeating: 0, count: 27)
        for i in 17..<19 { g[i] = 5 }          // 2 of the 5 class-B events of bin 1
        for i in 22..<27 { g[i] = 5 }          // all of bin 2
        let s = try EpochSampling(variable: plain.variable, edges: plain.edges, classAPerBin: 4, classBPerBin: 6, groups: g)
        let strata = s.strata(rows: Array(0..<27), labels: labels)
        #expect(strata[1].map(\.count) == [10, 2, 0])
        #expect(strata[0].map(\.count) == [5, 3, 0, 0, 2, 5])   // group 0: bins 0, 1, 2; group 5: bins 0, 1, 2
        #expect(s.perStratum(0, strata: strata) == 3 && s.perStratum(1, strata: strata) == 4)
        let drawn = s.draw(strata: strata, epoch: 0, seed: 3)
        #expect(drawn.count == 8 + 4 * 3)
        #expect(drawn.filter { (12..<17).contains($0) }.count == 3)
        #expect(drawn.filter { (17..<19).contains($0) }.count == 3 && drawn.filter { (19..<22).contains($0) }.count == 3)
        #expect(drawn.filter { (22..<27).contains($0) }.count == 3)
        let w = [Float](repeating: 1, count: 27)
        #expect(s.expectedClassWeights(strata: strata, weights: w).b == 4 * 3)
        // Without groups (or one group for everything) the draws are those of the plain sampling.
        let one = try EpochSampling(variable: plain.variable, edges: plain.edges, classAPerBin: 4, classBPerBin: 6, groups: [Int](repeating: 2, count: 27))
        let plainStrata = plain.strata(rows: Array(0..<27), labels: labels)
        #expect(one.draw(strata: one.strata(rows: Array(0..<27), labels: labels), epoch: 2, seed: 9) == plain.draw(strata: plainStrata, epoch: 2, seed: 9))
        #expect(throws: NeymanError.self) { try EpochSampling(variable: [1, 2], edges: [0], classAPerBin: 1, classBPerBin: 1, groups: [0]) }
        #expect(throws: NeymanError.self) { try EpochSampling(variable: [1, 2], edges: [0], classAPerBin: 1, classBPerBin: 1, groups: [0, 64]) }
    }

    @Test func badSettingsAreErrorsNamingTheKey() {
        func message(_ body: () throws -> Void) -> String { do { try body(); return "no error" } catch { return "\(error)" } }
        #expect(message { _ = try EpochSampling(variable: [1], edges: [], classAPerBin: 1, classBPerBin: 1) }.contains("training.sampling.edges"))
        #expect(message { _ = try EpochSampling(variable: [1], edges: [0, 0], classAPerBin: 1, classBPerBin: 1) }.contains("ascending"))
        #expect(message { _ = try EpochSampling(variable: [1], edges: [0], classAPerBin: 0, classBPerBin: 1) }.contains("class_a_per_bin"))
        #expect(message { _ = try EpochSampling(variable: [1], edges: [0], classAPerBin: 1, classBPerBin: -1) }.contains("class_b_per_bin"))
        #expect(message { _ = try EpochSampling(variable: [1, .nan], edges: [0], classAPerBin: 1, classBPerBin: 1) }.contains("event 1"))
    }

    /// Class A has v with density 2v on (0, 1), class B uniform v; x ~ N(+1, 1) for A and N(-1, 1) for B, independent
    /// of v. Trained on (x, v), the plain network learns the marginal ratio `exp(2x) * 2v`; trained on samples flat in v
    /// (10 bins), it learns the ratio conditional on v, `exp(2x)`, the same at every v.
    @Test func flatSamplingLearnsTheRatioConditionalOnTheVariable() throws {
        let n = 20_000
        let rng = RandomStream(seed: 41)
        var x: [Float] = [], y: [Float] = [], v: [Double] = []
        for i in 0..<(2 * n) {
            let a = i % 2 == 0
            let vi = a ? rng.uniform().squareRoot() : rng.uniform()  // density 2v by inversion
            x += [Float(rng.normal(mean: a ? 1 : -1)), Float(vi)]
            y.append(a ? 1 : 0)
            v.append(vi)
        }
        let data = try LabelledEvents(features: x, labels: y, featureCount: 2)
        func ratios(sampling: EpochSampling?) throws -> (low: Double, high: Double) {
            let net = try Network.dense(inputs: 2, hidden: [32, 32], activation: .relu, seed: 5)
            var o = TrainerSettings()
            o.epochs = 25; o.batchSize = 256; o.learningRate = 2e-3; o.patience = 0; o.validationFraction = 0; o.seed = 7
            let trainer = Trainer(network: net, options: o)
            trainer.epochSampling = sampling
            try trainer.train(data)
            let lr = try LikelihoodRatio(network: net)
            let s = net.score([0, 0.25, 0, 0.75], rows: 2)
            return (lr.ratio(score: Double(s[0])), lr.ratio(score: Double(s[1])))
        }
        let plain = try ratios(sampling: nil)
        #expect(abs(plain.low / 0.5 - 1) < 0.2 && abs(plain.high / 1.5 - 1) < 0.2, "plain: \(plain)")
        let edges = (0..<10).map { Double($0) / 10 }
        let flat = try ratios(sampling: EpochSampling(variable: v, edges: edges, classAPerBin: 2000, classBPerBin: 2000))
        #expect(abs(flat.low - 1) < 0.2 && abs(flat.high - 1) < 0.2, "flat sampling: \(flat)")
    }

    @Test func configTableIsReadAndChecked() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("neyman-sampling-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try "x,pt,label\n0.1,3,1\n0.2,12,0\n0.3,25,1\n0.4,7,0\n".write(to: dir.appendingPathComponent("t.csv"), atomically: true, encoding: .utf8)
        func config(_ table: String) throws -> String {
            let path = dir.appendingPathComponent("c.toml").path
            try "[data]\ntrain = \"t.csv\"\nfeatures = [\"x\"]\n[training]\nfolds = 2\n\(table)\n".write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        let cfg = try TrainingFile.load(path: try config("[training.sampling]\nvariable = \"pt\"\nedges = [5, 10, 20]\nclass_a_per_bin = 4\nclass_b_per_bin = 2"))
        #expect(cfg.folds == 2)
        #expect(cfg.sampling == TrainingFile.SamplingSettings(variable: "pt", edges: [5, 10, 20], classAPerBin: 4, classBPerBin: 2))
        let inputs = try cfg.load()
        #expect(inputs.samplingVariable == [3, 12, 25, 7])
        #expect(inputs.subset([2, 0]).samplingVariable == [25, 3])
        #expect(try inputs.epochSampling()?.edges == [5, 10, 20])

        func failure(_ table: String) -> String {
            do { _ = try TrainingFile.load(path: try config(table)).load(); return "no error" } catch { return "\(error)" }
        }
        #expect(failure("[training.sampling]\nvariable = \"pt\"\nedges = [5, 4]\nclass_a_per_bin = 1\nclass_b_per_bin = 1").contains("training.sampling.edges"))
        #expect(failure("[training.sampling]\nvariable = \"pt\"\nedges = [5]\nclass_b_per_bin = 1").contains("training.sampling.class_a_per_bin"))
        #expect(failure("[training.sampling]\nvariable = \"eta\"\nedges = [5]\nclass_a_per_bin = 1\nclass_b_per_bin = 1").contains("eta"))
        #expect(failure("[training.sampling]\nvariable = \"pt\"\nedges = [5]\nclass_a_per_bin = 1\nclass_b_per_bin = 1\nextra = 2").contains("training.sampling.extra"))
    }
}
