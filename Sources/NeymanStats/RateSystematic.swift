/// A normalisation systematic of an unbinned analysis (``UnbinnedAnalysisLikelihood``): one nuisance parameter
/// `alpha` with a unit Gaussian constraint `N(a | alpha, 1)` (auxiliary measurement `a`, 0 for observed data) that
/// scales the signal and/or the background yield by pyhf's `normsys` interpolation (code 4, ``NormsysInterpolation``):
///
/// ```
///   S(alpha) = S_0 prod_k f_k^S(alpha_k),   B(alpha) = B_0 prod_k f_k^B(alpha_k),   f(+1) = hi, f(-1) = lo
/// ```
/// A systematic may act on one yield only (`nil` for the other).
public struct RateSystematic: Sendable, Equatable {
    /// The nuisance parameter's name.
    public let name: String
    /// Its effect on the signal yield, if any.
    public let signal: NormsysInterpolation?
    /// Its effect on the background yield, if any.
    public let background: NormsysInterpolation?

    public init(name: String, signal: NormsysInterpolation?, background: NormsysInterpolation?) {
        self.name = name
        self.signal = signal
        self.background = background
    }

    /// `(f, df/dalpha)` of `interpolation` at `alpha`; `(1, 0)` when the systematic does not act on that yield.
    @inlinable static func factor(_ interpolation: NormsysInterpolation?, _ alpha: Double) -> (Double, Double) {
        guard let f = interpolation else { return (1, 0) }
        return (f.factor(alpha), f.derivative(alpha))
    }
}
