import Foundation
import NeymanCore

/// Data-parallel training steps on `T` threads (``TrainerSettings/threads`` `> 1`): every mini-batch is cut into `T`
/// contiguous shards of (nearly) equal size, each run forward and backward on its own replica of the network (which
/// shares the master's weight tensors and has gradients of its own), one BLAS thread per worker, and the parameter
/// gradients are summed in shard order:
/// ```
///   z = [f(X_1); ...; f(X_T)]                    forward, shard s on replica s (the master's weights)
///   dL/dz from the whole batch                   loss and penalties exactly as with one thread
///   grad W = sum_{s = 1..T} grad_s W             each replica's backward pass on its rows, summed in order s
/// ```
/// Everything but the order of the gradient sums is the one-thread computation, so a training with `T` threads gives
/// the same weights for the same seed on every run and every machine with the same BLAS kernels, and differs from
/// one thread only by rounding (and by the dropout masks, which each replica draws from its own stream). Layers
/// that need the whole batch at once (``BatchNormalization``) are refused.
final class DataParallelStep {
    let master: Network
    let replicas: [Network]
    private let inputs: [Tensor]
    private let gradients: [Tensor]
    private let output = Tensor(shape: [1, 1])
    let threads: Int
    private let team: StepWorkers

    /// Replicas of `master` (architecture, standardisation and weights, through its saved form).
    init(master: Network, threads: Int) throws {
        if master.layers.contains(where: { $0 is BatchNormalization }) {
            throw NeymanError.invalid("batch normalisation takes its statistics over the whole batch; data-parallel training "
                                      + "(threads = \(threads)) would take them per shard: use threads = 1 with batch_norm", parameter: "threads")
        }
        self.master = master
        self.threads = threads
        let meta = try master.metadata()
        let entries = master.parameters.map { SafeTensors.Entry(name: $0.name, shape: $0.value.shape, values: $0.value.array) }
        replicas = try (0..<threads).map { _ in try Network.build(entries: entries, metadata: meta) }
        for r in replicas {
            guard r.parameters.count == master.parameters.count,
                  zip(r.parameters, master.parameters).allSatisfy({ $0.value.shape == $1.value.shape }) else {
                throw NeymanError.invalid("this network cannot be replicated for data-parallel training (its saved form differs)", parameter: "threads")
            }
        }
        // Every replica reads the master's weight tensors themselves: the optimizer's update is seen by all workers
        // without a copy per step (each worker's gradients stay its own).
        for r in replicas {
            for (p, q) in zip(r.parameters, master.parameters) { p.value = q.value }
        }
        team = StepWorkers(count: threads)
        inputs = (0..<threads).map { _ in Tensor(shape: [1, 1]) }
        gradients = (0..<threads).map { _ in Tensor(shape: [1, 1]) }
    }

    /// The dropout layers of every replica, `[replica][layer]`.
    var dropouts: [[Dropout]] { replicas.map { $0.layers.compactMap { $0 as? Dropout } } }

    /// The shards of `n` rows: `threads` contiguous ranges whose sizes differ by at most one (empty ones dropped).
    func shards(_ n: Int) -> [Range<Int>] {
        let base = n / threads, extra = n % threads
        var out: [Range<Int>] = [], start = 0
        for s in 0..<threads {
            let size = base + (s < extra ? 1 : 0)
            if size > 0 { out.append(start..<(start + size)) }
            start += size
        }
        return out
    }

    /// The raw outputs `[n, 1]` of the batch `x` (`[n, k]`), shard `s` on replica `s` with the master's weights.
    func forward(_ x: Tensor, rows n: Int, width k: Int) -> Tensor {
        let parts = shards(n)
        output.reshape([n, 1])
        let xs = SendablePointer(x.storage), z = SendablePointer(output.storage)
        // Each worker touches its own replica and input tensor only, and reads the master's weights (shared tensors).
        let shared = WorkerShared((replicas, inputs))
        team.run { s in
            guard s < parts.count else { return }
            let (replicas, inputs) = shared.value
            let range = parts[s], m = range.count
            inputs[s].reshape([m, k])
            inputs[s].storage.update(from: xs.pointer + range.lowerBound * k, count: m * k)
            let y = replicas[s].forward(inputs[s], training: true)
            (z.pointer + range.lowerBound).update(from: y.storage, count: m)
        }
        return output
    }

    /// Backward passes of every shard with its rows of `dL/dz`, then the master's gradients = the shards' sum in order,
    /// and, with `optimizer`, its update: both cut between the workers element-wise (blocks of 8 elements per worker
    /// and tensor, see ``chunk(_:of:)``), so the result does not depend on how the elements are shared out.
    func backward(_ gradient: Tensor, rows n: Int, optimizer: Adam? = nil) {
        let parts = shards(n)
        let g = SendablePointer(gradient.storage)
        let shared = WorkerShared((replicas, gradients))
        team.run { s in
            guard s < parts.count else { return }
            let (replicas, gradients) = shared.value
            let range = parts[s]
            replicas[s].zeroGradients()
            gradients[s].reshape([range.count, 1])
            gradients[s].storage.update(from: g.pointer + range.lowerBound, count: range.count)
            replicas[s].backward(gradients[s])
        }
        let used = max(parts.count, 1), threads = self.threads
        let constants = optimizer?.beginStep()
        let tensors = WorkerShared((master.parameters, replicas, optimizer))
        team.run { w in
            let (params, replicas, optimizer) = tensors.value
            for (i, p) in params.enumerated() {
                let range = DataParallelStep.chunk(w, of: (p.gradient.count, threads))
                guard !range.isEmpty else { continue }
                let partials = (0..<used).map { UnsafePointer(replicas[$0].parameters[i].gradient.storage) }
                if let optimizer, let constants {
                    // Sum and update in one pass over the elements (the same bits as summing first).
                    optimizer.apply(constants, parameter: i, range: range, summing: partials)
                } else {
                    let out = p.gradient.storage + range.lowerBound, count = range.count
                    out.update(from: partials[0] + range.lowerBound, count: count)
                    for s in 1..<used {
                        let src = partials[s] + range.lowerBound
                        for e in 0..<count { out[e] += src[e] }
                    }
                }
            }
        }
    }

    /// Worker `w`'s part of a tensor of `count` elements shared by `workers`: contiguous blocks, whole multiples of 8
    /// elements except the last, in worker order.
    static func chunk(_ w: Int, of split: (count: Int, workers: Int)) -> Range<Int> {
        let blocks = (split.count + 7) / 8, per = blocks / split.workers, extra = blocks % split.workers
        let first = w * per + min(w, extra), size = per + (w < extra ? 1 : 0)
        return min(first * 8, split.count)..<min((first + size) * 8, split.count)
    }
}

/// Values handed to concurrent workers that each touch disjoint parts of them (their own replica, tensor or range).
struct WorkerShared<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// A raw pointer handed to concurrent workers that write disjoint ranges of it.
struct SendablePointer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    init(_ p: UnsafeMutablePointer<Float>) { pointer = p }
}
