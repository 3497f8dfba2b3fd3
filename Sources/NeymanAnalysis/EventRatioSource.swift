import Foundation
import NeymanCore
import NeymanNN
import NeymanStats

/// Computes each event's density ratio `r = p_S(x) / p_B(x)` for an unbinned model (``UnbinnedModelSpec/Ratio``):
///
/// ```
///   network:     r = s / (1 - s) * W_B / W_A          (a bce/mse classifier; a ratio-loss network gives r itself)
///   calibrated:  r = [h_1(s) / W_1] / [h_0(s) / W_0]   from a held-out labelled sample (``RatioCalibration``)
///   mixture:     r = max(0, (lambda - (1 - alpha)) / alpha)   when the network saw S+B (signal fraction alpha)
///                                                             against B: lambda = p_{S+B} / p_B = alpha r + 1 - alpha
///   column:      r read from the file
/// ```
/// (docs/formulas.md §1; guide §3.2 and appendix A.)
/// With an ensemble (`network` names a `neyman train` ensemble: its directory or its `ensemble.json`,
/// ``NetworkEnsemble``) each member computes its (calibrated) ratio and `r` is the members' mean, or one member's when
/// the source is built for that member (``init(_:member:)``; the fit verbs repeat the fit member by member this way).
public struct EventRatioSource {
    let spec: UnbinnedModelSpec.Ratio
    /// The networks whose ratios are averaged: one network, an ensemble's members, or the one member selected.
    let networks: [Network]
    /// One calibration per network when `[model.ratio] calibration` is set; empty otherwise.
    let calibrations: [RatioCalibration]
    /// The number of members of the ensemble `network` names; 0 for a single network or a column.
    public let ensembleSize: Int

    /// Loads the network or ensemble (and calibrates each network on the held-out sample when asked).
    /// - Parameter member: with an ensemble, the member (0-based) whose ratio to use; `nil` = the members' mean.
    /// - Throws: ``NeymanError`` naming the model, manifest or calibration file: an unreadable model, one that does
    ///   not record its feature columns, a calibration sample without both classes, or a member index outside the
    ///   ensemble (or given for a single network).
    public init(_ spec: UnbinnedModelSpec.Ratio, member: Int? = nil) throws {
        self.spec = spec
        switch spec.source {
        case .column:
            networks = []
            calibrations = []
            ensembleSize = 0
            if member != nil { throw NeymanError.invalid("a ratio column has no ensemble members", key: "model.ratio.column") }
        case .network(let path):
            var nets: [Network]
            if NetworkEnsemble.manifest(at: path) != nil {
                let ensemble = try NetworkEnsemble.load(path: path)
                ensembleSize = ensemble.members.count
                nets = ensemble.members
                if let member {
                    guard nets.indices.contains(member) else {
                        throw NeymanError.invalid("member \(member + 1) of an ensemble of \(nets.count)", file: path)
                    }
                    nets = [nets[member]]
                }
            } else {
                ensembleSize = 0
                nets = [try Network.load(path: path)]
                if member != nil { throw NeymanError.invalid("a single network has no ensemble members", file: path) }
            }
            for net in nets {
                guard !net.featureNames.isEmpty, net.featureNames.count == net.inputSize else {
                    throw NeymanError.invalid("the model does not name one feature column per input (\(net.featureNames.count) names for "
                                              + "\(net.inputSize) inputs); an unbinned model needs a dense network trained by neyman train on columns",
                                              file: path, key: "features")
                }
            }
            networks = nets
            if let c = spec.calibration, let first = nets.first {
                let columns = first.featureNames + [c.label] + (c.weight.map { [$0] } ?? [])
                var unique: [String] = []
                for name in columns where !unique.contains(name) { unique.append(name) }
                let ds = try Dataset.load(path: c.file, columns: unique)
                let x = try EventRatioSource.features(first, ds, file: c.file)
                calibrations = try nets.map { net in
                    let scores = try net.scoresAndRatios(x, rows: ds.count).scores
                    do {
                        return try RatioCalibration(scores: scores, labels: try ds.column(c.label),
                                                    weights: try c.weight.map { try ds.column($0) }, bins: c.bins)
                    } catch let e as NeymanError { throw e.inFile(c.file) }
                }
            } else {
                calibrations = []
            }
        }
    }

    /// The columns a file must have for the ratio (the network's features, or the ratio column).
    public var requiredColumns: [String] {
        switch spec.source {
        case .column(let c): return [c]
        case .network: return networks.first?.featureNames ?? []
        }
    }

    /// The network's inputs from `ds`: its feature columns in its order, row-major `[rows, features]`.
    /// The column `except` (a parameter input set later) is left 0 and need not be in the file.
    static func features(_ net: Network, _ ds: Dataset, file: String, except: String? = nil) throws -> [Float] {
        let k = net.featureNames.count
        var x = [Float](repeating: 0, count: ds.count * k)
        for (j, name) in net.featureNames.enumerated() where name != except {
            let c: [Double]
            do { c = try ds.column(name) } catch let e as NeymanError { throw e.inFile(file) }
            for r in 0..<ds.count { x[r * k + j] = Float(c[r]) }
        }
        return x
    }

    /// Every event's `r(theta)` at the grid points of `shape` (the network's input `shape.column` set to each point in
    /// turn, whatever the file holds in that column).
    /// - Throws: ``NeymanError`` if the network has no input called `shape.column`, or as ``ratios(_:file:)``.
    public func grid(_ ds: Dataset, file: String, shape: UnbinnedModelSpec.ShapeSpec) throws -> RatioGrid {
        guard case .network(let path) = spec.source, let net = networks.first else {
            throw NeymanError.invalid("a shape systematic needs a parameterized network", key: "model.shape.\(shape.name)")
        }
        guard let j = net.featureNames.firstIndex(of: shape.column) else {
            throw NeymanError.invalid("the network has no input '\(shape.column)' (its inputs: \(net.featureNames.joined(separator: ", ")))",
                                      file: path, key: "model.shape.\(shape.name).column")
        }
        let k = net.featureNames.count
        var x = try EventRatioSource.features(net, ds, file: file, except: shape.column)
        var table = [Double](repeating: 0, count: ds.count * shape.points)
        let h = (shape.range.upperBound - shape.range.lowerBound) / Double(shape.points - 1)
        for g in 0..<shape.points {
            let theta = Float(shape.range.lowerBound + Double(g) * h)
            for i in 0..<ds.count { x[i * k + j] = theta }
            let r = try finish(try meanRatio(x, rows: ds.count, path: path), file: file)
            for i in 0..<ds.count { table[i * shape.points + g] = r[i] }
        }
        do {
            return try RatioGrid(lower: shape.range.lowerBound, upper: shape.range.upperBound, points: shape.points, values: table)
        } catch let e as NeymanError { throw e.inFile(file) }
    }

    /// `r` for every event of `ds` (read from `file`).
    /// - Throws: ``NeymanError`` naming the file and the row of the first event whose ratio is not finite and `>= 0`
    ///   (a score of exactly 1 in Float gives `r = inf`: calibrate the network or check the event).
    public func ratios(_ ds: Dataset, file: String) throws -> [Double] {
        switch spec.source {
        case .column(let c):
            do { return try finish(try ds.column(c), file: file) } catch let e as NeymanError { throw e.inFile(file) }
        case .network(let path):
            guard let net = networks.first else { throw NeymanError.invalid("the network was not loaded", file: path) }
            return try finish(try meanRatio(try EventRatioSource.features(net, ds, file: file), rows: ds.count, path: path), file: file)
        }
    }

    /// The (calibrated) ratio of each network at the inputs `x`, averaged over the networks.
    func meanRatio(_ x: [Float], rows: Int, path: String) throws -> [Double] {
        var sum = [Double](repeating: 0, count: rows)
        for (m, net) in networks.enumerated() {
            let out: (scores: [Double], ratios: [Double])
            do { out = try net.scoresAndRatios(x, rows: rows) } catch let e as NeymanError { throw e.inFile(path) }
            let r = calibrations.isEmpty ? out.ratios : out.scores.map { calibrations[m].ratio(score: $0) }
            for i in 0..<rows { sum[i] += r[i] }
        }
        guard networks.count > 1 else { return sum }
        let n = Double(networks.count)
        return sum.map { $0 / n }
    }

    /// The mixture correction, then the check that every ratio is finite and `>= 0`.
    func finish(_ raw: [Double], file: String) throws -> [Double] {
        var r = raw
        if let alpha = spec.mixtureSignalFraction {
            r = r.map { max(0, ($0 - (1 - alpha)) / alpha) }
        }
        if let i = r.firstIndex(where: { !($0.isFinite && $0 >= 0) }) {
            let why: String
            if case .column(let c) = spec.source { why = "column '\(c)' must hold finite ratios >= 0" } else {
                why = "the network's score rounds to 1 (or is not a number) there; calibrate it ([model.ratio] calibration) or check the event"
            }
            throw NeymanError.invalid("the density ratio of event \(i) is \(r[i]): \(why)", file: file, row: i)
        }
        return r
    }
}
