import Foundation
import Testing
import NeymanCore
@testable import NeymanHEP

/// ``TauMuonSample/read(path:process:)``: a built-in sample written as a table reads back with every feature, label,
/// origin and true pT unchanged (the Pythia engine writes the same columns); a bad label, origin or missing column is
/// an error naming the file and column.
@Suite("Tau-muon tables read back")
struct TauMuonSampleReadTests {
    static func path(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("neyman-taumuon-read-\(getpid())-\(name)").path
    }

    @Test func roundTripKeepsEveryColumn() throws {
        let sample = try TauMuonGenerator.generate(process: .z, tau: 60, prompt: 40, fake: 50, seed: 9)
        for ext in ["npz", "csv"] {
            let p = Self.path("round.\(ext)")
            defer { try? FileManager.default.removeItem(atPath: p) }
            let ds = try sample.dataset()
            #expect(ds.columnNames == TauMuonSample.columnNames)
            if ext == "npz" { try ds.write(npz: p) } else { try ds.write(csv: p) }
            let back = try TauMuonSample.read(path: p, process: .z)
            try #require(back.count == sample.count)
            #expect(back.process == .z)
            for (a, b) in zip(sample.muons, back.muons) {
                #expect(a.truthClass == b.truthClass && a.origin == b.origin && a.truePt == b.truePt)
                for name in TauMuonSample.featureNames + [TauMuonSample.controlFeature] {
                    let x = try #require(a.feature(name)), y = try #require(b.feature(name))
                    // CSV keeps 17 significant digits (round trip exact); d0_significance is recomputed as |d0| / sigma.
                    #expect(abs(x - y) <= 1e-12 * max(1, abs(x)), "\(name): \(x) vs \(y)")
                }
            }
            #expect(try back.dataset().columnNames == ds.columnNames)
        }
    }

    @Test func badTablesNameTheColumn() throws {
        let sample = try TauMuonGenerator.generate(process: .ttbar, tau: 3, prompt: 3, fake: 3, seed: 1)
        let ds = try sample.dataset()
        func failure(_ change: (inout [(String, [Double])]) -> Void) throws -> String {
            var cols = ds.namedColumns
            change(&cols)
            let p = Self.path("bad.npz")
            defer { try? FileManager.default.removeItem(atPath: p) }
            try Dataset(columns: cols).write(npz: p)
            do { _ = try TauMuonSample.read(path: p, process: .ttbar); return "no error" } catch { return "\(error)" }
        }
        func set(_ name: String, row: Int, _ v: Double) -> (inout [(String, [Double])]) -> Void {
            { cols in if let j = cols.firstIndex(where: { $0.0 == name }) { cols[j].1[row] = v } }
        }
        #expect(try failure { _ in } == "no error")
        let label = try failure(set("label", row: 4, 3))
        #expect(label.contains("label") && label.contains("row 4"), "\(label)")
        #expect(try failure(set("origin", row: 0, 6)).contains("origin"))
        #expect(try failure(set("pt", row: 2, 0)).contains("pt"))
        #expect(try failure(set("abs_d0", row: 1, -1)).contains("abs_d0"))
        #expect(try failure { $0.removeAll { $0.0 == "true_pt" } }.contains("true_pt"))
    }
}
