import Foundation
import Testing

/// Reference cases copied from shared/refs/cases (pyhf 0.7.6 and hand formulas; see Tests/Fixtures/cases/README.md).
enum Fixtures {
    static var root: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/cases")
    }

    static func json(_ relative: String) throws -> [String: Any] {
        let data = try Data(contentsOf: root.appendingPathComponent(relative))
        guard let obj = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw CocoaError(.fileReadCorruptFile)
        }
        return obj
    }
}

/// Fixture accessors. A missing key, a value of the wrong type or an empty array is recorded as a test failure
/// (never a silent default that a comparison loop would skip over).
extension Dictionary where Key == String, Value == Any {
    func dict(_ k: String, sourceLocation: SourceLocation = #_sourceLocation) -> [String: Any] {
        guard let d = self[k] as? [String: Any] else {
            Issue.record("fixture key '\(k)' is missing or not an object", sourceLocation: sourceLocation)
            return [:]
        }
        return d
    }
    func double(_ k: String, sourceLocation: SourceLocation = #_sourceLocation) -> Double {
        guard let v = (self[k] as? NSNumber)?.doubleValue else {
            Issue.record("fixture key '\(k)' is missing or not a number", sourceLocation: sourceLocation)
            return .nan
        }
        return v
    }
    func doubles(_ k: String, sourceLocation: SourceLocation = #_sourceLocation) -> [Double] {
        guard let v = (self[k] as? [NSNumber])?.map(\.doubleValue), !v.isEmpty else {
            Issue.record("fixture key '\(k)' is missing, empty or not an array of numbers", sourceLocation: sourceLocation)
            return []
        }
        return v
    }
}

/// Element-wise `relClose(ours[i], reference[i], tol)`, after checking that both arrays have the same, non-zero length
/// (a `for (a, b) in zip(...)` loop alone passes vacuously when either side is empty).
func expectAllClose(_ ours: [Double], _ reference: [Double], rel tol: Double, _ context: String = "",
                    sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(!reference.isEmpty && ours.count == reference.count,
            "\(context): \(ours.count) values vs \(reference.count) reference values", sourceLocation: sourceLocation)
    for (i, (a, b)) in zip(ours, reference).enumerated() {
        #expect(relClose(a, b, tol), "\(context) [\(i)]: \(a) vs \(b)", sourceLocation: sourceLocation)
    }
}

/// `|a - b| <= tol * max(|b|, tiny)`.
func relClose(_ a: Double, _ b: Double, _ tol: Double) -> Bool {
    abs(a - b) <= tol * max(abs(b), 1e-300)
}
