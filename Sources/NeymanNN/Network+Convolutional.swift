import Foundation
import NeymanCore

extension Network {
    /// A convolutional network on `[height, width, channels]` images (channels-last), as in the muon paper's
    /// appendix A.1: `blocks` blocks of (`convsPerBlock` x [Conv2D(filters, 3x3, same) -> activation]) followed by
    /// 2x2 max pooling, then Flatten, the dense layers `dense` (each with the activation and optional dropout), and
    /// `Dense(-> 1)`.
    ///
    /// Layers are named by their index (as ``Network/dense(inputs:hidden:activation:dropout:initializer:seed:lossKind:)``
    /// does), so saved models reload. Conv and dense weights come from `RandomStream(seed, task: k)`, `k` counting the
    /// weighted layers in order; He initialisation for the convolutions (ReLU networks), `initializer` for the dense
    /// layers.
    ///
    /// - Throws: if an image dimension would drop below 1 after the pooling steps, or any size is not positive.
    public static func cnn(height: Int, width: Int, channels: Int, blocks: Int = 3, convsPerBlock: Int = 3, filters: Int = 48,
                           kernel: Int = 3, dense: [Int] = [74, 74], activation: ActivationKind = .relu, dropout: Float = 0,
                           initializer: Initializer = .glorotNormal, seed: UInt64 = 0, lossKind: LossKind = .bce) throws -> Network {
        guard height > 0, width > 0, channels > 0, blocks >= 0, convsPerBlock > 0, filters > 0, kernel > 0 else {
            throw NeymanError.invalid("CNN sizes must be positive (height \(height), width \(width), channels \(channels), "
                                      + "blocks \(blocks), convs per block \(convsPerBlock), filters \(filters), kernel \(kernel))")
        }
        guard height >> blocks >= 1, width >> blocks >= 1 else {
            throw NeymanError.invalid("a \(height) x \(width) image cannot be pooled \(blocks) times", key: "network.blocks")
        }
        var layers: [Layer] = []
        var h = height, w = width, c = channels
        var task: UInt64 = 0
        for _ in 0..<blocks {
            for _ in 0..<convsPerBlock {
                let conv = Conv2D(height: h, width: w, channels: c, filters: filters, kernelHeight: kernel, kernelWidth: kernel,
                                  name: "\(layers.count)")
                Initializer.he.fill(conv.weight.value, fanIn: kernel * kernel * c, fanOut: kernel * kernel * filters,
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
            initializer.fill(d.weight.value, fanIn: width1, fanOut: units, rng: RandomStream(seed: seed, task: task))
            task += 1
            layers.append(d)
            layers.append(Activation(activation, shape: [units]))
            if dropout > 0 { layers.append(Dropout(rate: dropout, shape: [units], seed: seed &+ UInt64(k) &+ 2000)) }
            width1 = units
        }
        let out = Dense(inputs: width1, outputs: 1, name: "\(layers.count)")
        Initializer.glorotNormal.fill(out.weight.value, fanIn: width1, fanOut: 1, rng: RandomStream(seed: seed, task: task))
        layers.append(out)
        return Network(layers: layers, inputShape: [height, width, channels], lossKind: lossKind)
    }

    /// Events per batch when predicting: convolutional networks keep an im2col buffer per layer sized to the batch
    /// (`batch x H x W x 9C` floats), so they predict in batches of 128; others in batches of 4096.
    var predictionBatchSize: Int { layers.contains { $0 is Conv2D } ? 128 : 4096 }
}
