import Foundation
import NeymanCore
import NeymanNN
import NeymanStats
import Testing
@testable import NeymanAnalysis

@Suite("Per-event ratios of an unbinned model: network, mixture correction, column")
struct EventRatioSourceTests {
    /// A saved random dense network on column `x`, with class weights W_A = 2, W_B = 6.
    static func network(in dir: URL) throws -> (String, Network) {
        let net = try Network.dense(inputs: 1, hidden: [8], seed: 3)
        net.featureNames = ["x"]
        net.classWeights = (2, 6)
        let path = dir.appendingPathComponent("model.safetensors").path
        try net.save(to: path)
        return (path, net)
    }

    @Test func networkRatiosAreTheClassifierOddsTimesTheClassWeights() throws {
        let path = try UnbinnedModelSpecTests.write("")
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent()
        let (model, net) = try Self.network(in: dir)
        let xs = [-2.0, -0.5, 0, 0.7, 3]
        let ds = try Dataset(columns: [("x", xs), ("other", [1, 2, 3, 4, 5])])
        let plain = try EventRatioSource(.init(source: .network(model), mixtureSignalFraction: nil, calibration: nil))
        let r = try plain.ratios(ds, file: "events.csv")
        let s = net.score(xs.map(Float.init), rows: xs.count)
        for i in 0..<xs.count {
            let si = Double(String(s[i])) ?? Double(s[i])
            #expect(abs(r[i] - si / (1 - si) * 6 / 2) < 1e-12 * max(1, r[i]))
        }
        // Trained S+B against B with alpha = 0.25: r = max(0, (lambda - 0.75) / 0.25).
        let mixed = try EventRatioSource(.init(source: .network(model), mixtureSignalFraction: 0.25, calibration: nil))
        let rm = try mixed.ratios(ds, file: "events.csv")
        for i in 0..<xs.count { #expect(abs(rm[i] - max(0, (r[i] - 0.75) / 0.25)) < 1e-12 * max(1, rm[i])) }
    }

    @Test func columnRatiosAreCheckedRowByRow() throws {
        let source = try EventRatioSource(.init(source: .column("r"), mixtureSignalFraction: nil, calibration: nil))
        #expect(try source.ratios(try Dataset(columns: [("r", [0.5, 2])]), file: "f.csv") == [0.5, 2])
        do {
            _ = try source.ratios(try Dataset(columns: [("r", [0.5, -2])]), file: "f.csv")
            Issue.record("a negative ratio was accepted")
        } catch let e as NeymanError {
            #expect(e.location.file == "f.csv" && e.location.row == 1, "\(e)")
        }
        #expect(throws: NeymanError.self) { try source.ratios(try Dataset(columns: [("q", [1])]), file: "f.csv") }
    }
}
