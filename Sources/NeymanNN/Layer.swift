import Foundation

/// A trainable parameter: its value and the gradient the last ``Layer/backward(_:)`` accumulated into it, with a
/// name used in saved models (`"0.weight"`, `"0.bias"`).
public final class Parameter {
    public let name: String
    /// The values. Module-internal setter: data-parallel replicas (``DataParallelStep``) point theirs at the master's
    /// tensors, so that every worker reads the weights the optimizer last wrote, with no copy per step.
    public internal(set) var value: Tensor
    public let gradient: Tensor

    public init(name: String, shape: [Int]) {
        self.name = name
        value = Tensor(shape: shape)
        gradient = Tensor(shape: shape)
    }
}

/// One stage of a network with an explicit backward pass.
///
/// Contract: ``forward(_:training:)`` takes a `[batch, inputSize...]` tensor and returns the layer's own output tensor
/// (reused across calls, valid until the next forward); ``backward(_:)`` takes `dL/d(output)` for the *last* forward
/// and returns `dL/d(input)` (also owned by the layer), adding `dL/d(parameter)` into each parameter's gradient
/// (callers zero gradients before a batch). Layers keep what they need from the forward pass.
public protocol Layer: AnyObject {
    /// Short kind name stored in saved models (`"dense"`, `"relu"`, ...).
    var kind: String { get }
    /// Trainable parameters (empty for activations).
    var parameters: [Parameter] { get }
    /// Non-trainable tensors the layer updates itself and that are saved with the model (``BatchNormalization``'s
    /// running mean and variance); empty by default. Their `gradient` is unused.
    var state: [Parameter] { get }
    /// The shape of one input row (without the batch dimension).
    var inputShape: [Int] { get }
    /// The shape of one output row.
    var outputShape: [Int] { get }
    func forward(_ input: Tensor, training: Bool) -> Tensor
    func backward(_ outputGradient: Tensor) -> Tensor
    /// Extra settings saved with the model (e.g. dropout rate); `[:]` by default.
    var configuration: [String: Double] { get }
}

extension Layer {
    public var parameters: [Parameter] { [] }
    public var state: [Parameter] { [] }
    public var configuration: [String: Double] { [:] }
    /// Number of elements of one input row.
    public var inputSize: Int { inputShape.reduce(1, *) }
    /// Number of elements of one output row.
    public var outputSize: Int { outputShape.reduce(1, *) }
}
