import CNeymanKernels
import Foundation

/// Adam (Kingma & Ba, arXiv:1412.6980) with bias correction:
///
/// ```
///   m <- b1 m + (1 - b1) g        v <- b2 v + (1 - b2) g^2
///   theta <- theta - lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
/// ```
/// Defaults as in Keras and PyTorch: `b1 = 0.9`, `b2 = 0.999`, `eps = 1e-7` (Keras; PyTorch uses 1e-8).
/// With `weightDecay > 0` it is AdamW (Loshchilov & Hutter, arXiv:1711.05101): `theta <- theta - lr * wd * theta`
/// applied to weight matrices (parameters named `*.weight`), not to biases.
public final class Adam {
    public var learningRate: Float
    public var weightDecay: Float = 0
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    private var step = 0
    private var moments: [(m: Tensor, v: Tensor)]
    private let parameters: [Parameter]

    public init(parameters: [Parameter], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-7) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        moments = parameters.map { (Tensor(shape: $0.value.shape), Tensor(shape: $0.value.shape)) }
    }

    /// The constants of one step `t` (``beginStep()``): bias-corrected learning rate `lr sqrt(1 - b2^t) / (1 - b1^t)`,
    /// `eps sqrt(1 - b2^t)` (the same update as dividing m and v by their corrections), and the AdamW shrink factor.
    struct StepConstants {
        let lr: Float, eps: Float, b1: Float, b2: Float, shrink: Float
    }

    /// Parameter tensors the optimizer updates, in order (their element counts: ``apply(_:parameter:range:)``).
    var parameterCounts: [Int] { parameters.map { $0.value.count } }

    /// Starts step `t + 1` and returns its constants; then every element must be updated once with
    /// ``apply(_:parameter:range:)`` (in any order, on any threads: the update is element by element).
    func beginStep() -> StepConstants {
        step += 1
        let c1 = 1 - pow(beta1, Float(step)), c2 = 1 - pow(beta2, Float(step))
        return StepConstants(lr: learningRate * c2.squareRoot() / c1, eps: epsilon * c2.squareRoot(), b1: beta1, b2: beta2,
                             shrink: weightDecay > 0 ? 1 - learningRate * weightDecay : 1)
    }

    /// The update of elements `range` of parameter `index` from its stored gradient. Each element's result is the same
    /// whatever the range it is updated in (no sums across elements), so a step cut between threads equals ``update()``.
    func apply(_ c: StepConstants, parameter index: Int, range: Range<Int>) {
        let p = parameters[index], mv = moments[index]
        let w = p.value.storage, g = p.gradient.storage, m = mv.m.storage, v = mv.v.storage
        shrink(c, p, range)
        // The C kernel (CNeymanKernels): Swift compiles SIMD8<Float>.squareRoot() to eight branchy scalar roots.
        neyman_adam_update(w + range.lowerBound, g + range.lowerBound, m + range.lowerBound, v + range.lowerBound,
                           range.count, c.b1, c.b2, c.lr, c.eps)
    }

    /// ``apply(_:parameter:range:)`` with the gradient summed from `partials` in order (`partials[0] + partials[1] + ...`,
    /// each a whole gradient tensor of this parameter's size) in the same pass; the sum is also stored as the
    /// parameter's gradient. The same bits as summing into the gradient first and then calling `apply`.
    func apply(_ c: StepConstants, parameter index: Int, range: Range<Int>, summing partials: [UnsafePointer<Float>]) {
        guard !partials.isEmpty else { return }
        let p = parameters[index], mv = moments[index]
        let w = p.value.storage, g = p.gradient.storage, m = mv.m.storage, v = mv.v.storage
        shrink(c, p, range)
        let lo = range.lowerBound
        let parts: [UnsafePointer<Float>?] = partials.map { $0 + lo }
        parts.withUnsafeBufferPointer { pp in
            neyman_adam_update_summed(w + lo, g + lo, pp.baseAddress, pp.count, m + lo, v + lo, range.count, c.b1, c.b2, c.lr, c.eps)
        }
    }

    /// AdamW's decoupled decay of weight matrices (`*.weight`), elements `range`: `theta <- theta (1 - lr wd)`.
    private func shrink(_ c: StepConstants, _ p: Parameter, _ range: Range<Int>) {
        guard c.shrink != 1 && p.name.hasSuffix(".weight") else { return }
        let w = p.value.storage
        for i in range { w[i] *= c.shrink }
    }

    /// One update from the gradients currently stored in the parameters.
    public func update() {
        let c = beginStep()
        for (index, p) in parameters.enumerated() { apply(c, parameter: index, range: 0..<p.value.count) }
    }
}
