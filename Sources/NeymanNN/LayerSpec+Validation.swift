import Foundation
import NeymanCore

/// Overflow-checked arithmetic on counts: `nil` stands for "does not fit in `Int`" and stays `nil` through every later
/// step, so that a size like `layers = [4, 9223372036854775807]` is counted as too big instead of trapping.
enum CheckedCount {
    /// `a + b`, or nil on overflow or a nil or negative operand.
    static func add(_ a: Int?, _ b: Int?) -> Int? {
        guard let a, let b, a >= 0, b >= 0 else { return nil }
        let (s, o) = a.addingReportingOverflow(b)
        return o ? nil : s
    }

    /// The sum of `terms` (nil if any term is nil or the sum overflows).
    static func sum(_ terms: [Int?]) -> Int? { terms.reduce(Optional(0)) { add($0, $1) } }

    /// The product of `factors` (nil if any factor is nil or negative, or the product overflows).
    static func product(_ factors: [Int?]) -> Int? {
        var out: [Int] = []
        for f in factors { guard let f else { return nil }; out.append(f) }
        return MemoryBudget.product(out)
    }
}

extension LayerSpec {
    /// The number of values Phi sees per particle: `f` (pfn) or `f - 1` (efn: all but `z`).
    var phiInputs: Int? { features.map { efn == true ? $0 - 1 : $0 } }

    /// Checks the values of a decoded (or constructed) spec; `path` is its key path (`layers[2]`), completed by the
    /// field at fault in the error's key.
    /// - Throws: ``NeymanError/invalidInput(_:_:)`` naming the key path, for the rules of the type's documentation.
    public func validate(at path: String) throws {
        func bad(_ field: String, _ message: String) -> NeymanError { .invalid(message, key: "\(path).\(field)") }
        for (name, shape) in [("input_shape", inputShape), ("output_shape", outputShape)] {
            guard !shape.isEmpty, shape.allSatisfy({ $0 >= 1 }) else {
                throw bad(name, "must be a non-empty list of positive sizes (got \(shape))")
            }
            guard MemoryBudget.product(shape) != nil else { throw bad(name, "\(shape) has more elements than an Int can count") }
        }
        switch kind {
        case "dense":
            guard inputShape.count == 1 else { throw bad("input_shape", "a dense layer takes a vector [inputs] (got \(inputShape))") }
            guard outputShape.count == 1 else { throw bad("output_shape", "a dense layer gives a vector [outputs] (got \(outputShape))") }
        case "batchnorm":
            guard inputShape.count == 1 else { throw bad("input_shape", "a batchnorm layer takes a vector [features] (got \(inputShape))") }
            guard outputShape == inputShape else {
                throw bad("output_shape", "a batchnorm layer keeps its shape: \(outputShape) differs from the input shape \(inputShape)")
            }
            guard let m = momentum, m.isFinite, m >= 0, m < 1 else {
                throw bad("momentum", "must be in [0, 1) (got \(momentum.map { "\($0)" } ?? "none"))")
            }
            guard let e = epsilon, e.isFinite, Float(e) > 0 else {
                throw bad("epsilon", "must be positive and finite (got \(epsilon.map { "\($0)" } ?? "none"))")
            }
        case "dropout", _ where ActivationKind(rawValue: kind) != nil:
            guard outputShape == inputShape else {
                throw bad("output_shape", "a \(kind) layer keeps its shape: \(outputShape) differs from the input shape \(inputShape)")
            }
            if kind == "dropout" {
                guard let r = rate, r.isFinite, r >= 0, r < 1 else { throw bad("rate", "must be in [0, 1) (got \(rate.map { "\($0)" } ?? "none"))") }
            }
        case "conv2d":
            guard inputShape.count == 3 else { throw bad("input_shape", "a conv2d layer takes [height, width, channels] (got \(inputShape))") }
            for (name, v) in [("kernel_h", kernelHeight), ("kernel_w", kernelWidth), ("filters", filters)] {
                guard let v, v >= 1 else { throw bad(name, "must be a positive integer (got \(v.map(String.init) ?? "none"))") }
            }
            guard outputShape == [inputShape[0], inputShape[1], filters ?? 0] else {
                throw bad("output_shape", "must be [height, width, filters] = \([inputShape[0], inputShape[1], filters ?? 0]) (got \(outputShape))")
            }
            guard CheckedCount.product([kernelHeight, kernelWidth, inputShape[2], filters]) != nil else {
                throw bad("kernel_h", "the kernel of \(kernelHeight ?? 0) x \(kernelWidth ?? 0) x \(inputShape[2]) x \(filters ?? 0) "
                          + "weights is too big to count")
            }
        case "maxpool2d":
            guard inputShape.count == 3 else { throw bad("input_shape", "a maxpool2d layer takes [height, width, channels] (got \(inputShape))") }
            let expected = [inputShape[0] / 2, inputShape[1] / 2, inputShape[2]]
            guard outputShape == expected else { throw bad("output_shape", "must be \(expected) for 2x2 pooling of \(inputShape) (got \(outputShape))") }
        case "flatten":
            let n = MemoryBudget.product(inputShape) ?? 0
            guard outputShape == [n] else { throw bad("output_shape", "must be [\(n)] to flatten \(inputShape) (got \(outputShape))") }
        case "pfn", "efn":
            try validateDeepSets(at: path)
        default:
            throw bad("kind", "unknown layer kind '\(kind)' (known: \(LayerSpec.kinds.joined(separator: ", ")))")
        }
    }

    private func validateDeepSets(at path: String) throws {
        func bad(_ field: String, _ message: String) -> NeymanError { .invalid(message, key: "\(path).\(field)") }
        guard efn == (kind == "efn") else { throw bad("efn", "kind '\(kind)' disagrees with efn = \(efn == true ? 1 : 0)") }
        guard let p = particles, p >= 1 else { throw bad("particles", "must be at least 1 (got \(particles ?? 0))") }
        let minimum = kind == "efn" ? 2 : 1
        guard let f = features, f >= minimum else {
            throw bad("features", "a \(kind) needs at least \(minimum) feature\(minimum > 1 ? "s" : "") per particle (got \(features ?? 0))")
        }
        guard inputShape == [p, f] else { throw bad("input_shape", "must be [particles, features] = [\(p), \(f)] (got \(inputShape))") }
        guard let phi, let last = phi.last else { throw bad("phi", "the per-particle network Phi needs at least one layer") }
        let allowed = ["dense", "dropout"] + ActivationKind.allCases.map(\.rawValue)
        for (k, s) in phi.enumerated() {
            guard allowed.contains(s.kind) else {
                throw bad("phi[\(k)].kind", "Phi layers are \(allowed.joined(separator: ", ")) (got '\(s.kind)')")
            }
            try s.validate(at: "\(path).phi[\(k)]")
            guard s.inputShape.count == 1, s.outputShape.count == 1 else {
                throw bad("phi[\(k)].input_shape", "Phi works on vectors (got \(s.inputShape) -> \(s.outputShape))")
            }
        }
        let k = phiInputs ?? 0
        guard phi[0].inputShape == [k] else { throw bad("phi[0].input_shape", "must be [\(k)], the values Phi sees per particle (got \(phi[0].inputShape))") }
        for i in 1..<phi.count where phi[i].inputShape != phi[i - 1].outputShape {
            throw bad("phi[\(i)].input_shape", "must equal the output shape \(phi[i - 1].outputShape) of Phi layer \(i - 1) (got \(phi[i].inputShape))")
        }
        guard outputShape == last.outputShape else { throw bad("output_shape", "must be Phi's output shape \(last.outputShape) (got \(outputShape))") }
        switch (phiInputMean, phiInputStd) {
        case (nil, nil): break
        case (let mean?, let std?):
            guard mean.count == k else { throw bad("phi_input_mean", "needs \(k) values, one per Phi input (got \(mean.count))") }
            guard std.count == k else { throw bad("phi_input_std", "needs \(k) values, one per Phi input (got \(std.count))") }
            if let i = mean.firstIndex(where: { !Float($0).isFinite }) { throw bad("phi_input_mean[\(i)]", "must be finite (got \(mean[i]))") }
            if let i = std.firstIndex(where: { !(Float($0).isFinite && Float($0) > 0) }) {
                throw bad("phi_input_std[\(i)]", "must be positive and finite (got \(std[i])): a zero width divides by zero")
            }
        default:
            throw bad(phiInputMean == nil ? "phi_input_mean" : "phi_input_std", "phi_input_mean and phi_input_std come together")
        }
    }

    /// The parameters held: `i o + o` (dense), `kh kw C F + F` (conv2d), `4 n` (batchnorm: gamma, beta and the
    /// running mean and variance, which are saved and held like parameters), Phi's (pfn/efn), 0 otherwise; `nil` when
    /// the count does not fit in `Int` or the shapes do not fit the kind.
    public var parameterCount: Int? {
        switch kind {
        case "dense":
            let i = MemoryBudget.product(inputShape), o = MemoryBudget.product(outputShape)
            return CheckedCount.add(CheckedCount.product([i, o]), o)
        case "batchnorm":
            return CheckedCount.product([4, MemoryBudget.product(inputShape)])
        case "conv2d":
            guard inputShape.count == 3 else { return nil }
            return CheckedCount.add(CheckedCount.product([kernelHeight, kernelWidth, inputShape[2], filters]), filters)
        case "pfn", "efn":
            return CheckedCount.sum((phi ?? []).map(\.parameterCount))
        default:
            return 0
        }
    }

    /// The Floats the layer keeps per event of a batch when training (its output and input-gradient tensors and any
    /// scratch), `nil` on overflow:
    /// ```
    ///   dense          i + o                       activation, flatten   2 n
    ///   dropout        3 n   (output, mask, input gradient)
    ///   batchnorm      3 n   (output, normalised input, input gradient)
    ///   conv2d         H W F + H W C + H W kh kw C   (output, input gradient, im2col columns)
    ///   maxpool2d      H W C + 3 (H/2)(W/2) C        (input gradient, output, argmax as 8-byte Ints)
    ///   pfn/efn        P (k + sum of Phi's per-row floats + l + 3) + l + P f   (Phi runs on up to P rows per event)
    /// ```
    /// with `n` the row size, `k` Phi's inputs per particle and `l` Phi's output size.
    public var floatsPerEvent: Int? {
        let n = MemoryBudget.product(inputShape), out = MemoryBudget.product(outputShape)
        switch kind {
        case "dense": return CheckedCount.add(n, out)
        case "dropout", "batchnorm": return CheckedCount.product([3, n])
        case "conv2d":
            guard inputShape.count == 3 else { return nil }
            let hw = CheckedCount.product([inputShape[0], inputShape[1]])
            return CheckedCount.sum([CheckedCount.product([hw, filters]), n,
                                     CheckedCount.product([hw, kernelHeight, kernelWidth, inputShape[2]])])
        case "maxpool2d": return CheckedCount.add(n, CheckedCount.product([3, out]))
        case "pfn", "efn":
            let perRow = CheckedCount.sum([phiInputs, CheckedCount.sum((phi ?? []).map(\.floatsPerEvent)), out, 3])
            return CheckedCount.sum([CheckedCount.product([particles, perRow]), out, n])
        default: return CheckedCount.product([2, n])
        }
    }
}
