import Foundation
import NeymanCore
import NeymanStats

/// The extended unbinned likelihood of a signal and a background component in one variable (docs/formulas.md §5):
///
/// ```
///   -ln L(N_s, N_b, p_s, p_b) = N_s + N_b - sum_e w_e ln( N_s f_s(m_e; p_s) + N_b f_b(m_e; p_b) )
/// ```
/// with `f_s`, `f_b` normalised on the fit range and `w_e` per-event weights (1 when unweighted). Constants that do
/// not depend on the parameters (`ln n!`) are left out. The gradient is analytic:
/// `d/dN_k = 1 - sum_e w_e f_k(m_e) / D_e`, `d/dp_k = -sum_e w_e N_k (df_k/dp_k)(m_e) / D_e`, `D_e = sum_k N_k f_k(m_e)`.
///
/// Parameter order: `signal.yield`, `background.yield`, then the signal shape's parameters as `signal.<name>`, then
/// the background's as `background.<name>`. Each evaluation normalises the two shapes once (``NormalizedPDF``),
/// then loops over the events, in chunks of 4096 run in parallel (``threads``) and added in a fixed order, so the
/// value is the same for any thread count.
///
/// With weights other than 1 the Hessian of this function is not the covariance of the estimates (that needs a
/// sandwich estimator); the fit's uncertainties are then only indicative.
public struct ExtendedMassLikelihood: Likelihood, Sendable {
    public let signal: any ComponentPDF
    public let background: any ComponentPDF
    public let range: FitRange
    /// The events inside the range.
    public let masses: [Double]
    /// Their weights, or `nil` for unit weights.
    public let weights: [Double]?
    public var parameters: [Parameter]
    /// Number of signal shape parameters.
    public let signalCount: Int
    /// Number of background shape parameters.
    public let backgroundCount: Int

    /// - Parameters:
    ///   - masses: events already restricted to `range` (``SPlotFit`` does that).
    ///   - start: starting values in parameter order.
    public init(signal: any ComponentPDF, background: any ComponentPDF, range: FitRange, masses: [Double],
                weights: [Double]?, start: [Double]) {
        self.signal = signal
        self.background = background
        self.range = range
        self.masses = masses
        self.weights = weights
        let ps = signal.parameters(range: range), pb = background.parameters(range: range)
        signalCount = ps.count
        backgroundCount = pb.count
        let total = weights.map { $0.reduce(0, +) } ?? Double(masses.count)
        let yieldMax = 3 * max(total, 1) + 10
        var pars = [Parameter("signal.yield", initial: 0, lower: 0, upper: yieldMax),
                    Parameter("background.yield", initial: 0, lower: 0, upper: yieldMax)]
        pars += ps.map { Parameter("signal.\($0.name)", initial: 0, lower: $0.lower, upper: $0.upper) }
        pars += pb.map { Parameter("background.\($0.name)", initial: 0, lower: $0.lower, upper: $0.upper) }
        for k in pars.indices where k < start.count { pars[k].initial = start[k] }
        parameters = pars
    }

    /// The signal and background shape parameters inside a full parameter vector.
    public func shapes(_ x: [Double]) -> (signal: [Double], background: [Double]) {
        (Array(x[2..<(2 + signalCount)]), Array(x[(2 + signalCount)...]))
    }

    /// The two pdfs normalised at the shape parameters of `x`.
    public func normalized(_ x: [Double]) -> (signal: NormalizedPDF, background: NormalizedPDF) {
        let (ps, pb) = shapes(x)
        return (NormalizedPDF(signal, parameters: ps, range: range), NormalizedPDF(background, parameters: pb, range: range))
    }

    /// Events per chunk of the event loop. The loop's sums are formed per chunk and the chunks added in order, so the
    /// result does not depend on how many threads ran the chunks.
    static let chunkSize = 4096

    /// Threads for the event loop (`nil`: all cores). Samples of one chunk or less always run on the calling thread.
    public var threads: Int? = nil

    /// What one pass over the events accumulates.
    private enum Order { case value, gradient, hessian }

    /// Sums over the events of `-ln L`'s data term and its derivatives, chunk by chunk (in parallel when there is
    /// more than one chunk), added in chunk order; `nil` when second derivatives were asked for and a shape has none.
    /// Layout (`P = 2 + n_s + n_b`, `a_e = dD_e/dtheta / D_e`, `r_e = w_e / D_e`):
    /// `[sum w ln D, sum r f_s, sum r f_b, sum r df_s/dp (n_s), sum r df_b/dp (n_b)]`, then for the Hessian
    /// `sum w a a^T` (`P x P`, upper triangle filled), `sum r d2f_s/dp dp` (`n_s x n_s`), `sum r d2f_b/dp dp` (`n_b x n_b`).
    private func eventSums(_ fs: NormalizedPDF, _ fb: NormalizedPDF, ns: Double, nb: Double, order: Order) -> [Double]? {
        let chunks = (masses.count + Self.chunkSize - 1) / Self.chunkSize
        let ps = signalCount, pb = backgroundCount, np = 2 + ps + pb
        let width = order == .value ? 1 : order == .gradient ? 3 + ps + pb : 3 + ps + pb + np * np + ps * ps + pb * pb
        let body = { @Sendable (c: Int) -> [Double]? in
            let lo = c * Self.chunkSize
            return chunkSums(lo..<min(masses.count, lo + Self.chunkSize), fs, fb, ns: ns, nb: nb, order: order, width: width)
        }
        let parts = chunks <= 1 ? [body(0)] : deterministicParallelMap(count: chunks, threads: threads, body)
        var total = [Double](repeating: 0, count: width)
        for p in parts {
            guard let p else { return nil }
            for k in 0..<width { total[k] += p[k] }
        }
        return total
    }

    /// One chunk's sums (layout of ``eventSums``): the shapes are evaluated for the whole chunk into flat buffers
    /// (one batch call per component), then one allocation-free loop accumulates.
    private func chunkSums(_ range: Range<Int>, _ fs: NormalizedPDF, _ fb: NormalizedPDF, ns: Double, nb: Double,
                           order: Order, width: Int) -> [Double]? {
        let n = range.count
        let ps = signalCount, pb = backgroundCount, np = 2 + ps + pb
        let wantGradient = order != .value, wantHessian = order == .hessian
        var buffer = [Double](repeating: 0, count: n * ((1 + ps + pb) + (wantGradient ? ps + pb : 0)
                                                         + (wantHessian ? ps * ps + pb * pb : 0)))
        var out = [Double](repeating: 0, count: width)
        let ok = buffer.withUnsafeMutableBufferPointer { buf -> Bool in
            masses.withUnsafeBufferPointer { mb -> Bool in
                let base = buf.firstAddress
                let m = mb.firstAddress + range.lowerBound
                let vs = base, vb = base + n
                let gs = base + 2 * n, gb = gs + ps * n
                let hs = gb + pb * n, hb = hs + ps * ps * n
                guard fs.values(m, count: n, values: vs, gradients: wantGradient ? gs : nil, hessians: wantHessian ? hs : nil),
                      fb.values(m, count: n, values: vb, gradients: wantGradient ? gb : nil, hessians: wantHessian ? hb : nil)
                else { return false }
                out.withUnsafeMutableBufferPointer { ob in
                    let o = ob.firstAddress
                    let q = o + 3 + ps + pb, ts = q + np * np, tb = ts + ps * ps
                    var a = [Double](repeating: 0, count: np)
                    for e in 0..<n {
                        let w: Double = weights?[range.lowerBound + e] ?? 1
                        let d: Double = ns * vs[e] + nb * vb[e]
                        o[0] += w * Foundation.log(d)
                        guard wantGradient else { continue }
                        let r = w / d
                        o[1] += r * vs[e]
                        o[2] += r * vb[e]
                        for k in 0..<ps { o[3 + k] += r * gs[k * n + e] }
                        for k in 0..<pb { o[3 + ps + k] += r * gb[k * n + e] }
                        guard wantHessian else { continue }
                        let inv = 1 / d
                        a[0] = vs[e] * inv
                        a[1] = vb[e] * inv
                        for k in 0..<ps { a[2 + k] = ns * gs[k * n + e] * inv }
                        for k in 0..<pb { a[2 + ps + k] = nb * gb[k * n + e] * inv }
                        for i in 0..<np { let wa = w * a[i]; for j in i..<np { q[i * np + j] += wa * a[j] } }
                        for k in 0..<(ps * ps) { ts[k] += r * hs[k * n + e] }
                        for k in 0..<(pb * pb) { tb[k] += r * hb[k * n + e] }
                    }
                }
                return true
            }
        }
        return ok ? out : nil
    }

    public func negativeLogLikelihood(_ x: [Double]) -> Double {
        let (fs, fb) = normalized(x)
        return x[0] + x[1] - (eventSums(fs, fb, ns: x[0], nb: x[1], order: .value)?[0] ?? .nan)
    }

    public func negativeLogLikelihood(_ x: [Double], gradient: inout [Double]) -> Double {
        let (fs, fb) = normalized(x)
        let ns = x[0], nb = x[1]
        guard let s = eventSums(fs, fb, ns: ns, nb: nb, order: .gradient) else { return .nan }
        gradient[0] = 1 - s[1]
        gradient[1] = 1 - s[2]
        for k in 0..<signalCount { gradient[2 + k] = -ns * s[3 + k] }
        for k in 0..<backgroundCount { gradient[2 + signalCount + k] = -nb * s[3 + signalCount + k] }
        return ns + nb - s[0]
    }

    /// The analytic Hessian, when both shapes have second derivatives (else `nil`):
    ///
    /// ```
    ///   H = sum_e w_e [ (dD_e)(dD_e)^T / D_e^2 - d2D_e / D_e ]
    ///   d2D/dN_s dp_s = df_s/dp_s,   d2D/dp_s dp_s' = N_s d2f_s/dp_s dp_s'   (likewise for b; all other blocks 0)
    /// ```
    /// from the same single pass over the events as the value and gradient.
    public func negativeLogLikelihood(_ x: [Double], gradient: inout [Double], hessian: inout [Double]) -> Double? {
        let (fs, fb) = normalized(x)
        let ns = x[0], nb = x[1]
        let ps = signalCount, pb = backgroundCount, np = 2 + ps + pb
        guard let s = eventSums(fs, fb, ns: ns, nb: nb, order: .hessian) else { return nil }
        gradient[0] = 1 - s[1]
        gradient[1] = 1 - s[2]
        for k in 0..<ps { gradient[2 + k] = -ns * s[3 + k] }
        for k in 0..<pb { gradient[2 + ps + k] = -nb * s[3 + ps + k] }
        let q = 3 + ps + pb, ts = q + np * np, tb = ts + ps * ps
        for i in 0..<np { for j in i..<np { hessian[i * np + j] = s[q + i * np + j]; hessian[j * np + i] = s[q + i * np + j] } }
        for k in 0..<ps {
            hessian[2 + k] -= s[3 + k]; hessian[(2 + k) * np] -= s[3 + k]
            for l in 0..<ps { hessian[(2 + k) * np + 2 + l] -= ns * s[ts + k * ps + l] }
        }
        for k in 0..<pb {
            hessian[np + 2 + ps + k] -= s[3 + ps + k]; hessian[(2 + ps + k) * np + 1] -= s[3 + ps + k]
            for l in 0..<pb { hessian[(2 + ps + k) * np + 2 + ps + l] -= nb * s[tb + k * pb + l] }
        }
        return ns + nb - s[0]
    }
}
