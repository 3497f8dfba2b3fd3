import CBLAS
import Foundation

/// A fully connected layer, `y = x W + b`, with `W` stored `[inputs, outputs]` row-major and the products done by
/// `cblas_sgemm`:
///
/// ```
///   forward:   Y[n, o]  = X[n, i] W[i, o] + 1 b[o]
///   backward:  dW[i, o] += X^T dY,   db[o] += sum_n dY[n, o],   dX[n, i] = dY W^T
/// ```
public final class Dense: Layer {
    public let kind = "dense"
    public let inputs: Int
    public let outputs: Int
    public let weight: Parameter
    public let bias: Parameter
    public var parameters: [Parameter] { [weight, bias] }
    public var inputShape: [Int] { [inputs] }
    public var outputShape: [Int] { [outputs] }

    private let output = Tensor(shape: [1, 1])
    private let inputGradient = Tensor(shape: [1, 1])
    private var lastInput: Tensor?

    /// A layer with zero weights; use an ``Initializer`` to fill them.
    public init(inputs: Int, outputs: Int, name: String = "dense") {
        self.inputs = inputs
        self.outputs = outputs
        weight = Parameter(name: "\(name).weight", shape: [inputs, outputs])
        bias = Parameter(name: "\(name).bias", shape: [outputs])
    }

    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        let n = input.shape[0]
        lastInput = input
        output.reshape([n, outputs])
        let y = output.storage, b = bias.value.storage
        for r in 0..<n { (y + r * outputs).update(from: b, count: outputs) }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(outputs), Int32(inputs),
                    1, input.storage, Int32(inputs), weight.value.storage, Int32(outputs), 1, y, Int32(outputs))
        return output
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        guard let x = lastInput else { return inputGradient }
        let n = outputGradient.shape[0]
        let dy = outputGradient.storage
        // dW += X^T dY
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(inputs), Int32(outputs), Int32(n),
                    1, x.storage, Int32(inputs), dy, Int32(outputs), 1, weight.gradient.storage, Int32(outputs))
        // db += column sums of dY
        let db = bias.gradient.storage
        for r in 0..<n {
            let row = dy + r * outputs
            for o in 0..<outputs { db[o] += row[o] }
        }
        // dX = dY W^T
        inputGradient.reshape([n, inputs])
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(n), Int32(inputs), Int32(outputs),
                    1, dy, Int32(outputs), weight.value.storage, Int32(outputs), 0, inputGradient.storage, Int32(inputs))
        return inputGradient
    }
}
