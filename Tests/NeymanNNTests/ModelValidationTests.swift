import Foundation
import Testing
@testable import NeymanNN
import NeymanCore

/// Saved models are checked on load: strict metadata (unknown keys, key paths), consistent shapes, finite weights,
/// a standardisation of the right length with positive widths, a known loss.
@Suite("Loading checks a model before using it")
struct ModelValidationTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/hostile/train")

    func temporaryPath(_ name: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("neyman-validate-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent(name).path
    }

    /// A small standardised model (2 inputs) and its saved tensors and metadata, to damage one thing at a time.
    func base() throws -> (net: Network, entries: [SafeTensors.Entry], meta: [String: String]) {
        let net = try Network.dense(inputs: 2, hidden: [3], seed: 4)
        net.featureMean = [0.5, -0.25]
        net.featureStd = [1.5, 2]
        net.featureNames = ["a", "b"]
        net.classWeights = (100, 50)
        let entries = net.parameters.map { SafeTensors.Entry(name: $0.name, shape: $0.value.shape, values: $0.value.array) }
        return (net, entries, try net.metadata())
    }

    /// The error of loading `entries` with `meta` (nil if it loads).
    func loadError(_ entries: [SafeTensors.Entry], _ meta: [String: String]) throws -> NeymanError? {
        let path = temporaryPath("m.safetensors")
        try SafeTensors.write(entries, metadata: meta, to: path)
        do { _ = try Network.load(path: path); return nil } catch let e as NeymanError {
            #expect(e.location.file == path && e.isUserError && !e.description.contains("\n"), "\(e)")
            return e
        }
    }

    /// The fixture written in the format of the previous release loads, and predicts what the formula gives by hand:
    /// s = sigmoid(W2 relu(W1 (x - mean)/std + b1) + b2), with the weights of make_hostile_models.py.
    @Test func previousFormatLoadsAndPredictsTheHandComputedScore() throws {
        let net = try Network.load(path: Self.fixtures.appendingPathComponent("valid-model.safetensors").path)
        #expect(net.featureNames == ["a", "b"] && net.lossKind == .bce && net.classWeights == (100, 100))
        let w1: [[Double]] = [[0.5, -0.25, 0.75], [1.0, 0.125, -0.5]], b1 = [0.0, 0.1, -0.1]
        let w2 = [1.0, -1.0, 0.5], b2 = 0.25, mean = [0.5, -0.25], std = [1.5, 2.0]
        let points: [[Double]] = [[0, 0], [1, -1], [-2, 3]]
        let scores = net.score(points.flatMap { $0.map(Float.init) }, rows: 3)
        for (p, s) in zip(points, scores) {
            let u = (0..<2).map { (p[$0] - mean[$0]) / std[$0] }
            let h = (0..<3).map { j in max(0, u[0] * w1[0][j] + u[1] * w1[1][j] + b1[j]) }
            let z = zip(h, w2).reduce(b2) { $0 + $1.0 * $1.1 }
            #expect(abs(Double(s) - 1 / (1 + exp(-z))) < 1e-6, "\(p): \(s)")
        }
        // The metadata written now has the same keys and values as the previous release's.
        let (_, meta) = try SafeTensors.read(path: Self.fixtures.appendingPathComponent("valid-model.safetensors").path)
        let again = try net.metadata()
        #expect(Set(again.keys) == Set(meta.keys))
        let decoded = try ModelMetadata.decode(meta), redecoded = try ModelMetadata.decode(again)
        #expect(decoded == redecoded)
    }

    /// A zero width in the standardisation divided by zero: predict printed null scores with exit 0.
    @Test func zeroWidthIsAnErrorNamingTheElement() throws {
        let (_, entries, meta) = try base()
        var m = meta
        m["feature_std"] = "[1.5,0]"
        #expect(try loadError(entries, m)?.location.key == "feature_std[1]")
        m["feature_std"] = "[1.5,1e-50]"  // zero as a Float
        #expect(try loadError(entries, m)?.location.key == "feature_std[1]")
    }

    /// A NaN weight gave null scores with exit 0.
    @Test func nonFiniteWeightsAreErrorsNamingTheTensor() throws {
        let (_, entries, meta) = try base()
        for bad in [Float.nan, .infinity] {
            var e = entries
            e[2].values[1] = bad
            let error = try loadError(e, meta)
            #expect(error?.location.key == e[2].name && error?.message.contains("element 1") == true, "\(String(describing: error))")
        }
        // Saving such a network is refused too (it could not be loaded again).
        let (net, _, _) = try base()
        net.parameters[0].value[0] = .nan
        #expect(throws: NeymanError.self) { try net.save(to: temporaryPath("nan.safetensors")) }
    }

    /// A standardisation vector shorter than the features was accepted (and applied cyclically).
    @Test func standardisationOfTheWrongLengthIsAnError() throws {
        let (_, entries, meta) = try base()
        var m = meta
        m["feature_mean"] = "[0.5]"
        m["feature_std"] = "[1.5]"
        #expect(try loadError(entries, m)?.location.key == "feature_mean")
        m = meta
        m["feature_std"] = "[1.5]"
        #expect(try loadError(entries, m)?.location.key == "feature_std")
    }

    /// A malformed feature_mean silently gave an unstandardised network.
    @Test func malformedStandardisationIsAnErrorWithTheKeyPath() throws {
        let (_, entries, meta) = try base()
        var m = meta
        m["feature_mean"] = "[0.5, \"x\"]"
        #expect(try loadError(entries, m)?.location.key == "feature_mean[1]")
        m["feature_mean"] = "[0.5,"
        let e = try loadError(entries, m)
        #expect(e?.location.key == "feature_mean" && e?.message.contains("not valid JSON") == true, "\(String(describing: e))")
        m["feature_mean"] = "{\"a\": 1}"
        #expect(try loadError(entries, m)?.location.key == "feature_mean")
    }

    /// An unknown loss became BCE.
    @Test func unknownLossIsAnError() throws {
        let (_, entries, meta) = try base()
        var m = meta
        m["loss"] = "hinge"
        let e = try loadError(entries, m)
        #expect(e?.location.key == "loss" && e?.message.contains("hinge") == true)
        m["loss"] = "ratio"
        #expect(try loadError(entries, m) == nil)
    }

    /// Unknown keys, in the metadata and in a layer, are errors naming them; so is a missing key.
    @Test func unknownAndMissingKeysAreNamed() throws {
        let (_, entries, meta) = try base()
        var m = meta
        m["colour"] = "blue"
        #expect(try loadError(entries, m)?.location.key == "colour")
        m = meta
        m["layers"] = meta["layers"]!.replacingOccurrences(of: "\"kind\":\"relu\"", with: "\"kind\":\"relu\",\"alpha\":1")
        #expect(try loadError(entries, m)?.location.key == "layers[1].alpha")
        m = meta
        m.removeValue(forKey: "class_weight_a")
        #expect(try loadError(entries, m)?.location.key == "class_weight_a")
        m = meta
        m["layers"] = meta["layers"]!.replacingOccurrences(of: "\"input_shape\":[2]", with: "\"input_shape\":[\"2\"]")
        #expect(try loadError(entries, m)?.location.key == "layers[0].input_shape[0]")
    }

    /// Shapes must chain from input_shape to one output, and the tensors must be exactly the architecture's.
    @Test func inconsistentShapesAndTensorsAreErrors() throws {
        let (_, entries, meta) = try base()
        var m = meta
        m["input_shape"] = "[3]"
        #expect(try loadError(entries, m)?.location.key == "layers[0].input_shape")
        m = meta
        m["layers"] = meta["layers"]!.replacingOccurrences(of: "\"input_shape\":[3],\"kind\":\"relu\",\"output_shape\":[3]",
                                                           with: "\"input_shape\":[3],\"kind\":\"relu\",\"output_shape\":[4]")
        #expect(try loadError(entries, m)?.location.key == "layers[1].output_shape")
        #expect(try loadError(entries + [.init(name: "extra", shape: [1], values: [0])], meta)?.location.key == "extra")
        #expect(try loadError(Array(entries.dropLast()), meta)?.location.key == entries.last?.name)
        // A layer declared 10^11 wide: refused by its tensors' shapes before anything that size is allocated.
        m = meta
        m["layers"] = meta["layers"]!.replacingOccurrences(of: "[3]", with: "[100000000000]")
        #expect(try loadError(entries, m)?.location.key == "0.weight")
        // A size beyond 2^53 cannot be read exactly.
        m["layers"] = meta["layers"]!.replacingOccurrences(of: "[3]", with: "[9223372036854775807]")
        #expect(try loadError(entries, m)?.location.key == "layers[0].output_shape[0]")
    }

    /// Class weights, ratio_alpha: numbers in their domain, strictly parsed.
    @Test func scalarMetadataIsCheckedForItsDomain() throws {
        let (_, entries, meta) = try base()
        for (key, value) in [("class_weight_a", "0"), ("class_weight_b", "-1"), ("class_weight_a", "inf"), ("class_weight_b", "0x1p3"),
                             ("ratio_alpha", "1"), ("ratio_alpha", "nan"), ("ratio_alpha", "0.5\u{0}")] {
            var m = meta
            m[key] = value
            #expect(try loadError(entries, m)?.location.key == key, "\(key) = \(value)")
        }
    }

    /// ModelMetadata round trip: what a network writes decodes to the same values and validates.
    @Test func metadataRoundTrips() throws {
        let (net, _, meta) = try base()
        let m = try ModelMetadata.decode(meta)
        try m.validate()
        #expect(m == (try ModelMetadata(network: net)))
        #expect(m.featureStd == [1.5, 2] && m.classWeightB == 50 && m.layers.map(\.kind) == ["dense", "relu", "dense"])
        #expect(m.layers[0].parameterCount == 9 && m.layers[2].parameterCount == 4)
    }
}
