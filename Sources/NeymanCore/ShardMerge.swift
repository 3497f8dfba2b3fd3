/// Joins the shard results of one run (`neyman merge`): checks that they belong together and concatenates their
/// pseudo-experiments in shard order, which is the unsharded run's order (``ShardSelection``).
///
/// Checks, in this order, each failure an ``NeymanError/invalidInput(_:_:)`` naming the shard file at fault:
/// 1. the same Neyman version, command (verb or study), seed, number of shards `N` and number of pseudo-experiments
///    as the others: where the shards disagree, the value most of them hold is the run's (ties: the first file's),
///    and the first file with another value is named;
/// 2. the same ``ShardFile/hash`` (a shard of a run with other inputs or options is foreign);
/// 3. no shard `K` given twice (the second file is named), then none missing (its expected file name is given);
/// 4. the same columns in every shard, and the same ``ShardPayload/common`` values, bit for bit (shard 0's are the
///    reference: shards that computed a different observed statistic saw different inputs).
public enum ShardMerge {
    /// The shards' common provenance (the first shard's file) and their payloads joined.
    public struct Merged: Sendable {
        /// Shard 0's file: its command, hash, seed and toy count are the run's.
        public let reference: ShardFile
        /// Common values (shard 0's, which every shard matches) and the columns of all pseudo-experiments, in index order.
        public let payload: ShardPayload
        /// The files in shard order.
        public let paths: [String]
    }

    /// Checks and joins `shards` (the file each came from, and its content).
    public static func merge(_ shards: [(path: String, file: ShardFile)]) throws -> Merged {
        guard let first = shards.first else {
            throw NeymanError.invalid("give the shard files of a run (shard-K-of-N.json)", parameter: "shards")
        }
        try agree(shards, "Neyman version", { $0.neymanVersion })
        try agree(shards, "command", { $0.command.first ?? "" })
        try agree(shards, "seed", { String($0.seed) })
        try agree(shards, "number of shards N", { String($0.shard.count) })
        try agree(shards, "number of pseudo-experiments", { String($0.toys) })
        try agree(shards, "hash", { $0.hash }, note: "it was computed from other inputs or options")
        let n = first.file.shard.count
        var byIndex = [Int: Int]()
        for (k, s) in shards.enumerated() {
            if let earlier = byIndex[s.file.shard.index] {
                throw NeymanError.invalid("shard \(s.file.shard) is also given as '\(shards[earlier].path)': give each shard once",
                                          file: s.path)
            }
            byIndex[s.file.shard.index] = k
        }
        if let missing = (0..<n).first(where: { byIndex[$0] == nil }) {
            let name = (try? ShardSelection(index: missing, count: n))?.fileName ?? "shard \(missing)"
            let given = byIndex.keys.sorted().map { "\($0)" }.joined(separator: ", ")
            throw NeymanError.invalid("shard \(missing)/\(n) is missing (given: \(given) of 0 ... \(n - 1)); every shard of the run "
                                      + "must be merged", file: name)
        }
        let ordered = (0..<n).compactMap { byIndex[$0].map { shards[$0] } }
        let reference = ordered[0]
        let names = reference.file.payload.columns.map(\.0)
        for s in ordered.dropFirst() {
            let other = s.file.payload.columns.map(\.0)
            guard Set(other) == Set(names), other.count == names.count else {
                throw NeymanError.invalid("shard \(s.file.shard) has the columns \(other) but shard 0 ('\(reference.path)') has \(names)",
                                          file: s.path)
            }
            for (name, values) in reference.file.payload.common {
                let mine = try? s.file.payload.common(name)
                guard let mine, mine.count == values.count,
                      zip(mine, values).allSatisfy({ $0.bitPattern == $1.bitPattern }) else {
                    throw NeymanError.invalid("shard \(s.file.shard) computed \(name) = \(mine.map { "\($0)" } ?? "nothing") but shard 0 "
                                              + "('\(reference.path)') computed \(values): the shards did not see the same inputs",
                                              file: s.path)
                }
            }
            guard s.file.payload.common.count == reference.file.payload.common.count else {
                throw NeymanError.invalid("shard \(s.file.shard) has common values \(s.file.payload.common.map(\.0)), shard 0 has "
                                          + "\(reference.file.payload.common.map(\.0))", file: s.path)
            }
        }
        var columns: [(String, [Double])] = []
        for name in names {
            var all: [Double] = []
            all.reserveCapacity(first.file.toys)
            for s in ordered { all += (try? s.file.payload.column(name)) ?? [] }
            columns.append((name, all))
        }
        return Merged(reference: reference.file, payload: ShardPayload(common: reference.file.payload.common, columns: columns),
                      paths: ordered.map(\.path))
    }

    /// Throws naming the first shard whose `property` differs from the value most shards hold (ties: the first
    /// file's).
    private static func agree(_ shards: [(path: String, file: ShardFile)], _ what: String, _ property: (ShardFile) -> String,
                              note: String? = nil) throws {
        var counts: [String: Int] = [:], order: [String] = []
        for s in shards {
            let v = property(s.file)
            if counts[v] == nil { order.append(v) }
            counts[v, default: 0] += 1
        }
        guard order.count > 1 else { return }
        let top = order.map { counts[$0] ?? 0 }.max() ?? 0
        guard let reference = order.first(where: { counts[$0] == top }),
              let odd = shards.first(where: { property($0.file) != reference }) else { return }
        throw NeymanError.invalid("shard \(odd.file.shard) has \(what) \(property(odd.file)) where the other shards have \(reference)"
                                  + (note.map { ": \($0)" } ?? "") + "; it is a shard of another run", file: odd.path)
    }
}
