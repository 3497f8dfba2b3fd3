/// A rate modifier of an unbinned analysis (``UnbinnedAnalysisLikelihood``), one parameter each:
///
/// - **normsys**: `alpha` with a unit Gaussian constraint `N(a | alpha, 1)` (auxiliary measurement `a`, 0 for observed
///   data) scales the signal and/or background yield by pyhf's `normsys` interpolation (code 4,
///   ``NormsysInterpolation``): `f(+1) = hi`, `f(-1) = lo`;
/// - **normfactor**: a free, unconstrained factor `k` (pyhf `normfactor`, start 1) multiplying the yield(s) it acts on.
///
/// ```
///   S(alpha) = S_0 prod_k f_k^S(alpha_k),   B(alpha) = B_0 prod_k f_k^B(alpha_k)
/// ```
public struct RateSystematic: Sendable, Equatable {
    /// How the parameter changes one yield.
    public enum Effect: Sendable, Equatable {
        /// `f(alpha)` of pyhf's normsys (code 4).
        case normsys(NormsysInterpolation)
        /// `f(k) = k`.
        case normfactor
    }

    /// The parameter's name.
    public let name: String
    /// Its effect on the signal yield, if any.
    public let signalEffect: Effect?
    /// Its effect on the background yield, if any.
    public let backgroundEffect: Effect?
    /// The parameter's bounds (normsys `[-5, 5]`; normfactor `[0, 10]` unless given).
    public let bounds: ClosedRange<Double>

    /// A normsys modifier (constrained).
    public init(name: String, signal: NormsysInterpolation?, background: NormsysInterpolation?) {
        self.name = name
        signalEffect = signal.map { .normsys($0) }
        backgroundEffect = background.map { .normsys($0) }
        bounds = -5...5
    }

    /// A normfactor (free) on the signal and/or the background yield.
    public static func normfactor(name: String, signal: Bool, background: Bool, bounds: ClosedRange<Double> = 0...10) -> RateSystematic {
        RateSystematic(name: name, signalEffect: signal ? .normfactor : nil, backgroundEffect: background ? .normfactor : nil, bounds: bounds)
    }

    init(name: String, signalEffect: Effect?, backgroundEffect: Effect?, bounds: ClosedRange<Double>) {
        self.name = name
        self.signalEffect = signalEffect
        self.backgroundEffect = backgroundEffect
        self.bounds = bounds
    }

    /// Whether the parameter has a Gaussian constraint (a normsys) or is free (a normfactor).
    public var isConstrained: Bool { signalEffect != .normfactor && backgroundEffect != .normfactor }

    /// The parameter's start value (normsys 0, normfactor 1).
    public var initial: Double { isConstrained ? 0 : 1 }

    /// The fit parameter.
    public var parameter: Parameter { Parameter(name, initial: initial, lower: bounds.lowerBound, upper: bounds.upperBound) }

    /// `(f, df/dalpha)` of `effect` at `alpha`; `(1, 0)` when the parameter does not act on that yield.
    @inlinable static func factor(_ effect: Effect?, _ alpha: Double) -> (Double, Double) {
        switch effect {
        case nil: return (1, 0)
        case .normsys(let f)?: return (f.factor(alpha), f.derivative(alpha))
        case .normfactor?: return (alpha, 1)
        }
    }
}
