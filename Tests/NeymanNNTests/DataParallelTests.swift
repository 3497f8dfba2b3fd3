import Foundation
import NeymanCore
import Testing
@testable import NeymanNN

/// Data-parallel training (`TrainerSettings.threads > 1`, ``DataParallelStep``): one step's outputs and gradients
/// against the single-thread computation, and whole trainings repeatable bit for bit for a given thread count.
@Suite("Data-parallel training")
struct DataParallelTests {
    static func batch(_ n: Int, _ k: Int, seed: UInt64, padding: Bool = false) -> Tensor {
        let rng = RandomStream(seed: seed)
        return Tensor(shape: [n, k], values: (0..<(n * k)).map { i in padding && (i / 3) % 5 == 4 ? 0 : Float(rng.normal()) })
    }

    /// Shard outputs and summed gradients equal one forward/backward pass over the whole batch (to float rounding),
    /// for a dense network and a PFN, with shards of unequal size (n = 37 on 3 threads).
    @Test(arguments: ["dense", "pfn"])
    func oneStepMatchesTheSingleThreadPass(_ kind: String) throws {
        let net = kind == "dense"
            ? try Network.dense(inputs: 6, hidden: [16, 8], seed: 3)
            : try Network.pfn(particles: 6, features: 3, phi: [12, 8], f: [8], seed: 3)
        let k = net.inputSize, n = 37
        let x = Self.batch(n, k, seed: 4, padding: kind == "pfn")
        let rng = RandomStream(seed: 5)
        let dz = Tensor(shape: [n, 1], values: (0..<n).map { _ in Float(rng.normal()) })

        net.zeroGradients()
        let z1 = net.forward(x, training: true).array
        net.backward(dz)
        let single = net.parameters.map(\.gradient.array)

        let step = try DataParallelStep(master: net, threads: 3)
        #expect(step.shards(n).map(\.count) == [13, 12, 12])
        let z3 = step.forward(x, rows: n, width: k).array
        step.backward(dz, rows: n)
        let parallel = net.parameters.map(\.gradient.array)

        try #require(z1.count == n && z3.count == n)
        for i in 0..<n { #expect(abs(z1[i] - z3[i]) <= 1e-5 * max(1, abs(z1[i])), "output \(i): \(z1[i]) vs \(z3[i])") }
        try #require(single.count == parallel.count && !single.isEmpty)
        for (a, b) in zip(single, parallel) {
            try #require(a.count == b.count)
            let scale = a.map { abs($0) }.max() ?? 1
            for i in a.indices { #expect(abs(a[i] - b[i]) <= 1e-5 * max(scale, 1e-3), "gradient \(i): \(a[i]) vs \(b[i])") }
        }
    }

    /// A training on 2 threads gives the same weights every time, and a loss close to the one-thread training.
    @Test func trainingIsRepeatableForAGivenThreadCount() throws {
        let rng = RandomStream(seed: 11)
        var x: [Float] = [], y: [Float] = []
        for i in 0..<3000 {
            let label: Float = i % 2 == 0 ? 1 : 0
            x += [Float(rng.normal(mean: label == 1 ? 0.7 : -0.7)), Float(rng.normal())]
            y.append(label)
        }
        let data = try LabelledEvents(features: x, labels: y, featureCount: 2)
        func train(_ threads: Int) throws -> (weights: [[Float]], loss: Double) {
            let net = try Network.dense(inputs: 2, hidden: [16, 16], dropout: 0.1, seed: 2)
            var o = TrainerSettings()
            o.epochs = 4; o.batchSize = 64; o.seed = 3; o.threads = threads
            let h = try Trainer(network: net, options: o).train(data)
            return (net.parameters.map(\.value.array), h.last?.validationLoss ?? .nan)
        }
        let a = try train(2), b = try train(2), one = try train(1)
        #expect(a.weights == b.weights)
        #expect(a.weights != one.weights)
        #expect(abs(a.loss - one.loss) < 0.02, "2 threads \(a.loss), 1 thread \(one.loss)")
    }

    /// The element-wise split of a tensor between workers covers every element once, in order, in whole blocks of 8
    /// (but the tensor's last block).
    @Test(arguments: [(0, 2), (1, 2), (8, 2), (9, 2), (197, 2), (38809, 2), (100, 3), (5, 4), (64, 7)])
    func chunksCoverEveryElementOnce(_ split: (Int, Int)) {
        let (count, workers) = split
        let ranges = (0..<workers).map { DataParallelStep.chunk($0, of: (count, workers)) }
        #expect(ranges.first?.lowerBound == 0 && ranges.last?.upperBound == count, "\(ranges)")
        for w in 1..<workers { #expect(ranges[w].lowerBound == ranges[w - 1].upperBound, "\(ranges)") }
        for r in ranges where r.upperBound < count { #expect(r.count % 8 == 0, "\(ranges)") }
        // Whole blocks are shared out evenly (at most one block apart); only the last block may be partial.
        let sizes = ranges.map(\.count)
        #expect((sizes.max() ?? 0) - (sizes.min() ?? 0) < 16, "\(sizes)")
        #expect(sizes.reduce(0, +) == count)
    }

    /// Adam cut into element ranges (any order) gives bit for bit the weights of whole-tensor updates.
    @Test func adamInPiecesEqualsTheWholeUpdate() throws {
        func run(pieces: Bool) throws -> [[Float]] {
            let net = try Network.dense(inputs: 5, hidden: [19, 11], seed: 8)
            let adam = Adam(parameters: net.parameters, learningRate: 0.01)
            adam.weightDecay = 0.05
            let rng = RandomStream(seed: 9)
            for _ in 0..<5 {
                for p in net.parameters { for i in 0..<p.gradient.count { p.gradient[i] = Float(rng.normal()) } }
                if pieces {
                    let c = adam.beginStep()
                    for (i, count) in adam.parameterCounts.enumerated().reversed() {
                        for w in [2, 0, 1] { adam.apply(c, parameter: i, range: DataParallelStep.chunk(w, of: (count, 3))) }
                    }
                } else {
                    adam.update()
                }
            }
            return net.parameters.map(\.value.array)
        }
        let whole = try run(pieces: false), cut = try run(pieces: true)
        try #require(whole.count == 6)
        #expect(whole == cut)
    }

    /// The data-parallel step with the optimizer fused into the gradient sum updates the weights exactly as the
    /// summed gradients followed by a separate Adam step do.
    @Test func fusedUpdateEqualsSumThenUpdate() throws {
        func step(fused: Bool) throws -> [[Float]] {
            let net = try Network.dense(inputs: 4, hidden: [24, 12], seed: 6)
            let adam = Adam(parameters: net.parameters, learningRate: 0.01)
            let parallel = try DataParallelStep(master: net, threads: 2)
            for t in 0..<3 {
                let x = Self.batch(29, 4, seed: UInt64(20 + t))
                let rng = RandomStream(seed: UInt64(40 + t))
                let dz = Tensor(shape: [29, 1], values: (0..<29).map { _ in Float(rng.normal()) })
                _ = parallel.forward(x, rows: 29, width: 4)
                if fused { parallel.backward(dz, rows: 29, optimizer: adam) } else { parallel.backward(dz, rows: 29); adam.update() }
            }
            return net.parameters.map(\.value.array)
        }
        let a = try step(fused: true), b = try step(fused: false)
        try #require(a.count == 6)
        #expect(a == b)
    }

    /// Adam's update is the formula of Kingma & Ba element by element, checked against the same arithmetic written
    /// out in Swift in Float for three steps (bias corrections folded into the learning rate and epsilon), over a
    /// tensor whose length is not a multiple of the kernel's vector width, with gradients of both signs and zeros.
    @Test func adamKernelIsTheScalarFormula() throws {
        let count = 23
        let parameter = Parameter(name: "layer.bias", shape: [count])
        let rng = RandomStream(seed: 12)
        for i in 0..<count { parameter.value[i] = Float(rng.normal()) }
        let adam = Adam(parameters: [parameter], learningRate: 0.003)
        var w = parameter.value.array, m = [Float](repeating: 0, count: count), v = m
        for t in 1...3 {
            for i in 0..<count { parameter.gradient[i] = i % 7 == 0 ? 0 : Float(rng.normal(mean: 0, sigma: 2)) }
            adam.update()
            let c1 = 1 - pow(Float(0.9), Float(t)), c2 = 1 - pow(Float(0.999), Float(t))
            let lr = Float(0.003) * c2.squareRoot() / c1, eps = Float(1e-7) * c2.squareRoot()
            for i in 0..<count {
                let g = parameter.gradient[i]
                m[i] = 0.9 * m[i] + (1 - 0.9) * g
                let b2: Float = 0.999, b2c: Float = 1 - 0.999
                v[i] = b2 * v[i] + b2c * g * g
                w[i] = w[i] - lr * m[i] / (v[i].squareRoot() + eps)
            }
            #expect(parameter.value.array == w, "step \(t)")
        }
        // Far from rounding: the first step moves every weight with a non-zero gradient by about lr against its sign.
        #expect(w.indices.contains { w[$0] != 0 })
    }

    /// The replicas read the master's weights themselves: after the master's weights change (as the optimizer
    /// changes them), the data-parallel forward pass equals the master's own forward pass.
    @Test func replicasSeeTheMastersCurrentWeights() throws {
        let net = try Network.dense(inputs: 5, hidden: [9], seed: 4)
        let parallel = try DataParallelStep(master: net, threads: 2)
        let rng = RandomStream(seed: 13)
        for p in net.parameters { for i in 0..<p.value.count { p.value[i] = Float(rng.normal()) } }
        let x = Self.batch(10, 5, seed: 14)
        let direct = net.forward(x, training: false).array
        let sharded = parallel.forward(x, rows: 10, width: 5).array
        try #require(direct.count == 10 && sharded.count == 10)
        for i in 0..<10 { #expect(abs(direct[i] - sharded[i]) <= 1e-5 * max(1, abs(direct[i])), "row \(i)") }
        #expect(parallel.replicas.allSatisfy { zip($0.parameters, net.parameters).allSatisfy { $0.value === $1.value } })
    }
}
