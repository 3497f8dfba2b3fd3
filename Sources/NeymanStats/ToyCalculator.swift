import Foundation
import NeymanCore

/// The sampled distributions of a test statistic under the signal-plus-background and background-only hypotheses.
public struct ToyDistributions: Sendable {
    /// Test statistic of each pseudo-experiment generated at `mu` (index = toy number).
    public let signalPlusBackground: [Double]
    /// Test statistic of each pseudo-experiment generated at `mu = 0` (at `mu = 1` for `q0`).
    public let backgroundOnly: [Double]
    /// Per pseudo-experiment (index = toy number), how many of its two fits converged: 0, 1 or 2.
    public let convergedFits: [Int]
    /// Pseudo-experiments whose fits all converged (out of `2 * toys`).
    public var convergedCount: Int { convergedFits.reduce(0, +) }

    /// The distributions from per-toy arrays of equal length (e.g. the shards of a run joined in toy order).
    public init(signalPlusBackground: [Double], backgroundOnly: [Double], convergedFits: [Int]) {
        self.signalPlusBackground = signalPlusBackground
        self.backgroundOnly = backgroundOnly
        self.convergedFits = convergedFits
    }
}

/// p-values, CLs and expected bands from pseudo-experiments (docs/formulas.md §3), with pyhf's conventions
/// (`calctype="toybased"`), run in parallel with results independent of the thread count.
///
/// - Pseudo-data for the signal-plus-background hypothesis are generated at `theta_hat_hat(mu)` fitted to the
///   observed data, those for the background-only hypothesis at `theta_hat_hat(0)` (`theta_hat_hat(1)` for `q0`):
///   the LHC Higgs combination recipe, as pyhf and RooStats do. Auxiliary measurements are fluctuated too.
/// - Every pseudo-experiment is refitted (unconditional and conditional fits).
/// - `CLs+b = #{q_sb >= q_obs} / N`, `CLb = #{q_b >= q_obs} / N`, `CLs = CLs+b / CLb`.
/// - Expected band: CLs evaluated at each background-only toy's statistic, then its percentiles at
///   `100 Phi(k)`, `k = -2..2` (linear interpolation between order statistics, numpy's default).
///
/// Randomness: pseudo-experiment `i` under s+b draws from `RandomStream(seed, task: 2i)`, under b from
/// `RandomStream(seed, task: 2i + 1)`; so toy `i` is the same for any thread count, any total number of toys and any shard
/// (``distributions(mu:indices:)``).
///
/// Defined edge cases:
/// - `mu = 0` (for `q`, `q~`): signal-plus-background *is* background-only, and both samples come from the same
///   distribution. They are pooled: `CLs+b = CLb = #{q >= q_obs} / 2N` over all `2N` toys, `CLs = 1` exactly,
///   expected CLs all 1, `clsError = 0`.
/// - `CLb = 0` (no background-only toy reached `q_obs`): CLs is undefined from these toys and is NaN (the command line
///   reports it as a failure: more toys are needed).
/// - ``minimumToys``: the fewest toys the command line accepts.
public struct ToyCalculator<Model: StatisticalModel>: Sendable {
    /// The fewest pseudo-experiments per hypothesis for which the command line reports a toy-based p-value: 100. With N
    /// toys the smallest non-zero p-value is 1/N and the -2 sigma quantile of the expected band (2.3%) is an
    /// interpolation between the 2nd and 3rd smallest of the N background-only values; below about 50 toys it is the
    /// smallest value itself, and a p-value from one toy is 0 or 1. (The library accepts any N > 0, for tests.)
    public static var minimumToys: Int { 100 }

    public let profile: ProfileLikelihood<Model>
    public let statistic: TestStatistic
    public let data: Model.Data
    public let toys: Int
    public let seed: UInt64
    public let threads: Int?
    public let quiet: Bool

    public init(model: Model, data: Model.Data, statistic: TestStatistic = .qmuTilde, toys: Int, seed: UInt64,
                threads: Int? = nil, quiet: Bool = true, minimizer: Minimizer = Minimizer(options: .fast)) throws {
        guard toys > 0 else { throw NeymanError.invalid("the number of toys must be positive, got \(toys)", parameter: "toys") }
        self.profile = ProfileLikelihood(model: model, minimizer: minimizer)
        self.statistic = statistic
        self.data = data
        self.toys = toys
        self.seed = seed
        self.threads = threads
        self.quiet = quiet
    }

    /// The test statistic of the observed data at `mu`.
    public func observedStatistic(mu: Double) throws -> TestStatisticValue {
        try profile.evaluate(statistic, mu: mu, data: data)
    }

    /// Generates and refits the pseudo-experiments for a test of `mu`: all ``toys`` of them, or those of `indices`
    /// (a shard of the run, ``ShardSelection``; toy `i` is the same whichever subset runs it).
    public func distributions(mu: Double, indices: Range<Int>? = nil) throws -> ToyDistributions {
        let indices = indices ?? 0..<toys
        let model = profile.model
        let sbFit = try profile.conditionalFit(mu: mu, data)
        let bMu: Double = statistic == .q0 ? 1 : 0
        let bFit = try profile.conditionalFit(mu: bMu, data)
        guard sbFit.converged, bFit.converged else {
            throw NeymanError.numericalFailure("the fit of the nuisance parameters to the observed data did not converge "
                                               + "(\(sbFit.converged ? bFit.status : sbFit.status))")
        }
        let sbTheta = sbFit.values, bTheta = bFit.values
        let progress = ProgressDisplay("toys (mu = \(mu))", total: indices.count, quiet: quiet)
        defer { progress.finish() }
        let first = indices.lowerBound
        let results: [(Double, Double, Int)] = try deterministicParallelMap(count: indices.count, threads: threads, progress: progress) { j in
            let i = first + j
            let sbData = try model.sample(sbTheta, rng: RandomStream(seed: seed, task: UInt64(2 * i)))
            let bData = try model.sample(bTheta, rng: RandomStream(seed: seed, task: UInt64(2 * i + 1)))
            let qsb = try profile.evaluate(statistic, mu: mu, data: sbData, start: sbTheta)
            let qb = try profile.evaluate(statistic, mu: mu, data: bData, start: bTheta)
            return (qsb.value, qb.value, (qsb.converged ? 1 : 0) + (qb.converged ? 1 : 0))
        }
        return ToyDistributions(signalPlusBackground: results.map(\.0), backgroundOnly: results.map(\.1),
                                convergedFits: results.map(\.2))
    }

    /// The CLs test of `mu`.
    public func test(mu: Double) throws -> HypothesisTestResult {
        let observed = try observedStatistic(mu: mu)
        let dist = try distributions(mu: mu)
        return Self.result(mu: mu, statistic: statistic, observed: observed, distributions: dist)
    }

    /// Combines an observed statistic and sampled distributions into CLs values and bands.
    public static func result(mu: Double, statistic: TestStatistic, observed: TestStatisticValue,
                              distributions dist: ToyDistributions) -> HypothesisTestResult {
        result(mu: mu, statistic: statistic, observedStatistic: observed.value, observedConverged: observed.converged,
               distributions: dist)
    }

    /// Combines an observed statistic (its value, and whether its fits converged) and sampled distributions into CLs
    /// values and bands: what ``test(mu:)`` returns, and what `neyman merge` computes from the joined shards of a run.
    public static func result(mu: Double, statistic: TestStatistic, observedStatistic q: Double, observedConverged: Bool,
                              distributions dist: ToyDistributions) -> HypothesisTestResult {
        let sb = dist.signalPlusBackground.sorted()
        let b = dist.backgroundOnly.sorted()
        let n = Double(sb.count)
        let total = 2 * sb.count
        if statistic != .q0 && mu == 0 {
            return coincidentHypotheses(statistic: statistic, observed: q, observedConverged: observedConverged, distributions: dist,
                                        total: total)
        }
        let clsb = Double(countAtLeast(sb, q)) / n
        let clb = Double(countAtLeast(b, q)) / Double(b.count)
        let cls = clb > 0 ? clsb / clb : .nan
        // CLs at every background-only statistic, then its percentiles.
        var clsAt: [Double] = [], clsbAt: [Double] = [], clbAt: [Double] = []
        clsAt.reserveCapacity(b.count)
        for t in dist.backgroundOnly {
            let ps = Double(countAtLeast(sb, t)) / n
            let pb = Double(countAtLeast(b, t)) / Double(b.count)
            clsbAt.append(ps); clbAt.append(pb); clsAt.append(ps / pb)
        }
        let percentiles = ExpectedBand.sigmas.map { 100 * Normal.cdf($0) }
        let clsExp = Percentile.linear(clsAt, percentiles)
        let clsbExp = Percentile.linear(clsbAt, percentiles)
        let clbExp = Percentile.linear(clbAt, percentiles)
        let eSB = (clsb * (1 - clsb) / n).squareRoot()
        let eB = (clb * (1 - clb) / Double(b.count)).squareRoot()
        // CLs = 0 with CLs+b = 0: the propagated error is 0/0; the binomial error of CLs+b over CLb bounds it.
        let eS = !cls.isFinite ? .nan
            : clsb > 0 ? cls * ((eSB / clsb) * (eSB / clsb) + (eB / clb) * (eB / clb)).squareRoot() : eSB / clb
        return HypothesisTestResult(mu: mu, statistic: statistic, calculator: "toys", observedStatistic: q,
                                    clsb: clsb, clb: clb, cls: cls, clsbExpected: clsbExp, clbExpected: clbExp,
                                    clsExpected: clsExp, asimovStatistic: nil, toys: sb.count,
                                    clsbError: eSB, clbError: eB, clsError: eS,
                                    fitsConverged: observedConverged && dist.convergedCount == total,
                                    observedFitsConverged: observedConverged,
                                    convergedFraction: Double(dist.convergedCount) / Double(total))
    }

    /// The test of `mu = 0`: both samples pooled (see the type's documentation), `CLs = 1`.
    static func coincidentHypotheses(statistic: TestStatistic, observed q: Double, observedConverged: Bool,
                                     distributions dist: ToyDistributions, total: Int) -> HypothesisTestResult {
        let pooled = (dist.signalPlusBackground + dist.backgroundOnly).sorted()
        let m = Double(pooled.count)
        let p = Double(countAtLeast(pooled, q)) / m
        let e = (p * (1 - p) / m).squareRoot()
        let pAt = dist.backgroundOnly.map { Double(countAtLeast(pooled, $0)) / m }
        let pExp = Percentile.linear(pAt, ExpectedBand.sigmas.map { 100 * Normal.cdf($0) })
        return HypothesisTestResult(mu: 0, statistic: statistic, calculator: "toys", observedStatistic: q,
                                    clsb: p, clb: p, cls: 1, clsbExpected: pExp, clbExpected: pExp,
                                    clsExpected: [Double](repeating: 1, count: 5), asimovStatistic: nil,
                                    toys: dist.signalPlusBackground.count, clsbError: e, clbError: e, clsError: 0,
                                    fitsConverged: observedConverged && dist.convergedCount == total,
                                    observedFitsConverged: observedConverged,
                                    convergedFraction: Double(dist.convergedCount) / Double(total))
    }

    /// Number of elements of the ascending array `sorted` that are `>= value`.
    @inlinable static func countAtLeast(_ sorted: [Double], _ value: Double) -> Int {
        var lo = 0, hi = sorted.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if sorted[mid] < value { lo = mid + 1 } else { hi = mid }
        }
        return sorted.count - lo
    }
}

/// Percentiles of a sample.
public enum Percentile {
    /// numpy's default (`method="linear"`): position `p/100 (n - 1)` in the sorted sample, linear interpolation
    /// between neighbours. NaNs sort last, as in numpy (and then propagate if interpolated).
    public static func linear(_ values: [Double], _ percentiles: [Double]) -> [Double] {
        guard !values.isEmpty else { return percentiles.map { _ in .nan } }
        let s = values.sorted { a, b in
            if a.isNaN { return false }
            if b.isNaN { return true }
            return a < b
        }
        return percentiles.map { p in
            let pos = p / 100 * Double(s.count - 1)
            let lo = Int(pos.rounded(.down)), hi = min(lo + 1, s.count - 1)
            let frac = pos - Double(lo)
            if frac == 0 { return s[lo] }
            return s[lo] + (s[hi] - s[lo]) * frac
        }
    }
}
