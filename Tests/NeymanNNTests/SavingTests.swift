import Foundation
import Testing
@testable import NeymanNN
import NeymanCore

@Suite("Saving and loading models", .serialized)
struct SavingTests {
    func temporaryPath(_ name: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("neyman-nn-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent(name).path
    }

    @Test func savedAndReloadedModelPredictsBitIdentically() throws {
        let data = try gaussianPair(eventsPerClass: 1000, seed: 2, weightA: 2)
        let net = try Network.dense(inputs: 1, hidden: [8, 8], activation: .elu, dropout: 0.1, seed: 3)
        var o = TrainerSettings(); o.epochs = 2
        try Trainer(network: net, options: o).train(data)
        let path = temporaryPath("model.safetensors")
        try net.save(to: path)
        let back = try Network.load(path: path)
        let x: [Float] = stride(from: -3, through: 3, by: 0.25).map { Float($0) }
        #expect(back.predictRaw(x, rows: x.count) == net.predictRaw(x, rows: x.count))
        #expect(back.featureMean == net.featureMean && back.featureStd == net.featureStd)
        #expect(back.classWeights.a == net.classWeights.a && back.classWeights.b == net.classWeights.b)
        #expect(back.layers.map(\.kind) == net.layers.map(\.kind))
    }

    /// The byte layout of the format: header length, JSON header, little-endian F32 data at the stated offsets.
    /// A ratio-loss model keeps its relative-ratio parameter: the reloaded model converts its output the same way.
    @Test func ratioModelKeepsItsAlpha() throws {
        let data = try gaussianPair(eventsPerClass: 1000, seed: 2)
        let net = try Network.dense(inputs: 1, hidden: [8], seed: 3, lossKind: .ratio)
        var o = TrainerSettings(); o.epochs = 2; o.loss = .ratio; o.ratioAlpha = 0.05
        try Trainer(network: net, options: o).train(data)
        let path = temporaryPath("ratio.safetensors")
        try net.save(to: path)
        let back = try Network.load(path: path)
        #expect(back.ratioAlpha == 0.05 && back.lossKind == .ratio)
        let x: [Float] = [-1, 0, 1.5]
        #expect(back.score(x, rows: 3) == net.score(x, rows: 3))
    }

    @Test func fileLayoutIsSafetensors() throws {
        let data = try SafeTensors.encode([.init(name: "a", shape: [2], values: [1, -2]), .init(name: "b", shape: [1, 1], values: [0.5])],
                                          metadata: ["k": "v"])
        let n = data.prefix(8).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        #expect((8 + Int(n)) % 8 == 0)
        let header = try #require(try JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + Int(n)))) as? [String: Any])
        let a = try #require(header["a"] as? [String: Any])
        #expect(a["dtype"] as? String == "F32")
        #expect((a["data_offsets"] as? [Int]) == [0, 8])
        #expect((header["__metadata__"] as? [String: String]) == ["k": "v"])
        let body = data.suffix(from: 8 + Int(n))
        #expect(body.count == 12)
        #expect(Array(body.prefix(4)) == [0x00, 0x00, 0x80, 0x3F])  // 1.0f little-endian
        let (entries, meta) = try SafeTensors.decode(data)
        #expect(entries.map(\.name) == ["a", "b"] && entries[1].values == [0.5] && meta == ["k": "v"])
    }

    @Test func damagedFilesGiveClearErrors() throws {
        let net = try Network.dense(inputs: 2, hidden: [4], seed: 1)
        let path = temporaryPath("model.safetensors")
        try net.save(to: path)
        let good = try Data(contentsOf: URL(fileURLWithPath: path))

        // Truncated.
        let truncated = temporaryPath("truncated.safetensors")
        try good.prefix(good.count - 10).write(to: URL(fileURLWithPath: truncated))
        #expect { try Network.load(path: truncated) } throws: { e in
            (e as? NeymanError)?.description.contains("truncated") == true && (e as? NeymanError)?.location.file == truncated
        }
        // Wrong shape: the architecture says 2 -> 4 but the tensor is re-labelled 3 x 4 (offsets kept consistent).
        var meta = try net.metadata()
        meta["layers"] = meta["layers"]!.replacingOccurrences(of: "\"input_shape\":[2]", with: "\"input_shape\":[3]")
        let wrongShape = temporaryPath("shape.safetensors")
        try SafeTensors.write(net.parameters.map { .init(name: $0.name, shape: $0.value.shape, values: $0.value.array) },
                              metadata: meta, to: wrongShape)
        #expect { try Network.load(path: wrongShape) } throws: { e in (e as? NeymanError)?.description.contains("shape") == true }
        // Unknown layer.
        var meta2 = try net.metadata()
        meta2["layers"] = meta2["layers"]!.replacingOccurrences(of: "\"relu\"", with: "\"swish\"")
        let unknown = temporaryPath("unknown.safetensors")
        try SafeTensors.write(net.parameters.map { .init(name: $0.name, shape: $0.value.shape, values: $0.value.array) },
                              metadata: meta2, to: unknown)
        #expect { try Network.load(path: unknown) } throws: { e in (e as? NeymanError)?.description.contains("swish") == true }
        // Not a file at all.
        #expect(throws: NeymanError.self) { try Network.load(path: temporaryPath("missing.safetensors")) }
    }

    /// A safetensors file with the given JSON header text followed by `body` bytes.
    func safetensors(header: String, body: Int = 32) -> Data {
        var json = Array(header.utf8)
        while json.count % 8 != 0 { json.append(0x20) }
        var out = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: json)
        out.append(Data(count: body))
        return out
    }

    /// Found by fuzz/ (fuzz-safetensors): a shape of [2, 21e300] trapped on integer overflow in the element count
    /// (`shape.reduce(1, *)`), which crashed `neyman predict` on a damaged model file.
    @Test func hostileHeadersAreErrorsNotCrashes() throws {
        let cases: [(header: String, message: String)] = [
            (#"{"w":{"dtype":"F64","shape":[2,21e300],"data_offsets":[0,32]}}"#, "malformed header entry"),
            (#"{"w":{"dtype":"F32","shape":[2.5],"data_offsets":[0,8]}}"#, "malformed header entry"),
            (#"{"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,0]}}"#,
             "more elements than can be counted"),
            (#"{"w":{"dtype":"F64","shape":[1125899906842624,1024],"data_offsets":[0,0]}}"#, "do not match shape"),
            (#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[9007199254740992,-9007199254740992]}}"#,
             "do not match shape"),
            (#"{"w":{"dtype":"F32","shape":[0],"data_offsets":[64,64]}}"#, "truncated"),
        ]
        for (header, message) in cases {
            let data = safetensors(header: header)
            #expect(throws: NeymanError.self, "\(header)") { try SafeTensors.decode(data, source: "m.safetensors") }
            do {
                _ = try SafeTensors.decode(data, source: "m.safetensors")
            } catch let e as NeymanError {
                #expect(e.message.contains(message), "\(header): \(e.message)")
                #expect(e.location.file == "m.safetensors")
            }
        }
        // A slice of a larger buffer (startIndex != 0) decodes like a fresh copy.
        let good = try SafeTensors.encode([.init(name: "a", shape: [2], values: [1, -2])], metadata: [:])
        let slice = (Data([0xFF, 0xFF, 0xFF]) + good)[3...]
        #expect(try SafeTensors.decode(slice).entries == SafeTensors.decode(good).entries)
    }
}

@Suite("Convolutional networks")
struct ConvolutionalNetworkTests {
    /// 8x8 images: class A has a bright 2x2 blob at a random position, class B the same total intensity spread out.
    func images(_ n: Int, seed: UInt64) throws -> LabelledEvents {
        let rng = RandomStream(seed: seed)
        var x: [Float] = [], y: [Float] = []
        for i in 0..<n {
            var img = (0..<64).map { _ in Float(rng.uniform(0, 0.2)) }
            if i % 2 == 0 {
                let r = rng.integer(below: 7), c = rng.integer(below: 7)
                for (dr, dc) in [(0, 0), (0, 1), (1, 0), (1, 1)] { img[(r + dr) * 8 + c + dc] += 1 }
            } else {
                for k in 0..<64 { img[k] += 4.0 / 64 }
            }
            x += img
            y.append(i % 2 == 0 ? 1 : 0)
        }
        return try LabelledEvents(features: x, labels: y, featureCount: 64)
    }

    @Test func trainsSavesAndReloadsBitIdentically() throws {
        let data = try images(1200, seed: 3)
        let net = try Network.cnn(height: 8, width: 8, channels: 1, blocks: 2, convsPerBlock: 1, filters: 4, dense: [8], seed: 2)
        var o = TrainerSettings(); o.epochs = 6; o.batchSize = 32; o.learningRate = 3e-3; o.seed = 1
        let history = try Trainer(network: net, options: o).train(data)
        #expect((history.last?.validationAUC ?? 0) > 0.9, "validation AUC \(history.last?.validationAUC ?? -1)")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("neyman-cnn-\(getpid()).safetensors").path
        try net.save(to: path)
        let back = try Network.load(path: path)
        let probe = try images(10, seed: 9)
        #expect(back.predictRaw(probe.features, rows: 10) == net.predictRaw(probe.features, rows: 10))
        #expect(back.layers.map(\.kind) == net.layers.map(\.kind))
    }

    @Test func impossibleShapesAreErrors() {
        #expect(throws: NeymanError.self) { try Network.cnn(height: 4, width: 4, channels: 1, blocks: 3) }
        #expect(throws: NeymanError.self) { try Network.cnn(height: 8, width: 8, channels: 0) }
    }
}
