import Foundation
import Testing
@testable import NeymanNN
import NeymanCore

/// The deep-sets block runs Phi only on the real particles of a batch, gathered from every event (ragged). Here the
/// same block is computed the padded way, Phi on every slot of `[n, P]` and the padding masked after it, and the two
/// must agree (to float rounding): outputs, parameter gradients and the input gradients of real particles.
@Suite("Deep sets: ragged gather against the padded computation")
struct DeepSetsRaggedTests {
    @Test(arguments: [DeepSetsKind.pfn, .efn])
    func raggedEqualsPadded(_ variant: DeepSetsKind) throws {
        let (n, slots, f) = (23, 9, 3)
        let layer = try DeepSets(variant, particles: slots, features: f, widths: [16, 12], seed: 5)
        DeepSetsFixture.randomizeBiases(layer.parameters, seed: 6)
        let k = layer.phiInputs, offset = f - k, l = layer.latent
        let mean = (0..<k).map { Float(0.1 * Double($0 + 1)) }, std = (0..<k).map { Float(0.5 + 0.3 * Double($0)) }
        try layer.setPhiInputStandardization(mean: mean, std: std)
        // Event i has i mod 10 real particles (so some events are all padding, some full).
        let x = DeepSetsFixture.events(n, particles: slots, features: f, seed: 7) { e, p in p >= e % 10 }
        let rng = RandomStream(seed: 8)
        let dY = Tensor(shape: [n, l], values: (0..<(n * l)).map { _ in Float(rng.normal()) })

        // Ragged (the layer itself).
        for p in layer.parameters { p.gradient.fill(0) }
        let y = layer.forward(x, training: false).array
        let dx = layer.backward(dY).array
        let raggedGradients = layer.parameters.map(\.gradient.array)

        // Padded: Phi on every slot, standardised the same way, then masked (and weighted by z for the EFN).
        let all = Tensor(shape: [n * slots, k])
        var mask = [Float](repeating: 0, count: n * slots), weight = mask
        for q in 0..<(n * slots) {
            let real = (0..<f).contains { x[q * f + $0] != 0 }
            mask[q] = real ? 1 : 0
            weight[q] = mask[q] * (variant == .efn ? x[q * f] : 1)
            for j in 0..<k { all[q * k + j] = (x[q * f + offset + j] - mean[j]) / std[j] }
        }
        try #require(mask.contains(0) && mask.contains(1))
        for p in layer.parameters { p.gradient.fill(0) }
        var h = all
        for phiLayer in layer.phi { h = phiLayer.forward(h, training: false) }
        let phiOut = h.array
        var reference = [Float](repeating: 0, count: n * l)
        for q in 0..<(n * slots) { for c in 0..<l { reference[(q / slots) * l + c] += weight[q] * phiOut[q * l + c] } }
        let g = Tensor(shape: [n * slots, l])
        for q in 0..<(n * slots) { for c in 0..<l { g[q * l + c] = weight[q] * dY[(q / slots) * l + c] } }
        var back = g
        for phiLayer in layer.phi.reversed() { back = phiLayer.backward(back) }
        let paddedGradients = layer.parameters.map(\.gradient.array)

        try #require(y.count == reference.count)
        let scale = reference.map { abs($0) }.max() ?? 1
        for i in y.indices { #expect(abs(y[i] - reference[i]) <= 1e-5 * scale, "output \(i): \(y[i]) vs \(reference[i])") }
        try #require(raggedGradients.count == paddedGradients.count && !raggedGradients.isEmpty)
        for (a, b) in zip(raggedGradients, paddedGradients) {
            try #require(a.count == b.count)
            let s = b.map { abs($0) }.max() ?? 1
            for i in a.indices { #expect(abs(a[i] - b[i]) <= 1e-5 * s, "parameter gradient \(i): \(a[i]) vs \(b[i])") }
        }
        // Input gradients of real particles: Phi's backward / std, and dL/dz = Phi . dY for the EFN; padding gets 0.
        let bg = back.array
        var checked = 0
        for q in 0..<(n * slots) {
            for j in 0..<f {
                let got = dx[q * f + j]
                guard mask[q] == 1 else { #expect(got == 0); continue }
                let expected: Float
                if variant == .efn && j == 0 {
                    expected = (0..<l).reduce(0) { $0 + phiOut[q * l + $1] * dY[(q / slots) * l + $1] }
                } else {
                    expected = bg[q * k + (j - offset)] / std[j - offset]
                }
                #expect(abs(got - expected) <= 1e-5 * max(1, abs(expected)), "input gradient slot \(q), feature \(j): \(got) vs \(expected)")
                checked += 1
            }
        }
        #expect(checked > n * f)
    }
}
