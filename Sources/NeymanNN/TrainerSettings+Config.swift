import Foundation
import NeymanCore

extension TrainerSettings {
    /// Reads the `[training]` table of a configuration (`loss`, `epochs`, `batch_size`, `learning_rate`,
    /// `validation_fraction`, `patience`, `lr_decay_patience`, `weight_decay`, `ratio_alpha`, `seed`, `threads`); absent keys keep
    /// their defaults, and a bad value is an error naming `file` and `training.<key>` (see ``validate(keyPrefix:file:)``
    /// for the domains). `seed` is a `UInt64` (``ConfigTable/seed(_:)``: an integer, or a decimal string for seeds
    /// above `Int64.max`). `nil` = all defaults.
    public init(config: ConfigTable?, file path: String) throws {
        // Keys are named by the table's own path (`training.epochs`, or `networks.pfn.training.epochs` in a study).
        let prefix = (config?.path).map { $0.isEmpty ? "" : $0 + "." } ?? "training."
        func invalid(_ key: String, _ message: String) -> NeymanError {
            NeymanError.invalid(message, file: path, key: key.hasPrefix("training.") ? prefix + key.dropFirst("training.".count) : key)
        }
        var o = TrainerSettings()
        if let t = config {
            if let s = try t.string("loss") {
                guard let l = LossKind(rawValue: s) else { throw invalid("training.loss", "unknown loss '\(s)' (bce, mse, ratio)") }
                o.loss = l
            }
            o.epochs = try t.int("epochs") ?? o.epochs
            o.batchSize = try t.int("batch_size") ?? o.batchSize
            o.learningRate = Float(try t.double("learning_rate") ?? Double(o.learningRate))
            o.validationFraction = try t.double("validation_fraction") ?? o.validationFraction
            o.patience = try t.int("patience") ?? o.patience
            o.learningRateDecayPatience = try t.int("lr_decay_patience") ?? o.learningRateDecayPatience
            o.weightDecay = Float(try t.double("weight_decay") ?? 0)
            o.ratioAlpha = try t.double("ratio_alpha") ?? o.ratioAlpha
            o.seed = try t.seed("seed") ?? o.seed
            o.threads = try t.int("threads") ?? o.threads
        }
        try o.validate(keyPrefix: prefix, file: path)
        self = o
    }

    /// Checks every option for its domain:
    /// ```
    ///   epochs >= 1                      batch_size >= 1
    ///   learning_rate > 0, finite        validation_fraction in [0, 1)
    ///   patience >= 0                    lr_decay_patience >= 0
    ///   weight_decay >= 0, finite, and learning_rate * weight_decay < 1   (AdamW's step w <- (1 - lr wd) w must
    ///                                                                      shrink the weights, not flip them)
    ///   ratio_alpha in [0, 1)            learning-rate decay factor in (0, 1], floor fraction in [0, 1]
    ///   threads in 1 ... 256 (data-parallel workers)
    /// ```
    /// - Parameters:
    ///   - keyPrefix: prefixed to the key in errors (`"training."` for a config file, `""` for the API).
    ///   - file: the config file, if the options came from one.
    /// - Throws: ``NeymanError/invalidInput(_:_:)`` naming the first option out of its domain.
    public func validate(keyPrefix: String = "", file: String? = nil) throws {
        func invalid(_ key: String, _ message: String) -> NeymanError { NeymanError.invalid(message, file: file, key: keyPrefix + key) }
        guard epochs >= 1 else { throw invalid("epochs", "must be positive (got \(epochs))") }
        guard batchSize >= 1 else { throw invalid("batch_size", "must be positive (got \(batchSize))") }
        guard learningRate > 0, learningRate.isFinite else {
            throw invalid("learning_rate", "must be positive and finite as a 32-bit float (got \(learningRate))")
        }
        guard validationFraction >= 0 && validationFraction < 1 else {
            throw invalid("validation_fraction", "must be in [0, 1) (got \(validationFraction))")
        }
        guard patience >= 0 else { throw invalid("patience", "must be >= 0 (got \(patience); 0 = no early stopping)") }
        guard learningRateDecayPatience >= 0 else {
            throw invalid("lr_decay_patience", "must be >= 0 (got \(learningRateDecayPatience); 0 = constant learning rate)")
        }
        guard weightDecay >= 0, weightDecay.isFinite else { throw invalid("weight_decay", "must be >= 0 and finite (got \(weightDecay))") }
        guard learningRate * weightDecay < 1 else {
            throw invalid("weight_decay", "learning_rate * weight_decay must be below 1 (got \(learningRate) * \(weightDecay)); "
                          + "each step multiplies the weights by 1 - learning_rate * weight_decay")
        }
        guard threads >= 1, threads <= 256 else { throw invalid("threads", "must be in 1 ... 256 (got \(threads))") }
        guard ratioAlpha >= 0, ratioAlpha < 1 else { throw invalid("ratio_alpha", "must be in [0, 1) (got \(ratioAlpha))") }
        guard learningRateDecayFactor > 0, learningRateDecayFactor <= 1 else {
            throw invalid("lr_decay_factor", "must be in (0, 1] (got \(learningRateDecayFactor))")
        }
        guard minimumLearningRateFraction >= 0, minimumLearningRateFraction <= 1 else {
            throw invalid("min_lr_fraction", "must be in [0, 1] (got \(minimumLearningRateFraction))")
        }
    }
}
