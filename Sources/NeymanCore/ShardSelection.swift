/// Which share of a run's pseudo-experiments one process runs: shard `K` of `N`, written `K/N` (`--shard 0/4`).
///
/// Shards are numbered from 0 (`0/4`, `1/4`, `2/4`, `3/4`), as `$SLURM_ARRAY_TASK_ID` with `#SBATCH --array=0-3` and
/// HTCondor's `$(Process)` count, so a job array passes its task index straight through.
///
/// The split is into contiguous blocks, as equal as integers allow: with `T` pseudo-experiments, `q = T / N` and
/// `r = T % N` (integer division), shard `K` runs the indices
/// ```
///   [K q + min(K, r),  (K + 1) q + min(K + 1, r))
/// ```
/// (the first `r` shards run one more). The blocks are disjoint and cover `0 ..< T` in order, so concatenating the
/// shards' results in `K` order gives the unsharded run's arrays. Pseudo-experiment `i` draws from the random stream
/// `(seed, i)` (or a fixed function of `i`) whichever shard runs it, so every number is the unsharded run's.
public struct ShardSelection: Sendable, Equatable, CustomStringConvertible {
    /// `K`, from 0.
    public let index: Int
    /// `N`, at least 1.
    public let count: Int

    /// The largest `N` accepted: more shards than this is a typo (a Slurm array is limited to `MaxArraySize`, 1001
    /// by default).
    public static let maximumCount = 100_000

    /// Shard `index` of `count`.
    /// - Throws: ``NeymanError/invalidInput(_:_:)`` naming `option` unless `1 <= count <= maximumCount` and
    ///   `0 <= index < count`.
    public init(index: Int, count: Int, option: String = "shard") throws {
        guard count >= 1, count <= Self.maximumCount else {
            throw NeymanError.invalid("the number of shards must be between 1 and \(Self.maximumCount), got \(count)", parameter: option)
        }
        guard index >= 0, index < count else {
            throw NeymanError.invalid("shard \(index) of \(count) does not exist: shards are numbered from 0 to \(count - 1) "
                                      + "(0-based, as $SLURM_ARRAY_TASK_ID with --array=0-\(count - 1) and HTCondor's $(Process))",
                                      parameter: option)
        }
        self.index = index
        self.count = count
    }

    /// Parses `K/N` (decimal digits only, e.g. `2/8`).
    public init(parsing text: String, option: String = "shard") throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        func number(_ s: Substring) -> Int? {
            guard !s.isEmpty, s.count <= 9, s.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            return Int(s)
        }
        guard parts.count == 2, let k = number(parts[0]), let n = number(parts[1]) else {
            throw NeymanError.invalid("'\(text)' is not K/N (e.g. 0/4: the first of four shards, numbered from 0)", parameter: option)
        }
        try self.init(index: k, count: n, option: option)
    }

    /// `K/N`.
    public var description: String { "\(index)/\(count)" }

    /// The indices this shard runs out of `total` pseudo-experiments (see the type's documentation).
    public func range(of total: Int) -> Range<Int> {
        let q = total / count, r = total % count
        return (index * q + min(index, r))..<((index + 1) * q + min(index + 1, r))
    }

    /// The shard's file name in a shard directory: `shard-K-of-N.json`, `K` zero-padded to the width of `N - 1`
    /// so that the files list in order (`shard-03-of-12.json`).
    public var fileName: String {
        let width = String(count - 1).count
        let k = String(index)
        return "shard-" + String(repeating: "0", count: width - k.count) + k + "-of-\(count).json"
    }
}
