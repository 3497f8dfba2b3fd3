import CGSL

/// A discrete distribution over `0 ..< n` with probabilities proportional to given non-negative weights, sampled in
/// constant time by Walker's alias method (GSL's `gsl_ran_discrete_preproc` / `gsl_ran_discrete`).
///
/// ```
///   P(i) = w_i / sum_j w_j
/// ```
/// Used to draw events from a weighted simulated pool (toys of an unbinned model).
///
/// `@unchecked Sendable`: the GSL table is built once in `init` and only read afterwards (`gsl_ran_discrete` does not
/// modify it), so sharing it between threads, each with its own ``RandomStream``, is safe.
public final class DiscreteDistribution: @unchecked Sendable {
    private let table: UnsafeMutablePointer<gsl_ran_discrete_t>
    /// The number of outcomes.
    public let count: Int

    /// - Throws: ``NeymanError`` if `weights` is empty, holds a negative or non-finite weight (naming its index), or
    ///   sums to zero.
    public init(weights: [Double]) throws {
        guard !weights.isEmpty else { throw NeymanError.invalid("a discrete distribution needs at least one weight") }
        var total = 0.0
        for (i, w) in weights.enumerated() {
            guard w.isFinite, w >= 0 else {
                throw NeymanError.invalid("weight \(i) is \(w); weights of a discrete distribution must be finite and >= 0", row: i)
            }
            total += w
        }
        guard total > 0, total.isFinite else { throw NeymanError.invalid("the weights sum to \(total); at least one must be positive") }
        GSLErrorHandling.ensureDisabled()
        let t = weights.withUnsafeBufferPointer { gsl_ran_discrete_preproc($0.count, $0.baseAddress) }
        guard let t else { throw NeymanError.invalid("GSL could not build the alias table for \(weights.count) weights (out of memory)") }
        table = t
        count = weights.count
    }

    deinit { gsl_ran_discrete_free(table) }

    /// One draw: index `i` with probability `w_i / sum w`.
    public func sample(_ rng: RandomStream) -> Int { Int(gsl_ran_discrete(rng.rng, table)) }
}
