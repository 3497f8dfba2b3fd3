import Foundation

/// One shape parameter of a component pdf: its name (`mean`, `sigma`, ...) and the range a fit may move it in.
public struct ShapeParameter: Sendable, Equatable {
    public var name: String
    public var lower: Double
    public var upper: Double

    public init(_ name: String, lower: Double, upper: Double) {
        self.name = name
        self.lower = lower
        self.upper = upper
    }
}

/// A one-dimensional shape `g(m; p)` that becomes a probability density on a fit range by its integral there:
///
/// ```
///   f(m; p) = g(m; p) / I(p),     I(p) = integral_lo^hi g(m; p) dm
///
///   df/dp_k = (dg/dp_k) / I  -  g (dI/dp_k) / I^2
/// ```
/// `g` need not be normalised on the real line. Implementations give `I` and `dI/dp` by an analytic CDF where one
/// exists (Gaussian, Breit-Wigner, exponential, Crystal Ball, Chebyshev) and by GSL's adaptive QAG integration of `g`
/// and of `dg/dp` where none does (Voigt, relativistic Breit-Wigner); see ``Quadrature``.
///
/// Use ``NormalizedPDF`` to evaluate `f` for many events at one parameter point: it computes `I` and `dI/dp` once.
///
/// Implementations are value types without mutable state, safe to share between threads.
public protocol ComponentPDF: Sendable {
    /// The name used on the command line (`gauss`, `voigt`, `chebyshev:3`, ...).
    var kind: String { get }
    /// The shape parameters, in the order of every parameter vector, with bounds suited to `range`.
    func parameters(range: FitRange) -> [ShapeParameter]
    /// Data-driven starting values for a fit (see ``StartingValues``).
    func startingValues(_ guess: StartingValues) -> [Double]
    /// The unnormalised shape `g(m; p)`.
    func shape(_ m: Double, _ p: [Double]) -> Double
    /// `g(m; p)`, writing `dg/dp_k` into `gradient` (one entry per parameter).
    func shape(_ m: Double, _ p: [Double], gradient: inout [Double]) -> Double
    /// `I(p)` on `range`, writing `dI/dp_k` into `gradient`.
    func integral(_ p: [Double], range: FitRange, gradient: inout [Double]) -> Double
}

extension ComponentPDF {
    /// The parameter names, in order.
    public func parameterNames(range: FitRange) -> [String] { parameters(range: range).map(\.name) }

    /// The normalised density `f(m; p)` on `range` (one integration; for many events use ``NormalizedPDF``).
    public func density(_ m: Double, _ p: [Double], range: FitRange) -> Double {
        NormalizedPDF(self, parameters: p, range: range).value(m)
    }
}

/// A component pdf frozen at one parameter point on one range: the integral `I(p)` and its gradient are computed
/// once at construction and reused for every event (the per-evaluation cache of ``ExtendedMassLikelihood``).
public struct NormalizedPDF: Sendable {
    public let pdf: any ComponentPDF
    public let parameters: [Double]
    public let range: FitRange
    /// `I(p)`.
    public let norm: Double
    /// `dI/dp_k`.
    public let normGradient: [Double]

    public init(_ pdf: any ComponentPDF, parameters: [Double], range: FitRange) {
        self.pdf = pdf
        self.parameters = parameters
        self.range = range
        var g = [Double](repeating: 0, count: parameters.count)
        self.norm = pdf.integral(parameters, range: range, gradient: &g)
        self.normGradient = g
    }

    /// `f(m)`; 0 outside the range.
    @inlinable public func value(_ m: Double) -> Double {
        guard range.contains(m) else { return 0 }
        return pdf.shape(m, parameters) / norm
    }

    /// `f(m)`, writing `df/dp_k` into `gradient`; `shapeGradient` is scratch space of the same length.
    @inlinable public func value(_ m: Double, gradient: inout [Double], scratch shapeGradient: inout [Double]) -> Double {
        guard range.contains(m) else {
            for k in gradient.indices { gradient[k] = 0 }
            return 0
        }
        let g = pdf.shape(m, parameters, gradient: &shapeGradient)
        let inv = 1 / norm
        let f = g * inv
        for k in gradient.indices { gradient[k] = (shapeGradient[k] - f * normGradient[k]) * inv }
        return f
    }
}
