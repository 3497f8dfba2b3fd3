@preconcurrency import CGSL
import Foundation
import NeymanCore

/// The single-bin counting experiment with a known background, tested with the count itself as test statistic
/// (small counts are signal-unlike) and exact Poisson probabilities — the textbook CLs of Read (2002):
///
/// ```
///   CLs+b(mu) = P(N <= n_obs | mu s + b)      CLb = P(N <= n_obs | b)      CLs = CLs+b / CLb
/// ```
/// `P(N <= n | lambda)` is `gsl_cdf_poisson_P`, continuous and decreasing in `lambda`, so the upper limit (the `mu`
/// with `CLs = 1 - CL`) is found by Brent's method.
public enum PoissonCounting {
    /// `(CLs+b, CLb, CLs)` at `mu`.
    public static func cls(observed n: Int, signal s: Double, background b: Double, mu: Double) throws -> (clsb: Double, clb: Double, cls: Double) {
        try validate(n: n, s: s, b: b)
        let clsb = Poisson.cdf(n, mean: mu * s + b)
        let clb = Poisson.cdf(n, mean: b)
        return (clsb, clb, clsb / clb)
    }

    /// The `mu` where `CLs(mu) = 1 - cl`.
    public static func upperLimit(observed n: Int, signal s: Double, background b: Double, cl: Double = 0.95) throws -> Double {
        try validate(n: n, s: s, b: b)
        let finder = try UpperLimitFinder(cl: cl)
        let alpha = 1 - cl
        var hi = max(1.0, Double(n) / s)
        var steps = 0
        while try cls(observed: n, signal: s, background: b, mu: hi).cls > alpha && steps < 200 { hi *= 2; steps += 1 }
        return try finder.brent(lo: 0, hi: hi) { mu in try cls(observed: n, signal: s, background: b, mu: mu).cls - alpha }
    }

    static func validate(n: Int, s: Double, b: Double) throws {
        guard n >= 0 else { throw NeymanError.invalid("observed count must be >= 0, got \(n)", parameter: "n") }
        guard s > 0, s.isFinite else { throw NeymanError.invalid("signal must be positive, got \(s)", parameter: "s") }
        guard b > 0, b.isFinite else { throw NeymanError.invalid("background must be positive, got \(b)", parameter: "b") }
    }
}
