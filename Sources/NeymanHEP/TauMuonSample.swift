import Foundation
import NeymanCore

/// One reconstructed muon of the tau-muon samples: its measurements, calorimeter isolation and truth.
public struct TauMuon: Sendable, Equatable {
    /// What the detector measured.
    public var measurement: TauMuonDetector.Measurement
    /// `E_T(cone 0.2) / pT_CB` (topoetcone20 / pT).
    public var caloIsolation: Double
    /// The true muon pT.
    public var truePt: Double
    /// The truth class (the label).
    public var truthClass: TauMuonClass
    /// The muon's source.
    public var origin: TauMuonOrigin
    /// A uniform number in [0, 1) that carries no information: a control feature for permutation importance.
    public var random: Double

    /// The value of feature `name` (one of ``TauMuonSample/featureNames`` or ``TauMuonSample/controlFeature``), or nil.
    public func feature(_ name: String) -> Double? {
        let m = measurement
        switch name {
        case "pt": return m.ptCB
        case "abs_eta": return m.absEta
        case "abs_d0": return abs(m.d0)
        case "d0_significance": return abs(m.d0) / m.sigmaD0
        case "delta_z0": return m.deltaZ0
        case "z0_sin_theta": return m.z0SinTheta
        case "pt_uncertainty": return m.ptUncertainty
        case "rho_prime": return m.rhoPrime
        case "calo_isolation": return caloIsolation
        case "random": return random
        default: return nil
        }
    }
}

/// A sample of one process from ``TauMuonGenerator``: muons with the talk's features and their truth. The talk's eight
/// (its N-1 trainings list them) are ``talkFeatures``; ``featureNames`` adds `d0_significance`, which the issue lists.
/// (`d0_significance` repeats `abs_d0` given pT and |eta|, since sigma(d0) is a function of them.)
///
/// Columns (``dataset()``), units GeV and mm:
/// ```
///   pt               pT_CB, the combined muon's transverse momentum
///   abs_eta          |eta|
///   abs_d0           |d0| (mm), to the beam line
///   d0_significance  |d0| / sigma(d0)
///   delta_z0         |z0 - z_pv| (mm)
///   z0_sin_theta     |z0 - z_pv| sin(theta) (mm)
///   pt_uncertainty   Delta pT / pT, the combined fit's relative error scaled by the ID-MS match (TauMuonDetector)
///   rho_prime        rho' = (pT_ID - pT_MS) / pT_CB
///   calo_isolation   E_T(cone 0.2) / pT_CB
///   random           uniform in [0, 1): no information (a control for permutation importance)
///   label            1 tau, 0 prompt, 2 fake (TauMuonClass)
///   origin           TauMuonOrigin
///   true_pt          the muon's true pT
/// ```
public struct TauMuonSample: Sendable, Equatable {
    /// Every feature, in column order.
    public static let featureNames = ["pt", "abs_eta", "abs_d0", "d0_significance", "delta_z0", "z0_sin_theta", "pt_uncertainty",
                                      "rho_prime", "calo_isolation"]
    /// The talk's eight: pT, |z0 sin theta|, |eta|, rho', |d0|, Delta z0, Delta pT / pT, calorimeter isolation.
    public static let talkFeatures = ["pt", "abs_eta", "abs_d0", "delta_z0", "z0_sin_theta", "pt_uncertainty", "rho_prime", "calo_isolation"]
    /// The uninformative control feature.
    public static let controlFeature = "random"
    /// Memory per muon in a sample and its tables (bytes), for ``MemoryBudget`` checks.
    public static let bytesPerMuon = 256

    /// The process the muons come from.
    public let process: TauMuonProcess
    /// The muons: tau, then prompt, then fake as generated.
    public let muons: [TauMuon]

    /// A sample of `muons` of `process`.
    public init(process: TauMuonProcess, muons: [TauMuon]) {
        self.process = process
        self.muons = muons
    }

    /// The number of muons.
    public var count: Int { muons.count }
    /// The label column: 1 tau, 0 prompt, 2 fake.
    public var labels: [Double] { muons.map { Double($0.truthClass.rawValue) } }
    /// pT_CB of every muon.
    public var pt: [Double] { muons.map(\.measurement.ptCB) }

    /// The features `names` as a row-major Float matrix `[count, names.count]`.
    /// - Throws: ``NeymanError`` for an unknown feature name.
    public func features(_ names: [String]) throws -> [Float] {
        let known = TauMuonSample.featureNames + [TauMuonSample.controlFeature]
        for n in names where !known.contains(n) {
            throw NeymanError.invalid("unknown tau-muon feature '\(n)' (known: \(known.joined(separator: ", ")))", key: "features")
        }
        var out = [Float](repeating: 0, count: muons.count * names.count)
        for (i, m) in muons.enumerated() {
            for (j, n) in names.enumerated() { out[i * names.count + j] = Float(m.feature(n) ?? 0) }
        }
        return out
    }

    /// A subset of the muons (by index, in the order given).
    public func subset(_ rows: [Int]) -> TauMuonSample { TauMuonSample(process: process, muons: rows.map { muons[$0] }) }

    /// The sample as a table: every feature, the control feature, `label`, `origin`, `true_pt`.
    public func dataset() throws -> Dataset {
        var columns: [(String, [Double])] = (TauMuonSample.featureNames + [TauMuonSample.controlFeature]).map { n in
            (n, muons.map { $0.feature(n) ?? 0 })
        }
        columns += [("label", labels), ("origin", muons.map { Double($0.origin.rawValue) }), ("true_pt", muons.map(\.truePt))]
        return try Dataset(columns: columns)
    }
}
