import Foundation
import Testing
@testable import NeymanNN
import NeymanCore

/// Helpers for the deep-sets tests: events of `P` slots x `f` features, row-major, with exactly-zero padding.
enum DeepSetsFixture {
    /// Random non-zero biases everywhere, so that `Phi(0) != 0`: with the initial zero biases a ReLU Phi maps a
    /// padded slot to 0 whether or not it is masked, and the padding tests could not fail.
    static func randomizeBiases(_ parameters: [Parameter], seed: UInt64) {
        let rng = RandomStream(seed: seed, task: 77)
        for p in parameters where p.name.hasSuffix(".bias") {
            for i in 0..<p.value.count { p.value[i] = Float(rng.normal(sigma: 0.3)) }
        }
    }

    /// `events` events of `particles` slots; slot `p` of event `n` is padding when `padded(n, p)`, else random
    /// features (feature 0 in (0.05, 1) as an energy fraction, the others normal). Padded slots are exactly 0.
    static func events(_ events: Int, particles: Int, features: Int, seed: UInt64, padded: (Int, Int) -> Bool) -> Tensor {
        let rng = RandomStream(seed: seed)
        let x = Tensor(shape: [events, particles, features])
        for n in 0..<events {
            for p in 0..<particles {
                let base = (n * particles + p) * features
                for j in 0..<features {
                    x[base + j] = padded(n, p) ? 0 : (j == 0 ? Float(0.05 + 0.95 * rng.uniform()) : Float(rng.normal()))
                }
            }
        }
        return x
    }

    /// The feature rows of one event as a list of particles.
    static func particles(of x: Tensor, event n: Int, particles: Int, features: Int) -> [[Float]] {
        (0..<particles).map { p in (0..<features).map { j in x[(n * particles + p) * features + j] } }
    }

    /// Flattens particle lists, each padded with zero rows to `slots`.
    static func flatten(_ events: [[[Float]]], slots: Int, features: Int) -> [Float] {
        var out: [Float] = []
        for e in events {
            for p in 0..<slots { out += p < e.count ? e[p] : [Float](repeating: 0, count: features) }
        }
        return out
    }

    /// The finite-difference check of ``GradientCheck/check(_:batch:seed:avoidKinks:)`` on a given input, perturbing
    /// only the inputs of non-padded particles (perturbing a padded slot would un-mask it: the mask is a discontinuity)
    /// and every parameter. Also returns the largest |analytic input gradient| at padded slots (which must be 0).
    /// Returns the largest violation `|numeric - analytic| - tol` (<= 0: passed) and the number of inputs perturbed.
    static func maskedCheck(_ layer: DeepSets, input x: Tensor, seed: UInt64) -> (worst: Double, paddedGradient: Float, perturbed: Int) {
        let rng = RandomStream(seed: seed)
        let batch = x.shape[0]
        let c = (0..<(batch * layer.outputSize)).map { _ in Float(rng.normal()) }
        for p in layer.parameters { p.gradient.fill(0) }
        _ = layer.forward(x, training: false)
        let dx = layer.backward(Tensor(shape: [batch] + layer.outputShape, values: c)).array
        let analyticParams = layer.parameters.map(\.gradient.array)
        var worst = -Double.infinity, paddedGradient: Float = 0, perturbed = 0
        let h: Float = 1e-2
        func compare(_ numeric: Double, _ analytic: Double) {
            worst = max(worst, abs(numeric - analytic) - (2e-3 * abs(analytic) + 2e-4))
        }
        let f = layer.features
        for slot in 0..<(batch * layer.particles) {
            let isPadding = (0..<f).allSatisfy { x[slot * f + $0] == 0 }
            for j in 0..<f {
                let i = slot * f + j
                if isPadding {
                    paddedGradient = max(paddedGradient, abs(dx[i]))
                    continue
                }
                let v = x[i]
                x[i] = v + h; let up = GradientCheck.objective(layer, x, c)
                x[i] = v - h; let dn = GradientCheck.objective(layer, x, c)
                x[i] = v
                compare((up - dn) / Double(2 * h), Double(dx[i]))
                perturbed += 1
            }
        }
        for (p, g) in zip(layer.parameters, analyticParams) {
            for i in 0..<p.value.count {
                let v = p.value[i]
                p.value[i] = v + h; let up = GradientCheck.objective(layer, x, c)
                p.value[i] = v - h; let dn = GradientCheck.objective(layer, x, c)
                p.value[i] = v
                compare((up - dn) / Double(2 * h), Double(g[i]))
            }
        }
        return (worst, paddedGradient, perturbed)
    }

    /// A toy set: class A (label 1) events have 4-8 particles, class B 1-5, at random slots among 8; features
    /// (z, eta, phi) with z normalised to sum 1. For `.efn` the particle count is invisible to an IRC-safe network, so
    /// class A instead has a wider angular spread (sigma 0.8 against 0.3).
    static func toyData(_ variant: DeepSetsKind, events: Int, seed: UInt64) throws -> LabelledEvents {
        let rng = RandomStream(seed: seed)
        let slots = 8, f = 3
        var x: [Float] = [], y: [Float] = []
        for i in 0..<events {
            let a = i % 2 == 0
            let count = variant == .pfn ? (a ? 4 + rng.integer(below: 5) : 1 + rng.integer(below: 5)) : 2 + rng.integer(below: 5)
            let sigma = variant == .efn && a ? 0.8 : 0.3
            var pts = (0..<count).map { _ in 0.1 + rng.uniform() }
            let total = pts.reduce(0, +)
            pts = pts.map { $0 / total }
            let where_ = Array(rng.permutation(slots).prefix(count))
            var event = [Float](repeating: 0, count: slots * f)
            for (k, slot) in where_.enumerated() {
                event[slot * f] = Float(pts[k])
                event[slot * f + 1] = Float(rng.normal(sigma: sigma))
                event[slot * f + 2] = Float(rng.normal(sigma: sigma))
            }
            x += event
            y.append(a ? 1 : 0)
        }
        return try LabelledEvents(features: x, labels: y, featureCount: slots * f)
    }
}

@Suite("Deep sets (PFN, EFN)")
struct DeepSetsTests {
    func block(_ variant: DeepSetsKind, particles: Int = 4, features: Int = 3, widths: [Int] = [5, 4],
               activation: ActivationKind = .tanh, seed: UInt64 = 1) throws -> DeepSets {
        let b = try DeepSets(variant, particles: particles, features: features, widths: widths, activation: activation, seed: seed)
        DeepSetsFixture.randomizeBiases(b.parameters, seed: seed)
        return b
    }

    func network(_ variant: DeepSetsKind, particles: Int, seed: UInt64 = 3) throws -> Network {
        let net = try Network.deepSets(variant, particles: particles, features: 3, phi: [12, 12, 8], f: [12, 12], seed: seed)
        DeepSetsFixture.randomizeBiases(net.parameters, seed: seed)
        return net
    }

    // MARK: Structure

    @Test func shapesNamesAndConfiguration() throws {
        let b = try DeepSets(.efn, particles: 4, features: 3, widths: [5, 4], name: "0")
        #expect(b.kind == "efn" && b.inputShape == [4, 3] && b.outputShape == [4] && b.phiInputs == 2 && b.latent == 4)
        #expect(b.configuration == ["particles": 4, "features": 3, "efn": 1])
        #expect(b.parameters.map(\.name) == ["0.phi.0.weight", "0.phi.0.bias", "0.phi.2.weight", "0.phi.2.bias"])
        #expect(b.phi.map(\.kind) == ["dense", "relu", "dense", "relu"])
        let p = try DeepSets(.pfn, particles: 2, features: 3, widths: [6])
        #expect(p.parameters.map(\.name) == ["phi.0.weight", "phi.0.bias"] && p.phiInputs == 3)
        #expect(p.configuration["efn"] == 0)

        let net = try Network.pfn(particles: 5, features: 3, phi: [8, 8], f: [6], seed: 2)
        #expect(net.inputShape == [5, 3] && net.inputSize == 15)
        #expect(net.layers.map(\.kind) == ["pfn", "dense", "relu", "dense"])
        #expect(net.parameters.map(\.name) == ["0.phi.0.weight", "0.phi.0.bias", "0.phi.2.weight", "0.phi.2.bias",
                                               "1.weight", "1.bias", "3.weight", "3.bias"])
        #expect(net.deepSetsBlock?.latent == 8)
        // Defaults are the paper's: Phi and F of 3 x 100 ReLU units.
        let paper = try Network.efn(particles: 10, features: 3)
        #expect(paper.layers.map(\.kind) == ["efn", "dense", "relu", "dense", "relu", "dense", "relu", "dense"])
        #expect(paper.deepSetsBlock?.phi.compactMap { ($0 as? Dense)?.outputs } == [100, 100, 100])
    }

    /// Weights as Network.dense draws them: Dense k of Phi from task k, then F, then the output unit.
    @Test func weightsComeFromOneStreamPerDenseLayer() throws {
        let net = try Network.efn(particles: 3, features: 3, phi: [4, 5], f: [6], initializer: .he, seed: 11)
        let denses = (net.deepSetsBlock?.phi.compactMap { $0 as? Dense } ?? []) + net.layers.compactMap { $0 as? Dense }
        #expect(denses.count == 4)
        for (k, d) in denses.enumerated() {
            let expected = Tensor(shape: d.weight.value.shape)
            let kind: Initializer = k == 3 ? .glorotNormal : .he
            try kind.fill(expected, fanIn: d.inputs, fanOut: d.outputs, rng: RandomStream(seed: 11, task: UInt64(k)))
            #expect(d.weight.value.array == expected.array, "dense \(k)")
            #expect(d.bias.value.array.allSatisfy { $0 == 0 })
        }
    }

    @Test func invalidArchitecturesThrow() {
        #expect(throws: NeymanError.self) { try DeepSets(.efn, particles: 4, features: 1, widths: [4]) }
        #expect(throws: NeymanError.self) { try DeepSets(.pfn, particles: 0, features: 3, widths: [4]) }
        #expect(throws: NeymanError.self) { try DeepSets(.pfn, particles: 4, features: 3, widths: []) }
        #expect(throws: NeymanError.self) { try DeepSets(.pfn, particles: 4, features: 3, widths: [4, 0]) }
        #expect(throws: NeymanError.self) { try DeepSets(.pfn, particles: 4, features: 3, phi: [Dense(inputs: 2, outputs: 4)]) }
        #expect(throws: NeymanError.self) {
            try DeepSets(.efn, particles: 4, features: 3, phi: [Dense(inputs: 2, outputs: 4), Activation(.relu, shape: [5])])
        }
        #expect(throws: NeymanError.self) { try Network.pfn(particles: 4, features: 3, phi: [4], f: [3, -1]) }
        #expect(throws: NeymanError.self) { try Network.efn(particles: 4, features: 1) }
    }

    // MARK: Forward pass against the formula

    /// O_n = sum over unmasked p of w_p Phi(x_p), with Phi evaluated particle by particle through the same layers.
    @Test(arguments: DeepSetsKind.allCases)
    func forwardIsTheMaskedWeightedSum(_ variant: DeepSetsKind) throws {
        let b = try block(variant, activation: .relu)
        let x = DeepSetsFixture.events(3, particles: 4, features: 3, seed: 5) { n, p in (n + p) % 3 == 1 || n == 2 }
        let y = b.forward(x, training: false).array
        for n in 0..<3 {
            var expected = [Double](repeating: 0, count: b.latent)
            for row in DeepSetsFixture.particles(of: x, event: n, particles: 4, features: 3) where row.contains(where: { $0 != 0 }) {
                var t = Tensor(shape: [1, b.phiInputs], values: variant == .efn ? Array(row.dropFirst()) : row)
                for layer in b.phi { t = layer.forward(t, training: false) }
                let w = variant == .efn ? Double(row[0]) : 1
                for c in 0..<b.latent { expected[c] += w * Double(t[c]) }
            }
            for c in 0..<b.latent { #expect(abs(Double(y[n * b.latent + c]) - expected[c]) < 1e-5, "event \(n) latent \(c)") }
        }
        // Event 2 is all padding: exactly zero.
        #expect(y[(2 * b.latent)..<(3 * b.latent)].allSatisfy { $0 == 0 })
    }

    // MARK: Gradients

    /// The unmodified shared check: random normal inputs, so no slot is padding.
    @Test(arguments: DeepSetsKind.allCases)
    func gradientWithoutPadding(_ variant: DeepSetsKind) throws {
        #expect(GradientCheck.check(try block(variant), batch: 3, seed: 7) <= 0)
    }

    /// Padded slots (exactly zero) are skipped by the perturbation and must receive a zero input gradient.
    @Test(arguments: DeepSetsKind.allCases)
    func gradientWithPadding(_ variant: DeepSetsKind) throws {
        let b = try block(variant, seed: 2)
        let x = DeepSetsFixture.events(3, particles: 4, features: 3, seed: 8) { n, p in p == 3 || (n == 1 && p == 0) }
        for n in 0..<3 { for j in 0..<3 { x[(n * 4 + 2) * 3 + j] *= 1.5 } }
        let r = DeepSetsFixture.maskedCheck(b, input: x, seed: 9)
        #expect(r.worst <= 0)
        #expect(r.paddedGradient == 0)
        #expect(r.perturbed == (12 - 4) * 3)
    }

    /// With the standardisation of Phi's inputs, dL/dx carries the 1/std factor (z of the EFN is not standardised).
    @Test(arguments: DeepSetsKind.allCases)
    func gradientWithStandardization(_ variant: DeepSetsKind) throws {
        let b = try block(variant, seed: 4)
        let k = b.phiInputs
        try b.setPhiInputStandardization(mean: (0..<k).map { Float($0) * 0.3 - 0.2 }, std: (0..<k).map { 0.5 + Float($0) })
        let x = DeepSetsFixture.events(2, particles: 4, features: 3, seed: 10) { n, p in p == n }
        let r = DeepSetsFixture.maskedCheck(b, input: x, seed: 11)
        #expect(r.worst <= 0 && r.paddedGradient == 0)
    }

    /// A flat [n, P * f] batch (what the trainer builds) gives the same output and a gradient of the same shape.
    @Test func flatBatchesAreAccepted() throws {
        let b = try block(.efn)
        let x = DeepSetsFixture.events(2, particles: 4, features: 3, seed: 12) { _, p in p == 1 }
        let y = b.forward(x, training: false).array
        let flat = Tensor(shape: [2, 12], values: x.array)
        #expect(b.forward(flat, training: false).array == y)
        #expect(b.backward(Tensor(shape: [2, b.latent], values: [Float](repeating: 1, count: 2 * b.latent))).shape == [2, 12])
    }

    // MARK: Symmetries

    @Test(arguments: DeepSetsKind.allCases)
    func permutationInvariance(_ variant: DeepSetsKind) throws {
        let net = try network(variant, particles: 6)
        let x = DeepSetsFixture.events(5, particles: 6, features: 3, seed: 13) { n, p in p >= 6 - n }
        var shuffled: [[[Float]]] = []
        for n in 0..<5 {
            let parts = DeepSetsFixture.particles(of: x, event: n, particles: 6, features: 3)
            let order = RandomStream(seed: 14, task: UInt64(n)).permutation(6)
            shuffled.append(order.map { parts[$0] })
        }
        let a = net.predictRaw(x.array, rows: 5)
        let b = net.predictRaw(DeepSetsFixture.flatten(shuffled, slots: 6, features: 3), rows: 5)
        #expect(Set(a).count == 5, "the events must give different outputs")
        for n in 0..<5 { #expect(abs(a[n] - b[n]) < 1e-6, "event \(n): \(a[n]) vs \(b[n])") }
    }

    /// The same weights (they do not depend on P) on 4 and on 9 slots: extra zero slots, anywhere, change nothing.
    @Test(arguments: DeepSetsKind.allCases)
    func paddingInvariance(_ variant: DeepSetsKind) throws {
        let small = try network(variant, particles: 4), large = try network(variant, particles: 9)
        #expect(small.parameters.map(\.value.array) == large.parameters.map(\.value.array))
        let x = DeepSetsFixture.events(4, particles: 4, features: 3, seed: 15) { n, p in p == 3 && n % 2 == 0 }
        let zero = [Float](repeating: 0, count: 3)
        var padded: [[[Float]]] = []
        for n in 0..<4 {
            var parts = DeepSetsFixture.particles(of: x, event: n, particles: 4, features: 3)
            parts.insert(zero, at: 1)
            parts.insert(zero, at: 0)
            padded.append(parts)
        }
        let a = small.predictRaw(x.array, rows: 4)
        let b = large.predictRaw(DeepSetsFixture.flatten(padded, slots: 9, features: 3), rows: 4)
        for n in 0..<4 { #expect(abs(a[n] - b[n]) < 1e-6, "event \(n): \(a[n]) vs \(b[n])") }
        // An event of padding only is well defined: F applied to a zero latent vector.
        let empty = large.predictRaw([Float](repeating: 0, count: 27), rows: 1)
        #expect(empty[0].isFinite)
    }

    /// EFN: splitting a particle into two collinear halves (same angles, z/2 each) or adding a particle of z = 1e-9
    /// leaves the output unchanged; the same operations visibly change a PFN, which is not IRC safe.
    @Test func efnIsInfraredAndCollinearSafe() throws {
        let efn = try network(.efn, particles: 6), pfn = try network(.pfn, particles: 6)
        let x = DeepSetsFixture.events(4, particles: 6, features: 3, seed: 16) { _, p in p >= 3 }
        var split: [[[Float]]] = [], soft: [[[Float]]] = []
        for n in 0..<4 {
            let parts = Array(DeepSetsFixture.particles(of: x, event: n, particles: 6, features: 3).prefix(3))
            let k = n % 3
            var s = parts
            s[k][0] /= 2
            s.insert(s[k], at: n % 2 == 0 ? 3 : 0)
            split.append(s)
            soft.append(parts + [[1e-9, Float(n) * 0.7 - 1, 1.3 - Float(n)]])
        }
        let splitFlat = DeepSetsFixture.flatten(split, slots: 6, features: 3)
        let softFlat = DeepSetsFixture.flatten(soft, slots: 6, features: 3)
        let e0 = efn.predictRaw(x.array, rows: 4), eSplit = efn.predictRaw(splitFlat, rows: 4), eSoft = efn.predictRaw(softFlat, rows: 4)
        for n in 0..<4 {
            #expect(abs(e0[n] - eSplit[n]) < 1e-5, "collinear split, event \(n): \(e0[n]) vs \(eSplit[n])")
            #expect(abs(e0[n] - eSoft[n]) < 1e-6, "soft particle, event \(n): \(e0[n]) vs \(eSoft[n])")
        }
        let p0 = pfn.predictRaw(x.array, rows: 4), pSplit = pfn.predictRaw(splitFlat, rows: 4), pSoft = pfn.predictRaw(softFlat, rows: 4)
        #expect((0..<4).map { abs(p0[$0] - pSplit[$0]) }.max() ?? 0 > 1e-3)
        #expect((0..<4).map { abs(p0[$0] - pSoft[$0]) }.max() ?? 0 > 1e-3)
    }

    // MARK: Standardisation and saving

    /// Mean and std over real particles only; padded slots stay masked, z of the EFN is untouched.
    @Test func particleStandardizationIgnoresPadding() throws {
        let values: [Float] = [0.5, 1, 3, 0, 0, 0,   0.25, 3, -1, 0, 0, 0]  // 2 events x 2 slots x (z, eta, phi)
        let data = try LabelledEvents(features: values, labels: [1, 0], featureCount: 6)
        let net = try Network.efn(particles: 2, features: 3, phi: [4], f: [], seed: 1)
        net.featureMean = [1, 2, 3, 4, 5, 6]
        net.featureStd = [1, 1, 1, 1, 1, 1]
        try net.fitParticleStandardization(data)
        #expect(net.featureMean.isEmpty && net.featureStd.isEmpty)
        let b = try #require(net.deepSetsBlock)
        #expect(b.phiInputMean == [2, 1] && b.phiInputStd == [1, 2])
        let pfnBlock = try DeepSets(.pfn, particles: 2, features: 3, widths: [4])
        try pfnBlock.fitPhiInputStandardization(values, events: 2)
        #expect(pfnBlock.phiInputMean == [0.375, 2, 1] && pfnBlock.phiInputStd == [0.125, 1, 2])
        #expect(throws: NeymanError.self) { try pfnBlock.fitPhiInputStandardization([Float](repeating: 0, count: 12), events: 2) }
        #expect(throws: NeymanError.self) { try pfnBlock.setPhiInputStandardization(mean: [0, 0], std: [1, 1]) }
        #expect(throws: NeymanError.self) { try pfnBlock.setPhiInputStandardization(mean: [0, 0, 0], std: [1, 0, 1]) }
    }

    // MARK: Training

    /// Two epochs on a toy task the architecture can solve lower the loss and separate the classes.
    @Test(arguments: DeepSetsKind.allCases)
    func tinyTrainingRunReducesTheLoss(_ variant: DeepSetsKind) throws {
        let data = try DeepSetsFixture.toyData(variant, events: 2000, seed: 18)
        let net = try Network.deepSets(variant, particles: 8, features: 3, phi: [16, 16], f: [16], seed: 19)
        try net.fitParticleStandardization(data)
        var o = TrainerSettings()
        o.epochs = 2; o.batchSize = 64; o.learningRate = 3e-3; o.standardize = false; o.patience = 0; o.seed = 20
        let trainer = Trainer(network: net, options: o)
        let before = trainer.evaluate(data)
        let history = try trainer.train(data)
        let after = trainer.evaluate(data)
        #expect(history.count == 2)
        #expect(history.allSatisfy { $0.loss.isFinite })
        #expect(after.loss < before.loss - 0.05, "loss \(before.loss) -> \(after.loss)")
        #expect((history.last?.validationAUC ?? 0) > 0.75, "validation AUC \(history.last?.validationAUC ?? .nan)")
        #expect(net.featureMean.isEmpty, "the per-slot standardisation must stay off")
    }
}
