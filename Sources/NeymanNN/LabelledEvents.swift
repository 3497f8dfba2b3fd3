import Foundation
import NeymanCore
import NeymanStats

/// A labelled, weighted training set: row-major features `[count, featureCount]` in Float, label 1 = class A
/// (the numerator of the ratio), 0 = class B.
public struct LabelledEvents: Sendable {
    public var features: [Float]
    public var labels: [Float]
    public var weights: [Float]
    public var featureCount: Int
    public var count: Int { labels.count }

    /// - Throws: if the sizes disagree, a label is not 0 or 1, or a value is not finite.
    public init(features: [Float], labels: [Float], weights: [Float]? = nil, featureCount: Int) throws {
        guard featureCount > 0, features.count == labels.count * featureCount else {
            throw NeymanError.invalid("\(features.count) feature values for \(labels.count) events of \(featureCount) features")
        }
        if let w = weights, w.count != labels.count {
            throw NeymanError.invalid("\(w.count) weights for \(labels.count) events", column: "weight")
        }
        for (i, y) in labels.enumerated() where y != 0 && y != 1 {
            throw NeymanError.invalid("label of event \(i) is \(y); labels must be 0 or 1", column: "label")
        }
        if let i = features.firstIndex(where: { !$0.isFinite }) {
            throw NeymanError.invalid("feature value of event \(i / featureCount) is not finite")
        }
        self.features = features
        self.labels = labels
        self.weights = weights ?? [Float](repeating: 1, count: labels.count)
        self.featureCount = featureCount
    }

    /// The events at `rows`, in that order.
    public func subset(_ rows: [Int]) -> LabelledEvents {
        var f = [Float](repeating: 0, count: rows.count * featureCount)
        var y = [Float](repeating: 0, count: rows.count), w = y
        for (k, r) in rows.enumerated() {
            for j in 0..<featureCount { f[k * featureCount + j] = features[r * featureCount + j] }
            y[k] = labels[r]; w[k] = weights[r]
        }
        return LabelledEvents(validated: f, labels: y, weights: w, featureCount: featureCount)
    }

    /// The same events with every weight multiplied by `factors[i]` (a bootstrap count, say); `factors` must have one
    /// finite entry per event.
    /// - Throws: ``NeymanError`` if the count differs or a factor is not finite.
    public func reweighted(by factors: [Float]) throws -> LabelledEvents {
        guard factors.count == count else { throw NeymanError.invalid("\(factors.count) weight factors for \(count) events") }
        guard factors.allSatisfy(\.isFinite) else { throw NeymanError.invalid("a weight factor is not finite") }
        return LabelledEvents(validated: features, labels: labels, weights: zip(weights, factors).map { $0 * $1 }, featureCount: featureCount)
    }

    /// For data already checked (subsets of valid data).
    private init(validated features: [Float], labels: [Float], weights: [Float], featureCount: Int) {
        self.features = features
        self.labels = labels
        self.weights = weights
        self.featureCount = featureCount
    }

    /// Sums of weights of class A (label 1) and class B (label 0).
    public var classWeights: (a: Double, b: Double) {
        var a = 0.0, b = 0.0
        for i in 0..<count { if labels[i] > 0.5 { a += Double(weights[i]) } else { b += Double(weights[i]) } }
        return (a, b)
    }
}
