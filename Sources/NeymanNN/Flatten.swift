import Foundation

/// Flattens each input row to a vector: `[H, W, C] -> [H*W*C]` (any row shape works, e.g. `[H, W, C]` from
/// ``Conv2D`` or ``MaxPool2D``).
///
/// Row-major storage makes this a relabelling: output element `(b, (h*W + w)*C + c)` is input element
/// `(b, h, w, c)`, so both passes are plain copies into the layer's own tensors:
///
/// ```
///   forward:   Y[n, H*W*C] = X[n, H, W, C]     (same memory order)
///   backward:  dX[n, H, W, C] = dY[n, H*W*C]
/// ```
public final class Flatten: Layer {
    /// `"flatten"`.
    public let kind = "flatten"
    /// The shape of one input row, e.g. `[H, W, C]`.
    public let inputShape: [Int]
    /// `[product of inputShape]`.
    public var outputShape: [Int] { [inputShape.reduce(1, *)] }

    private let output = Tensor(shape: [1, 1])
    private let inputGradient = Tensor(shape: [1, 1])

    /// A flatten layer for rows of shape `shape` (without the batch dimension).
    public init(shape: [Int]) {
        self.inputShape = shape
    }

    /// A flatten layer for `[height, width, channels]` images.
    public convenience init(height: Int, width: Int, channels: Int) {
        self.init(shape: [height, width, channels])
    }

    /// Returns a copy of `input` shaped `[n, inputSize]`, `n = input.shape[0]` (the layer's own tensor, reused).
    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        let n = input.shape.first ?? 0
        let k = inputSize
        output.reshape([n, k])
        output.storage.update(from: input.storage, count: min(n * k, input.count))
        return output
    }

    /// Returns a copy of `outputGradient` shaped `[n] + inputShape` (the layer's own tensor).
    public func backward(_ outputGradient: Tensor) -> Tensor {
        let n = outputGradient.shape.first ?? 0
        inputGradient.reshape([n] + inputShape)
        inputGradient.storage.update(from: outputGradient.storage, count: min(n * inputSize, outputGradient.count))
        return inputGradient
    }
}
