/// One parameter of a likelihood: its name, starting value, allowed range, and whether it is held fixed.
///
/// Bounds may be infinite on either side. A fit never leaves `[lower, upper]`: the minimiser works on an unbounded
/// internal variable mapped smoothly onto the range (see ``BoundTransform``).
public struct Parameter: Sendable, Equatable {
    public var name: String
    public var initial: Double
    public var lower: Double
    public var upper: Double
    public var isFixed: Bool

    public init(_ name: String, initial: Double, lower: Double = -.infinity, upper: Double = .infinity, isFixed: Bool = false) {
        self.name = name
        self.initial = initial
        self.lower = lower
        self.upper = upper
        self.isFixed = isFixed
    }
}

/// A negative log-likelihood with its gradient: the one thing the minimiser, the profile likelihood and the
/// test statistics need to know about a model.
///
/// Conventions: `negativeLogLikelihood(x)` is `-ln L(x)` including every constant (so that `2 * NLL` can be compared
/// with pyhf's `twice_nll`); `x` always has one entry per element of ``parameters`` (fixed ones included), in order.
/// Implementations must be safe to call from several threads at once on *different* instances; one instance is
/// used by one thread at a time.
public protocol Likelihood {
    /// The parameters, in the order of the vectors passed in.
    var parameters: [Parameter] { get }
    /// `-ln L(x)`.
    func negativeLogLikelihood(_ x: [Double]) -> Double
    /// `-ln L(x)`, writing `d(-ln L)/dx_k` into `gradient` (which has `parameters.count` entries).
    /// A likelihood without an analytic gradient may leave the default, which uses central finite differences.
    func negativeLogLikelihood(_ x: [Double], gradient: inout [Double]) -> Double
    /// `-ln L(x)`, writing the gradient into `gradient` and the Hessian `d^2(-ln L)/dx_k dx_l` into `hessian`
    /// (row-major `n x n`, `n = parameters.count`, both preallocated). Returns `nil` when the likelihood has no
    /// analytic Hessian (the default); the minimiser then differences the analytic gradient instead.
    func negativeLogLikelihood(_ x: [Double], gradient: inout [Double], hessian: inout [Double]) -> Double?
}

extension Likelihood {
    /// No analytic Hessian: `nil`.
    public func negativeLogLikelihood(_ x: [Double], gradient: inout [Double], hessian: inout [Double]) -> Double? { nil }

    /// Central finite differences with a step scaled to each coordinate; used when no analytic gradient exists.
    public func negativeLogLikelihood(_ x: [Double], gradient: inout [Double]) -> Double {
        finiteDifferenceGradient(x, gradient: &gradient)
    }

    /// `-ln L(x)` and its gradient by central differences (step `1e-6 * max(1, |x_k|)`, one-sided at a bound).
    public func finiteDifferenceGradient(_ x: [Double], gradient: inout [Double]) -> Double {
        let f0 = negativeLogLikelihood(x)
        var xs = x
        let pars = parameters
        for k in 0..<x.count {
            let h = 1e-6 * max(1, abs(x[k]))
            let up = min(x[k] + h, pars[k].upper)
            let dn = max(x[k] - h, pars[k].lower)
            xs[k] = up
            let fu = negativeLogLikelihood(xs)
            xs[k] = dn
            let fd = negativeLogLikelihood(xs)
            xs[k] = x[k]
            gradient[k] = (up > dn) ? (fu - fd) / (up - dn) : 0
        }
        return f0
    }

    /// The index of the parameter called `name`, if any.
    public func parameterIndex(_ name: String) -> Int? { parameters.firstIndex { $0.name == name } }
}

/// A likelihood with a parameter of interest (the signal strength `mu` in everything Neyman does).
public protocol ModelLikelihood: Likelihood {
    /// Index of the parameter of interest in ``Likelihood/parameters``.
    var poiIndex: Int { get }
}
