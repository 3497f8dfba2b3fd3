import Foundation

/// The elementwise activation functions, each with its derivative written in terms of what the forward pass kept.
///
/// ```
///   relu(x)    = max(x, 0)                 relu'    = [x > 0]
///   elu(x)     = x if x > 0 else e^x - 1   elu'     = 1 if x > 0 else elu(x) + 1      (alpha = 1)
///   sigmoid(x) = 1 / (1 + e^-x)            sigmoid' = s (1 - s)
///   tanh(x)                                tanh'    = 1 - t^2
/// ```
public enum ActivationKind: String, Sendable, CaseIterable {
    case relu, elu, sigmoid, tanh
}

/// An activation layer; see ``ActivationKind`` for the functions.
public final class Activation: Layer {
    public let function: ActivationKind
    public var kind: String { function.rawValue }
    public let inputShape: [Int]
    public var outputShape: [Int] { inputShape }

    private let output = Tensor(shape: [1, 1])
    private let inputGradient = Tensor(shape: [1, 1])

    public init(_ function: ActivationKind, shape: [Int]) {
        self.function = function
        self.inputShape = shape
    }

    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        output.reshape(input.shape)
        let x = input.storage, y = output.storage
        let n = input.count
        switch function {
        case .relu:
            // SIMD by hand: the compiler cannot prove the buffers do not alias, so it would not vectorise.
            var i = 0
            let zero = SIMD8<Float>(repeating: 0)
            while i + 8 <= n {
                let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(y + i).storeBytes(of: v.replacing(with: zero, where: v .< zero), as: SIMD8<Float>.self)
                i += 8
            }
            while i < n { y[i] = max(x[i], 0); i += 1 }
        case .elu: for i in 0..<n { y[i] = x[i] > 0 ? x[i] : expm1(x[i]) }
        case .sigmoid:
            for i in 0..<n {
                let v = x[i]
                y[i] = v >= 0 ? 1 / (1 + exp(-v)) : exp(v) / (1 + exp(v))
            }
        case .tanh: for i in 0..<n { y[i] = Foundation.tanh(x[i]) }
        }
        return output
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        inputGradient.reshape(outputGradient.shape)
        let dy = outputGradient.storage, y = output.storage, dx = inputGradient.storage
        let n = outputGradient.count
        switch function {
        case .relu:
            var i = 0
            let zero = SIMD8<Float>(repeating: 0)
            while i + 8 <= n {
                let out = UnsafeRawPointer(y + i).loadUnaligned(as: SIMD8<Float>.self)
                let g = UnsafeRawPointer(dy + i).loadUnaligned(as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(dx + i).storeBytes(of: g.replacing(with: zero, where: out .<= zero), as: SIMD8<Float>.self)
                i += 8
            }
            while i < n { dx[i] = y[i] > 0 ? dy[i] : 0; i += 1 }
        case .elu: for i in 0..<n { dx[i] = y[i] > 0 ? dy[i] : dy[i] * (y[i] + 1) }
        case .sigmoid: for i in 0..<n { dx[i] = dy[i] * y[i] * (1 - y[i]) }
        case .tanh: for i in 0..<n { dx[i] = dy[i] * (1 - y[i] * y[i]) }
        }
        return inputGradient
    }
}

/// The logistic function `1 / (1 + e^-z)` in Double, without overflow for either sign (`e^z / (1 + e^z)` for
/// `z < 0`): the classifier score of a logit, used by the losses, the DisCo penalty and the studies.
@inline(__always)
public func logistic(_ z: Double) -> Double { z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z)) }
