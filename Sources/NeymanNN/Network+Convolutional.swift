import Foundation
import NeymanCore

extension Network {
    /// A convolutional network on `[height, width, channels]` images (channels-last), as in the muon paper's
    /// appendix A.1: `blocks` blocks of (`convsPerBlock` x [Conv2D(filters, 3x3, same) -> activation]) followed by
    /// 2x2 max pooling, then Flatten, the dense layers `dense` (each with the activation and optional dropout), and
    /// `Dense(-> 1)`.
    ///
    /// Layers are named by their index (as ``Network/dense(inputs:hidden:activation:dropout:batchNorm:initializer:seed:lossKind:)``
    /// does), so saved models reload. Conv and dense weights come from `RandomStream(seed, task: k)`, `k` counting the
    /// weighted layers in order; He initialisation for the convolutions (ReLU networks), `initializer` for the dense
    /// layers.
    ///
    /// - Throws: if an image dimension would drop below 1 after the pooling steps, any size is not positive, or the
    ///   network would not fit in memory (``NetworkMemory``).
    public static func cnn(height: Int, width: Int, channels: Int, blocks: Int = 3, convsPerBlock: Int = 3, filters: Int = 48,
                           kernel: Int = 3, dense: [Int] = [74, 74], activation: ActivationKind = .relu, dropout: Float = 0,
                           initializer: Initializer = .glorotNormal, seed: UInt64 = 0, lossKind: LossKind = .bce) throws -> Network {
        guard height > 0, width > 0, channels > 0, blocks >= 0, convsPerBlock > 0, filters > 0, kernel > 0, dense.allSatisfy({ $0 > 0 }) else {
            throw NeymanError.invalid("CNN sizes must be positive (height \(height), width \(width), channels \(channels), "
                                      + "blocks \(blocks), convs per block \(convsPerBlock), filters \(filters), kernel \(kernel), dense \(dense))")
        }
        guard blocks < Int.bitWidth, height >> blocks >= 1, width >> blocks >= 1 else {
            throw NeymanError.invalid("a \(height) x \(width) image cannot be pooled \(blocks) times", key: "network.blocks")
        }
        try cnnMemory(height: height, width: width, channels: channels, blocks: blocks, convsPerBlock: convsPerBlock, filters: filters,
                      kernel: kernel, dense: dense, activation: activation, dropout: dropout,
                      keys: (image: "height", filters: "filters", convsPerBlock: "convsPerBlock", dense: "dense"))
            .check(batch: 1, batchKey: "height", floatsPerParameter: NetworkMemory.inferenceFloatsPerParameter, isParameter: true)
        var layers: [Layer] = []
        var h = height, w = width, c = channels
        var task: UInt64 = 0
        for _ in 0..<blocks {
            for _ in 0..<convsPerBlock {
                let conv = Conv2D(height: h, width: w, channels: c, filters: filters, kernelHeight: kernel, kernelWidth: kernel,
                                  name: "\(layers.count)")
                try Initializer.he.fill(conv.weight.value, fanIn: kernel * kernel * c, fanOut: kernel * kernel * filters,
                                    rng: RandomStream(seed: seed, task: task))
                task += 1
                layers.append(conv)
                layers.append(Activation(activation, shape: [h, w, filters]))
                c = filters
            }
            layers.append(MaxPool2D(height: h, width: w, channels: c))
            h /= 2
            w /= 2
        }
        layers.append(Flatten(shape: [h, w, c]))
        var width1 = h * w * c
        for (k, units) in dense.enumerated() {
            let d = Dense(inputs: width1, outputs: units, name: "\(layers.count)")
            try initializer.fill(d.weight.value, fanIn: width1, fanOut: units, rng: RandomStream(seed: seed, task: task))
            task += 1
            layers.append(d)
            layers.append(Activation(activation, shape: [units]))
            if dropout > 0 { layers.append(Dropout(rate: dropout, shape: [units], seed: seed &+ UInt64(k) &+ 2000)) }
            width1 = units
        }
        let out = Dense(inputs: width1, outputs: 1, name: "\(layers.count)")
        try Initializer.glorotNormal.fill(out.weight.value, fanIn: width1, fanOut: 1, rng: RandomStream(seed: seed, task: task))
        layers.append(out)
        return Network(layers: layers, inputShape: [height, width, channels], lossKind: lossKind)
    }

    /// The memory of ``cnn(height:width:channels:blocks:convsPerBlock:filters:kernel:dense:activation:dropout:initializer:seed:lossKind:)``
    /// as ``NetworkMemory`` parts, in the order it is built: the input (`H W C` values per event, and as many generated
    /// column names, counted as 4 floats each); the first convolution of each block with its activation and the
    /// block's pooling (sized by `filters`); the other `convsPerBlock - 1` convolutions of each block (counted by
    /// multiplication, never by a loop); and the dense layers with Flatten and the output unit; keyed by `keys`.
    /// Needs `0 <= blocks < 64` (the builder checks it first); nothing is allocated.
    public static func cnnMemory(height: Int, width: Int, channels: Int, blocks: Int, convsPerBlock: Int, filters: Int, kernel: Int,
                                 dense: [Int], activation: ActivationKind, dropout: Float,
                                 keys: (image: String, filters: String, convsPerBlock: String, dense: String)) -> NetworkMemory {
        let inputs = MemoryBudget.product([height, width, channels])
        let input = NetworkMemory.Part(key: keys.image, setting: "[\(height), \(width), \(channels)]",
                                       floatsPerEvent: CheckedCount.add(CheckedCount.product([2, inputs]), 3),
                                       fixedFloats: CheckedCount.product([4, inputs]))
        var first = NetworkMemory.Part(key: keys.filters, setting: "\(filters)")
        var repeated = NetworkMemory.Part(key: keys.convsPerBlock, setting: "\(convsPerBlock)")
        var h = height, w = width, c = channels
        for _ in 0..<min(max(blocks, 0), Int.bitWidth) {
            first.add([.conv2d(height: h, width: w, channels: c, filters: filters, kernelHeight: kernel, kernelWidth: kernel),
                       .activation(activation, shape: [h, w, filters]), .maxPool2d(height: h, width: w, channels: filters)])
            repeated.add([.conv2d(height: h, width: w, channels: filters, filters: filters, kernelHeight: kernel, kernelWidth: kernel),
                          .activation(activation, shape: [h, w, filters])], times: max(convsPerBlock - 1, 0))
            c = filters
            h /= 2
            w /= 2
        }
        let flat = MemoryBudget.product([h, w, c]) ?? Int.max
        let tail = [LayerSpec.flatten(shape: [h, w, c])] + denseSpecs(inputs: flat, hidden: dense, activation: activation, dropout: dropout)
        return NetworkMemory(parts: [input, first, repeated, .init(key: keys.dense, setting: "\(dense)", layers: tail)])
    }

    /// Events per batch when predicting: convolutional networks keep an im2col buffer per layer sized to the batch
    /// (`batch x H x W x 9C` floats), so they predict in batches of 128; others in batches of 4096.
    var predictionBatchSize: Int { layers.contains { $0 is Conv2D } ? 128 : 4096 }
}
