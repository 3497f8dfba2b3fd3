import NeymanCore

/// A simulated sample of one process, as an unbinned model uses it: each event's density ratio `r_j` and weight
/// `w_j`, and an alias table for drawing events with probability `|w_j| / sum |w|`.
///
/// Pseudo-experiments draw events from the pool with replacement (``UnbinnedAnalysisModel/sample(_:rng:)``); the
/// Asimov data set is the pool itself, reweighted to the expected yield.
public struct UnbinnedEventPool: Sendable {
    /// `r_j`, finite and `>= 0`.
    public let ratios: [Double]
    /// `w_j`, finite (negative weights are allowed, as from NLO generators).
    public let weights: [Double]
    /// `sum_j w_j`.
    public let sumOfWeights: Double
    /// Whether any weight is negative (then drawn events carry the sign of their weight).
    public let hasNegativeWeights: Bool
    /// With a shape systematic: every event's `r(theta)` on a grid.
    public let grid: RatioGrid?
    let sampler: DiscreteDistribution

    /// - Parameters:
    ///   - ratios: one per event.
    ///   - weights: one per event; `nil` for unit weights.
    ///   - name: the pool's name in error messages ("signal", "background").
    /// - Throws: ``NeymanError`` for an empty pool, a ratio that is not finite and `>= 0` or a weight that is not
    ///   finite (naming the event), mismatched counts, or a sum of weights that is not positive.
    ///   - grid: with a shape systematic, every event's `r(theta)` (same events, same order).
    public init(ratios: [Double], weights: [Double]? = nil, grid: RatioGrid? = nil, name: String) throws {
        guard !ratios.isEmpty else { throw NeymanError.invalid("the \(name) sample has no events", key: name) }
        for (j, r) in ratios.enumerated() where !(r.isFinite && r >= 0) {
            throw NeymanError.invalid("the density ratio of \(name) event \(j) is \(r); it must be finite and >= 0", row: j, key: name)
        }
        let w = weights ?? [Double](repeating: 1, count: ratios.count)
        guard w.count == ratios.count else {
            throw NeymanError.invalid("the \(name) sample has \(w.count) weights for \(ratios.count) events", key: name)
        }
        if let j = w.firstIndex(where: { !$0.isFinite }) {
            throw NeymanError.invalid("the weight of \(name) event \(j) is \(w[j])", row: j, key: name)
        }
        let total = w.reduce(0, +)
        guard total > 0, total.isFinite else {
            throw NeymanError.invalid("the \(name) sample's weights sum to \(total); the sum must be positive", key: name)
        }
        if let grid, grid.count != ratios.count {
            throw NeymanError.invalid("the \(name) sample has \(grid.count) rows of tabulated ratios for \(ratios.count) events", key: name)
        }
        self.ratios = ratios
        self.weights = w
        self.grid = grid
        sumOfWeights = total
        hasNegativeWeights = w.contains { $0 < 0 }
        sampler = try DiscreteDistribution(weights: w.map { abs($0) })
    }

    /// The weighted mean of `r` over the pool, `sum w r / sum w`. For the background pool it is 1 when `r` is the
    /// density ratio of these samples (`E_B[p_S / p_B] = 1`): a closure test of the network.
    public var meanRatio: Double { Self.meanRatio(ratios: ratios, weights: weights).mean }

    /// The Monte Carlo error of ``meanRatio`` (the weighted standard error, `sqrt(sum w^2 (r - mean)^2) / sum w`).
    public var meanRatioError: Double { Self.meanRatio(ratios: ratios, weights: weights).error }

    /// ``meanRatio`` and ``meanRatioError`` of any events (`nil` weights: 1 each), without building a pool.
    public static func meanRatio(ratios: [Double], weights: [Double]?) -> (mean: Double, error: Double) {
        var sw = 0.0, swr = 0.0
        for j in ratios.indices {
            let w = weights?[j] ?? 1
            sw += w
            swr += w * ratios[j]
        }
        let m = swr / sw
        var s = 0.0
        for j in ratios.indices {
            let w = weights?[j] ?? 1
            s += w * w * (ratios[j] - m) * (ratios[j] - m)
        }
        return (m, s.squareRoot() / abs(sw))
    }

    /// The pool as it is at `theta` of `shape` (``ShapeSystematic``): each event's ratio `r_j(theta)`, and its weight,
    /// reweighted when the parameter changes this pool's density (`target`). Without a grid: the pool as it is.
    public func at(_ theta: Double, shape: ShapeSystematic?, target: ShapeSystematic.Target) -> (ratios: [Double], weights: [Double]) {
        guard let shape, let grid else { return (ratios, weights) }
        let r = grid.ratios(at: theta)
        guard shape.target == target else { return (r, weights) }
        let r0 = grid.ratios(at: shape.nominal)
        var w = weights
        for j in 0..<w.count {
            switch target {
            case .signal: w[j] = r0[j] > 0 ? w[j] * r[j] / r0[j] : 0
            case .background: w[j] = r[j] > 0 ? w[j] * r0[j] / r[j] : (r0[j] > 0 ? 0 : w[j])
            }
        }
        return (r, w)
    }

    /// The largest ratio in the pool.
    public var maximumRatio: Double { ratios.max() ?? 0 }
}
