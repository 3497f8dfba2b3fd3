import Foundation
import Testing
@testable import NeymanStats
import NeymanCore

/// ROC points (scikit-learn's convention) and the bootstrap AUC error with signed weights.
@Suite("ROC curve and bootstrap AUC")
struct ROCCurveTests {
    /// The trapezoid rule over the points is the AUC, for signed weights and ties.
    @Test func trapezoidOfTheCurveIsTheAUC() throws {
        let rng = RandomStream(seed: 31)
        let n = 500
        let s = (0..<n).map { _ in (rng.uniform() * 20).rounded() }
        let ws = (0..<n).map { _ in rng.normal(mean: 0.5, sigma: 0.7) }, wb = (0..<n).map { _ in rng.normal(mean: 0.5, sigma: 0.7) }
        let points = try ROC.curve(scores: s, signalWeights: ws, backgroundWeights: wb)
        #expect(points.first == ROCPoint(threshold: .infinity, falsePositiveRate: 0, truePositiveRate: 0))
        #expect(points.count == Set(s).count + 1)
        var area = 0.0
        for k in 1..<points.count {
            area += (points[k].falsePositiveRate - points[k - 1].falsePositiveRate) * (points[k].truePositiveRate + points[k - 1].truePositiveRate) / 2
        }
        #expect(abs(area - (try ROC.auc(scores: s, signalWeights: ws, backgroundWeights: wb))) < 1e-12)
        #expect(abs(points.last!.truePositiveRate - 1) < 1e-12 && abs(points.last!.falsePositiveRate - 1) < 1e-12)
    }

    @Test func bootstrapIsReproducibleAndSensible() throws {
        let rng = RandomStream(seed: 2)
        let n = 2000
        let y = (0..<n).map { _ in rng.uniform() < 0.4 ? 1.0 : 0 }
        let s = y.map { $0 == 1 ? rng.normal(mean: 1) : rng.normal() }
        let ws = y.map { $0 }, wb = y.map { 1 - $0 }
        let a = try ROC.bootstrapAUC(scores: s, signalWeights: ws, backgroundWeights: wb, replicas: 100, seed: 9, threads: 1)
        let b = try ROC.bootstrapAUC(scores: s, signalWeights: ws, backgroundWeights: wb, replicas: 100, seed: 9, threads: 2)
        #expect(a == b)
        // Hanley-McNeil standard error of an AUC near 0.76 with 800 / 1200 events: about 0.011.
        let auc = a.auc, q1 = auc / (2 - auc), q2 = 2 * auc * auc / (1 + auc)
        let ns = ws.reduce(0, +), nb = wb.reduce(0, +)
        let hm = ((auc * (1 - auc) + (ns - 1) * (q1 - auc * auc) + (nb - 1) * (q2 - auc * auc)) / (ns * nb)).squareRoot()
        #expect(abs(a.error / hm - 1) < 0.35, "bootstrap \(a.error) vs Hanley-McNeil \(hm)")
        #expect(throws: NeymanError.self) { try ROC.bootstrapAUC(scores: s, signalWeights: ws, backgroundWeights: wb, replicas: 1, seed: 1) }
    }
}
