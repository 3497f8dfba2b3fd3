import Foundation

/// Batch normalisation (Ioffe & Szegedy, arXiv:1502.03167) of each of `n` features of a vector row:
///
/// ```
///   training:    mu_j = (1/B) sum_b x_bj        var_j = (1/B) sum_b (x_bj - mu_j)^2     (this batch, biased)
///                xhat_bj = (x_bj - mu_j) / sqrt(var_j + eps)        y_bj = gamma_j xhat_bj + beta_j
///                running_mean_j <- m running_mean_j + (1 - m) mu_j
///                running_var_j  <- m running_var_j  + (1 - m) var_j
///   inference:   y_bj = gamma_j (x_bj - running_mean_j) / sqrt(running_var_j + eps) + beta_j
///
///   backward (training, s_j = sqrt(var_j + eps)):
///                dgamma_j += sum_b dy_bj xhat_bj        dbeta_j += sum_b dy_bj
///                dx_bj = gamma_j / (B s_j) * (B dy_bj - sum_b' dy_b'j - xhat_bj sum_b' dy_b'j xhat_b'j)
///   backward (inference): dx_bj = gamma_j dy_bj / sqrt(running_var_j + eps)
/// ```
///
/// Conventions (those of Keras' `BatchNormalization`, which the ATLAS prompt-vs-tau-muon talk used):
/// - The batch statistics are **unweighted** means over the rows of the batch, whatever the per-event weights of the
///   loss (as in Keras and PyTorch): normalisation is a reparametrisation of the layer's input, the weights act
///   through the loss only.
/// - The running statistics update with `momentum` `m = 0.99` by default (Keras; PyTorch's `momentum = 0.1` is
///   `1 - m`), and the running variance takes the *biased* batch variance (Keras; PyTorch keeps the unbiased one).
///   They start at mean 0 and variance 1.
/// - `eps = 1e-3` by default (Keras; PyTorch uses 1e-5). `gamma` starts at 1, `beta` at 0.
/// - A batch of one row has variance 0: its output is `beta` (as in Keras).
///
/// Parameters (trained by Adam, not weight-decayed since their names do not end in `.weight`): `<name>.gamma`,
/// `<name>.beta`. State (saved with the model as tensors, restored with the best epoch, never trained):
/// `<name>.running_mean`, `<name>.running_var`. Summations run in a fixed order in `Double`, so the same inputs give
/// the same bits.
public final class BatchNormalization: Layer {
    /// `"batchnorm"` in saved models (``LayerSpec``).
    public let kind = "batchnorm"
    /// Features per row.
    public let features: Int
    /// The weight `m` of the old running statistics in each update, in `[0, 1)`.
    public let momentum: Double
    /// The `eps` added to the variance, positive.
    public let epsilon: Double
    /// The learnable scale `gamma` (starts at 1) and shift `beta` (starts at 0), one per feature.
    public let gamma: Parameter
    public let beta: Parameter
    /// Running mean and variance: the statistics used in inference.
    public let runningMean: Parameter
    public let runningVariance: Parameter
    /// `gamma`, `beta` (trained).
    public var parameters: [Parameter] { [gamma, beta] }
    /// The running mean and variance (saved, not trained).
    public var state: [Parameter] { [runningMean, runningVariance] }
    /// `[features]`.
    public var inputShape: [Int] { [features] }
    /// `[features]`.
    public var outputShape: [Int] { [features] }
    /// `momentum` and `epsilon`.
    public var configuration: [String: Double] { ["momentum": momentum, "epsilon": epsilon] }

    /// Keras' default momentum, 0.99 (PyTorch's `momentum = 0.1`).
    public static let defaultMomentum = 0.99
    /// Keras' default epsilon, 1e-3 (PyTorch: 1e-5).
    public static let defaultEpsilon = 1e-3

    private let output = Tensor(shape: [1, 1])
    private let normalized = Tensor(shape: [1, 1])
    private let inputGradient = Tensor(shape: [1, 1])
    /// `1 / sqrt(var_j + eps)` of the last forward (batch or running variance).
    private var inverseScale: [Float]
    private var lastWasTraining = false

    /// A layer on rows of `features` values; `momentum` is clamped to `[0, 0.999999]` and `epsilon` to at least
    /// `1e-12` (``LayerSpec/validate(at:)`` rejects values outside their domain in saved models and configs).
    public init(features: Int, momentum: Double = BatchNormalization.defaultMomentum,
                epsilon: Double = BatchNormalization.defaultEpsilon, name: String = "batchnorm") {
        self.features = features
        self.momentum = min(max(momentum, 0), 0.999_999)
        self.epsilon = max(epsilon, 1e-12)
        gamma = Parameter(name: "\(name).gamma", shape: [features])
        beta = Parameter(name: "\(name).beta", shape: [features])
        runningMean = Parameter(name: "\(name).running_mean", shape: [features])
        runningVariance = Parameter(name: "\(name).running_var", shape: [features])
        gamma.value.fill(1)
        runningVariance.value.fill(1)
        inverseScale = [Float](repeating: 1, count: features)
    }

    /// Normalises with the batch's statistics (and updates the running ones) when `training`, with the running
    /// statistics otherwise (see the type's documentation).
    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        let b = input.shape[0], n = features
        output.reshape([b, n])
        normalized.reshape([b, n])
        lastWasTraining = training
        let x = input.storage, y = output.storage, xhat = normalized.storage
        let g = gamma.value.storage, be = beta.value.storage
        var mean = [Double](repeating: 0, count: n)
        var variance = [Double](repeating: 0, count: n)
        if training && b > 0 {
            for r in 0..<b { for j in 0..<n { mean[j] += Double(x[r * n + j]) } }
            for j in 0..<n { mean[j] /= Double(b) }
            for r in 0..<b { for j in 0..<n { let d = Double(x[r * n + j]) - mean[j]; variance[j] += d * d } }
            for j in 0..<n { variance[j] /= Double(b) }
            let rm = runningMean.value.storage, rv = runningVariance.value.storage
            let m = momentum
            for j in 0..<n {
                rm[j] = Float(m * Double(rm[j]) + (1 - m) * mean[j])
                rv[j] = Float(m * Double(rv[j]) + (1 - m) * variance[j])
            }
        } else {
            let rm = runningMean.value.storage, rv = runningVariance.value.storage
            for j in 0..<n { mean[j] = Double(rm[j]); variance[j] = Double(rv[j]) }
        }
        for j in 0..<n { inverseScale[j] = Float(1 / (variance[j] + epsilon).squareRoot()) }
        for r in 0..<b {
            for j in 0..<n {
                let i = r * n + j
                let v = Float(Double(x[i]) - mean[j]) * inverseScale[j]
                xhat[i] = v
                y[i] = g[j] * v + be[j]
            }
        }
        return output
    }

    /// `dL/dx` for the last forward (its mode), adding `dL/dgamma` and `dL/dbeta` (see the type's documentation).
    public func backward(_ outputGradient: Tensor) -> Tensor {
        let b = outputGradient.shape[0], n = features
        inputGradient.reshape([b, n])
        let dy = outputGradient.storage, dx = inputGradient.storage, xhat = normalized.storage
        let g = gamma.value.storage, dg = gamma.gradient.storage, db = beta.gradient.storage
        var sumDy = [Double](repeating: 0, count: n)
        var sumDyXhat = [Double](repeating: 0, count: n)
        for r in 0..<b {
            for j in 0..<n {
                let i = r * n + j
                sumDy[j] += Double(dy[i])
                sumDyXhat[j] += Double(dy[i]) * Double(xhat[i])
            }
        }
        for j in 0..<n {
            dg[j] += Float(sumDyXhat[j])
            db[j] += Float(sumDy[j])
        }
        if lastWasTraining && b > 0 {
            let count = Double(b)
            for r in 0..<b {
                for j in 0..<n {
                    let i = r * n + j
                    let inner = count * Double(dy[i]) - sumDy[j] - Double(xhat[i]) * sumDyXhat[j]
                    dx[i] = Float(Double(g[j]) * Double(inverseScale[j]) / count * inner)
                }
            }
        } else {
            for r in 0..<b { for j in 0..<n { dx[r * n + j] = g[j] * inverseScale[j] * dy[r * n + j] } }
        }
        return inputGradient
    }
}
