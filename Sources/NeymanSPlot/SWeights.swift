import NeymanCore
import NeymanStats

/// How the matrix `alpha` of the sWeights is obtained.
public enum SWeightsMethod: String, Sendable, CaseIterable {
    /// `alpha = W^-1`, `W_kl = sum_e w_e f_k(m_e) f_l(m_e) / D_e^2` (Pivk & Le Diberder eq. 9 with the inverse
    /// covariance written as a sum over events; Variant B of Dembinski et al. 2022). The default.
    case summation
    /// `alpha` = the Hesse covariance of the yields from a refit of the yields alone with the shapes fixed at their
    /// fitted values (the original sPlot recipe). Analytically equal to `summation` at the exact optimum; differs by the
    /// finite-difference Hessian and the optimiser's tolerance.
    case fitCovariance = "fit_covariance"
}

/// Per-event sWeights of the two species and the checks that come with them.
public struct SWeightsResult: Sendable {
    public let method: SWeightsMethod
    /// Signal sWeight of every input event (0 for events outside the range).
    public let signal: [Double]
    /// Background sWeight of every input event (0 for events outside the range).
    public let background: [Double]
    /// `alpha`, 2x2 row-major, signal first.
    public let alpha: [Double]
    /// `W` (the inverse of `alpha` for `summation`), 2x2 row-major.
    public let wMatrix: [Double]
    /// The yields `(N_s, N_b)` the weights were built with.
    public let yields: (signal: Double, background: Double)
    /// `sum_e w_e sw_k(e)` per species (event weights times sWeights), which should equal the yield.
    public let sums: (signal: Double, background: Double)
    /// `sum_e w_e sw_k(e)^2` per species: the variance of the sWeighted count.
    public let sumsOfSquares: (signal: Double, background: Double)
    /// `max_e |sw_s(e) + sw_b(e) - 1|` over events in range: zero at the exact likelihood maximum (summation).
    public let maxClosure: Double

    /// `(sum - yield) / max(|yield|, 1)` per species.
    public var sumRuleDeviation: (signal: Double, background: Double) {
        ((sums.signal - yields.signal) / max(abs(yields.signal), 1), (sums.background - yields.background) / max(abs(yields.background), 1))
    }
}

/// sWeights (docs/formulas.md §5; Pivk & Le Diberder, NIM A555 (2005) 356; Dembinski et al., NIM A1040 (2022) 167270):
///
/// ```
///   D_e       = N_s f_s(m_e) + N_b f_b(m_e)                      (shapes fixed at their fitted values)
///   W_kl      = sum_e w_e f_k(m_e) f_l(m_e) / D_e^2               (the inverse covariance of the yields)
///   alpha     = W^-1                   (or the yields' Hesse covariance from a refit, SWeightsMethod.fitCovariance)
///   sw_k(e)   = sum_j alpha_kj f_j(m_e) / D_e
/// ```
/// `sum_e w_e sw_k(e) = N_k` holds exactly for `alpha = W^-1` at any yields (it is `sum_jl alpha_kj W_jl N_l`);
/// `sw_s + sw_b = 1` at every event holds at the exact likelihood maximum. Weights can be negative. They are valid
/// only if the discriminating variable and the variables they are used for are independent within each species
/// (check with ``WeightedKendallTau``). `w_e` are the events' own weights (1 when unweighted); the sWeights
/// returned do not include them (an event's weight for a species is `w_e sw_k(e)`).
public enum SWeights {
    /// sWeights from a fit: shapes and yields at their fitted values.
    /// - Parameters:
    ///   - masses: the same events as given to the fit (out-of-range events get weight 0).
    ///   - weights: the same per-event weights as given to the fit.
    /// - Throws: ``NeymanError/numerical(_:_:)`` when `W` is singular or the refit gives no covariance.
    public static func compute(fit: SPlotFitResult, masses: [Double], weights: [Double]? = nil,
                               method: SWeightsMethod = .summation) throws -> SWeightsResult {
        let (fs, fb) = fit.normalizedPDFs
        var alpha: [Double]? = nil
        var yields = fit.yields
        if method == .fitCovariance {
            let refit = try yieldsRefit(fit: fit, masses: masses, weights: weights)
            alpha = refit.covariance
            yields = refit.yields
        }
        return try compute(masses: masses, weights: weights, signal: fs, background: fb, yields: yields, alpha: alpha,
                           method: method)
    }

    /// sWeights for given normalised shapes and yields, with `alpha = W^-1` unless `alpha` is given.
    public static func compute(masses: [Double], weights: [Double]? = nil, signal fs: NormalizedPDF, background fb: NormalizedPDF,
                               yields: (signal: Double, background: Double), alpha given: [Double]? = nil,
                               method: SWeightsMethod = .summation) throws -> SWeightsResult {
        let n = masses.count
        let range = fs.range
        // The densities in chunks (batch evaluation, in parallel) and W's sums per chunk, added in chunk order: the
        // same numbers for any thread count.
        let chunk = 4096
        let chunks = (n + chunk - 1) / chunk
        let parts = deterministicParallelMap(count: chunks) { c -> ([Double], [Double], [Double]) in
            let lo = c * chunk, count = min(n, lo + chunk) - lo
            var a = [Double](repeating: 0, count: count), b = a
            masses.withUnsafeBufferPointer { mb in
                _ = fs.values(mb.firstAddress + lo, count: count, values: &a, gradients: nil, hessians: nil)
                _ = fb.values(mb.firstAddress + lo, count: count, values: &b, gradients: nil, hessians: nil)
            }
            var w = [0.0, 0.0, 0.0]  // W_ss, W_sb, W_bb
            for i in 0..<count where range.contains(masses[lo + i]) {
                let d = yields.signal * a[i] + yields.background * b[i]
                let we = (weights?[lo + i] ?? 1) / (d * d)
                w[0] += we * a[i] * a[i]
                w[1] += we * a[i] * b[i]
                w[2] += we * b[i] * b[i]
            }
            return (a, b, w)
        }
        var valueS: [Double] = [], valueB: [Double] = []
        valueS.reserveCapacity(n); valueB.reserveCapacity(n)
        var w = [0.0, 0.0, 0.0]
        for p in parts {
            valueS += p.0; valueB += p.1
            for k in 0..<3 { w[k] += p.2[k] }
        }
        let wMatrix = [w[0], w[1], w[1], w[2]]
        guard let alpha = given ?? SymmetricMatrix.inverse(wMatrix, n: 2), alpha.allSatisfy({ $0.isFinite }) else {
            throw NeymanError.numericalFailure("the sWeight matrix W is singular (the two shapes cannot be told apart on these events)")
        }
        var ws = [Double](repeating: 0, count: n), wb = ws
        var sum = (0.0, 0.0), sq = (0.0, 0.0), closure = 0.0
        for (e, m) in masses.enumerated() where range.contains(m) {
            let d = yields.signal * valueS[e] + yields.background * valueB[e]
            ws[e] = (alpha[0] * valueS[e] + alpha[1] * valueB[e]) / d
            wb[e] = (alpha[2] * valueS[e] + alpha[3] * valueB[e]) / d
            let we = weights?[e] ?? 1
            sum.0 += we * ws[e]; sum.1 += we * wb[e]
            sq.0 += we * ws[e] * ws[e]; sq.1 += we * wb[e] * wb[e]
            closure = max(closure, abs(ws[e] + wb[e] - 1))
        }
        return SWeightsResult(method: method, signal: ws, background: wb, alpha: alpha, wMatrix: wMatrix, yields: yields,
                              sums: sum, sumsOfSquares: sq, maxClosure: closure)
    }

    /// Refit of the yields alone, shapes fixed at their fitted values: the yields and their 2x2 Hesse covariance.
    static func yieldsRefit(fit: SPlotFitResult, masses: [Double], weights: [Double]?) throws -> (yields: (signal: Double, background: Double), covariance: [Double]) {
        let names = fit.model.parameterNames
        var fixed: [String: Double] = [:]
        for k in 2..<names.count { fixed[names[k]] = fit.fit.values[k] }
        let start = ["signal.yield": fit.fit.values[0], "background.yield": fit.fit.values[1]]
        let refit = try SPlotFit.fit(masses: masses, weights: weights, model: fit.model, fixed: fixed, start: start)
        guard refit.converged, let c = refit.yieldCovariance else {
            throw NeymanError.numericalFailure("the refit of the yields gave no covariance (\(refit.fit.status))")
        }
        return (refit.yields, c)
    }
}
