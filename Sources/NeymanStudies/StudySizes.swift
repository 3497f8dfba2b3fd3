import Foundation
import NeymanCore

/// What the studies allocate per unit of the sizes a study file gives (events, toys, bins, grid points), in bytes,
/// rounded up from what the code holds at once. The study readers check every such size against ``MemoryBudget``
/// with these (``ConfigTable/checkMemory(_:count:bytesPerUnit:)``) before anything is generated, so that
/// `events_per_class = 1000000000000` is an error naming the key and the bytes it would need, not an abort.
public enum StudySizes {
    /// One training event of one class: the generated event, its feature row (a heap `[Float]` of at most three values,
    /// about 64 bytes), the flat features, label and weight of the training set, and the train/validation copies and
    /// permutations the trainer makes.
    public static let trainingEvent = 256
    /// One generated event kept for templates, calibration or evaluation: the event and the few Doubles derived from
    /// it (ratio, score, logit).
    public static let event = 64
    /// One event of a pseudo-experiment in a worker thread: the event, its exact and learned ratios, and the scratch
    /// of the fits on it; counted twice (both hypotheses of a toy may be alive together).
    public static let pseudoExperimentEvent = 256
    /// One pseudo-experiment's results: the test statistics of every test under both hypotheses and their copies in
    /// the summaries (power curves, quantiles).
    public static let toy = 1024
    /// One histogram bin: counts, templates and expected yields of both classes and the observed count.
    public static let bin = 64
    /// One grid point of a scan (a hypothesis-test result per calculator and its plot points).
    public static let gridPoint = 1024
}

extension ConfigTable {
    /// Throws unless `count` units of `bytesPerUnit` bytes fit within ``MemoryBudget/limit``, naming `key` of this
    /// table and the bytes it would need.
    func checkMemory(_ key: String, count: Int, bytesPerUnit: Int) throws {
        try MemoryBudget.check(count: count, bytesPerElement: bytesPerUnit, what: path.isEmpty ? key : "\(path).\(key)", file: file)
    }

    /// As ``checkMemory(_:count:bytesPerUnit:)`` for an expected number of events given as a number (rounded up;
    /// beyond `Int`, too big).
    func checkMemory(_ key: String, expected: Double, bytesPerUnit: Int) throws {
        let count = expected.isFinite && expected < 9.0e18 ? Int(max(expected, 0).rounded(.up)) : Int.max
        try checkMemory(key, count: count, bytesPerUnit: bytesPerUnit)
    }
}
