import Foundation
import NeymanCore

/// The DisCo decorrelation penalty (Kasieczka & Shih, arXiv:2001.05310; docs/formulas.md §4): on each batch,
///
/// ```
///   L_DisCo = lambda * dCor²_w(s, m),      s_i = sigmoid(z_i)
/// ```
/// the weighted squared distance correlation (V-statistic) between the classifier score `s` and a variable `m` that
/// the classifier should not learn (a mass, a pT), over the batch's background events (label 0, the default, as in
/// the DisCo paper) or over all its events (as in the ATLAS tau-muon talk). `z` is the network's raw output; for the
/// `ratio` loss it is `ln f` and `sigmoid(z) = f/(1+f)` is again the classifier score.
///
/// The weighted statistic is `gkasieczka/DisCo`'s `distance_corr(s, m, normedweight, power=1)`: with the batch
/// weights of the selected events normalised to sum 1 (DisCo: mean 1, the same thing), `p_i = w_i / sum w`,
///
/// ```
///   A_ij = a_ij - ā_i - ā_j + ā,   a_ij = |s_i - s_j|,  ā_i = sum_j p_j a_ij,  ā = sum_i p_i ā_i   (B likewise from m)
///   XY = sum_ij p_i p_j A_ij B_ij,   XX = sum_ij p_i p_j A_ij²,   YY = sum_ij p_i p_j B_ij²
///   dCor² = XY / sqrt(XX YY)
/// ```
/// Its exact gradient: the weighted double centring is a projection, self-adjoint in `<X, Y> = sum p_i p_j X_ij Y_ij`,
/// so `dXY = sum p_i p_j B_ij da_ij`, `dXX = 2 sum p_i p_j A_ij da_ij`, and with `da_ij/ds_k = sgn(s_i - s_j)(δ_ik - δ_jk)`:
///
/// ```
///   d dCor²/ds_k = 2 p_k / sqrt(XX YY) * sum_j p_j sgn(s_k - s_j) (B_kj - (XY/XX) A_kj)
///   dL/dz_k      = lambda * d dCor²/ds_k * s_k (1 - s_k)          (0 for events not selected)
/// ```
/// At a tie `s_k = s_j` the term is not differentiable; the symmetric subgradient `sgn(0) = 0` is used.
/// Degenerate batches (fewer than 2 selected events, a non-positive sum of weights, all scores or all `m` equal) add
/// 0 with a zero gradient (dCor is 0 for constant input, as in ``NeymanStats/DistanceCorrelation``).
///
/// Cost: O(b²) in `Double` per batch of `b` selected events, in two passes over the pairs (row means; then the three
/// sums and both gradient sums at once, over `j > i` only); scratch buffers are kept between batches, so a batch
/// allocates nothing once the largest batch has been seen. Not thread-safe: one penalty per ``Trainer``.
public final class DisCoPenalty: LossPenalty {
    /// Which events of a batch enter the distance correlation.
    public enum Events: String, CaseIterable, Sendable {
        /// Label 0 only (the background in a signal-vs-background classifier).
        case background
        /// Every event of the batch.
        case all
    }

    /// The factor `lambda` in `lambda * dCor²`.
    public let lambda: Double
    /// Which events are used.
    public let events: Events
    /// The variable to decorrelate from, one value per event of the training set (indexed like ``LabelledEvents``).
    public let variable: [Double]

    // Scratch, reused across batches.
    private var index: [Int] = []
    private var s: [Double] = [], m: [Double] = [], p: [Double] = [], g: [Double] = []
    private var work: [Double] = []

    /// - Parameters:
    ///   - lambda: `>= 0` and finite.
    ///   - variable: `m` for every event of the training set, finite.
    /// - Throws: ``NeymanError/invalidInput(_:_:)`` naming `lambda` or the first non-finite value (0-based event).
    public init(lambda: Double, variable: [Double], events: Events = .background) throws {
        guard lambda.isFinite, lambda >= 0 else {
            throw NeymanError.invalid("lambda must be finite and >= 0, got \(lambda)", key: "training.disco.lambda")
        }
        if let i = variable.firstIndex(where: { !$0.isFinite }) {
            throw NeymanError.invalid("the DisCo variable is \(variable[i]) at event \(i) (0-based); it must be finite",
                                      key: "training.disco.variable")
        }
        self.lambda = lambda
        self.variable = variable
        self.events = events
    }

    /// Throws unless ``variable`` has one value per event of the training set.
    public func check(eventCount: Int) throws {
        guard variable.count == eventCount else {
            throw NeymanError.invalid("the DisCo variable has \(variable.count) values for \(eventCount) events",
                                      key: "training.disco.variable")
        }
    }

    /// `lambda * dCor²(sigmoid(z), m)` over the batch's selected events, writing `dL/dz` for every event of the
    /// batch into `gradient` (0 for events not selected). `rows[i]` is event `i`'s index in the training set, used to
    /// look up `m`; rows outside ``variable`` are skipped (``check(eventCount:)`` rules them out in training).
    public func evaluate(outputs: UnsafePointer<Float>, rows: [Int], labels: UnsafePointer<Float>, weights: UnsafePointer<Float>,
                         count: Int, gradient: UnsafeMutablePointer<Float>) -> Double {
        gradient.update(repeating: 0, count: count)
        index.removeAll(keepingCapacity: true)
        s.removeAll(keepingCapacity: true)
        m.removeAll(keepingCapacity: true)
        p.removeAll(keepingCapacity: true)
        for i in 0..<count where events == .all || labels[i] < 0.5 {
            let r = rows[i]
            guard r >= 0 && r < variable.count else { continue }
            index.append(i)
            s.append(logistic(Double(outputs[i])))
            m.append(variable[r])
            p.append(Double(weights[i]))
        }
        let b = index.count
        guard lambda > 0, b >= 2 else { return 0 }
        let total = p.reduce(0, +)
        guard total > 0 else { return 0 }
        for k in 0..<b { p[k] /= total }
        if g.count < b { g = [Double](repeating: 0, count: b) }
        if work.count < 4 * b { work = [Double](repeating: 0, count: 4 * b) }
        let value = s.withUnsafeBufferPointer { sb in
            m.withUnsafeBufferPointer { mb in
                p.withUnsafeBufferPointer { pb in
                    g.withUnsafeMutableBufferPointer { gb in
                        work.withUnsafeMutableBufferPointer { wb in
                            DisCoPenalty.distanceCorrelationSquared(sb.firstAddress, mb.firstAddress, pb.firstAddress, count: b,
                                                                    gradient: gb.firstAddress, work: wb.firstAddress)
                        }
                    }
                }
            }
        }
        for k in 0..<b {
            let sk = s[k]
            gradient[index[k]] = Float(lambda * g[k] * sk * (1 - sk))
        }
        return lambda * value
    }

    /// Weighted `dCor²(s, m)` of `n` events with weights `p` summing to 1, and its gradient `d dCor²/ds_k` written to
    /// `gradient[0..<n]`; `work` holds `4n` doubles of scratch. Returns 0 with a zero gradient for constant `s` or `m`.
    static func distanceCorrelationSquared(_ s: UnsafePointer<Double>, _ m: UnsafePointer<Double>, _ p: UnsafePointer<Double>,
                                           count n: Int, gradient: UnsafeMutablePointer<Double>,
                                           work: UnsafeMutablePointer<Double>) -> Double {
        let ra = work, rb = work + n, g1 = work + 2 * n, g2 = work + 3 * n
        // Pass 1: weighted row means ā_i, b̄_i and the grand means.
        var ga = 0.0, gb = 0.0
        for i in 0..<n {
            var sa = 0.0, sb = 0.0
            let si = s[i], mi = m[i]
            for j in 0..<n { sa += p[j] * abs(si - s[j]); sb += p[j] * abs(mi - m[j]) }
            ra[i] = sa; rb[i] = sb
            ga += p[i] * sa; gb += p[i] * sb
        }
        // Pass 2: XY, XX, YY and the two gradient sums, over i <= j.
        var xy = 0.0, xx = 0.0, yy = 0.0
        for i in 0..<n { g1[i] = 0; g2[i] = 0 }
        for i in 0..<n {
            let si = s[i], mi = m[i], pi = p[i], rai = ra[i], rbi = rb[i]
            let aii = ga - 2 * rai, bii = gb - 2 * rbi
            var rowXY = pi * aii * bii, rowXX = pi * aii * aii, rowYY = pi * bii * bii
            var g1i = 0.0, g2i = 0.0
            for j in (i + 1)..<n {
                let d = si - s[j]
                let a = abs(d) - rai - ra[j] + ga
                let bb = abs(mi - m[j]) - rbi - rb[j] + gb
                let pj = p[j]
                rowXY += 2 * pj * a * bb
                rowXX += 2 * pj * a * a
                rowYY += 2 * pj * bb * bb
                if d != 0 {
                    let sg: Double = d > 0 ? 1 : -1
                    g1i += pj * sg * bb
                    g2i += pj * sg * a
                    g1[j] -= pi * sg * bb
                    g2[j] -= pi * sg * a
                }
            }
            g1[i] += g1i; g2[i] += g2i
            xy += pi * rowXY; xx += pi * rowXX; yy += pi * rowYY
        }
        guard xx > 0, yy > 0 else {
            for k in 0..<n { gradient[k] = 0 }
            return 0
        }
        let root = (xx * yy).squareRoot()
        let ratio = xy / xx
        for k in 0..<n { gradient[k] = 2 * p[k] * (g1[k] - ratio * g2[k]) / root }
        return xy / root
    }
}
