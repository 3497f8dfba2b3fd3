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
        if c.shrink != 1 && p.name.hasSuffix(".weight") {
            for i in range { w[i] *= c.shrink }
        }
        let b1 = c.b1, b2 = c.b2, lr = c.lr, eps = c.eps
        // SIMD by hand (the four buffers cannot be proven not to alias, so the compiler would not vectorise).
        var i = range.lowerBound
        let vb1 = SIMD8<Float>(repeating: b1), vb2 = SIMD8<Float>(repeating: b2)
        let c1m = SIMD8<Float>(repeating: 1 - b1), c2m = SIMD8<Float>(repeating: 1 - b2)
        let vlr = SIMD8<Float>(repeating: lr), veps = SIMD8<Float>(repeating: eps)
        while i + 8 <= range.upperBound {
            let gi = UnsafeRawPointer(g + i).loadUnaligned(as: SIMD8<Float>.self)
            let mi = vb1 * UnsafeRawPointer(m + i).loadUnaligned(as: SIMD8<Float>.self) + c1m * gi
            let vi = vb2 * UnsafeRawPointer(v + i).loadUnaligned(as: SIMD8<Float>.self) + c2m * gi * gi
            let wi = UnsafeRawPointer(w + i).loadUnaligned(as: SIMD8<Float>.self) - vlr * mi / (vi.squareRoot() + veps)
            UnsafeMutableRawPointer(m + i).storeBytes(of: mi, as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(v + i).storeBytes(of: vi, as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(w + i).storeBytes(of: wi, as: SIMD8<Float>.self)
            i += 8
        }
        while i < range.upperBound {
            let gi = g[i]
            m[i] = b1 * m[i] + (1 - b1) * gi
            v[i] = b2 * v[i] + (1 - b2) * gi * gi
            w[i] -= lr * m[i] / (v[i].squareRoot() + eps)
            i += 1
        }
    }

    /// One update from the gradients currently stored in the parameters.
    public func update() {
        let c = beginStep()
        for (index, p) in parameters.enumerated() { apply(c, parameter: index, range: 0..<p.value.count) }
    }
}
