import Foundation
import NeymanCore

/// Discovery significance from `q0` (CCGV eqs. 12, 52-53): `p0 = 1 - Phi(sqrt(q0))`, `Z = sqrt(q0)` in the
/// asymptotic approximation; `p0 = #{q0_b >= q0_obs} / N`, `Z = max(0, Phi^-1(1 - p0))` from background-only toys
/// (q0 has a point mass at 0, so `p0` can reach 1; a deficit is no evidence against mu = 0, hence Z >= 0 as in the
/// asymptotic formula).
///
/// With toys, `p0 = 0` (no pseudo-experiment reached `q0_obs`) gives `Z = +infinity`: the data are more
/// signal-like than every toy, and all that is known is `Z > Phi^-1(1 - 1/N)` (``SignificanceResult/zLowerBound``).
public struct SignificanceResult: Sendable {
    public let q0: Double
    public let p0: Double
    public let z: Double
    /// The median expected significance under `mu = 1` (asymptotic: `sqrt(q0)` on the Asimov data at `mu = 1`).
    public let expectedZ: Double?
    public let calculator: String
    public let toys: Int
    /// Toys: binomial standard error of `p0`.
    public let p0Error: Double?
    /// Every fit converged (toys: the fits to every pseudo-experiment too).
    public let fitsConverged: Bool
    /// The fits to the observed (and, asymptotic, Asimov) data converged: the result is trusted when this holds.
    public let observedFitsConverged: Bool

    /// Toys with `p0 = 0`: the significance is above `Phi^-1(1 - 1/N)`, the largest a sample of `N` toys resolves;
    /// `nil` otherwise.
    public var zLowerBound: Double? {
        calculator == "toys" && p0 == 0 && toys > 0 ? Normal.upperQuantile(1 / Double(toys)) : nil
    }
}

public enum Significance {
    /// Asymptotic discovery significance of `data` under `model`.
    public static func asymptotic<M: StatisticalModel>(model: M, data: M.Data, minimizer: Minimizer = Minimizer(options: .fast)) throws -> SignificanceResult {
        let profile = ProfileLikelihood(model: model, minimizer: minimizer)
        let observed = try profile.evaluate(.q0, mu: 0, data: data)
        let nuisance = try profile.conditionalFit(mu: 1, data)
        let asimov = try model.asimovData(nuisance.values)
        let expected = try profile.evaluate(.q0, mu: 0, data: asimov)
        let z = observed.value.squareRoot()
        return SignificanceResult(q0: observed.value, p0: Normal.survival(z), z: z, expectedZ: expected.value.squareRoot(),
                                  calculator: "asymptotic", toys: 0, p0Error: nil,
                                  fitsConverged: observed.converged && expected.converged && nuisance.converged,
                                  observedFitsConverged: observed.converged && expected.converged && nuisance.converged)
    }

    /// Toy-based discovery significance: background-only pseudo-experiments at `theta_hat_hat(0)`; pseudo-experiment
    /// `i` draws from `RandomStream(seed, task: i)`. ``toyStatistics(model:data:indices:seed:threads:quiet:)`` then
    /// ``toyResult(observedStatistic:observedConverged:statistics:converged:)``.
    public static func toys<M: StatisticalModel>(model: M, data: M.Data, toys: Int, seed: UInt64, threads: Int? = nil,
                                                  quiet: Bool = true) throws -> SignificanceResult {
        guard toys > 0 else { throw NeymanError.invalid("the number of toys must be positive, got \(toys)", parameter: "toys") }
        let t = try toyStatistics(model: model, data: data, indices: 0..<toys, seed: seed, threads: threads, quiet: quiet)
        return toyResult(observedStatistic: t.observed.value, observedConverged: t.observed.converged, statistics: t.q0,
                         converged: t.converged)
    }

    /// The observed `q0` and `q0` of the background-only pseudo-experiments `indices` (all of a run, or one shard's:
    /// pseudo-experiment `i` is the same whichever subset runs it), each with whether its fits converged.
    public static func toyStatistics<M: StatisticalModel>(model: M, data: M.Data, indices: Range<Int>, seed: UInt64,
                                                          threads: Int? = nil, quiet: Bool = true) throws
        -> (observed: TestStatisticValue, q0: [Double], converged: [Bool]) {
        // No covariance is used here, so none is asked for (a singular Hessian would flag the fit as not converged).
        let profile = ProfileLikelihood(model: model, minimizer: Minimizer(options: .fast))
        let fast = ProfileLikelihood(model: model, minimizer: Minimizer(options: .fast))
        let observed = try profile.evaluate(.q0, mu: 0, data: data)
        let bFit = try profile.conditionalFit(mu: 0, data)
        guard bFit.converged else { throw NeymanError.numericalFailure("background-only fit did not converge: \(bFit.status)") }
        let theta = bFit.values
        let progress = ProgressDisplay("toys (mu = 0)", total: indices.count, quiet: quiet)
        defer { progress.finish() }
        let first = indices.lowerBound
        let q: [(Double, Bool)] = try deterministicParallelMap(count: indices.count, threads: threads, progress: progress) { j in
            let d = try model.sample(theta, rng: RandomStream(seed: seed, task: UInt64(first + j)))
            let v = try fast.evaluate(.q0, mu: 0, data: d, start: theta)
            return (v.value, v.converged)
        }
        return (observed, q.map(\.0), q.map(\.1))
    }

    /// The toy-based result from the observed `q0` and the background-only toys' `q0` (all of a run, in any order):
    /// `p0 = #{q0_b >= q0_obs} / N`, `Z = max(0, Phi^-1(1 - p0))`, the binomial error of `p0`.
    public static func toyResult(observedStatistic q0: Double, observedConverged: Bool, statistics q: [Double],
                                 converged: [Bool]) -> SignificanceResult {
        let toys = q.count
        let n = Double(toys)
        let count = q.filter { $0 >= q0 }.count
        let p0 = Double(count) / n
        return SignificanceResult(q0: q0, p0: p0, z: max(0, Normal.upperQuantile(p0)), expectedZ: nil, calculator: "toys",
                                  toys: toys, p0Error: (p0 * (1 - p0) / n).squareRoot(),
                                  fitsConverged: observedConverged && converged.allSatisfy { $0 }, observedFitsConverged: observedConverged)
    }
}
