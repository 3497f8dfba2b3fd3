import Foundation
import NeymanCore

/// Distance covariance and distance correlation of two samples (docs/formulas.md §4; Székely, Rizzo & Bakirov,
/// Ann. Statist. 35 (2007) 2769), with the V-statistic (biased), the U-statistic (bias-corrected, Székely & Rizzo,
/// Ann. Statist. 42 (2014) 2382) and the weighted V-statistic used by DisCo (Kasieczka & Shih, arXiv:2001.05310).
///
/// With `a_ij = |x_i - x_j|` (Euclidean distance for vectors), weights `p_i = w_i / sum_k w_k` (all `1/n` when
/// unweighted), `ā_i = sum_j p_j a_ij`, `ā = sum_i p_i ā_i` and the same for `b` from `y`:
///
/// ```
///   A_ij = a_ij - ā_i - ā_j + ā                         (double centring)
///   dCov²(x, y) = sum_ij p_i p_j A_ij B_ij               (V-statistic; 1/n² sum_ij A_ij B_ij unweighted)
///   dVar²(x)    = dCov²(x, x)
///   dCor²(x, y) = dCov²(x, y) / sqrt(dVar²(x) dVar²(y)),     dCor = sqrt(dCor²)
/// ```
///
/// Weights: the reference DisCo code (`gkasieczka/DisCo`, `distance_corr(x, y, normedweight)`) normalises the weights
/// to mean 1 and writes `ā_i = (1/n) sum_j w_j a_ij`, `dCov² = (1/n²) sum_ij w_i w_j A_ij B_ij`; that is the formula
/// above with `p_i = w_i/n`, identical to docs/formulas.md's "normalised to sum 1". Weights must be `>= 0` with a positive
/// sum; their overall scale does not matter. With all weights equal the weighted numbers are the unweighted ones.
///
/// The U-statistic (unweighted only, `n >= 4`) uses U-centred matrices, `a_i. = sum_j a_ij`, `a.. = sum_ij a_ij`:
///
/// ```
///   Ã_ij = a_ij - a_i./(n-2) - a_.j/(n-2) + a../((n-1)(n-2))   (i != j),   Ã_ii = 0
///   udCov²(x, y) = 1/(n(n-3)) sum_{i != j} Ã_ij B̃_ij              (unbiased; can be negative)
///   udCor²(x, y) = udCov²(x, y) / sqrt(udCov²(x, x) udCov²(y, y))  (bias-corrected; can be negative)
/// ```
///
/// Edge cases (as the Python package `dcor` 0.7): when `x` or `y` is constant (over the events of non-zero weight)
/// the denominator is 0 and `dCor² = dCor = 0` (and `udCor² = 0`, see ``uDCor2``), with `dCov² = 0` exactly. With `n = 1` every
/// statistic is 0. With `n = 2` every non-constant pair has `dCor = 1`. The U-statistics need `n >= 4`
/// (they divide by `n(n-3)`); below that, and for weighted input, they are `nil`.
///
/// Accuracy: `dCov²` is a difference of terms of the size of `dVar²`, so when `x` and `y` are nearly independent
/// (`dCov²` ~ 1/n) the relative error grows like `n * eps` (about 1e-10 at n = 1e6), for every algorithm.
///
/// See also: ``univariate(x:y:weights:)`` (O(n log n), univariate), ``definition(x:y:weights:)`` (O(n²),
/// multivariate, the test oracle).
public struct DistanceCorrelation: Sendable, Equatable {
    /// How the numbers were computed (the CLI's `method` key).
    public enum Method: String, Sendable {
        /// O(n log n) merge-sort algorithm for univariate x, y, unweighted.
        case fast1D = "fast-1d"
        /// The same with per-event weights.
        case weightedFast1D = "weighted-fast-1d"
        /// The O(n²) double-centred definition (any dimension), unweighted.
        case definition = "definition"
        /// The same with per-event weights.
        case weightedDefinition = "weighted-definition"
    }

    /// Number of events.
    public var n: Int
    /// V-statistic (weighted when weights were given) squared distance covariance `dCov²(x, y)`.
    public var dCov2: Double
    /// V-statistic squared distance variance `dVar²(x) = dCov²(x, x)`.
    public var dVarX2: Double
    /// V-statistic squared distance variance `dVar²(y)`.
    public var dVarY2: Double
    /// Unbiased squared distance covariance (U-statistic); `nil` for weighted input or `n < 4`.
    public var uDCov2: Double?
    /// Unbiased `udCov²(x, x)`; `nil` for weighted input or `n < 4`.
    public var uDVarX2: Double?
    /// Unbiased `udCov²(y, y)`; `nil` for weighted input or `n < 4`.
    public var uDVarY2: Double?
    /// The algorithm used.
    public var method: Method

    /// The same statistics in the units the algorithm computed them in (`x`, `y` scaled by powers of two): the ratios
    /// ``dCor2`` and ``uDCor2`` are formed from these, so they are right even when the original-unit `dCov²` is not
    /// a finite double (input near 1e307 gives `dCov²` near 1e614). `nil` when the original units were used throughout.
    public struct ScaleFree: Sendable, Equatable {
        /// `dCov²`, `dVar²(x)`, `dVar²(y)` of the scaled samples (V-statistics).
        public var dCov2, dVarX2, dVarY2: Double
        /// The U-statistics of the scaled samples, `nil` as in the original units.
        public var uDCov2, uDVarX2, uDVarY2: Double?

        mutating func zeroX() { dCov2 = 0; dVarX2 = 0; if uDCov2 != nil { uDCov2 = 0; uDVarX2 = 0 } }
        mutating func zeroY() { dCov2 = 0; dVarY2 = 0; if uDCov2 != nil { uDCov2 = 0; uDVarY2 = 0 } }
    }

    /// See ``ScaleFree``.
    public var scaleFree: ScaleFree? = nil

    /// Whether every V- and U-statistic is a finite double in the original units (false only when they overflow:
    /// `|x|`, `|y|` beyond about 1e154). ``dCor``, ``dCor2`` and ``uDCor2`` are finite regardless.
    public var isRepresentable: Bool {
        [dCov2, dVarX2, dVarY2].allSatisfy(\.isFinite) && [uDCov2, uDVarX2, uDVarY2].allSatisfy { $0?.isFinite ?? true }
    }

    /// Whether per-event weights were used.
    public var isWeighted: Bool { method == .weightedFast1D || method == .weightedDefinition }

    /// `dCor² = dCov² / sqrt(dVar²(x) dVar²(y))`, 0 when the denominator is 0 (constant input); from ``scaleFree``
    /// when present.
    public var dCor2: Double {
        if let s = scaleFree { return DistanceCorrelation.ratio(s.dCov2, s.dVarX2, s.dVarY2) }
        return DistanceCorrelation.ratio(dCov2, dVarX2, dVarY2)
    }

    /// `dCor = sqrt(dCor²)`; a rounding-level negative `dCor²` (possible only through cancellation) gives 0.
    public var dCor: Double { max(dCor2, 0).squareRoot() }

    /// Bias-corrected `udCor² = udCov²(x, y) / sqrt(udCov²(x, x) udCov²(y, y))`: `nil` when undefined (weighted
    /// input, `n < 4`), and 0 when the denominator is 0.
    ///
    /// A U-variance can be exactly 0 for a non-constant sample (e.g. n = 5, y = (0, -1, 0, 1, 0)); computed, it is
    /// then rounding noise of either sign, and so would be the ratio. A U-variance below `1e-12` times the
    /// V-statistic `dVar²` of the same variable is therefore taken as 0 (for non-degenerate samples the two agree
    /// to O(1/n)).
    public var uDCor2: Double? {
        let s = scaleFree ?? ScaleFree(dCov2: dCov2, dVarX2: dVarX2, dVarY2: dVarY2, uDCov2: uDCov2, uDVarX2: uDVarX2, uDVarY2: uDVarY2)
        guard let c = s.uDCov2, let vx = s.uDVarX2, let vy = s.uDVarY2 else { return nil }
        guard vx > 1e-12 * s.dVarX2, vy > 1e-12 * s.dVarY2 else { return 0 }
        return DistanceCorrelation.ratio(c, vx, vy)
    }

    /// A result from its parts (the algorithms fill it in; see ``univariate(x:y:weights:)`` and
    /// ``definition(x:y:weights:)``).
    public init(n: Int, dCov2: Double, dVarX2: Double, dVarY2: Double, uDCov2: Double?, uDVarX2: Double?, uDVarY2: Double?,
                method: Method) {
        self.n = n
        self.dCov2 = dCov2
        self.dVarX2 = dVarX2
        self.dVarY2 = dVarY2
        self.uDCov2 = uDCov2
        self.uDVarX2 = uDVarX2
        self.uDVarY2 = uDVarY2
        self.method = method
    }

    /// `c / sqrt(|vx vy|)`, 0 when the denominator is 0 (dcor 0.7's convention).
    static func ratio(_ c: Double, _ vx: Double, _ vy: Double) -> Double {
        let d = abs(vx * vy).squareRoot()
        return d == 0 ? 0 : c / d
    }

    // MARK: Input checks

    /// Throws unless `count` equals `n` and `n > 0`.
    static func checkCounts(_ n: Int, _ yCount: Int) throws {
        guard n == yCount else { throw NeymanError.invalid("x has \(n) events but y has \(yCount)", parameter: "y") }
        guard n > 0 else { throw NeymanError.invalid("no events", parameter: "x") }
    }

    /// Throws at the first NaN or infinity, naming the event (0-based) and the argument.
    static func checkFinite(_ values: [Double], _ name: String) throws {
        if let i = values.firstIndex(where: { !$0.isFinite }) { throw nonFinite(values[i], i, name) }
    }

    /// Throws unless every weight is finite and `>= 0` and their sum is positive.
    static func checkWeights(_ weights: [Double]?, n: Int) throws {
        guard let w = weights else { return }
        guard w.count == n else { throw NeymanError.invalid("\(w.count) weights for \(n) events", parameter: "weights") }
        var total = 0.0
        for (i, v) in w.enumerated() {
            guard v.isFinite else { throw nonFinite(v, i, "weights") }
            guard v >= 0 else {
                throw NeymanError.invalid("weight \(v) of event \(i) (0-based) is negative; weights must be >= 0",
                                          parameter: "weights")
            }
            total += v
        }
        guard total > 0 else { throw NeymanError.invalid("the weights sum to 0", parameter: "weights") }
    }

    static func nonFinite(_ v: Double, _ i: Int, _ name: String) -> NeymanError {
        NeymanError.invalid("non-finite value \(v) at event \(i) (0-based)", parameter: name)
    }
}
