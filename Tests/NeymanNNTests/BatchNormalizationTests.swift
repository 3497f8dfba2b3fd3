import Foundation
import Testing
@testable import NeymanNN
import NeymanCore

/// Batch normalisation: the forward pass against the formula in Double, the backward pass (training and inference
/// mode) against central finite differences for inputs, gamma and beta, the running statistics, saving and loading,
/// the `[network] batch_norm` config key, and bit-identical training for a seed.
@Suite("Batch normalisation")
struct BatchNormalizationTests {
    /// A layer with non-trivial gamma and beta.
    func layer(features: Int, seed: UInt64) -> BatchNormalization {
        let bn = BatchNormalization(features: features, name: "3")
        let rng = RandomStream(seed: seed)
        for j in 0..<features {
            bn.gamma.value[j] = Float(0.5 + rng.uniform())
            bn.beta.value[j] = Float(rng.normal(sigma: 0.5))
        }
        return bn
    }

    /// Training mode: per feature, mean and biased variance of the batch; running statistics moved by 1 - 0.99.
    @Test func trainingForwardUsesBatchStatistics() {
        let bn = layer(features: 3, seed: 1)
        let x = GradientCheck.randomTensor([7, 3], RandomStream(seed: 2), scale: 2)
        let y = bn.forward(x, training: true).array
        #expect(y.count == 21)
        for j in 0..<3 {
            let col = (0..<7).map { Double(x[$0 * 3 + j]) }
            let mean = col.reduce(0, +) / 7
            let variance = col.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 7
            for r in 0..<7 {
                let expected = Double(bn.gamma.value[j]) * (col[r] - mean) / (variance + 1e-3).squareRoot() + Double(bn.beta.value[j])
                #expect(abs(Double(y[r * 3 + j]) - expected) < 1e-5 * max(1, abs(expected)), "row \(r) feature \(j)")
            }
            #expect(abs(Double(bn.runningMean.value[j]) - 0.01 * mean) < 1e-6)
            #expect(abs(Double(bn.runningVariance.value[j]) - (0.99 + 0.01 * variance)) < 1e-6)
        }
    }

    /// Inference mode uses the running statistics, not the batch.
    @Test func inferenceForwardUsesRunningStatistics() {
        let bn = layer(features: 2, seed: 3)
        bn.runningMean.value[0] = 1.5; bn.runningMean.value[1] = -2
        bn.runningVariance.value[0] = 4; bn.runningVariance.value[1] = 0.25
        let x = Tensor(shape: [2, 2], values: [1, 0, 3, -2])
        let y = bn.forward(x, training: false).array
        for r in 0..<2 {
            for j in 0..<2 {
                let m = Double(bn.runningMean.value[j]), v = Double(bn.runningVariance.value[j])
                let expected = Double(bn.gamma.value[j]) * (Double(x[r * 2 + j]) - m) / (v + 1e-3).squareRoot() + Double(bn.beta.value[j])
                #expect(abs(Double(y[r * 2 + j]) - expected) < 1e-5)
            }
        }
        // The running statistics are untouched by inference.
        #expect(bn.runningMean.value.array == [1.5, -2] && bn.runningVariance.value.array == [4, 0.25])
    }

    /// The objective `sum c_i y_i` in training mode (every output depends on every input of its feature).
    func objective(_ bn: BatchNormalization, _ x: Tensor, _ c: [Float], training: Bool) -> Double {
        let y = bn.forward(x, training: training)
        var s = 0.0
        for i in 0..<y.count { s += Double(c[i]) * Double(y[i]) }
        return s
    }

    /// dL/dx, dL/dgamma and dL/dbeta against central differences, in training mode (batch statistics) and in
    /// inference mode (running statistics). The tolerance is the one of the other layers' checks.
    @Test(arguments: [true, false])
    func backwardMatchesFiniteDifferences(training: Bool) {
        let bn = layer(features: 4, seed: 5)
        bn.runningMean.value.fill(0.3)
        bn.runningVariance.value.fill(1.7)
        let rng = RandomStream(seed: 6)
        let x = GradientCheck.randomTensor([6, 4], rng, scale: 1.5)
        let c = (0..<24).map { _ in Float(rng.normal()) }
        for p in bn.parameters { p.gradient.fill(0) }
        _ = bn.forward(x, training: training)
        let dx = bn.backward(Tensor(shape: [6, 4], values: c)).array
        let analytic = bn.parameters.map(\.gradient.array)
        var compared = 0
        GradientCheck.centralDifferences(input: x, inputGradient: dx, parameters: bn.parameters, parameterGradients: analytic,
                                         objective: { objective(bn, x, c, training: training) }) { numeric, value, what in
            #expect(abs(numeric - value) <= 2e-3 * abs(value) + 2e-4, "\(what): \(numeric) vs \(value)")
            compared += 1
        }
        #expect(compared == 24 + 8)
        // In training mode the input gradient of each feature sums to zero (the mean is subtracted).
        if training {
            for j in 0..<4 { #expect(abs((0..<6).reduce(0.0) { $0 + Double(dx[$1 * 4 + j]) }) < 1e-5) }
        }
    }

    /// The whole dense network with batch normalisation, in training mode: every parameter's gradient (gamma and beta
    /// included) against central differences of the batch objective.
    @Test func networkWithBatchNormBackwardMatchesFiniteDifferences() throws {
        let net = try Network.dense(inputs: 3, hidden: [6, 4], activation: .tanh, batchNorm: true, seed: 9)
        #expect(net.layers.map(\.kind) == ["dense", "batchnorm", "tanh", "dense", "batchnorm", "tanh", "dense"])
        #expect(net.parameters.map(\.name).contains("1.gamma") && net.parameters.map(\.name).contains("4.beta"))
        let rng = RandomStream(seed: 10)
        let x = GradientCheck.randomTensor([8, 3], rng)
        let c = (0..<8).map { _ in Float(rng.normal()) }
        func objective() -> Double {
            let y = net.forward(x, training: true)
            return (0..<8).reduce(0.0) { $0 + Double(c[$1]) * Double(y[$1]) }
        }
        net.zeroGradients()
        _ = net.forward(x, training: true)
        net.backward(Tensor(shape: [8, 1], values: c))
        var compared = 0
        GradientCheck.centralDifferences(parameters: net.parameters, parameterGradients: net.parameters.map(\.gradient.array),
                                         h: 3e-3, objective: objective) { numeric, g, what in
            #expect(abs(numeric - g) < 3e-3 * abs(g) + 5e-4, "\(what): \(numeric) vs \(g)")
            compared += 1
        }
        #expect(compared == (3 * 6 + 6) + 12 + (6 * 4 + 4) + 8 + (4 + 1))
    }

    /// A trained network with batch normalisation and dropout: the same seed gives the same bits, and the saved and
    /// reloaded model (running statistics as tensors) predicts bit-identically.
    @Test func trainingIsDeterministicAndTheModelRoundTrips() throws {
        let data = try gaussianPair(eventsPerClass: 600, seed: 2)
        func trained() throws -> Network {
            let net = try Network.dense(inputs: 1, hidden: [8, 8], dropout: 0.2, batchNorm: true, seed: 3)
            var o = TrainerSettings(); o.epochs = 3; o.batchSize = 64; o.seed = 4; o.quiet = true
            try Trainer(network: net, options: o).train(data)
            return net
        }
        let a = try trained(), b = try trained()
        #expect(a.savedTensors.count == 3 * 2 + 2 * 4)
        for (p, q) in zip(a.savedTensors, b.savedTensors) { #expect(p.value.array == q.value.array, "\(p.name)") }
        let bn = try #require(a.layers[1] as? BatchNormalization)
        #expect(bn.runningMean.value.array != [Float](repeating: 0, count: 8), "running statistics moved")
        let x: [Float] = stride(from: -3, through: 3, by: 0.5).map { Float($0) }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("neyman-bn-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).safetensors").path
        try a.save(to: path)
        let back = try Network.load(path: path)
        #expect(back.layers.map(\.kind) == a.layers.map(\.kind))
        #expect(back.predictRaw(x, rows: x.count) == a.predictRaw(x, rows: x.count))
        let backBN = try #require(back.layers[1] as? BatchNormalization)
        #expect(backBN.runningVariance.value.array == bn.runningVariance.value.array)
        #expect(backBN.momentum == bn.momentum && backBN.epsilon == bn.epsilon)
        // The saved file must hold the running statistics: a model without them is refused, naming the tensor.
        let (entries, meta) = try SafeTensors.read(path: path)
        let damaged = FileManager.default.temporaryDirectory.appendingPathComponent("neyman-bn-damaged-\(getpid()).safetensors").path
        try SafeTensors.write(entries.filter { $0.name != "1.running_var" }, metadata: meta, to: damaged)
        do { _ = try Network.load(path: damaged); Issue.record("loaded without 1.running_var") } catch let e as NeymanError {
            #expect(e.location.key == "1.running_var", "\(e)")
        }
        var m = meta
        m["layers"] = meta["layers"]?.replacingOccurrences(of: "\"momentum\":0.99,", with: "\"momentum\":1.5,")
        #expect(m["layers"] != meta["layers"])
        try SafeTensors.write(entries, metadata: m, to: damaged)
        do { _ = try Network.load(path: damaged); Issue.record("loaded momentum 1.5") } catch let e as NeymanError {
            #expect(e.location.key == "layers[1].momentum", "\(e)")
        }
    }

    /// `[network] batch_norm = true` builds Dense -> BatchNorm -> activation for dense networks, and is refused for
    /// the other kinds, naming the key.
    @Test func configKey() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("neyman-bn-cfg-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try "x,y,label\n0.1,1,1\n0.2,2,0\n".write(to: dir.appendingPathComponent("t.csv"), atomically: true, encoding: .utf8)
        func config(_ network: String, features: Bool = true) throws -> String {
            let path = dir.appendingPathComponent("c.toml").path
            let columns = features ? "features = [\"x\", \"y\"]\n" : ""
            try "[data]\ntrain = \"t.csv\"\n\(columns)[network]\n\(network)\n".write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        let cfg = try TrainingFile.load(path: try config("layers = [5, 4]\nbatch_norm = true\ndropout = 0.1"))
        #expect(cfg.batchNorm)
        #expect(try cfg.makeNetwork().layers.map(\.kind)
                == ["dense", "batchnorm", "relu", "dropout", "dense", "batchnorm", "relu", "dropout", "dense"])
        #expect(try TrainingFile.load(path: try config("layers = [5]")).makeNetwork().layers.map(\.kind) == ["dense", "relu", "dense"])
        do {
            _ = try TrainingFile.load(path: try config("kind = \"pfn\"\nparticles = 2\nparticle_features = [\"x\"]\nbatch_norm = true", features: false))
            Issue.record("batch_norm accepted for a pfn")
        } catch let e as NeymanError {
            #expect(e.location.key == "network.batch_norm", "\(e)")
        }
    }
}
