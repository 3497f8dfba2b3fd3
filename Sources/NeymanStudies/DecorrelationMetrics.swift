import Foundation
import NeymanCore
import NeymanStats

/// What a cut on a classifier's score does to the background, in the DisCo paper's terms (Kasieczka & Shih
/// arXiv:2001.05310; docs/formulas.md §4): the rejection at a fixed signal efficiency and how much the cut sculpts the
/// background's `m` spectrum.
///
/// ```
///   cut t:   the signal-efficiency quantile of the signal scores;  an event passes if score > t
///   eps_B  = (background events passing) / N_B,     d eps_B = sqrt(eps_B (1 - eps_B) / N_B)   (binomial)
///   R      = 1 / eps_B,                              d R     = d eps_B / eps_B²
///   JSD    = JensenShannonDivergence.bits(m histogram of passing background, m histogram of failing background)
///   dCor²  = DistanceCorrelation.univariate(score, m) over the background (V-statistic)
/// ```
/// With a signal efficiency of 0.5, `R` is the paper's `R50`. Two finite-sample references, because both JSD and
/// dCor² are positive for independent finite samples:
/// - ``jsdRandomCut``: the mean JSD of cuts that keep each background event with probability `eps_B` independently
///   of `m` (what a perfectly decorrelated classifier with the same rejection would show on this test sample);
/// - ``dCor2Shuffled``: dCor² of the scores with a random permutation of `m`.
/// ``jsdError`` is the standard deviation of the JSD over Poisson(1) bootstrap replicas of the background events,
/// with the cut held fixed.
public struct DecorrelationMetrics: Sendable {
    /// The cut on the score (an event passes if its score is above it).
    public var cut: Double
    /// Fraction of the signal events passing (the target up to ties and `1/N_S`).
    public var signalEfficiency: Double
    /// `eps_B` and its binomial error.
    public var backgroundEfficiency: Double
    public var backgroundEfficiencyError: Double
    /// `1 / eps_B` and its error (infinite when no background event passes).
    public var rejection: Double
    public var rejectionError: Double
    /// JSD in bits between the `m` histograms of passing and failing background (NaN when either is empty).
    public var jsd: Double
    public var jsdError: Double
    public var jsdRandomCut: Double
    /// dCor²(score, m) on the background, and with `m` shuffled.
    public var dCor2: Double
    public var dCor2Shuffled: Double
    /// The `m` histograms (event counts) of passing and failing background.
    public var passHistogram: [Double]
    public var failHistogram: [Double]

    /// The metrics of one classifier.
    /// - Parameters:
    ///   - signalScores, backgroundScores: classifier scores of independent test events (any monotone score orders
    ///     events the same; dCor² is computed on the values given, so pass the score dCor² should be measured on).
    ///   - backgroundMass: `m` of each background event.
    ///   - signalEfficiency: in (0, 1); 0.5 for `R50`.
    ///   - edges: equal `m` bins `lower...upper` (`bins` of them); values outside go to the first or last bin.
    ///   - replicates: bootstrap replicas and random cuts (each); 0 = no error and no random-cut level (NaN).
    ///   - rng: the stream for the bootstrap, the random cuts and the shuffle, in that order.
    /// - Throws: ``NeymanError/invalidInput(_:_:)`` for empty or mismatched inputs, non-finite values, or bad bins.
    public static func evaluate(signalScores: [Double], backgroundScores: [Double], backgroundMass: [Double],
                                signalEfficiency: Double = 0.5, edges: (lower: Double, upper: Double, bins: Int),
                                replicates: Int, rng: RandomStream) throws -> DecorrelationMetrics {
        guard !signalScores.isEmpty, !backgroundScores.isEmpty else { throw NeymanError.invalid("no signal or no background events") }
        guard backgroundMass.count == backgroundScores.count else {
            throw NeymanError.invalid("\(backgroundMass.count) values of m for \(backgroundScores.count) background events")
        }
        guard signalEfficiency > 0, signalEfficiency < 1 else { throw NeymanError.invalid("the signal efficiency must be in (0, 1)") }
        guard edges.bins >= 1, edges.lower < edges.upper, edges.lower.isFinite, edges.upper.isFinite else {
            throw NeymanError.invalid("bad m binning \(edges)")
        }
        for (name, v) in [("signal score", signalScores), ("background score", backgroundScores), ("m", backgroundMass)] {
            if let i = v.firstIndex(where: { !$0.isFinite }) { throw NeymanError.invalid("\(name) of event \(i) (0-based) is \(v[i])") }
        }
        // The cut: halfway between the scores just below and just above the signal quantile.
        let sorted = signalScores.sorted()
        let nS = sorted.count
        let keep = min(max(Int((signalEfficiency * Double(nS)).rounded()), 1), nS)
        let cut = keep == nS ? sorted[0] - 1 : 0.5 * (sorted[nS - keep - 1] + sorted[nS - keep])
        let sEff = Double(signalScores.reduce(0) { $0 + ($1 > cut ? 1 : 0) }) / Double(nS)

        let nB = backgroundScores.count
        let passes = backgroundScores.map { $0 > cut }
        let bin = backgroundMass.map { m -> Int in
            min(max(Int(((m - edges.lower) / (edges.upper - edges.lower) * Double(edges.bins)).rounded(.down)), 0), edges.bins - 1)
        }
        var pass = [Double](repeating: 0, count: edges.bins), fail = pass
        for i in 0..<nB { if passes[i] { pass[bin[i]] += 1 } else { fail[bin[i]] += 1 } }
        let nPass = pass.reduce(0, +)
        let eps = nPass / Double(nB)
        let epsError = (eps * (1 - eps) / Double(nB)).squareRoot()
        let rejection = nPass > 0 ? 1 / eps : .infinity
        let rejectionError = nPass > 0 ? epsError / (eps * eps) : .nan
        let jsd = (nPass > 0 && nPass < Double(nB)) ? try JensenShannonDivergence.bits(pass, fail) : .nan

        // Bootstrap of the background (Poisson(1) weights), cut fixed.
        var jsdError = Double.nan
        if replicates >= 2, jsd.isFinite {
            var values: [Double] = []
            for _ in 0..<replicates {
                var p = [Double](repeating: 0, count: edges.bins), f = p
                for i in 0..<nB {
                    let w = rng.poisson(mean: 1)
                    if passes[i] { p[bin[i]] += w } else { f[bin[i]] += w }
                }
                if let v = try? JensenShannonDivergence.bits(p, f) { values.append(v) }
            }
            jsdError = SampleSummary.standardDeviation(values)
        }
        // Random cuts at the same background efficiency.
        var jsdRandom = Double.nan
        if replicates >= 1, jsd.isFinite {
            var total = 0.0, count = 0
            for _ in 0..<replicates {
                var p = [Double](repeating: 0, count: edges.bins), f = p
                for i in 0..<nB { if rng.uniform() < eps { p[bin[i]] += 1 } else { f[bin[i]] += 1 } }
                if let v = try? JensenShannonDivergence.bits(p, f) { total += v; count += 1 }
            }
            if count > 0 { jsdRandom = total / Double(count) }
        }
        let dcor = try DistanceCorrelation.univariate(x: backgroundScores, y: backgroundMass).dCor2
        let perm = rng.permutation(nB)
        let shuffled = try DistanceCorrelation.univariate(x: backgroundScores, y: perm.map { backgroundMass[$0] }).dCor2
        return DecorrelationMetrics(cut: cut, signalEfficiency: sEff, backgroundEfficiency: eps, backgroundEfficiencyError: epsError,
                                    rejection: rejection, rejectionError: rejectionError, jsd: jsd, jsdError: jsdError,
                                    jsdRandomCut: jsdRandom, dCor2: dcor, dCor2Shuffled: shuffled, passHistogram: pass,
                                    failHistogram: fail)
    }
}
