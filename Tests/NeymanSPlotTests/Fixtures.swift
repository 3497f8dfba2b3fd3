@preconcurrency import CGSL
import Foundation
import NeymanSPlot

/// Reference cases copied from shared/refs/cases (sweights 1.7.0, iminuit 2.33.0; see Tests/Fixtures/cases/README.md).
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
    func matrix(_ k: String) -> [Double] { (self[k] as? [[NSNumber]])?.flatMap { $0.map(\.doubleValue) } ?? [] }
}

/// `|a - b| <= tol * max(|b|, tiny)`.
func relClose(_ a: Double, _ b: Double, _ tol: Double) -> Bool {
    abs(a - b) <= tol * max(abs(b), 1e-300)
}

/// An integral by GSL's CQUAD (doubly-adaptive Clenshaw-Curtis), an algorithm independent of the QAG that the
/// pdfs use, so the normalisation checks do not test QAG against itself.
func independentIntegral(_ f: @escaping (Double) -> Double, _ a: Double, _ b: Double) -> Double {
    final class Box { let f: (Double) -> Double; init(_ f: @escaping (Double) -> Double) { self.f = f } }
    let box = Box(f)
    guard let ws = gsl_integration_cquad_workspace_alloc(200) else { return .nan }
    defer { gsl_integration_cquad_workspace_free(ws) }
    var fn = gsl_function(function: { x, p in Unmanaged<Box>.fromOpaque(p!).takeUnretainedValue().f(x) },
                          params: Unmanaged.passUnretained(box).toOpaque())
    var result = 0.0, err = 0.0, evals = 0
    _ = gsl_integration_cquad(&fn, a, b, 1e-13, 1e-12, ws, &result, &err, &evals)
    return result
}

/// The pdfs and parameter points the shape tests run over (range [70, 110], a Z-like peak).
enum Shapes {
    static let range = try! FitRange(70, 110)
    static let cases: [(String, [Double])] = [
        ("gauss", [91, 2]),
        ("gauss", [71, 0.5]),
        ("voigt", [91.19, 1.5, 2.5]),
        ("voigt", [105, 0.3, 6]),
        ("breitwigner", [91, 2.5]),
        ("relbreitwigner", [91.19, 2.5]),
        ("crystalball", [91, 1.5, 1.2, 3]),
        ("crystalball", [91, 2, 0.8, 1.05]),
        ("crystalball2", [91, 1.5, 1.2, 3, 1.8, 5]),
        ("exponential", [-0.03]),
        ("exponential", [0]),
        ("exponential", [0.2]),
        ("chebyshev:1", [0.3]),
        ("chebyshev:3", [0.2, -0.1, 0.05]),
        ("chebyshev:6", [0.2, -0.1, 0.05, 0.03, -0.02, 0.01]),
    ]
}
