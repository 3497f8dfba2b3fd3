import CGSL

/// Summaries of a sample of numbers (GSL's `gsl_stats_*`), used wherever a study reports the spread of
/// pseudo-experiment or bootstrap results. Every function is defined for every input size: a summary that needs more
/// values than given is NaN (never a division by zero or a trap), and a NaN among the values propagates.
public enum SampleSummary {
    /// `sum x_i / n`; NaN for an empty sample.
    public static func mean(_ x: [Double]) -> Double {
        guard !x.isEmpty else { return .nan }
        return x.withUnsafeBufferPointer { b in b.baseAddress.map { gsl_stats_mean($0, 1, b.count) } ?? .nan }
    }

    /// The unbiased sample variance `sum (x_i - mean)^2 / (n - 1)`; NaN for fewer than two values.
    public static func variance(_ x: [Double]) -> Double {
        guard x.count >= 2 else { return .nan }
        return x.withUnsafeBufferPointer { b in b.baseAddress.map { gsl_stats_variance($0, 1, b.count) } ?? .nan }
    }

    /// The sample standard deviation `sqrt(variance)` (`n - 1` denominator); NaN for fewer than two values.
    public static func standardDeviation(_ x: [Double]) -> Double { variance(x).squareRoot() }

    /// The standard error of the mean, `standardDeviation / sqrt(n)`; NaN for fewer than two values.
    public static func standardErrorOfMean(_ x: [Double]) -> Double { standardDeviation(x) / Double(x.count).squareRoot() }

    /// The median: the middle value of the sorted sample, or the mean of the two middle values for an even count
    /// (`gsl_stats_median_from_sorted_data`); NaN for an empty sample or one containing NaN.
    public static func median(_ x: [Double]) -> Double {
        guard !x.isEmpty, !x.contains(where: \.isNaN) else { return .nan }
        let sorted = x.sorted()
        return sorted.withUnsafeBufferPointer { b in b.baseAddress.map { gsl_stats_median_from_sorted_data($0, 1, b.count) } ?? .nan }
    }
}
