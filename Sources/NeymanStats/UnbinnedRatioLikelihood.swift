import Foundation
import NeymanCore

/// The extended unbinned likelihood of a signal-strength fit in which each event enters through a per-event density
/// ratio `r_i = p_S(y_i) / p_B(y_i)` (guide eqs. 3.7-3.8; docs/formulas.md §3) — the place where a trained network enters.
///
/// With expected signal and background yields `S`, `B` and a background normalisation nuisance `nu` (nominal 1):
/// ```
///   ln L(mu, nu) = -(mu S + nu B) + sum_i w_i ln(mu S r_i + nu B) + ln C(nu) + const
///   ln L(mu, 1) - ln L(0, 1) = -mu S + sum_i ln(1 + mu (S/B) r_i)                       (guide eq. 3.8)
/// ```
/// The constant `sum_i w_i ln p_B(y_i)` is dropped (it does not depend on the parameters), so only differences of
/// `-ln L` are meaningful. The constraint `C(nu)` is a Gaussian `N(aux; nu, sigma_B)` on the relative background
/// normalisation when `backgroundUncertainty` is given; without it `nu` is fixed at 1. Optional per-event weights
/// `w_i` (default 1) multiply the log terms.
///
/// Parameters: `mu` (start 0) and `nu` (start 1, bounds `[1e-6, 10]`, fixed unless an uncertainty is given).
public struct UnbinnedRatioLikelihood: ModelLikelihood, Sendable {
    public let signalYield: Double
    public let backgroundYield: Double
    public let ratios: [Double]
    public let weights: [Double]?
    public let backgroundUncertainty: Double?
    public let auxiliary: Double
    public let parameters: [Parameter]
    public let poiIndex = 0

    /// - Parameters:
    ///   - signal: expected signal yield `S > 0` at `mu = 1`.
    ///   - background: expected background yield `B > 0`.
    ///   - ratios: `r_i >= 0` per observed event.
    ///   - weights: optional per-event weights (same length as `ratios`).
    ///   - backgroundUncertainty: relative uncertainty on `B` (Gaussian constraint on `nu`); `nil` = known exactly.
    ///   - auxiliary: the auxiliary measurement of `nu` (1 for observed data; fluctuated in toys).
    ///   - muBounds: bounds of `mu`; the default lower bound `-B / (S max r)` keeps every `mu S r_i + B` positive.
    public init(signal: Double, background: Double, ratios: [Double], weights: [Double]? = nil,
                backgroundUncertainty: Double? = nil, auxiliary: Double = 1, muBounds: ClosedRange<Double>? = nil) throws {
        guard signal > 0, signal.isFinite else { throw NeymanError.invalid("signal yield must be positive, got \(signal)", parameter: "S") }
        guard background > 0, background.isFinite else {
            throw NeymanError.invalid("background yield must be positive, got \(background)", parameter: "B")
        }
        for (i, r) in ratios.enumerated() where !(r.isFinite && r >= 0) {
            throw NeymanError.invalid("density ratio of event \(i) is \(r); it must be finite and >= 0", parameter: "r")
        }
        if let w = weights {
            guard w.count == ratios.count else {
                throw NeymanError.invalid("\(w.count) weights for \(ratios.count) events", parameter: "weights")
            }
            for (i, x) in w.enumerated() where !x.isFinite {
                throw NeymanError.invalid("weight of event \(i) is not finite", parameter: "weights")
            }
        }
        if let u = backgroundUncertainty, !(u > 0 && u.isFinite) {
            throw NeymanError.invalid("relative background uncertainty must be positive, got \(u)", parameter: "b-uncertainty")
        }
        signalYield = signal
        backgroundYield = background
        self.ratios = ratios
        self.weights = weights
        self.backgroundUncertainty = backgroundUncertainty
        self.auxiliary = auxiliary
        let rMax = ratios.max() ?? 0
        let lower = rMax > 0 ? -background / (signal * rMax) * (1 - 1e-9) : -background / signal
        let bounds = muBounds ?? lower...(10 * max(1, background / signal))
        var pars = [Parameter("mu", initial: 0, lower: bounds.lowerBound, upper: bounds.upperBound)]
        pars.append(Parameter("nu", initial: 1, lower: 1e-6, upper: 10, isFixed: backgroundUncertainty == nil))
        parameters = pars
    }

    public func negativeLogLikelihood(_ x: [Double]) -> Double {
        var g = [0.0, 0.0]
        return negativeLogLikelihood(x, gradient: &g)
    }

    public func negativeLogLikelihood(_ x: [Double], gradient: inout [Double]) -> Double {
        let mu = x[0], nu = x[1]
        let s = signalYield, b = backgroundYield
        var sumLog = 0.0, dMu = 0.0, dNu = 0.0
        let nb = nu * b
        ratios.withUnsafeBufferPointer { r in
            if let w = weights {
                for i in 0..<r.count {
                    let d = mu * s * r[i] + nb
                    guard d > 0 else { sumLog = -.infinity; return }
                    sumLog += w[i] * log(d)
                    dMu += w[i] * s * r[i] / d
                    dNu += w[i] * b / d
                }
            } else {
                for i in 0..<r.count {
                    let d = mu * s * r[i] + nb
                    guard d > 0 else { sumLog = -.infinity; return }
                    sumLog += log(d)
                    let inv = 1 / d
                    dMu += s * r[i] * inv
                    dNu += b * inv
                }
            }
        }
        var nll = mu * s + nb - sumLog
        gradient[0] = s - dMu
        gradient[1] = b - dNu
        if let sigma = backgroundUncertainty {
            let d = nu - auxiliary
            nll += d * d / (2 * sigma * sigma)
            gradient[1] += d / (sigma * sigma)
        }
        return nll
    }
}
