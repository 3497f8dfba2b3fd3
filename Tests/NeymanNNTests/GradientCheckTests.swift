import Foundation
import Testing
@testable import NeymanNN
import NeymanCore

/// Finite-difference checks of every layer's backward pass: the scalar `L = sum_i c_i y_i` (fixed random `c`) is
/// differentiated numerically with respect to each input and parameter element and compared with the backward pass.
/// A wrong index or a missing term gives errors of order 1; the tolerance (2e-3 relative + 2e-4 absolute) is what
/// central differences in Float allow.
enum GradientCheck {
    static func randomTensor(_ shape: [Int], _ rng: RandomStream, scale: Double = 1) -> Tensor {
        let t = Tensor(shape: shape)
        for i in 0..<t.count { t[i] = Float(rng.normal(sigma: scale)) }
        return t
    }

    static func objective(_ layer: Layer, _ x: Tensor, _ c: [Float]) -> Double {
        let y = layer.forward(x, training: false)
        var s = 0.0
        for i in 0..<y.count { s += Double(c[i]) * Double(y[i]) }
        return s
    }

    /// Central differences (step `h`) of `objective` with respect to every element of `input` and of each parameter,
    /// handed to `compare(numeric, analytic, name)` with the backward pass's value: `inputGradient[i]` for `x[i]`,
    /// `parameterGradients[p][i]` for parameter `p`'s element `i`. Every element is restored after its two evaluations.
    /// Without `input`, the parameters alone.
    static func centralDifferences(input x: Tensor? = nil, inputGradient dx: [Float] = [], parameters: [Parameter],
                                   parameterGradients: [[Float]], h: Float = 1e-2, objective: () -> Double,
                                   compare: (Double, Double, String) -> Void) {
        if let x { for i in 0..<x.count {
            let v = x[i]
            x[i] = v + h; let up = objective()
            x[i] = v - h; let dn = objective()
            x[i] = v
            compare((up - dn) / Double(2 * h), Double(dx[i]), "x[\(i)]")
        } }
        for (p, g) in zip(parameters, parameterGradients) {
            for i in 0..<p.value.count {
                let v = p.value[i]
                p.value[i] = v + h; let up = objective()
                p.value[i] = v - h; let dn = objective()
                p.value[i] = v
                compare((up - dn) / Double(2 * h), Double(g[i]), "\(p.name)[\(i)]")
            }
        }
    }

    /// Returns the largest violation `|numeric - analytic| - tol` (<= 0 means the check passed).
    static func check(_ layer: Layer, batch: Int, seed: UInt64, avoidKinks: Bool = false) -> Double {
        let rng = RandomStream(seed: seed)
        let x = randomTensor([batch] + layer.inputShape, rng)
        if avoidKinks { for i in 0..<x.count where abs(x[i]) < 0.05 { x[i] += 0.2 } }
        let yShapeCount = batch * layer.outputSize
        let c = (0..<yShapeCount).map { _ in Float(rng.normal()) }
        for p in layer.parameters { p.gradient.fill(0) }
        _ = layer.forward(x, training: false)
        let dy = Tensor(shape: [batch] + layer.outputShape, values: c)
        let dx = layer.backward(dy).array
        let analyticParams = layer.parameters.map(\.gradient.array)
        var worst = -Double.infinity
        centralDifferences(input: x, inputGradient: dx, parameters: layer.parameters, parameterGradients: analyticParams,
                           objective: { objective(layer, x, c) }) { numeric, analytic, _ in
            worst = max(worst, abs(numeric - analytic) - (2e-3 * abs(analytic) + 2e-4))
        }
        return worst
    }
}

@Suite("Layer gradients")
struct GradientCheckTests {
    @Test func dense() throws {
        let d = Dense(inputs: 5, outputs: 3)
        try Initializer.glorotNormal.fill(d.weight.value, fanIn: 5, fanOut: 3, rng: RandomStream(seed: 1))
        for i in 0..<3 { d.bias.value[i] = Float(i) * 0.1 - 0.1 }
        #expect(GradientCheck.check(d, batch: 4, seed: 2) <= 0)
    }

    @Test(arguments: ActivationKind.allCases)
    func activation(_ kind: ActivationKind) {
        #expect(GradientCheck.check(Activation(kind, shape: [6]), batch: 3, seed: 3, avoidKinks: true) <= 0)
    }

    /// Dropout in evaluation mode is the identity; in training mode the backward pass uses the forward's mask.
    @Test func dropout() {
        let d = Dropout(rate: 0.3, shape: [50], seed: 4)
        #expect(GradientCheck.check(d, batch: 2, seed: 5) <= 0)
        let x = GradientCheck.randomTensor([2, 50], RandomStream(seed: 6))
        let y = d.forward(x, training: true).array
        let g = d.backward(Tensor(shape: [2, 50], values: [Float](repeating: 1, count: 100))).array
        var dropped = 0
        for i in 0..<100 {
            if y[i] == 0 { dropped += 1; #expect(g[i] == 0) } else {
                #expect(abs(y[i] - x[i] / 0.7) < 1e-5)
                #expect(abs(g[i] - 1 / 0.7) < 1e-5)
            }
        }
        #expect(dropped > 10 && dropped < 50)
    }

    /// The whole network, through standardisation and three layers.
    @Test func networkBackwardMatchesFiniteDifferences() throws {
        let net = try Network.dense(inputs: 3, hidden: [8, 4], activation: .tanh, seed: 9)
        net.featureMean = [0.5, -1, 2]
        net.featureStd = [2, 0.5, 1]
        let rng = RandomStream(seed: 10)
        let x = GradientCheck.randomTensor([5, 3], rng)
        let c = (0..<5).map { _ in Float(rng.normal()) }
        func objective() -> Double {
            let y = net.forward(x, training: false)
            return (0..<5).reduce(0.0) { $0 + Double(c[$1]) * Double(y[$1]) }
        }
        net.zeroGradients()
        _ = net.forward(x, training: false)
        net.backward(Tensor(shape: [5, 1], values: c))
        GradientCheck.centralDifferences(parameters: net.parameters, parameterGradients: net.parameters.map(\.gradient.array),
                                         h: 3e-3, objective: objective) { numeric, g, what in
            #expect(abs(numeric - g) < 3e-3 * abs(g) + 5e-4, "\(what): \(numeric) vs \(g)")
        }
    }
}

@Suite("Losses")
struct LossTests {
    /// Loss values against the formulas in Double, and dL/dz against finite differences of the loss itself.
    @Test(arguments: LossKind.allCases)
    func lossGradient(_ kind: LossKind) {
        let z: [Float] = kind == .ratio ? [-3.2, -0.4, 0.0, 0.7, 2.5, 1.2, -1.5] : [-3.2, -0.4, 0.0, 0.7, 2.5, 12, -15]
        let y: [Float] = [0, 1, 0, 1, 1, 0, 1]
        let w: [Float] = [1, 0.5, 2, 1, 1.5, 1, 0.3]
        var g = [Float](repeating: 0, count: z.count)
        let value = LossFunction.evaluate(kind, outputs: z, labels: y, weights: w, count: z.count, gradient: &g)
        // Reference value in Double.
        var ref = 0.0
        let ws = w.reduce(0) { $0 + Double($1) }
        for i in 0..<z.count {
            let zi = Double(z[i]), yi = Double(y[i]), wi = Double(w[i])
            let s = 1 / (1 + exp(-zi))
            switch kind {
            case .bce: ref += wi * -(yi * log(s) + (1 - yi) * log(1 - s)) / ws
            case .mse: ref += wi * (s - yi) * (s - yi) / ws
            case .ratio:
                let wa = zip(w, y).filter { $0.1 == 1 }.reduce(0) { $0 + Double($1.0) }
                let wb = zip(w, y).filter { $0.1 == 0 }.reduce(0) { $0 + Double($1.0) }
                let f = exp(zi)
                ref += yi == 1 ? -wi * f / wa : 0.5 * wi * f * f / wb
            }
        }
        #expect(abs(value - ref) < 1e-9 * max(1, abs(ref)) || (kind == .bce && abs(value - ref) < 1e-6), "\(value) vs \(ref)")
        for i in 0..<z.count {
            var zp = z, zm = z, scratch = g
            zp[i] += 1e-3; zm[i] -= 1e-3
            let up = LossFunction.evaluate(kind, outputs: zp, labels: y, weights: w, count: z.count, gradient: &scratch)
            let dn = LossFunction.evaluate(kind, outputs: zm, labels: y, weights: w, count: z.count, gradient: &scratch)
            let numeric = (up - dn) / 2e-3
            #expect(abs(numeric - Double(g[i])) < 1e-3 * abs(numeric) + 1e-5, "\(kind) element \(i): \(numeric) vs \(g[i])")
        }
    }

    @Test func bceIsStableForLargeLogits() {
        var g = [Float](repeating: 0, count: 2)
        let v = LossFunction.evaluate(.bce, outputs: [80, -80], labels: [1, 0], weights: [1, 1], count: 2, gradient: &g)
        #expect(v.isFinite && v < 1e-30)
        let bad = LossFunction.evaluate(.bce, outputs: [-80, 80], labels: [1, 0], weights: [1, 1], count: 2, gradient: &g)
        #expect(abs(bad - 80) < 1e-9)
    }
}

@Suite("Initialisers")
struct InitializerTests {
    @Test func orthogonalColumnsAreOrthonormal() throws {
        let w = Tensor(shape: [20, 7])
        try Initializer.orthogonal.fill(w, fanIn: 20, fanOut: 7, rng: RandomStream(seed: 3))
        for a in 0..<7 {
            for b in 0..<7 {
                var dot = 0.0
                for i in 0..<20 { dot += Double(w[i * 7 + a]) * Double(w[i * 7 + b]) }
                #expect(abs(dot - (a == b ? 1 : 0)) < 1e-5)
            }
        }
    }

    @Test func heAndGlorotHaveTheStatedVariance() throws {
        for (kind, expected) in [(Initializer.he, 2.0 / 200), (.glorotNormal, 2.0 / 300)] {
            let w = Tensor(shape: [200, 100])
            try kind.fill(w, fanIn: 200, fanOut: 100, rng: RandomStream(seed: 4))
            var s2 = 0.0
            for i in 0..<w.count { s2 += Double(w[i]) * Double(w[i]) }
            let v = s2 / Double(w.count)
            #expect(abs(v - expected) < 4 * expected * (2.0 / Double(w.count)).squareRoot(), "\(kind): \(v)")
        }
    }
}
