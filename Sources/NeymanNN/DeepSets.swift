import Foundation
import NeymanCore

/// The two permutation-invariant "deep sets" architectures of Komiske, Metodiev & Thaler, *Energy Flow Networks:
/// Deep Sets for Particle Jets* (arXiv:1810.05165); docs/formulas.md §8.
///
/// ```
///   pfn:  O = sum_p Phi(x_p)                         Phi sees all f features of particle p (e.g. z, eta, phi)
///   efn:  O = sum_p z_p Phi(x_p1, ..., x_p(f-1))     z_p = feature 0 (energy fraction); Phi sees features 1..f-1
/// ```
/// The sum runs over the particles that are not padding. The EFN is infrared and collinear (IRC) safe: a particle with
/// `z -> 0` contributes nothing, and splitting a particle into collinear pieces (same angles, `z = z_1 + z_2`) leaves
/// `O` unchanged because `O` is linear in `z`. The PFN is neither.
public enum DeepSetsKind: String, Sendable, CaseIterable {
    /// Particle Flow Network: `O = sum_p Phi(x_p)`.
    case pfn
    /// Energy Flow Network: `O = sum_p z_p Phi(angles_p)`, IRC safe.
    case efn
}

/// The per-particle network `Phi` and the sum over particles of a Particle Flow Network or an Energy Flow Network
/// (see ``DeepSetsKind``): the first block of ``Network/pfn(particles:features:phi:f:activation:initializer:seed:lossKind:)``
/// and ``Network/efn(particles:features:phi:f:activation:initializer:seed:lossKind:)``, followed by the dense `F`.
///
/// **Input**, per event, `[P, f]`: `P` particle slots of `f` features each, row-major, so feature `j` of particle `p`
/// of event `n` is at `(n * P + p) * f + j`. A flat `[n, P * f]` batch (as the ``Trainer`` builds) is accepted too.
/// **Output**, per event, `[l]` with `l` the output size of `Phi` (the latent dimension):
///
/// ```
///   mask_np = 0 if x_np,j == 0 for every j = 0..f-1 (a zero-padded slot; -0.0 counts as 0), else 1
///   pfn:    O_n = sum_p mask_np Phi(s(x_np))
///   efn:    O_n = sum_p mask_np z_np Phi(s(x_np,1..f-1)),   z_np = x_np,0  (not standardised)
///   s(u)_j = (u_j - mean_j) / std_j   with ``phiInputMean`` / ``phiInputStd`` (identity when they are empty)
/// ```
/// The mask is decided on the raw input, before the standardisation `s`. Only the unmasked particles of the whole batch
/// are gathered into one `[m, f_Phi]` matrix and run through `Phi` at once (one `sgemm` per ``Dense``), so padding
/// costs nothing in `Phi`. An event whose slots are all padding has `O_n = 0`. A particle with a NaN feature is not
/// padding; the NaN propagates into its event's output.
///
/// **Backward**, for `dY = dL/dO`:
///
/// ```
///   dL/dPhi_np     = w_np dY_n,         w = mask (pfn) or mask z (efn)
///   dL/dx_np,j     = (dL/dPhi-input_np,j) / std_j                        (Phi's backward pass; j >= 1 for efn)
///   dL/dz_np       = Phi(s(x_np,1..)) . dY_n                             (efn)
/// ```
/// and the gradients of Phi's parameters accumulate through Phi's own layers. Padded slots get a zero input gradient
/// (for the PFN the mask is a discontinuity there; for the EFN the exact z-derivative at a padded slot,
/// `Phi(s(0)) . dY_n`, is not computed: Phi never runs on padding, and the first layer's input gradient is not used
/// in training).
///
/// Parameters are Phi's, named `"<name>.phi.<k>.weight"` / `".bias"` (`"phi.<k>.weight"` when the layer name is
/// empty), `k` the index of the layer in ``phi``. Not thread-safe; the output and input-gradient tensors are reused.
public final class DeepSets: Layer {
    /// PFN or EFN.
    public let variant: DeepSetsKind
    /// The kind stored in saved models: `"pfn"` or `"efn"`.
    public var kind: String { variant.rawValue }
    /// `P`, the number of particle slots per event.
    public let particles: Int
    /// `f`, the number of features per particle (for the EFN, feature 0 is the energy fraction `z`).
    public let features: Int
    /// The per-particle network `Phi`, applied to `[m, phiInputs]` rows; its output size is ``latent``.
    public let phi: [Layer]
    /// `l`, the output size of `Phi` and of this layer.
    public let latent: Int
    /// The per-feature mean subtracted from Phi's inputs of unmasked particles (empty: no standardisation).
    public private(set) var phiInputMean: [Float] = []
    /// The per-feature standard deviation Phi's inputs are divided by (empty: no standardisation).
    public private(set) var phiInputStd: [Float] = []

    /// The number of features Phi sees: `f` for the PFN, `f - 1` (all but `z`) for the EFN.
    public var phiInputs: Int { DeepSets.phiInputs(variant, features: features) }
    /// `[P, f]`.
    public var inputShape: [Int] { [particles, features] }
    /// `[l]`.
    public var outputShape: [Int] { [latent] }
    /// Phi's parameters in layer order.
    public var parameters: [Parameter] { phi.flatMap(\.parameters) }
    /// `["particles": P, "features": f, "efn": 0 or 1]`; the Phi layers are in the block's ``LayerSpec``.
    public var configuration: [String: Double] {
        ["particles": Double(particles), "features": Double(features), "efn": variant == .efn ? 1 : 0]
    }

    private let output = Tensor(shape: [1, 1])
    private let inputGradient = Tensor(shape: [1, 1])
    private let phiInput = Tensor(shape: [1, 1])
    private let phiOutputGradient = Tensor(shape: [1, 1])
    /// Flat particle index `n * P + p` of each row of ``phiInput``, and its weight in the sum (1 or z).
    private var rows: [Int] = []
    private var weights: [Float] = []
    private var lastInputShape: [Int]
    private var lastPhiOutput: Tensor?

    static func phiInputs(_ variant: DeepSetsKind, features: Int) -> Int { variant == .efn ? features - 1 : features }

    /// The prefix of Phi's layer names for a block named `name`: `"<name>.phi"`, or `"phi"` for an empty name.
    public static func phiPrefix(name: String) -> String { name.isEmpty ? "phi" : "\(name).phi" }

    /// A block with the given Phi stack (used as given: its weights are not touched).
    /// - Throws: ``NeymanError`` if `particles < 1`, `features < 1` (PFN) or `< 2` (EFN: `z` and at least one more
    ///   feature), Phi is empty, Phi's first layer does not take ``phiInputs`` values, consecutive Phi layers disagree
    ///   in size, or Phi's output is empty.
    public init(_ variant: DeepSetsKind, particles: Int, features: Int, phi: [Layer]) throws {
        guard particles >= 1 else { throw NeymanError.invalid("a \(variant.rawValue) needs at least one particle slot (particles = \(particles))", parameter: "particles") }
        let minimum = variant == .efn ? 2 : 1
        guard features >= minimum else {
            throw NeymanError.invalid(variant == .efn
                ? "an efn needs the energy fraction z and at least one angular feature (features = \(features))"
                : "a pfn needs at least one feature per particle (features = \(features))", parameter: "features")
        }
        guard let first = phi.first, let last = phi.last else {
            throw NeymanError.invalid("the per-particle network Phi of a \(variant.rawValue) needs at least one layer", parameter: "phi")
        }
        let inputs = DeepSets.phiInputs(variant, features: features)
        guard first.inputSize == inputs else {
            throw NeymanError.invalid("Phi's first layer takes \(first.inputSize) values; a \(variant.rawValue) with \(features) features per particle gives it \(inputs)", parameter: "phi")
        }
        for (k, (a, b)) in zip(phi, phi.dropFirst()).enumerated() where a.outputSize != b.inputSize {
            throw NeymanError.invalid("Phi layer \(k) (\(a.kind)) gives \(a.outputSize) values, layer \(k + 1) (\(b.kind)) takes \(b.inputSize)", parameter: "phi")
        }
        guard last.outputSize >= 1 else { throw NeymanError.invalid("Phi's output is empty", parameter: "phi") }
        self.variant = variant
        self.particles = particles
        self.features = features
        self.phi = phi
        latent = last.outputSize
        lastInputShape = [0, particles, features]
    }

    /// A block whose Phi is `Dense(widths[0]) -> activation -> ... -> Dense(widths.last) -> activation` (every Dense
    /// followed by the activation, as in the paper and in `energyflow`), Dense `k` named `"<name>.phi.<2k>"` and
    /// initialised by `initializer` with `RandomStream(seed, task: firstTask + k)`; biases start at 0.
    /// - Throws: as ``init(_:particles:features:phi:)``, or if a width is not positive or Phi would not fit in memory.
    public convenience init(_ variant: DeepSetsKind, particles: Int, features: Int, widths: [Int], activation: ActivationKind = .relu,
                            initializer: Initializer = .glorotNormal, seed: UInt64 = 0, firstTask: UInt64 = 0, name: String = "") throws {
        guard !widths.isEmpty, widths.allSatisfy({ $0 >= 1 }) else {
            throw NeymanError.invalid("Phi's widths must be a non-empty list of positive sizes (got \(widths))", parameter: "phi")
        }
        let stack = LayerSpec.phiStack(inputs: DeepSets.phiInputs(variant, features: features), widths: widths, activation: activation)
        try NetworkMemory(parts: [.init(key: "phi", setting: "\(widths)", layers: stack)])
            .check(batch: 1, batchKey: "phi", floatsPerParameter: NetworkMemory.inferenceFloatsPerParameter, isParameter: true)
        var layers: [Layer] = []
        var width = DeepSets.phiInputs(variant, features: features)
        let prefix = DeepSets.phiPrefix(name: name)
        if width >= 1 {
            for (k, h) in widths.enumerated() {
                let d = Dense(inputs: width, outputs: h, name: "\(prefix).\(layers.count)")
                try initializer.fill(d.weight.value, fanIn: width, fanOut: h, rng: RandomStream(seed: seed, task: firstTask &+ UInt64(k)))
                layers.append(d)
                layers.append(Activation(activation, shape: [h]))
                width = h
            }
        }
        try self.init(variant, particles: particles, features: features, phi: layers)
    }

    /// Sets the standardisation of Phi's inputs (``phiInputs`` values each; both empty: none). For the EFN it acts on
    /// features 1..f-1 only; `z` is never standardised (that would break IRC safety). The padding mask is decided
    /// before it, on the raw input.
    /// - Throws: if the lengths are not ``phiInputs`` (or both 0), a value is not finite, or a std is not positive.
    public func setPhiInputStandardization(mean: [Float], std: [Float]) throws {
        if mean.isEmpty && std.isEmpty {
            phiInputMean = []
            phiInputStd = []
            return
        }
        guard mean.count == phiInputs, std.count == phiInputs else {
            throw NeymanError.invalid("the standardisation of Phi's inputs needs \(phiInputs) means and standard deviations (got \(mean.count) and \(std.count))")
        }
        guard mean.allSatisfy(\.isFinite), std.allSatisfy({ $0.isFinite && $0 > 0 }) else {
            throw NeymanError.invalid("the standardisation of Phi's inputs needs finite means and positive finite standard deviations")
        }
        phiInputMean = mean
        phiInputStd = std
    }

    /// Fits the standardisation of Phi's inputs to `events` events of row-major `[events, P, f]` `values`: mean and
    /// (population) standard deviation of each Phi input over the unmasked particles only, so that padding neither
    /// shifts the mean nor shrinks the spread. A standard deviation below 1e-12 (a constant feature) is replaced by 1.
    /// - Throws: if `values` does not hold `events * P * f` numbers, or no particle in them is unmasked.
    public func fitPhiInputStandardization(_ values: [Float], events: Int) throws {
        guard events >= 0, values.count == events * particles * features else {
            throw NeymanError.invalid("\(values.count) values for \(events) events of \(particles) particles x \(features) features")
        }
        let k = phiInputs, offset = features - k
        var sum = [Double](repeating: 0, count: k), squares = sum
        var count = 0
        for q in 0..<(events * particles) {
            let base = q * features
            var padded = true
            for j in 0..<features where values[base + j] != 0 { padded = false; break }
            if padded { continue }
            count += 1
            for j in 0..<k {
                let v = Double(values[base + offset + j])
                sum[j] += v
                squares[j] += v * v
            }
        }
        guard count > 0 else { throw NeymanError.invalid("no particle to standardise with: every particle slot is zero padding") }
        let n = Double(count)
        let mean = sum.map { $0 / n }
        let std = (0..<k).map { j -> Float in
            let v = squares[j] / n - mean[j] * mean[j]
            let s = v > 0 ? v.squareRoot() : 0
            return s > 1e-12 ? Float(s) : 1
        }
        try setPhiInputStandardization(mean: mean.map { Float($0) }, std: std)
    }

    /// `O = sum_p w_p Phi(s(x_p))` over the unmasked particles of each event (see the type's documentation); Phi runs
    /// once on the gathered `[m, phiInputs]` rows. Returns this layer's `[n, l]` output tensor.
    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        let eventSize = particles * features
        let n = input.shape.isEmpty ? 0 : max(0, min(input.shape[0], input.count / eventSize))
        lastInputShape = input.shape.isEmpty ? [0, particles, features] : input.shape
        lastPhiOutput = nil
        let x = input.storage
        let efn = variant == .efn
        rows.removeAll(keepingCapacity: true)
        weights.removeAll(keepingCapacity: true)
        for q in 0..<(n * particles) {
            let px = x + q * features
            var padded = true
            for j in 0..<features where px[j] != 0 { padded = false; break }
            if padded { continue }
            rows.append(q)
            weights.append(efn ? px[0] : 1)
        }
        output.reshape([n, latent])
        output.fill(0)
        let m = rows.count
        guard m > 0 else { return output }

        let k = phiInputs, offset = features - k
        phiInput.reshape([m, k])
        let dst = phiInput.storage
        let standardize = phiInputMean.count == k && phiInputStd.count == k
        for r in 0..<m {
            let src = x + rows[r] * features + offset, row = dst + r * k
            if standardize {
                for j in 0..<k { row[j] = (src[j] - phiInputMean[j]) / phiInputStd[j] }
            } else {
                row.update(from: src, count: k)
            }
        }
        var y = phiInput
        for layer in phi { y = layer.forward(y, training: training) }
        lastPhiOutput = y

        let o = output.storage, ys = y.storage, l = latent
        for r in 0..<m {
            let w = weights[r]
            let target = o + (rows[r] / particles) * l, source = ys + r * l
            for c in 0..<l { target[c] += w * source[c] }
        }
        return output
    }

    /// `dL/dx` for the last forward pass, shaped like its input; adds the gradients of Phi's parameters.
    public func backward(_ outputGradient: Tensor) -> Tensor {
        inputGradient.reshape(lastInputShape)
        inputGradient.fill(0)
        guard let y = lastPhiOutput, !rows.isEmpty else { return inputGradient }
        let m = rows.count, l = latent, k = phiInputs, offset = features - k
        let dy = outputGradient.storage, dx = inputGradient.storage, ys = y.storage
        let efn = variant == .efn
        phiOutputGradient.reshape([m, l])
        let g = phiOutputGradient.storage
        for r in 0..<m {
            let w = weights[r]
            let source = dy + (rows[r] / particles) * l, row = g + r * l
            for c in 0..<l { row[c] = w * source[c] }
            if efn {
                // dL/dz = Phi(x) . dY, from Phi's output of the forward pass (read before Phi's backward pass).
                let phiRow = ys + r * l
                var dz: Float = 0
                for c in 0..<l { dz += phiRow[c] * source[c] }
                dx[rows[r] * features] = dz
            }
        }
        var grad = phiOutputGradient
        for layer in phi.reversed() { grad = layer.backward(grad) }
        let gs = grad.storage
        let standardize = phiInputMean.count == k && phiInputStd.count == k
        for r in 0..<m {
            let source = gs + r * k, target = dx + rows[r] * features + offset
            if standardize {
                for j in 0..<k { target[j] = source[j] / phiInputStd[j] }
            } else {
                target.update(from: source, count: k)
            }
        }
        return inputGradient
    }
}
