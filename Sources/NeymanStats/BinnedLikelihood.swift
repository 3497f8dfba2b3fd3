import Foundation
import NeymanCore

/// `-ln L` of a ``BinnedModel`` for one data set, with its analytic gradient.
///
/// ```
///   -ln L(theta) = sum_b [ lambda_b - n_b ln lambda_b + ln Gamma(n_b + 1) ]
///                + sum_gauss [ (theta - aux)^2 / (2 sigma^2) + ln(sigma sqrt(2 pi)) ]
///                + sum_pois  [ gamma tau - aux ln(gamma tau) + ln Gamma(aux + 1) ]
/// ```
/// All constants are kept, so `2 * NLL` equals pyhf's `twice_nll`. Below `lambda = 1e-12` the Poisson term
/// `lambda - n ln lambda` is continued by its second-order Taylor expansion, so that a minimiser probing a
/// non-physical region sees a large, smooth, convex penalty instead of NaN.
///
/// A class with scratch buffers: not thread-safe; use one instance per thread (they are cheap).
public final class BinnedLikelihood: ModelLikelihood {
    public let model: BinnedModel
    public let data: BinnedData
    public let parameters: [Parameter]
    public var poiIndex: Int { model.poiIndex }

    private let constantTerm: Double
    private var lambda: [Double]
    private var weight: [Double]
    private var factors: [Double]
    private var prefix: [Double]

    /// - Throws: ``NeymanError`` if `data` does not fit the model.
    public init(model: BinnedModel, data: BinnedData) throws {
        try model.validate(data)
        self.model = model
        self.data = data
        self.parameters = model.parameters
        var c = 0.0
        for n in data.main { c += Poisson.logFactorial(n) }
        for con in model.constraints {
            switch con {
            case .gaussian(_, _, let sigma): c += log(sigma) + 0.5 * log(2 * Double.pi)
            case .poisson(_, let a, _): c += Poisson.logFactorial(data.auxiliary[a])
            }
        }
        constantTerm = c
        lambda = [Double](repeating: 0, count: model.binCount)
        weight = lambda
        let maxMods = model.samples.map(\.modifiers.count).max() ?? 0
        factors = [Double](repeating: 0, count: maxMods + 1)
        prefix = factors
    }

    /// A likelihood for other data on the same model (no re-validation of the model itself).
    public func with(data newData: BinnedData) throws -> BinnedLikelihood {
        try BinnedLikelihood(model: model, data: newData)
    }

    static let lambdaFloor = 1e-12

    /// `lambda - n ln lambda` and its derivative, with the Taylor continuation below ``lambdaFloor``.
    @inline(__always) static func poissonTerm(_ lambda: Double, _ n: Double) -> (Double, Double) {
        if lambda >= lambdaFloor {
            return (n == 0 ? lambda : lambda - n * log(lambda), 1 - n / lambda)
        }
        let e = lambdaFloor
        let g = n == 0 ? e : e - n * log(e)
        let g1 = 1 - n / e, g2 = n / (e * e)
        let d = lambda - e
        return (g + g1 * d + 0.5 * g2 * d * d, g1 + g2 * d)
    }

    public func negativeLogLikelihood(_ theta: [Double]) -> Double {
        let mu = model.expectedMain(theta)
        var nll = constantTerm
        for b in 0..<mu.count { nll += Self.poissonTerm(mu[b], data.main[b]).0 }
        nll += constraintTerms(theta, gradient: nil)
        return nll
    }

    private func constraintTerms(_ theta: [Double], gradient: UnsafeMutablePointer<Double>?) -> Double {
        var s = 0.0
        for con in model.constraints {
            switch con {
            case .gaussian(let p, let a, let sigma):
                let d = theta[p] - data.auxiliary[a]
                s += d * d / (2 * sigma * sigma)
                gradient?[p] += d / (sigma * sigma)
            case .poisson(let p, let a, let tau):
                let rate = theta[p] * tau
                let (t, dt) = Self.poissonTerm(rate, data.auxiliary[a])
                s += t
                gradient?[p] += dt * tau
            }
        }
        return s
    }

    public func negativeLogLikelihood(_ theta: [Double], gradient: inout [Double]) -> Double {
        let nBins = model.binCount
        for k in 0..<gradient.count { gradient[k] = 0 }
        for b in 0..<nBins { lambda[b] = 0 }
        // Pass 1: expected counts.
        for s in model.samples {
            for b in 0..<nBins {
                var base = s.nominal[b]
                var factor = 1.0
                for m in s.modifiers {
                    switch m {
                    case .normfactor(let p), .lumi(let p): factor *= theta[p]
                    case .normsys(let p, let interp): factor *= interp.factor(theta[p])
                    case .histosys(let p, let up, let down):
                        base += HistosysInterpolation.delta(theta[p], nominal: s.nominal[b], up: up[b], down: down[b])
                    case .perBin(let ps): if let p = ps[b] { factor *= theta[p] }
                    }
                }
                lambda[b] += base * factor
            }
        }
        var nll = constantTerm
        for b in 0..<nBins {
            let (t, w) = Self.poissonTerm(lambda[b], data.main[b])
            nll += t
            weight[b] = w
        }
        // Pass 2: d lambda_sb / d theta, chained with w_b = d(-ln L)/d lambda_b.
        gradient.withUnsafeMutableBufferPointer { g in
            for s in model.samples {
                let k = s.modifiers.count
                for b in 0..<nBins {
                    let w = weight[b]
                    if w == 0 { continue }
                    var base = s.nominal[b]
                    // Multiplicative factors in modifier order (1 for additive ones).
                    for (j, m) in s.modifiers.enumerated() {
                        switch m {
                        case .normfactor(let p), .lumi(let p): factors[j] = theta[p]
                        case .normsys(let p, let interp): factors[j] = interp.factor(theta[p])
                        case .histosys(let p, let up, let down):
                            factors[j] = 1
                            base += HistosysInterpolation.delta(theta[p], nominal: s.nominal[b], up: up[b], down: down[b])
                        case .perBin(let ps): factors[j] = ps[b].map { theta[$0] } ?? 1
                        }
                    }
                    // prefix[j] = prod_{i<j} f_i; the suffix product is accumulated backwards.
                    prefix[0] = 1
                    for j in 0..<k { prefix[j + 1] = prefix[j] * factors[j] }
                    let total = prefix[k]
                    var suffix = 1.0
                    for j in stride(from: k - 1, through: 0, by: -1) {
                        let others = prefix[j] * suffix
                        switch s.modifiers[j] {
                        case .normfactor(let p), .lumi(let p):
                            g[p] += w * base * others
                        case .normsys(let p, let interp):
                            g[p] += w * base * others * interp.derivative(theta[p])
                        case .histosys(let p, let up, let down):
                            g[p] += w * total * HistosysInterpolation.derivative(theta[p], nominal: s.nominal[b], up: up[b], down: down[b])
                        case .perBin(let ps):
                            if let p = ps[b] { g[p] += w * base * others }
                        }
                        suffix *= factors[j]
                    }
                }
            }
            nll += constraintTerms(theta, gradient: g.baseAddress)
        }
        return nll
    }
}
