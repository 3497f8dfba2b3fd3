import Foundation
import NeymanCore
import NeymanStats

/// Settings of ``Trainer``.
public struct TrainerSettings: Sendable {
    public var epochs = 30
    public var batchSize = 256
    public var learningRate: Float = 1e-3
    /// Fraction of events held out (seeded random choice) for validation loss, AUC and early stopping.
    public var validationFraction = 0.2
    /// Stop after this many epochs without a lower validation loss, and restore the best weights; 0 = never stop early.
    public var patience = 5
    /// Halve the learning rate after this many epochs without a lower monitored loss (Keras' ReduceLROnPlateau);
    /// 0 = constant learning rate. The final iterates of Adam at a constant rate wander by an amount set by the
    /// rate and the batch size; decaying it lets the network settle on the minimum.
    public var learningRateDecayPatience = 2
    /// The factor of each decay, and the floor relative to the initial rate.
    public var learningRateDecayFactor: Float = 0.5
    public var minimumLearningRateFraction: Float = 1e-3
    public var seed: UInt64 = 1
    /// The seed of the validation split; `nil` = ``seed``. An ensemble sets it to its base seed so that every member,
    /// whatever its own seed, holds out the same validation events (and the ensemble is judged on events none of its
    /// members trained on).
    public var splitSeed: UInt64? = nil
    /// Poisson bootstrap of the training part (after the validation split): each training event's weight is multiplied
    /// by a count `k ~ Poisson(1)` drawn from `RandomStream(mixSeed(seed, 0xB007), task: 0)`, and events with `k = 0`
    /// are dropped. This is the large-sample limit of resampling `n` of `n` events with replacement (each event is
    /// drawn Binomial(n, 1/n) ≈ Poisson(1) times) without ever putting a copy of an event on both sides of the split
    /// (Hanley & MacGibbon 2006; the "bootstrap weights" of ATLAS/CMS). Validation events keep their weights.
    public var bootstrap = false
    /// Decoupled weight decay (AdamW) on weight matrices; 0 = none.
    public var weightDecay: Float = 0
    public var loss: LossKind = .bce
    /// The `ratio` loss's relative-ratio parameter `alpha` (``LossKind``): `0` is guide eq. 3.11 exactly; the default
    /// `1e-3` bounds the loss below, which keeps the fit stable where class B has no events, and is undone exactly
    /// when the ratio is read (`r = (1 - alpha) f / (1 - alpha f)`). Ignored by bce/mse.
    public var ratioAlpha: Double = 1e-3
    /// Worker threads of data-parallel training (``DataParallelStep``): 1 = the single-thread computation; `T > 1`
    /// cuts every mini-batch into `T` shards on `T` replicas and sums their gradients in shard order, so the trained
    /// weights are fixed for a given `T` and seed (and differ from another `T` by rounding and dropout masks only).
    public var threads = 1
    /// Standardise inputs with the training set's per-feature mean and standard deviation.
    public var standardize = true
    /// No progress line on stderr.
    public var quiet = true
    public init() {}
}
