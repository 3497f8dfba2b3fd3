import Foundation
import NeymanCore

/// The size at which a study runs: `quick` (what `make run` uses: minutes on 2 cores, enough pseudo-experiments
/// that every ordering the report claims is clear) or `full` (the papers' sizes).
public enum StudyScale: String, Sendable, CaseIterable {
    case quick, full
}

extension ConfigTable {
    /// An integer that may depend on the scale: `key = 1000` (both scales) or `key = { quick = 1000, full = 10000 }`.
    public func scaledInt(_ key: String, _ scale: StudyScale) throws -> Int? { try scaled(key, scale) { try $0.int($1) } }

    /// A string that may depend on the scale (see ``scaledInt(_:_:)``), e.g. `generator = { quick = "builtin", full = "pythia" }`.
    public func scaledString(_ key: String, _ scale: StudyScale) throws -> String? { try scaled(key, scale) { try $0.string($1) } }

    /// A number that may depend on the scale (see ``scaledInt(_:_:)``).
    public func scaledDouble(_ key: String, _ scale: StudyScale) throws -> Double? { try scaled(key, scale) { try $0.double($1) } }

    /// `get(self, key)`, or from the sub-table `{ quick = ..., full = ... }` the value of `scale` (the other one is
    /// read too, so a wrong type is reported whichever scale runs; any other key is an error).
    private func scaled<T>(_ key: String, _ scale: StudyScale, _ get: (ConfigTable, String) throws -> T?) throws -> T? {
        guard isTable(key) else { return try get(self, key) }
        guard let t = try table(key) else { return nil }
        let v = try t.require(scale.rawValue) { try get(t, $0) }
        _ = try get(t, scale == .quick ? StudyScale.full.rawValue : StudyScale.quick.rawValue)
        try t.rejectUnknownKeys()
        return v
    }

    /// A positive integer that must be present (scaled).
    func requirePositive(_ key: String, _ scale: StudyScale) throws -> Int {
        let v = try require(key) { try scaledInt($0, scale) }
        guard v > 0 else { throw NeymanError.invalid("must be positive (got \(v))", file: file, key: path.isEmpty ? key : "\(path).\(key)") }
        return v
    }

    /// A positive finite number that must be present (scaled).
    func requirePositiveDouble(_ key: String, _ scale: StudyScale) throws -> Double {
        let v = try require(key) { try scaledDouble($0, scale) }
        guard v > 0, v.isFinite else {
            throw NeymanError.invalid("must be positive (got \(v))", file: file, key: path.isEmpty ? key : "\(path).\(key)")
        }
        return v
    }

    /// The error for a bad value of `key` in this table.
    func invalid(_ key: String, _ message: String) -> NeymanError {
        NeymanError.invalid(message, file: file, key: path.isEmpty ? key : "\(path).\(key)")
    }
}
