import Foundation
import Testing
import NeymanCore
@testable import NeymanNN

/// OpenBLAS's thread count is process-global; it is pinned to 1 when the program loads and nothing changes it
/// (NeymanCore/BLASThreads.swift). These tests check the pin and that a training's numbers do not depend on what
/// other threads do with BLAS at the same time (parallel maps used to switch the global count around their regions,
/// under a training running elsewhere).
@Suite("BLAS threading")
struct BLASThreadingTests {
    @Test("OpenBLAS is pinned to one thread when the program loads, and parallel maps leave it there")
    func pinnedAtLoad() throws {
        #expect(BLASThreads.pinnedAtLoad)
        #expect(BLASThreads.current == 1)
        #expect(BLASThreads.configuration.contains("OpenBLAS"))
        _ = try deterministicParallelMap(count: 8, threads: 2) { i in
            try Network.dense(inputs: 4, hidden: [16], seed: UInt64(i)).score([Float](repeating: 0.5, count: 40), rows: 10)
        }
        #expect(BLASThreads.current == 1)
    }

    /// A dense 8-64-64-1 network trained for 3 epochs on 4000 events; its weights, bit for bit.
    private func trainedWeights() throws -> [[UInt32]] {
        let rng = RandomStream(seed: 11, task: 0)
        let n = 4000, d = 8
        var x: [Float] = [], y: [Float] = []
        for i in 0..<n {
            let a = i % 2 == 0
            for _ in 0..<d { x.append(Float(rng.normal(mean: a ? 0.3 : -0.3))) }
            y.append(a ? 1 : 0)
        }
        let data = try LabelledEvents(features: x, labels: y, featureCount: d)
        let net = try Network.dense(inputs: d, hidden: [64, 64], seed: 3)
        var o = TrainerSettings()
        o.epochs = 3; o.batchSize = 128; o.patience = 0; o.validationFraction = 0; o.seed = 4
        try Trainer(network: net, options: o).train(data)
        return net.parameters.map { $0.value.array.map(\.bitPattern) }
    }

    @Test("a training gives bit-identical weights while parallel maps run BLAS products on other threads")
    func trainingUnaffectedByConcurrentParallelMaps() throws {
        let reference = try trainedWeights()
        let stop = LockedValue(false)
        let maps = LockedValue(0)
        let background = Thread {
            let inputs = [Float](repeating: 0.25, count: 256 * 32)
            while true {
                if stop.get() { break }
                _ = try? deterministicParallelMap(count: 4, threads: 2) { i in
                    try Network.dense(inputs: 32, hidden: [128, 128], seed: UInt64(i)).score(inputs, rows: 256)
                }
                maps.update { $0 += 1 }
            }
        }
        background.start()
        let concurrent = try trainedWeights()
        stop.set(true)
        while !background.isFinished { usleep(1000) }
        let ran = maps.get()
        #expect(ran > 0, "the background parallel maps did not run during the training")
        #expect(concurrent.count == reference.count && !reference.isEmpty)
        #expect(concurrent == reference)
    }
}

/// A value shared between threads of a test, read and written only under its lock (hence `@unchecked Sendable`).
final class LockedValue<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: T
    init(_ value: T) { self.value = value }
    func get() -> T { lock.lock(); defer { lock.unlock() }; return value }
    func set(_ v: T) { lock.lock(); value = v; lock.unlock() }
    func update(_ f: (inout T) -> Void) { lock.lock(); f(&value); lock.unlock() }
}
