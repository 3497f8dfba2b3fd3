import Foundation
import NeymanCore

/// A function of one variable sampled on a uniform grid and evaluated by linear interpolation (constant beyond the
/// ends). Immutable, so any number of threads can read it.
///
/// The studies use it to evaluate a trained network (whose buffers make it single-threaded) inside parallel
/// pseudo-experiments: with `2^14 + 1` points on [-0.5, 0.5] the interpolation error for the bump-hunt ratios is
/// below 1e-6 relative, far below the network's own Float precision and its statistical error (checked in the
/// tests against direct network evaluation).
public struct TabulatedFunction: Sendable {
    public let lower: Double
    public let upper: Double
    public let values: [Double]

    /// Samples `f` at `points` equally spaced points from `lower` to `upper` (both included).
    public init(lower: Double, upper: Double, points: Int, _ f: ([Double]) throws -> [Double]) throws {
        guard points >= 2, upper > lower else { throw NeymanError.invalid("a tabulated function needs >= 2 points on a non-empty range") }
        let xs = (0..<points).map { lower + (upper - lower) * Double($0) / Double(points - 1) }
        let v = try f(xs)
        guard v.count == points, v.allSatisfy(\.isFinite) else {
            throw NeymanError.numericalFailure("the tabulated function returned \(v.count) values for \(points) points, or a non-finite one")
        }
        self.lower = lower
        self.upper = upper
        values = v
    }

    private init(lower: Double, upper: Double, values: [Double]) {
        self.lower = lower
        self.upper = upper
        self.values = values
    }

    /// The function times a constant.
    public func scaled(by c: Double) -> TabulatedFunction {
        TabulatedFunction(lower: lower, upper: upper, values: values.map { $0 * c })
    }

    /// The grid points.
    public var grid: [Double] { (0..<values.count).map { lower + (upper - lower) * Double($0) / Double(values.count - 1) } }

    @inlinable public func callAsFunction(_ x: Double) -> Double {
        let n = values.count - 1
        let t = (x - lower) / (upper - lower) * Double(n)
        if !(t > 0) { return values[0] }
        if t >= Double(n) { return values[n] }
        let i = Int(t)
        let u = t - Double(i)
        return values[i] + u * (values[i + 1] - values[i])
    }
}
