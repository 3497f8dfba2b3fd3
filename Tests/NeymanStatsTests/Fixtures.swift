import Foundation

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

extension Dictionary where Key == String, Value == Any {
    func dict(_ k: String) -> [String: Any] { self[k] as? [String: Any] ?? [:] }
    func double(_ k: String) -> Double { (self[k] as? NSNumber)?.doubleValue ?? .nan }
    func doubles(_ k: String) -> [Double] { (self[k] as? [NSNumber])?.map(\.doubleValue) ?? [] }
}

/// `|a - b| <= tol * max(|b|, tiny)`.
func relClose(_ a: Double, _ b: Double, _ tol: Double) -> Bool {
    abs(a - b) <= tol * max(abs(b), 1e-300)
}
