import Foundation
import NeymanCore

/// Checks and summaries of per-event sample weights shared by the reweighting tools
/// (``HistogramReweighting``, ``GaussianKDE``, ``KernelDensityReweighting``).
///
/// Conventions: a sample is given as columns, `columns[a][i]` being coordinate `a` of event `i`; weights are
/// optional (`nil` means every event has weight 1), must be finite and `>= 0`, and must not all be 0. Negative
/// weights are not supported by the reweighting tools: a bin or kernel density built from them can be `<= 0`, and
/// a ratio of such densities is not a weight.
public enum SampleWeights {
    /// Kish's effective sample size `n_eff = (sum_i w_i)² / sum_i w_i²` (`n` for equal weights; 0 when every
    /// weight is 0). This is the `neff` of `scipy.stats.gaussian_kde` and the number of unweighted events that
    /// would give the same statistical precision of a weighted mean.
    public static func effectiveSize(_ weights: [Double]) -> Double {
        var s = 0.0, s2 = 0.0
        for w in weights { s += w; s2 += w * w }
        return s2 > 0 ? s * s / s2 : 0
    }

    /// Throws unless `columns` holds `dimension` columns (when given) of one common length `n >= 1` with finite
    /// values, and `weights` (if any) has `n` finite values `>= 0` with a positive sum. Returns `n`.
    ///
    /// Error messages name the sample (`sample`, as the error's parameter), the column (from `columnNames`, or
    /// `"column a"` by 0-based index) and the 0-based event index.
    static func validate(columns: [[Double]], weights: [Double]?, sample: String, columnNames: [String]?,
                         dimension: Int? = nil) throws -> Int {
        if let dimension, columns.count != dimension {
            throw NeymanError.invalid("\(columns.count) columns given for \(dimension) axes", parameter: sample)
        }
        guard let first = columns.first else { throw NeymanError.invalid("no columns", parameter: sample) }
        if let names = columnNames, names.count != columns.count {
            throw NeymanError.invalid("\(names.count) column names for \(columns.count) columns", parameter: sample)
        }
        let n = first.count
        guard n > 0 else { throw NeymanError.invalid("no events", parameter: sample) }
        for (a, col) in columns.enumerated() {
            let name = columnName(a, columnNames)
            guard col.count == n else {
                throw NeymanError.invalid("column '\(name)' has \(col.count) values but '\(columnName(0, columnNames))' has \(n)",
                                          column: name, parameter: sample)
            }
            if let i = col.firstIndex(where: { !$0.isFinite }) {
                throw NeymanError.invalid("non-finite value \(col[i]) at event \(i) (0-based) of sample '\(sample)'",
                                          column: name, parameter: sample)
            }
        }
        guard let w = weights else { return n }
        guard w.count == n else {
            throw NeymanError.invalid("\(w.count) weights for \(n) events of sample '\(sample)'", column: "weights",
                                      parameter: sample)
        }
        var total = 0.0
        for (i, v) in w.enumerated() {
            guard v.isFinite else {
                throw NeymanError.invalid("non-finite weight \(v) at event \(i) (0-based) of sample '\(sample)'",
                                          column: "weights", parameter: sample)
            }
            guard v >= 0 else {
                throw NeymanError.invalid("weight \(v) of event \(i) (0-based) of sample '\(sample)' is negative; "
                                          + "weights must be >= 0", column: "weights", parameter: sample)
            }
            total += v
        }
        guard total > 0 else {
            throw NeymanError.invalid("the weights of sample '\(sample)' sum to 0", column: "weights", parameter: sample)
        }
        return n
    }

    /// `columnNames[a]`, or `"column a"` (0-based) without names.
    static func columnName(_ a: Int, _ columnNames: [String]?) -> String {
        if let names = columnNames, a < names.count { return names[a] }
        return "column \(a)"
    }
}
