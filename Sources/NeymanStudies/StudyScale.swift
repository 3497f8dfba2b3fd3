import Foundation
import NeymanCore

/// The size at which a study runs: `quick` (what `make run` uses: minutes on 2 cores, enough pseudo-experiments
/// that every ordering the report claims is clear) or `full` (the papers' sizes).
public enum StudyScale: String, Sendable, CaseIterable {
    case quick, full
}

extension ConfigTable {
    /// An integer that may depend on the scale: `key = 1000` (both scales) or `key = { quick = 1000, full = 10000 }`.
    public func scaledInt(_ key: String, _ scale: StudyScale) throws -> Int? {
        guard isTable(key) else { return try int(key) }
        guard let t = try table(key) else { return nil }
        let v = try t.require(scale.rawValue) { try t.int($0) }
        _ = try t.int(scale == .quick ? StudyScale.full.rawValue : StudyScale.quick.rawValue)
        try t.rejectUnknownKeys()
        return v
    }

    /// A number that may depend on the scale (see ``scaledInt(_:_:)``).
    public func scaledDouble(_ key: String, _ scale: StudyScale) throws -> Double? {
        guard isTable(key) else { return try double(key) }
        guard let t = try table(key) else { return nil }
        let v = try t.require(scale.rawValue) { try t.double($0) }
        _ = try t.double(scale == .quick ? StudyScale.full.rawValue : StudyScale.quick.rawValue)
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
