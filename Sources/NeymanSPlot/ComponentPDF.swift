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
    /// The event loop's batch form: for the `count` events at `masses`, `values[e] = g(m_e; p)`; if `gradients` is
    /// given, `gradients[k * count + e] = dg/dp_k (m_e)`; if `hessians` is given,
    /// `hessians[(k * P + l) * count + e] = d^2 g / dp_k dp_l (m_e)` (`P = p.count`). Returns `false` (and leaves
    /// `hessians` alone) when second derivatives are asked for and the shape has none. The default loops over
    /// ``shape(_:_:gradient:)``, without second derivatives.
    func shapes(_ masses: UnsafePointer<Double>, count: Int, _ p: [Double], values: UnsafeMutablePointer<Double>,
                gradients: UnsafeMutablePointer<Double>?, hessians: UnsafeMutablePointer<Double>?) -> Bool
    /// `I(p)` on `range` with `dI/dp_k` in `gradient` and `d^2 I / dp_k dp_l` in `hessian` (row-major `P x P`);
    /// `nil` when the shape has no second derivatives (the default).
    func integral(_ p: [Double], range: FitRange, gradient: inout [Double], hessian: inout [Double]) -> Double?
}

extension ComponentPDF {
    /// The generic batch: one ``shape(_:_:gradient:)`` (or ``shape(_:_:)``) call per event; no second derivatives.
    public func shapes(_ masses: UnsafePointer<Double>, count: Int, _ p: [Double], values: UnsafeMutablePointer<Double>,
                       gradients: UnsafeMutablePointer<Double>?, hessians: UnsafeMutablePointer<Double>?) -> Bool {
        if hessians != nil { return false }
        guard let gradients else {
            for e in 0..<count { values[e] = shape(masses[e], p) }
            return true
        }
        var g = [Double](repeating: 0, count: p.count)
        for e in 0..<count {
            values[e] = shape(masses[e], p, gradient: &g)
            for k in 0..<p.count { gradients[k * count + e] = g[k] }
        }
        return true
    }

    /// No second derivatives: `nil`.
    public func integral(_ p: [Double], range: FitRange, gradient: inout [Double], hessian: inout [Double]) -> Double? { nil }

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
    /// `d^2 I / dp_k dp_l` (row-major), or `nil` when the shape has no second derivatives.
    public let normHessian: [Double]?

    public init(_ pdf: any ComponentPDF, parameters: [Double], range: FitRange) {
        self.pdf = pdf
        self.parameters = parameters
        self.range = range
        var g = [Double](repeating: 0, count: parameters.count)
        var h = [Double](repeating: 0, count: parameters.count * parameters.count)
        if let i = pdf.integral(parameters, range: range, gradient: &g, hessian: &h) {
            self.norm = i
            self.normHessian = h
        } else {
            self.norm = pdf.integral(parameters, range: range, gradient: &g)
            self.normHessian = nil
        }
        self.normGradient = g
    }

    /// Batch form of ``value(_:)`` for `count` events, with the same layout as ``ComponentPDF/shapes(_:count:_:values:gradients:hessians:)``
    /// but for the normalised density (0 outside the range):
    ///
    /// ```
    ///   f = g / I,   df_k = (dg_k - f dI_k) / I,   d2f_kl = (d2g_kl - df_k dI_l - df_l dI_k - f d2I_kl) / I
    /// ```
    /// Returns `false` when second derivatives are asked for and the shape has none.
    public func values(_ masses: UnsafePointer<Double>, count: Int, values: UnsafeMutablePointer<Double>,
                       gradients: UnsafeMutablePointer<Double>?, hessians: UnsafeMutablePointer<Double>?) -> Bool {
        let np = parameters.count
        if hessians != nil && normHessian == nil { return false }
        guard pdf.shapes(masses, count: count, parameters, values: values, gradients: gradients, hessians: hessians) else { return false }
        let inv = 1 / norm
        for e in 0..<count {
            guard range.contains(masses[e]) else {
                values[e] = 0
                if let gr = gradients { for k in 0..<np { gr[k * count + e] = 0 } }
                if let hs = hessians { for k in 0..<(np * np) { hs[k * count + e] = 0 } }
                continue
            }
            let f = values[e] * inv
            values[e] = f
            guard let gr = gradients else { continue }
            for k in 0..<np { gr[k * count + e] = (gr[k * count + e] - f * normGradient[k]) * inv }
            guard let hs = hessians, let hI = normHessian else { continue }
            for k in 0..<np {
                for l in 0..<np {
                    let i = (k * np + l) * count + e
                    hs[i] = (hs[i] - gr[k * count + e] * normGradient[l] - gr[l * count + e] * normGradient[k] - f * hI[k * np + l]) * inv
                }
            }
        }
        return true
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
