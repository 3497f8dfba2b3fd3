import Foundation

/// The losses a classifier is trained with, all per-event weighted and normalised by the batch's sum of weights.
/// They act on the network's raw output `z` (a logit for `bce` and `mse`).
///
/// ```
///   bce:   l = w [ max(z, 0) - z y + ln(1 + e^-|z|) ]        dl/dz = w (sigmoid(z) - y)        (stable for any z)
///   mse:   l = w (sigmoid(z) - y)^2                          dl/dz = 2 w (s - y) s (1 - s)
///   ratio: L = -(1/W_A) sum_A w f + (1/(2 W_B)) sum_B w f^2,  f = exp(z)   (guide eq. 3.11, class-normalised)
///          dL/dz = -w f / W_A (class A),  w f^2 / W_B (class B)
///   ratio with alpha > 0 (relative ratio, Yamada et al., Neural Comput. 25 (2013) 1324, "RuLSIF"):
///          L = -(1/W_A) sum_A w f + (alpha/(2 W_A)) sum_A w f^2 + ((1-alpha)/(2 W_B)) sum_B w f^2
///          dL/dz = w (alpha f^2 - f) / W_A (class A),  (1-alpha) w f^2 / W_B (class B)
/// ```
/// `bce` and `mse` both converge to `s(x) = p(A|x)`, so `s/(1-s) * W_B/W_A` estimates `p_A/p_B` (docs/formulas.md §1).
/// The class-normalised ratio loss is minimised pointwise by `f(x) = p_A(x)/p_B(x)` directly (no class-size factor).
/// The network outputs `z = ln f`, so that `f > 0` and small ratios are learned with the same relative precision as
/// large ones (with `f = z` a ratio of 0.02 would need an absolute precision of 0.001); `z` is clipped at 40 inside
/// the loss so that `f^2` cannot overflow.
///
/// Why `alpha`: eq. 3.11 is unbounded below on a finite sample. Where class A has events and class B has none (the
/// far tail of A whenever `p_A/p_B` is unbounded, e.g. two Gaussians), `-f` is lowered without limit by raising `f`,
/// and the gradient `-f` grows with `f`: a flexible network runs away there, and its linear extrapolation in `ln f`
/// drags the bulk along (measured: 40x-400x too large at the edge of the bulk for some samples of 10^5 events).
/// With `alpha > 0` the class-A term `alpha f^2/2 - f` is bounded below (at `f = 1/alpha`), and the loss is minimised
/// pointwise by the *relative* ratio `f = p_A / (alpha p_A + (1 - alpha) p_B) = r / (alpha r + 1 - alpha) < 1/alpha`,
/// which converts back exactly: `r = (1 - alpha) f / (1 - alpha f)` (``Network/score(_:rows:)`` does it). `alpha = 0`
/// is eq. 3.11 itself.
public enum LossKind: String, Sendable, CaseIterable {
    case bce, mse, ratio

    /// Whether the network's output is a logit (`bce`, `mse`) or the ratio itself (`ratio`).
    public var outputIsLogit: Bool { self != .ratio }
}

/// An extra term added to the loss of each batch, with its exact gradient with respect to the network outputs: the
/// hook through which decorrelation penalties (DisCo) enter training.
public protocol LossPenalty: AnyObject {
    /// `(value, dValue/dz_i)` for the batch: `outputs` are the raw outputs `z`, `rows` the indices of the batch's events
    /// in the training set (to look up auxiliary columns), `labels` and `weights` those of the batch.
    func evaluate(outputs: UnsafePointer<Float>, rows: [Int], labels: UnsafePointer<Float>, weights: UnsafePointer<Float>,
                  count: Int, gradient: UnsafeMutablePointer<Float>) -> Double

    /// Called once by ``Trainer/train(_:)`` before the first batch with the size of the training set (the range of
    /// `rows`); throws if the penalty's auxiliary data do not fit it.
    func check(eventCount: Int) throws
}

public extension LossPenalty {
    /// No auxiliary data to check.
    func check(eventCount: Int) throws {}
}

enum LossFunction {
    /// Loss of a batch, writing `dL/dz` into `gradient`. Returns the loss in Double.
    static func evaluate(_ kind: LossKind, outputs z: UnsafePointer<Float>, labels y: UnsafePointer<Float>,
                         weights w: UnsafePointer<Float>, count n: Int, gradient g: UnsafeMutablePointer<Float>,
                         ratioAlpha alpha: Double = 0) -> Double {
        var loss = 0.0
        switch kind {
        case .bce, .mse:
            var wsum = 0.0
            for i in 0..<n { wsum += Double(w[i]) }
            let norm = wsum != 0 ? 1 / wsum : 0
            for i in 0..<n {
                let zi = Double(z[i]), yi = Double(y[i]), wi = Double(w[i])
                let s = logistic(zi)
                if kind == .bce {
                    loss += wi * (max(zi, 0) - zi * yi + log1p(exp(-abs(zi))))
                    g[i] = Float(wi * (s - yi) * norm)
                } else {
                    let d = s - yi
                    loss += wi * d * d
                    g[i] = Float(2 * wi * d * s * (1 - s) * norm)
                }
            }
            loss *= norm
        case .ratio:
            var wa = 0.0, wb = 0.0
            for i in 0..<n { if y[i] > 0.5 { wa += Double(w[i]) } else { wb += Double(w[i]) } }
            let na = wa != 0 ? 1 / wa : 0, nb = wb != 0 ? 1 / wb : 0
            for i in 0..<n {
                let zi = min(Double(z[i]), 40)
                let f = exp(zi), wi = Double(w[i])
                if y[i] > 0.5 {
                    loss += wi * (0.5 * alpha * f * f - f) * na
                    g[i] = Float(wi * (alpha * f * f - f) * na)
                } else {
                    loss += 0.5 * (1 - alpha) * wi * f * f * nb
                    g[i] = Float((1 - alpha) * wi * f * f * nb)
                }
                if Double(z[i]) > 40 { g[i] = 0 }
            }
        }
        return loss
    }
}
