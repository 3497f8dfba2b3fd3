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

    /// One update from the gradients currently stored in the parameters.
    public func update() {
        step += 1
        let c1 = 1 - pow(beta1, Float(step)), c2 = 1 - pow(beta2, Float(step))
        let lr = learningRate * c2.squareRoot() / c1
        let eps = epsilon * c2.squareRoot()
        let b1 = beta1, b2 = beta2
        for (p, mv) in zip(parameters, moments) {
            let n = p.value.count
            let w = p.value.storage, g = p.gradient.storage, m = mv.m.storage, v = mv.v.storage
            if weightDecay > 0 && p.name.hasSuffix(".weight") {
                let shrink = 1 - learningRate * weightDecay
                for i in 0..<n { w[i] *= shrink }
            }
            // SIMD by hand (the four buffers cannot be proven not to alias, so the compiler would not vectorise).
            var i = 0
            let vb1 = SIMD8<Float>(repeating: b1), vb2 = SIMD8<Float>(repeating: b2)
            let c1m = SIMD8<Float>(repeating: 1 - b1), c2m = SIMD8<Float>(repeating: 1 - b2)
            let vlr = SIMD8<Float>(repeating: lr), veps = SIMD8<Float>(repeating: eps)
            while i + 8 <= n {
                let gi = UnsafeRawPointer(g + i).loadUnaligned(as: SIMD8<Float>.self)
                let mi = vb1 * UnsafeRawPointer(m + i).loadUnaligned(as: SIMD8<Float>.self) + c1m * gi
                let vi = vb2 * UnsafeRawPointer(v + i).loadUnaligned(as: SIMD8<Float>.self) + c2m * gi * gi
                let wi = UnsafeRawPointer(w + i).loadUnaligned(as: SIMD8<Float>.self) - vlr * mi / (vi.squareRoot() + veps)
                UnsafeMutableRawPointer(m + i).storeBytes(of: mi, as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(v + i).storeBytes(of: vi, as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(w + i).storeBytes(of: wi, as: SIMD8<Float>.self)
                i += 8
            }
            while i < n {
                let gi = g[i]
                m[i] = b1 * m[i] + (1 - b1) * gi
                v[i] = b2 * v[i] + (1 - b2) * gi * gi
                w[i] -= lr * m[i] / (v[i].squareRoot() + eps)
                i += 1
            }
        }
    }
}
