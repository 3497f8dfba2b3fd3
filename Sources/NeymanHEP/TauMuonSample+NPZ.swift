import Foundation
import NeymanCore

extension TauMuonSample {
    /// The columns a tau-muon table holds, in order (``dataset()`` writes them; tools/pythia/generate_tau_muons.py
    /// writes the same, plus a `metadata` member).
    public static let columnNames = featureNames + [controlFeature, "label", "origin", "true_pt"]

    /// A sample read back from a table with ``columnNames`` (a CSV or NPZ of `neyman generate tau-muons`, either
    /// engine). Other members (the Pythia sample's `metadata`) are ignored.
    ///
    /// The table keeps the features, not every measurement: `d0` is read as `+|d0|` (its sign is not a column),
    /// `sigma(d0) = |d0| / d0_significance` (1 mm when both are 0), and `pT_ID`, `pT_MS` as
    /// `pT_CB (1 +- rho' / 2)`, a split that gives back `rho'`; every ``TauMuon/feature(_:)`` is the column's value.
    /// - Throws: ``NeymanError`` naming the file and column: a missing column, a non-finite value, a label not 0, 1
    ///   or 2, an origin not in 0...5, a negative `abs_d0`, `d0_significance` or `true_pt`, or a non-positive `pt`.
    public static func read(path: String, process: TauMuonProcess) throws -> TauMuonSample {
        let ds = try Dataset.load(path: path, columns: columnNames)
        var col: [String: [Double]] = [:]
        for name in columnNames { col[name] = try ds.column(name) }
        func c(_ name: String) -> [Double] { col[name] ?? [] }
        func bad(_ name: String, _ row: Int, _ why: String) -> NeymanError {
            NeymanError.invalid("\(why) (got \(c(name)[row]) at row \(row), 0-based)", file: path, column: name)
        }
        var muons: [TauMuon] = []
        muons.reserveCapacity(ds.count)
        for i in 0..<ds.count {
            guard let cls = TauMuonClass(rawValue: Int(exactly: c("label")[i]) ?? -1) else { throw bad("label", i, "must be 0, 1 or 2") }
            guard let origin = TauMuonOrigin(rawValue: Int(exactly: c("origin")[i]) ?? -1) else { throw bad("origin", i, "must be an integer in 0...5") }
            let pt = c("pt")[i], d0 = c("abs_d0")[i], sig = c("d0_significance")[i], rho = c("rho_prime")[i]
            guard pt > 0 else { throw bad("pt", i, "must be > 0") }
            for name in ["abs_d0", "d0_significance", "true_pt", "delta_z0", "z0_sin_theta"] where c(name)[i] < 0 {
                throw bad(name, i, "must be >= 0")
            }
            let sigma = sig > 0 ? d0 / sig : 1
            let m = TauMuonDetector.Measurement(ptID: pt * (1 + rho / 2), ptMS: pt * (1 - rho / 2), ptCB: pt, absEta: c("abs_eta")[i],
                                                d0: d0, sigmaD0: sigma, deltaZ0: c("delta_z0")[i], z0SinTheta: c("z0_sin_theta")[i],
                                                ptUncertainty: c("pt_uncertainty")[i], rhoPrime: rho)
            muons.append(TauMuon(measurement: m, caloIsolation: c("calo_isolation")[i], truePt: c("true_pt")[i], truthClass: cls,
                                 origin: origin, random: c("random")[i]))
        }
        return TauMuonSample(process: process, muons: muons)
    }
}
