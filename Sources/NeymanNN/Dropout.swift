import Foundation
import NeymanCore

/// Inverted dropout: in training, each element is zeroed with probability `rate` and the survivors are scaled by
/// `1 / (1 - rate)`, so that evaluation (which passes inputs through unchanged) needs no rescaling.
///
/// The mask comes from the layer's own ``RandomStream``; the trainer reseeds it from `(seed, epoch)` so that runs with
/// the same seed drop the same units.
public final class Dropout: Layer {
    public let kind = "dropout"
    public let rate: Float
    public let inputShape: [Int]
    public var outputShape: [Int] { inputShape }
    public var configuration: [String: Double] { ["rate": Double(rate)] }
    /// The stream the masks are drawn from.
    public var rng: RandomStream

    private let output = Tensor(shape: [1, 1])
    private let mask = Tensor(shape: [1, 1])
    private let inputGradient = Tensor(shape: [1, 1])
    private var lastWasTraining = false

    /// `rate` in [0, 1).
    public init(rate: Float, shape: [Int], seed: UInt64 = 0) {
        self.rate = min(max(rate, 0), 0.999)
        self.inputShape = shape
        rng = RandomStream(seed: seed)
    }

    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        output.reshape(input.shape)
        lastWasTraining = training && rate > 0
        let n = input.count
        if !lastWasTraining {
            output.storage.update(from: input.storage, count: n)
            return output
        }
        mask.reshape(input.shape)
        let keep = 1 / (1 - rate)
        for i in 0..<n {
            let m: Float = rng.uniform() < Double(rate) ? 0 : keep
            mask[i] = m
            output[i] = input[i] * m
        }
        return output
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        inputGradient.reshape(outputGradient.shape)
        let n = outputGradient.count
        if lastWasTraining {
            for i in 0..<n { inputGradient[i] = outputGradient[i] * mask[i] }
        } else {
            inputGradient.storage.update(from: outputGradient.storage, count: n)
        }
        return inputGradient
    }
}
