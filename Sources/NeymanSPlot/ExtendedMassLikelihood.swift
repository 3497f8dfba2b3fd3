import Foundation
import NeymanCore
import NeymanStats

/// The extended unbinned likelihood of a signal and a background component in one variable (formulas.md §5):
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
/// then loops over the events, in chunks of 16384 run in parallel (``threads``) and added in a fixed order, so the
/// value is the same for any thread count.
///
/// With weights other than 1 the Hessian of this function is not the covariance of the estimates (that needs a
/// sandwich estimator); the fit's uncertainties are then only indicative.
public struct ExtendedMassLikelihood: Likelihood {
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
    static let chunkSize = 16_384

    /// Threads for the event loop (`nil`: all cores). Samples of one chunk or less always run on the calling thread.
    public var threads: Int? = nil

    /// Sums over the events of `-ln L`'s data term and its gradient, chunk by chunk (in parallel when there is more
    /// than one chunk), added in chunk order.
    private func eventSums(_ fs: NormalizedPDF, _ fb: NormalizedPDF, ns: Double, nb: Double, gradient: Bool) -> [Double] {
        let chunks = (masses.count + Self.chunkSize - 1) / Self.chunkSize
        let width = gradient ? 3 + signalCount + backgroundCount : 1
        let body = { (c: Int) -> [Double] in
            let range = (c * Self.chunkSize)..<min(masses.count, (c + 1) * Self.chunkSize)
            return gradient ? chunkWithGradient(range, fs, fb, ns: ns, nb: nb) : [chunkValue(range, fs, fb, ns: ns, nb: nb)]
        }
        let parts = chunks <= 1 ? [body(0)] : ((try? deterministicParallelMap(count: chunks, threads: threads, body)) ?? (0..<chunks).map(body))
        var total = [Double](repeating: 0, count: width)
        for p in parts { for k in 0..<width { total[k] += p[k] } }
        return total
    }

    private func chunkValue(_ range: Range<Int>, _ fs: NormalizedPDF, _ fb: NormalizedPDF, ns: Double, nb: Double) -> Double {
        var sum = 0.0
        for e in range {
            let m = masses[e]
            sum += (weights?[e] ?? 1) * log(ns * fs.value(m) + nb * fb.value(m))
        }
        return sum
    }

    /// `[sum w ln D, sum w f_s/D, sum w f_b/D, sum w (df_s/dp)/D ..., sum w (df_b/dp)/D ...]` over `range`.
    private func chunkWithGradient(_ range: Range<Int>, _ fs: NormalizedPDF, _ fb: NormalizedPDF, ns: Double, nb: Double) -> [Double] {
        var gs = [Double](repeating: 0, count: signalCount), ss = gs
        var gb = [Double](repeating: 0, count: backgroundCount), sb = gb
        var out = [Double](repeating: 0, count: 3 + signalCount + backgroundCount)
        for e in range {
            let m = masses[e]
            let w = weights?[e] ?? 1
            let vs = fs.value(m, gradient: &gs, scratch: &ss)
            let vb = fb.value(m, gradient: &gb, scratch: &sb)
            let d = ns * vs + nb * vb
            out[0] += w * log(d)
            let r = w / d
            out[1] += r * vs
            out[2] += r * vb
            for k in 0..<signalCount { out[3 + k] += r * gs[k] }
            for k in 0..<backgroundCount { out[3 + signalCount + k] += r * gb[k] }
        }
        return out
    }

    public func negativeLogLikelihood(_ x: [Double]) -> Double {
        let (fs, fb) = normalized(x)
        return x[0] + x[1] - eventSums(fs, fb, ns: x[0], nb: x[1], gradient: false)[0]
    }

    public func negativeLogLikelihood(_ x: [Double], gradient: inout [Double]) -> Double {
        let (fs, fb) = normalized(x)
        let ns = x[0], nb = x[1]
        let s = eventSums(fs, fb, ns: ns, nb: nb, gradient: true)
        gradient[0] = 1 - s[1]
        gradient[1] = 1 - s[2]
        for k in 0..<signalCount { gradient[2 + k] = -ns * s[3 + k] }
        for k in 0..<backgroundCount { gradient[2 + signalCount + k] = -nb * s[3 + signalCount + k] }
        return ns + nb - s[0]
    }
}
