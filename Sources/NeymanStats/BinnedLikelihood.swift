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
/// The model is compiled at construction into flat tables (one entry per sample and bin, one per modifier), and the
/// evaluation runs over raw buffers: this is the innermost loop of every toy study.
/// A class with scratch buffers: not thread-safe; use one instance per thread (they are cheap to make).
public final class BinnedLikelihood: ModelLikelihood {
    public let model: BinnedModel
    public let data: BinnedData
    public let parameters: [Parameter]
    public var poiIndex: Int { model.poiIndex }

    private let compiled: CompiledBinnedModel
    private let constantTerm: Double
    private let observed: UnsafeMutablePointer<Double>
    private let lambda: UnsafeMutablePointer<Double>
    private let weight: UnsafeMutablePointer<Double>
    private let factors: UnsafeMutablePointer<Double>
    private let prefix: UnsafeMutablePointer<Double>

    /// - Throws: ``NeymanError`` if `data` does not fit the model.
    public convenience init(model: BinnedModel, data: BinnedData) throws {
        try model.validate(data)
        self.init(model: model, compiled: model.compiled, data: data)
    }

    init(model: BinnedModel, compiled: CompiledBinnedModel, data: BinnedData) {
        self.model = model
        self.compiled = compiled
        self.data = data
        self.parameters = model.parameters
        var c = 0.0
        for n in data.main { c += Poisson.logFactorial(n) }
        for con in compiled.constraints {
            switch con.kind {
            case .gaussian: c += log(con.width) + 0.5 * log(2 * Double.pi)
            case .poisson: c += Poisson.logFactorial(data.auxiliary[con.auxIndex])
            }
        }
        constantTerm = c
        let nBins = compiled.binCount
        observed = .allocate(capacity: nBins)
        for b in 0..<nBins { observed[b] = data.main[b] }
        lambda = .allocate(capacity: nBins)
        weight = .allocate(capacity: nBins)
        factors = .allocate(capacity: compiled.maxModifiersPerTerm + 1)
        prefix = .allocate(capacity: compiled.maxModifiersPerTerm + 1)
    }

    deinit {
        observed.deallocate(); lambda.deallocate(); weight.deallocate(); factors.deallocate(); prefix.deallocate()
    }

    /// A likelihood for other data on the same model, reusing the compiled tables.
    public func with(data newData: BinnedData) throws -> BinnedLikelihood {
        try model.validate(newData)
        return BinnedLikelihood(model: model, compiled: compiled, data: newData)
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
        theta.withUnsafeBufferPointer { th in
            compiled.expected(th.firstAddress, into: lambda)
            var nll = constantTerm
            for b in 0..<compiled.binCount { nll += Self.poissonTerm(lambda[b], observed[b]).0 }
            return nll + constraintTerms(th.firstAddress, gradient: nil)
        }
    }

    private func constraintTerms(_ theta: UnsafePointer<Double>, gradient: UnsafeMutablePointer<Double>?) -> Double {
        var s = 0.0
        data.auxiliary.withUnsafeBufferPointer { aux in
            for con in compiled.constraints {
                let p = con.parameter
                switch con.kind {
                case .gaussian:
                    let sigma = con.width
                    let d = theta[p] - aux[con.auxIndex]
                    s += d * d / (2 * sigma * sigma)
                    gradient?[p] += d / (sigma * sigma)
                case .poisson:
                    let tau = con.width
                    let (t, dt) = Self.poissonTerm(theta[p] * tau, aux[con.auxIndex])
                    s += t
                    gradient?[p] += dt * tau
                }
            }
        }
        return s
    }

    public func negativeLogLikelihood(_ theta: [Double], gradient: inout [Double]) -> Double {
        let nBins = compiled.binCount
        return theta.withUnsafeBufferPointer { thb in
            gradient.withUnsafeMutableBufferPointer { gb in
                let th = thb.firstAddress, g = gb.firstAddress
                for k in 0..<gb.count { g[k] = 0 }
                compiled.expected(th, into: lambda)
                var nll = constantTerm
                for b in 0..<nBins {
                    let (t, w) = Self.poissonTerm(lambda[b], observed[b])
                    nll += t
                    weight[b] = w
                }
                compiled.accumulateGradient(th, binWeights: weight, into: g, factors: factors, prefix: prefix)
                return nll + constraintTerms(th, gradient: g)
            }
        }
    }
}

/// A ``BinnedModel`` flattened for fast evaluation: one term per (sample, bin) with a non-zero nominal yield or a
/// shape systematic, and its modifiers as a contiguous slice of a modifier table.
struct CompiledBinnedModel: Sendable {
    enum Kind: UInt8 { case multiply, normsys, histosys }
    enum ConstraintKind { case gaussian, poisson }
    struct Constraint { let kind: ConstraintKind; let parameter: Int; let auxIndex: Int; let width: Double }

    let binCount: Int
    let termCount: Int
    let termBin: [Int]
    let termNominal: [Double]
    let termStart: [Int]  // termCount + 1 offsets into the modifier table
    let modKind: [Kind]
    let modParameter: [Int]
    let modAux: [Int]     // normsys: index into normsys tables; histosys: index into up/down tables
    let normsys: [NormsysInterpolation]
    let histoUp: [Double]
    let histoDown: [Double]
    let constraints: [Constraint]
    let maxModifiersPerTerm: Int

    init(channels: [BinnedModel.Channel], samples: [BinnedModel.Sample], constraints: [BinnedModel.Constraint]) {
        let binCount = channels.last?.bins.upperBound ?? 0
        var termBin: [Int] = [], termNominal: [Double] = [], termStart: [Int] = [0]
        var modKind: [Kind] = [], modParameter: [Int] = [], modAux: [Int] = []
        var normsys: [NormsysInterpolation] = [], up: [Double] = [], down: [Double] = []
        var maxMods = 0
        for s in samples {
            var normsysIndex: [Int: Int] = [:]
            for (j, m) in s.modifiers.enumerated() {
                if case .normsys(_, let interp) = m { normsysIndex[j] = normsys.count; normsys.append(interp) }
            }
            for b in 0..<binCount {
                let hasShape = s.modifiers.contains { if case .histosys = $0 { return true }; return false }
                if s.nominal[b] == 0 && !hasShape { continue }
                var count = 0
                for (j, m) in s.modifiers.enumerated() {
                    switch m {
                    case .normfactor(let p), .lumi(let p):
                        modKind.append(.multiply); modParameter.append(p); modAux.append(-1)
                    case .normsys(let p, _):
                        modKind.append(.normsys); modParameter.append(p); modAux.append(normsysIndex[j] ?? 0)
                    case .histosys(let p, let u, let d):
                        modKind.append(.histosys); modParameter.append(p); modAux.append(up.count)
                        up.append(u[b]); down.append(d[b])
                    case .perBin(let ps):
                        guard let p = ps[b] else { continue }
                        modKind.append(.multiply); modParameter.append(p); modAux.append(-1)
                    }
                    count += 1
                }
                maxMods = max(maxMods, count)
                termBin.append(b)
                termNominal.append(s.nominal[b])
                termStart.append(modKind.count)
            }
        }
        self.binCount = binCount
        self.termCount = termBin.count
        self.termBin = termBin
        self.termNominal = termNominal
        self.termStart = termStart
        self.modKind = modKind
        self.modParameter = modParameter
        self.modAux = modAux
        self.normsys = normsys
        self.histoUp = up
        self.histoDown = down
        self.maxModifiersPerTerm = maxMods
        self.constraints = constraints.map { c in
            switch c {
            case .gaussian(let p, let a, let sigma): return Constraint(kind: .gaussian, parameter: p, auxIndex: a, width: sigma)
            case .poisson(let p, let a, let tau): return Constraint(kind: .poisson, parameter: p, auxIndex: a, width: tau)
            }
        }
    }

    /// The term and modifier tables as buffers, for the hot loops of ``expected(_:into:)`` and the gradient.
    @inline(__always)
    func withTables(_ body: (UnsafeBufferPointer<Int>, UnsafeBufferPointer<Double>, UnsafeBufferPointer<Int>,
                                     UnsafeBufferPointer<Kind>, UnsafeBufferPointer<Int>, UnsafeBufferPointer<Int>) -> Void) {
        termBin.withUnsafeBufferPointer { tBin in
            termNominal.withUnsafeBufferPointer { tNom in
                termStart.withUnsafeBufferPointer { tStart in
                    modKind.withUnsafeBufferPointer { mKind in
                        modParameter.withUnsafeBufferPointer { mPar in
                            modAux.withUnsafeBufferPointer { mAux in body(tBin, tNom, tStart, mKind, mPar, mAux) }
                        }
                    }
                }
            }
        }
    }

    /// `lambda_b(theta)` into `out` (`binCount` entries).
    @inline(__always)
    func expected(_ theta: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>) {
        for b in 0..<binCount { out[b] = 0 }
        withTables { tBin, tNom, tStart, mKind, mPar, mAux in
            for t in 0..<termCount {
                var base = tNom[t]
                var factor = 1.0
                for j in tStart[t]..<tStart[t + 1] {
                    let p = mPar[j]
                    switch mKind[j] {
                    case .multiply: factor *= theta[p]
                    case .normsys: factor *= normsys[mAux[j]].factor(theta[p])
                    case .histosys:
                        base += HistosysInterpolation.delta(theta[p], nominal: tNom[t], up: histoUp[mAux[j]], down: histoDown[mAux[j]])
                    }
                }
                out[tBin[t]] += base * factor
            }
        }
    }

    /// `g_k += sum_b w_b d lambda_b / d theta_k`.
    @inline(__always)
    func accumulateGradient(_ theta: UnsafePointer<Double>, binWeights w: UnsafePointer<Double>, into g: UnsafeMutablePointer<Double>,
                            factors f: UnsafeMutablePointer<Double>, prefix pre: UnsafeMutablePointer<Double>) {
        withTables { tBin, tNom, tStart, mKind, mPar, mAux in
            for t in 0..<termCount {
                let wb = w[tBin[t]]
                if wb == 0 { continue }
                let start = tStart[t], k = tStart[t + 1] - start
                var base = tNom[t]
                for j in 0..<k {
                    let p = mPar[start + j]
                    switch mKind[start + j] {
                    case .multiply: f[j] = theta[p]
                    case .normsys: f[j] = normsys[mAux[start + j]].factor(theta[p])
                    case .histosys:
                        f[j] = 1
                        let a = mAux[start + j]
                        base += HistosysInterpolation.delta(theta[p], nominal: tNom[t], up: histoUp[a], down: histoDown[a])
                    }
                }
                pre[0] = 1
                for j in 0..<k { pre[j + 1] = pre[j] * f[j] }
                let total = pre[k]
                var suffix = 1.0
                var j = k - 1
                while j >= 0 {
                    let p = mPar[start + j]
                    let others = pre[j] * suffix
                    switch mKind[start + j] {
                    case .multiply: g[p] += wb * base * others
                    case .normsys: g[p] += wb * base * others * normsys[mAux[start + j]].derivative(theta[p])
                    case .histosys:
                        let a = mAux[start + j]
                        g[p] += wb * total * HistosysInterpolation.derivative(theta[p], nominal: tNom[t], up: histoUp[a], down: histoDown[a])
                    }
                    suffix *= f[j]
                    j -= 1
                }
            }
        }
    }
}
