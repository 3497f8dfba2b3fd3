import NeymanStats

/// ROC curve and AUC of a score on an sWeighted sample (docs/formulas.md §6): every event carries its signal sWeight as
/// `wS` and its background sWeight as `wB` (times its own event weight, if any), so the AUC estimates the
/// classifier's AUC between the pure species without truth labels. Weights are signed; ``ROC`` handles that.
public enum SWeightedROC {
    /// `(wS, wB)` per event: the sWeights times the event weights.
    public static func weights(_ sweights: SWeightsResult, eventWeights: [Double]? = nil) -> (signal: [Double], background: [Double]) {
        guard let w = eventWeights else { return (sweights.signal, sweights.background) }
        return (zip(sweights.signal, w).map { $0 * $1 }, zip(sweights.background, w).map { $0 * $1 })
    }

    /// The sWeighted AUC of `scores` (one per event, aligned with the sWeights).
    public static func auc(scores: [Double], sweights: SWeightsResult, eventWeights: [Double]? = nil) throws -> Double {
        let (s, b) = weights(sweights, eventWeights: eventWeights)
        return try ROC.auc(scores: scores, signalWeights: s, backgroundWeights: b)
    }

    /// The sWeighted ROC curve (see ``ROC/curve(scores:signalWeights:backgroundWeights:)``).
    public static func curve(scores: [Double], sweights: SWeightsResult, eventWeights: [Double]? = nil) throws -> [ROCPoint] {
        let (s, b) = weights(sweights, eventWeights: eventWeights)
        return try ROC.curve(scores: scores, signalWeights: s, backgroundWeights: b)
    }
}
