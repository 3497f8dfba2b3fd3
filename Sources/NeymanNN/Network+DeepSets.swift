import Foundation
import NeymanCore

/// Particle Flow Networks and Energy Flow Networks (Komiske, Metodiev & Thaler, arXiv:1810.05165; docs/formulas.md §8):
///
/// ```
///   pfn:  output = F( sum_p Phi(z_p, eta_p, phi_p, ...) )
///   efn:  output = F( sum_p z_p Phi(eta_p, phi_p, ...) )                 (IRC safe)
/// ```
/// built as `[DeepSets (Phi and the sum), Dense -> activation (each width of F), Dense -> 1]`. The paper (muon
/// isolation, §4 and appendix) uses Phi and F of 3 dense layers of 100 ReLU units, `glorot_normal`, Adam with learning
/// rate 1e-4 and batch 128; those are the defaults here except the learning rate, which is the trainer's.
///
/// Inputs are events of `P` particle slots with `f` features each, row-major `[P, f]` (a flat row of `P * f` values
/// per event in ``LabelledEvents``); zero-padded slots (all `f` features exactly 0) are left out of the sum.
///
/// Standardisation: ``TrainerSettings/standardize`` standardises each of the `P * f` input slots with the network's
/// ``Network/featureMean``, which turns padding into non-zero values (so padded slots stop being masked) and shifts
/// `z` (so the EFN stops being IRC safe). Train these networks with `standardize = false`, and call
/// ``Network/fitParticleStandardization(_:)`` first to standardise Phi's inputs over the real particles instead.
extension Network {
    /// A Particle Flow Network `F(sum_p Phi(x_p))` on events of `particles` slots of `features` features.
    ///
    /// Layers: ``DeepSets`` named `"0"` (Phi: `Dense(phi[k]) -> activation` for each width, weights of Phi's Dense `k`
    /// from `RandomStream(seed, task: k)`), then for each width of `f` a Dense named by its layer index followed by the
    /// activation (tasks `phi.count + k`), then `Dense(-> 1)` with `glorot_normal` weights (task `phi.count + f.count`),
    /// as ``Network/dense(inputs:hidden:activation:dropout:batchNorm:initializer:seed:lossKind:)`` does. Biases start at 0.
    /// `f` may be empty (the latent sum goes straight to the output unit).
    /// - Throws: ``NeymanError`` if `particles < 1`, `features < 1`, `phi` is empty, a width is not positive, or the
    ///   network would not fit in memory (``NetworkMemory``, naming `particles`, `phi` or `f`).
    public static func pfn(particles: Int, features: Int, phi: [Int] = [100, 100, 100], f: [Int] = [100, 100, 100],
                           activation: ActivationKind = .relu, initializer: Initializer = .glorotNormal, seed: UInt64 = 0,
                           lossKind: LossKind = .bce) throws -> Network {
        try deepSets(.pfn, particles: particles, features: features, phi: phi, f: f, activation: activation,
                     initializer: initializer, seed: seed, lossKind: lossKind)
    }

    /// An Energy Flow Network `F(sum_p z_p Phi(x_p,1..f-1))`: feature 0 of each particle is its energy fraction `z`
    /// (e.g. `pT_p / sum pT`), the other `features - 1` (e.g. eta, phi relative to the axis) are Phi's inputs.
    /// Layers, names and seeds as ``pfn(particles:features:phi:f:activation:initializer:seed:lossKind:)``.
    /// The output is IRC safe: unchanged when a particle is split into collinear pieces whose `z` add up, and
    /// continuous as a particle's `z -> 0` (by linearity in `z`; exact up to Float rounding).
    /// - Throws: ``NeymanError`` if `particles < 1`, `features < 2`, `phi` is empty, or a width is not positive.
    public static func efn(particles: Int, features: Int, phi: [Int] = [100, 100, 100], f: [Int] = [100, 100, 100],
                           activation: ActivationKind = .relu, initializer: Initializer = .glorotNormal, seed: UInt64 = 0,
                           lossKind: LossKind = .bce) throws -> Network {
        try deepSets(.efn, particles: particles, features: features, phi: phi, f: f, activation: activation,
                     initializer: initializer, seed: seed, lossKind: lossKind)
    }

    /// A PFN or EFN by kind; see ``pfn(particles:features:phi:f:activation:initializer:seed:lossKind:)``.
    /// - Throws: as ``pfn(particles:features:phi:f:activation:initializer:seed:lossKind:)`` and
    ///   ``efn(particles:features:phi:f:activation:initializer:seed:lossKind:)``.
    public static func deepSets(_ variant: DeepSetsKind, particles: Int, features: Int, phi: [Int], f: [Int],
                                activation: ActivationKind = .relu, initializer: Initializer = .glorotNormal, seed: UInt64 = 0,
                                lossKind: LossKind = .bce) throws -> Network {
        guard f.allSatisfy({ $0 >= 1 }) else {
            throw NeymanError.invalid("the widths of F must be positive (got \(f))", parameter: "f")
        }
        try deepSetsMemory(variant, particles: particles, features: features, phi: phi, f: f, activation: activation,
                           keys: (particles: "particles", phi: "phi", f: "f"))
            .check(batch: 1, batchKey: "particles", floatsPerParameter: NetworkMemory.inferenceFloatsPerParameter, isParameter: true)
        let block = try DeepSets(variant, particles: particles, features: features, widths: phi, activation: activation,
                                 initializer: initializer, seed: seed, firstTask: 0, name: "0")
        var layers: [Layer] = [block]
        var width = block.latent
        for (k, h) in f.enumerated() {
            let d = Dense(inputs: width, outputs: h, name: "\(layers.count)")
            try initializer.fill(d.weight.value, fanIn: width, fanOut: h, rng: RandomStream(seed: seed, task: UInt64(phi.count + k)))
            layers.append(d)
            layers.append(Activation(activation, shape: [h]))
            width = h
        }
        let out = Dense(inputs: width, outputs: 1, name: "\(layers.count)")
        try Initializer.glorotNormal.fill(out.weight.value, fanIn: width, fanOut: 1,
                                      rng: RandomStream(seed: seed, task: UInt64(phi.count + f.count)))
        layers.append(out)
        return Network(layers: layers, inputShape: [particles, features], lossKind: lossKind)
    }

    /// The memory of a PFN/EFN as ``NetworkMemory`` parts, in the order it is built: the input (`P f` values per
    /// event, and `P f` generated column names counted as 4 floats each), Phi with the sum over particles, and `F`
    /// with the output unit, keyed by `keys`. Nothing is allocated; sizes below 1 are counted as they are (the
    /// builders reject them separately).
    public static func deepSetsMemory(_ variant: DeepSetsKind, particles: Int, features: Int, phi: [Int], f: [Int],
                                      activation: ActivationKind,
                                      keys: (particles: String, phi: String, f: String)) -> NetworkMemory {
        let inputs = MemoryBudget.product([particles, features])
        let input = NetworkMemory.Part(key: keys.particles, setting: "\(particles)",
                                       floatsPerEvent: CheckedCount.add(CheckedCount.product([2, inputs]), 3),
                                       fixedFloats: CheckedCount.product([4, inputs]))
        let phiInputs = variant == .efn ? features - 1 : features
        let block = LayerSpec.deepSets(variant, particles: particles, features: features,
                                       phi: LayerSpec.phiStack(inputs: phiInputs, widths: phi, activation: activation))
        let dense = denseSpecs(inputs: phi.last ?? 0, hidden: f, activation: activation, dropout: 0)
        return NetworkMemory(parts: [input, .init(key: keys.phi, setting: "\(phi)", layers: [block]),
                                     .init(key: keys.f, setting: "\(f)", layers: dense)])
    }

    /// The ``DeepSets`` block of a PFN or EFN (its first layer), or nil for other networks.
    public var deepSetsBlock: DeepSets? { layers.first as? DeepSets }

    /// Standardises Phi's inputs over the real (unmasked) particles of `data` (``DeepSets/fitPhiInputStandardization(_:events:)``)
    /// and removes the network's per-slot standardisation (``featureMean`` / ``featureStd``), which would un-mask
    /// padding. Call it before training with ``TrainerSettings/standardize`` `= false`; the standardisation is saved
    /// with the block's specification.
    /// - Throws: if the network's first layer is not a ``DeepSets`` block, the data do not have `P * f` features, or
    ///   they hold no real particle.
    public func fitParticleStandardization(_ data: LabelledEvents) throws {
        guard let block = deepSetsBlock else {
            throw NeymanError.invalid("particle standardisation needs a pfn or efn network (first layer \(layers.first?.kind ?? "none"))")
        }
        guard data.featureCount == block.particles * block.features else {
            throw NeymanError.invalid("the data have \(data.featureCount) features, the \(block.kind) takes \(block.particles) x \(block.features)")
        }
        try block.fitPhiInputStandardization(data.features, events: data.count)
        featureMean = []
        featureStd = []
    }
}
