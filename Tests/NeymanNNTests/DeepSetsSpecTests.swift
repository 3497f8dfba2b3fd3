import Foundation
import Testing
@testable import NeymanNN
import NeymanCore

/// A PFN/EFN block saved as its LayerSpec (the `layers` entry of a model's metadata) and rebuilt from it.
@Suite("Deep sets blocks as LayerSpec")
struct DeepSetsSpecTests {
    /// The block's LayerSpec through JSON and back gives the same architecture and names; with the weights copied by
    /// name the rebuilt block computes bit-identical outputs.
    @Test(arguments: DeepSetsKind.allCases)
    func specificationRoundTrip(_ variant: DeepSetsKind) throws {
        let b = try DeepSets(variant, particles: 4, features: 3, widths: [6, 5], activation: .elu, seed: 3, name: "0")
        DeepSetsFixture.randomizeBiases(b.parameters, seed: 3)
        try b.setPhiInputStandardization(mean: [Float](repeating: 0.1, count: b.phiInputs), std: [Float](repeating: 0.7, count: b.phiInputs))
        let json = try JSONEncoder().encode(try LayerSpec(layer: b))
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        #expect(object["kind"] as? String == variant.rawValue)
        #expect(Set(object.keys) == ["kind", "input_shape", "output_shape", "particles", "features", "efn", "phi",
                                     "phi_input_mean", "phi_input_std"])
        let spec = try JSONDecoder().decode(LayerSpec.self, from: json)
        try spec.validate(at: "layers[0]")
        let back = try #require(try spec.makeLayer(name: "0") as? DeepSets)
        #expect(back.variant == variant && back.inputShape == b.inputShape && back.outputShape == b.outputShape)
        #expect(back.phi.map(\.kind) == b.phi.map(\.kind))
        #expect(back.parameters.map(\.name) == b.parameters.map(\.name))
        #expect(spec.parameterShapes(name: "0").map(\.name) == b.parameters.map(\.name))
        #expect(spec.parameterShapes(name: "0").map(\.shape) == b.parameters.map(\.value.shape))
        #expect(back.phiInputMean == b.phiInputMean && back.phiInputStd == b.phiInputStd)
        for (p, q) in zip(back.parameters, b.parameters) { p.value.copy(from: q.value) }
        let x = DeepSetsFixture.events(3, particles: 4, features: 3, seed: 17) { n, p in p == n }
        let expected = b.forward(x, training: false).array
        #expect(back.forward(x, training: false).array == expected)
    }

    /// Damaged specifications are errors naming the key path: wrong kind, no Phi, an unknown Phi layer, a kind that
    /// disagrees with efn, a wrong input shape, half a standardisation, a zero width, an unknown key.
    @Test func damagedSpecificationsNameTheKeyPath() throws {
        let encoded = try JSONEncoder().encode(try LayerSpec(layer: DeepSets(.pfn, particles: 4, features: 3, widths: [6])))
        let good = try #require(try JSONSerialization.jsonObject(with: encoded) as? [String: Any])
        func variant(_ change: (inout [String: Any]) -> Void) -> [String: Any] { var g = good; change(&g); return g }
        let cases: [([String: Any], String)] = [
            (variant { $0["kind"] = "cnn" }, "layers[0].kind"),
            (variant { $0["phi"] = nil }, "layers[0].phi"),
            (variant { $0["phi"] = [["kind": "softmax", "input_shape": [3], "output_shape": [3]]] }, "layers[0].phi[0].kind"),
            (variant { $0["efn"] = 1 }, "layers[0].efn"),
            (variant { $0["input_shape"] = [4, 2] }, "layers[0].input_shape"),
            (variant { $0["phi_input_mean"] = [0, 0, 0] }, "layers[0].phi_input_std"),
            (variant { $0["phi_input_mean"] = [0, 0, 0]; $0["phi_input_std"] = [1, 0, 1] }, "layers[0].phi_input_std[1]"),
            (variant { $0["particle"] = 4 }, "layers[0].particle"),
        ]
        for (spec, path) in cases {
            let metadata = ["layers": String(decoding: try JSONSerialization.data(withJSONObject: [spec]), as: UTF8.self)]
            // Decode only the layers, as ModelMetadata does, then validate.
            let error: NeymanError? = {
                do {
                    let layers = try JSONDecoder().decode([LayerSpec].self, from: Data((metadata["layers"] ?? "").utf8))
                    try layers[0].validate(at: "layers[0]")
                    return nil
                } catch let e as DecodingError {
                    let (p, m) = StrictJSON.describe(e, prefix: "layers")
                    return NeymanError.invalid(m, key: p)
                } catch let e as NeymanError { return e } catch { return nil }
            }()
            #expect(error?.location.key == path, "\(path): \(String(describing: error))")
        }
    }
}
