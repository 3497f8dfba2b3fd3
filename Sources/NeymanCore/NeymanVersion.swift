/// Neyman's version: `neyman --version` prints it, and every shard result records it (``ShardFile``), since shards of
/// different versions may not compute the same numbers and are not merged.
public enum NeymanVersion {
    /// The release, `MAJOR.MINOR.PATCH`.
    public static let string = "0.1.0"
}
