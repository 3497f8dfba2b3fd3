import Foundation

/// The conditional minimum of `-ln L` over one per-bin gamma with the other parameters held (Barlow-Beeston-lite):
/// the root of a quadratic, for the two constraints pyhf gives per-bin gammas.
///
/// In the one bin `b` the gamma acts on, the expectation is split into the part it scales and the rest:
/// ```
///   lambda_b(gamma) = A + gamma B      A = the samples without this gamma (all other modifiers applied)
///                                      B = the samples with it, at gamma = 1 (all other modifiers applied)
/// ```
/// (`B` is one sample for a `shapesys`, every sample carrying the `staterror` for a staterror; `A = 0` when the gamma
/// scales the whole bin). The part of `-ln L` that depends on gamma is the bin's Poisson term plus its constraint:
///
/// **Poisson constraint** (pyhf `shapesys`: `aux ~ Pois(gamma tau)`, `tau = (nominal / sigma)^2`, nominal aux `tau`):
/// ```
///   f(gamma)  = (A + gamma B) - n ln(A + gamma B) + gamma tau - a ln(gamma tau)
///   f'(gamma) = B - n B / (A + gamma B) + tau - a / gamma = 0,   times gamma (A + gamma B):
///   B (B + tau) gamma^2 + [A (B + tau) - B (n + a)] gamma - a A = 0
/// ```
/// The constant term `-a A <= 0` and the leading one `> 0`: exactly one root is `>= 0`, the minimum. With
/// `D = c1^2 + 4 a A B (B + tau)` it is `(-c1 + sqrt D) / (2 c2)` for `c1 <= 0` and `2 a A / (c1 + sqrt D)` for
/// `c1 > 0` (no cancellation either way); `A = 0` gives `(n + a) / (B + tau)`, `B = 0` gives `a / tau`.
///
/// **Gaussian constraint** (pyhf `staterror`: `aux ~ N(gamma, sigma)`, `sigma` the relative MC error of the samples it
/// covers, nominal aux 1):
/// ```
///   f(gamma)  = (A + gamma B) - n ln(A + gamma B) + (gamma - a)^2 / (2 sigma^2)
///   f'(gamma) = B - n B / (A + gamma B) + (gamma - a) / sigma^2 = 0,   times sigma^2 (A + gamma B):
///   B gamma^2 + [A + sigma^2 B^2 - a B] gamma + [sigma^2 B (A - n) - a A] = 0
/// ```
/// At `gamma = -A/B` (`lambda = 0`) the quadratic is `-sigma^2 n B < 0` for `n > 0`: its roots straddle that point,
/// and the larger one, `(-c1 + sqrt D) / (2 c2)` (or `2 c0 / (-c1 - sqrt D)` for `c1 > 0`), is the only root with
/// `lambda > 0`, the minimum. `n = 0` gives `a - sigma^2 B` exactly, `B = 0` gives `a`.
///
/// Both `f` are convex in gamma (`f'' = n B^2 / lambda^2 + a / gamma^2` or `+ 1 / sigma^2`), so the minimum within the
/// bounds `[lower, upper]` is the stationary point clamped to them.
///
/// `-ln L` as ``BinnedLikelihood`` evaluates it continues `x - n ln x` below `x = 1e-12` by its Taylor expansion
/// (still convex). The closed form is used when that continuation plays no part at the stationary point (`A >= 0`,
/// `B > 0`, the bin's `lambda >= 1e-12` when `n > 0`, and `gamma tau >= 1e-12` for a Poisson constraint with
/// `a > 0`); otherwise (negative yields from a `histosys`, or a stationary point in the continued region) the
/// minimum is found by bisection of the monotone derivative `f'` of the evaluated function on `[lower, upper]`.
enum ConditionalGamma {
    /// The constraint of the gamma: its kind, width (`tau` or `sigma`) and auxiliary value `a`.
    enum Constraint {
        case poisson(tau: Double, aux: Double)
        case gaussian(sigma: Double, aux: Double)
    }

    /// The gamma in `[lower, upper]` minimising `f` for a bin with `rest = A`, `scaled = B`, `observed = n`.
    @inline(__always)
    static func minimum(rest a: Double, scaled b: Double, observed n: Double, constraint: Constraint,
                        lower: Double, upper: Double) -> Double {
        if let g = closedForm(rest: a, scaled: b, observed: n, constraint: constraint), g.isFinite {
            return min(max(g, lower), upper)
        }
        return bisection(rest: a, scaled: b, observed: n, constraint: constraint, lower: lower, upper: upper)
    }

    /// The unbounded stationary point from the quadratic, or `nil` where the closed form does not describe the
    /// evaluated `-ln L` (see the type's documentation).
    @inline(__always)
    static func closedForm(rest a: Double, scaled b: Double, observed n: Double, constraint: Constraint) -> Double? {
        let floor = BinnedLikelihood.lambdaFloor
        guard a >= 0, b >= 0 else { return nil }
        switch constraint {
        case .poisson(let tau, let aux):
            let g: Double
            if b == 0 {
                g = aux / tau
            } else {
                let c2 = b * (b + tau)
                let c1 = a * (b + tau) - b * (n + aux)
                let aA = aux * a
                let d = (c1 * c1 + 4 * aA * c2).squareRoot()
                if c1 <= 0 {
                    g = (-c1 + d) / (2 * c2)
                } else {
                    g = 2 * aA / (c1 + d)
                }
            }
            guard n == 0 || a + g * b >= floor, aux == 0 || g * tau >= floor else { return nil }
            return g
        case .gaussian(let sigma, let aux):
            let s2 = sigma * sigma
            if b == 0 { return aux }
            if n == 0 { return aux - s2 * b }
            let c2 = b
            let c1 = a + s2 * b * b - aux * b
            let c0 = s2 * b * (a - n) - aux * a
            let disc = c1 * c1 - 4 * c2 * c0
            guard disc >= 0 else { return nil }
            let d = disc.squareRoot()
            let g = c1 <= 0 ? (-c1 + d) / (2 * c2) : 2 * c0 / (-c1 - d)
            guard a + g * b >= floor else { return nil }
            return g
        }
    }

    /// `f'(gamma)` of the evaluated `-ln L` (with its Taylor continuation): nondecreasing in gamma.
    @inline(__always)
    static func derivative(_ g: Double, rest a: Double, scaled b: Double, observed n: Double, constraint: Constraint) -> Double {
        let main = b * BinnedLikelihood.poissonTerm(a + g * b, n).1
        switch constraint {
        case .poisson(let tau, let aux): return main + tau * BinnedLikelihood.poissonTerm(g * tau, aux).1
        case .gaussian(let sigma, let aux): return main + (g - aux) / (sigma * sigma)
        }
    }

    /// The minimum of the convex `f` on `[lower, upper]` by bisection of `f'`: an end where `f'` points outwards,
    /// else the sign change of `f'` to the last representable double.
    static func bisection(rest a: Double, scaled b: Double, observed n: Double, constraint: Constraint,
                          lower: Double, upper: Double) -> Double {
        if !(derivative(lower, rest: a, scaled: b, observed: n, constraint: constraint) < 0) { return lower }
        if !(derivative(upper, rest: a, scaled: b, observed: n, constraint: constraint) > 0) { return upper }
        var lo = lower, hi = upper
        for _ in 0..<2100 {
            let mid = lo + (hi - lo) / 2
            if mid <= lo || mid >= hi { break }
            if derivative(mid, rest: a, scaled: b, observed: n, constraint: constraint) < 0 { lo = mid } else { hi = mid }
        }
        return lo + (hi - lo) / 2
    }
}
