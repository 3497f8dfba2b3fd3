import Foundation
import NeymanCore

/// Unbinned events of an analysis (``UnbinnedAnalysisModel``): each event's density ratio `r_i = p_S(x_i) / p_B(x_i)`
/// (from a trained network or given), optional per-event weights, and the auxiliary measurements of the rate
/// systematics (0 for observed data; fluctuated in pseudo-experiments).
public struct UnbinnedAnalysisData: Sendable {
    /// `r_i >= 0`, one per event.
    public var ratios: [Double]
    /// Per-event weights (`nil`: every event weighs 1).
    public var weights: [Double]?
    /// One auxiliary measurement per rate systematic, in the model's order, then one for the shape systematic.
    public var auxiliary: [Double]
    /// With a shape systematic: each event's `r(theta)` on the grid (``ratios`` then holds `r` at the nominal value).
    public var grid: RatioGrid?

    public init(ratios: [Double], weights: [Double]? = nil, auxiliary: [Double], grid: RatioGrid? = nil) {
        self.ratios = ratios
        self.weights = weights
        self.auxiliary = auxiliary
        self.grid = grid
    }
}

/// The extended unbinned likelihood of a signal-strength fit with per-event density ratios and normalisation
/// systematics (docs/formulas.md §3; guide eqs. 3.7-3.8), the likelihood of a user's own analysis:
///
/// ```
///   -ln L(mu, alpha) = mu S(alpha) + B(alpha) - sum_i w_i ln(mu S(alpha) r_i + B(alpha)) + sum_k (alpha_k - a_k)^2 / 2
///   (the constraint sum over normsys parameters only; normfactors are free)
/// ```
/// with `S(alpha)`, `B(alpha)` of ``RateSystematic``. The per-event constant `sum_i w_i ln p_B(x_i)` and the
/// constraints' normalisations are dropped (they do not depend on the parameters), so only differences of `-ln L`
/// are meaningful. With `A = sum_i w_i r_i / D_i`, `C = sum_i w_i / D_i`, `D_i = mu S r_i + B`, the gradient is
/// ```
///   d/dmu      = S (1 - A)
///   d/dalpha_k = mu S'_k (1 - A) + B'_k (1 - C) + (alpha_k - a_k)
/// ```
/// With a shape systematic (``ShapeSystematic``) the ratios are `r_i(theta)` from the data's ``RatioGrid``, the
/// constraint `(theta - a_theta)^2 / (2 sigma_theta^2)` is added, and
/// `d/dtheta = -mu S sum_i w_i r_i'(theta) / D_i + (theta - a_theta) / sigma_theta^2`.
/// Where some `D_i <= 0` (a negative `mu` beyond `-B / (S r_max)`) `-ln L` is `+inf` (gradient 0), which the
/// minimiser's line search backs away from.
///
/// Parameters: the parameter of interest (start 0), then one per rate modifier (``RateSystematic/parameter``), then
/// the shape parameter if any (start at its nominal value, bounds = the grid's range).
public struct UnbinnedAnalysisLikelihood: ModelLikelihood, Sendable {
    public let signalYield: Double
    public let backgroundYield: Double
    public let systematics: [RateSystematic]
    public let shape: ShapeSystematic?
    public let data: UnbinnedAnalysisData
    public let parameters: [Parameter]
    public let poiIndex = 0

    /// - Throws: ``NeymanError`` for a yield that is not positive and finite, a ratio that is not finite and `>= 0`
    ///   or a weight that is not finite (naming the event), or a count of weights or auxiliary measurements that does
    ///   not match.
    public init(signal: Double, background: Double, systematics: [RateSystematic] = [], shape: ShapeSystematic? = nil,
                data: UnbinnedAnalysisData, poiName: String = "mu", muBounds: ClosedRange<Double>) throws {
        guard signal > 0, signal.isFinite else { throw NeymanError.invalid("signal yield must be positive, got \(signal)", key: "signal") }
        guard background > 0, background.isFinite else {
            throw NeymanError.invalid("background yield must be positive, got \(background)", key: "background")
        }
        for (i, r) in data.ratios.enumerated() where !(r.isFinite && r >= 0) {
            throw NeymanError.invalid("the density ratio of event \(i) is \(r); it must be finite and >= 0", row: i)
        }
        if let w = data.weights {
            guard w.count == data.ratios.count else { throw NeymanError.invalid("\(w.count) weights for \(data.ratios.count) events") }
            if let i = w.firstIndex(where: { !$0.isFinite }) { throw NeymanError.invalid("the weight of event \(i) is not finite", row: i) }
        }
        let constraints = systematics.count + (shape == nil ? 0 : 1)
        guard data.auxiliary.count == constraints else {
            throw NeymanError.invalid("\(data.auxiliary.count) auxiliary measurements for \(constraints) constrained parameters")
        }
        var pars = [Parameter(poiName, initial: 0, lower: muBounds.lowerBound, upper: muBounds.upperBound)]
            + systematics.map(\.parameter)
        if let shape {
            guard let grid = data.grid, grid.count == data.ratios.count else {
                throw NeymanError.invalid("a shape systematic needs every event's ratio on a grid of \(shape.name)")
            }
            guard shape.uncertainty > 0, shape.uncertainty.isFinite else {
                throw NeymanError.invalid("the uncertainty of \(shape.name) must be positive, got \(shape.uncertainty)", key: shape.name)
            }
            pars.append(Parameter(shape.name, initial: min(max(shape.nominal, grid.lower), grid.upper), lower: grid.lower, upper: grid.upper))
        }
        signalYield = signal
        backgroundYield = background
        self.systematics = systematics
        self.shape = shape
        self.data = data
        parameters = pars
    }

    /// `S(alpha)`, `B(alpha)` and their derivatives with respect to each `alpha_k` (products without the `k`-th
    /// factor, so a normfactor at 0 is fine).
    func yields(_ x: [Double]) -> (s: Double, b: Double, ds: [Double], db: [Double]) {
        let n = systematics.count
        var fs = [Double](repeating: 1, count: n), fb = fs, dfs = [Double](repeating: 0, count: n), dfb = dfs
        for (k, sys) in systematics.enumerated() {
            (fs[k], dfs[k]) = RateSystematic.factor(sys.signalEffect, x[k + 1])
            (fb[k], dfb[k]) = RateSystematic.factor(sys.backgroundEffect, x[k + 1])
        }
        var ds = [Double](repeating: 0, count: n), db = ds
        for k in 0..<n {
            var ps = signalYield * dfs[k], pb = backgroundYield * dfb[k]
            for j in 0..<n where j != k { ps *= fs[j]; pb *= fb[j] }
            ds[k] = ps
            db[k] = pb
        }
        return (fs.reduce(signalYield, *), fb.reduce(backgroundYield, *), ds, db)
    }

    public func negativeLogLikelihood(_ x: [Double]) -> Double {
        var g = [Double](repeating: 0, count: parameters.count)
        return negativeLogLikelihood(x, gradient: &g)
    }

    public func negativeLogLikelihood(_ x: [Double], gradient: inout [Double]) -> Double {
        let mu = x[0]
        let (s, b, ds, db) = yields(x)
        let ms = mu * s
        var sumLog = 0.0, a = 0.0, c = 0.0, dTheta = 0.0
        var positive = true
        if shape != nil, let grid = data.grid {
            let (k, t) = grid.cell(x[systematics.count + 1])
            for i in 0..<grid.count {
                let (r, dr) = grid.interpolate(event: i, cell: k, t: t)
                let w = data.weights?[i] ?? 1
                let d = ms * r + b
                guard d > 0 else { positive = false; break }
                let inv = w / d
                sumLog += w * log(d)
                a += r * inv
                c += inv
                dTheta += dr * inv
            }
        } else {
            data.ratios.withUnsafeBufferPointer { r in
                if let weights = data.weights {
                    weights.withUnsafeBufferPointer { w in
                        for i in 0..<r.count {
                            let d = ms * r[i] + b
                            guard d > 0 else { positive = false; return }
                            let inv = w[i] / d
                            sumLog += w[i] * log(d)
                            a += r[i] * inv
                            c += inv
                        }
                    }
                } else {
                    for i in 0..<r.count {
                        let d = ms * r[i] + b
                        guard d > 0 else { positive = false; return }
                        let inv = 1 / d
                        sumLog += log(d)
                        a += r[i] * inv
                        c += inv
                    }
                }
            }
        }
        guard positive else {
            for k in gradient.indices { gradient[k] = 0 }
            return .infinity
        }
        var nll = ms + b - sumLog
        gradient[0] = s * (1 - a)
        for k in 0..<systematics.count {
            let alpha = x[k + 1], aux = data.auxiliary[k]
            gradient[k + 1] = mu * ds[k] * (1 - a) + db[k] * (1 - c)
            if systematics[k].isConstrained {
                nll += 0.5 * (alpha - aux) * (alpha - aux)
                gradient[k + 1] += alpha - aux
            }
        }
        if let shape {
            let j = systematics.count + 1, theta = x[j], aux = data.auxiliary[systematics.count]
            let v = shape.uncertainty * shape.uncertainty
            nll += 0.5 * (theta - aux) * (theta - aux) / v
            gradient[j] = -ms * dTheta + (theta - aux) / v
        }
        return nll
    }
}
