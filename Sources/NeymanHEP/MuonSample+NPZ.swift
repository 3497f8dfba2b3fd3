import Foundation
import NeymanCore

extension MuonSample {
    /// Reads the layout of docs/muon-samples.md from an NPZ archive (also EnergyFlow's own: `X` with 3 or 4 columns
    /// and `y`). Only `X` and `muons` are required.
    ///
    /// - Throws: ``NeymanError`` naming the file and the member for a missing or mis-shaped member, members of
    ///   different lengths, a non-finite value, a negative pt, a category outside 0...4, a label other than 0 or 1,
    ///   a charge other than +-1, or metadata that is not UTF-8.
    public static func read(path: String, datasetNames: [String: String] = [:]) throws -> MuonSample {
        let ext = URL(fileURLWithPath: path).pathExtension.lowercased()
        if ext == "h5" || ext == "hdf5" { return try readHDF5(path: path, datasetNames: datasetNames) }
        guard ext == "npz" else { throw NeymanError.invalid("expected a .npz or .h5/.hdf5 muon sample", file: path) }
        return try fromMembers(NPZArchive.read(path: path), path: path)
    }

    /// The members of the layout, in reading order.
    public static let memberNames = ["X", "muons", "y", "weights", "images", "event", "pair_mass", "pair_charge", "process", "metadata"]

    /// Reads an HDF5 sample: the datasets named as the NPZ members, or as `datasetNames` maps them
    /// (`["X": "particles", "muons": "muon_kinematics"]`, e.g. from a config's `[sample.datasets]` or `--datasets`).
    public static func readHDF5(path: String, datasetNames: [String: String] = [:]) throws -> MuonSample {
        for key in datasetNames.keys where !memberNames.contains(key) {
            throw NeymanError.invalid("unknown member '\(key)' in the dataset names (members: \(memberNames.joined(separator: ", ")))",
                                      parameter: "datasets")
        }
        let names = memberNames.map { datasetNames[$0] ?? $0 }
        let read = try HDF5File.read(path: path, datasets: names, required: [names[0], names[1]])
        // Back to the layout's member names.
        let members = read.map { (dataset, array) in (memberNames[names.firstIndex(of: dataset) ?? 0], array) }
        return try fromMembers(members, path: path)
    }

    static func fromMembers(_ members: [(String, NPYArray)], path: String) throws -> MuonSample {
        func member(_ name: String) -> NPYArray? { members.first { $0.0 == name }?.1 }
        func bad(_ name: String, _ message: String) -> NeymanError { NeymanError.invalid("member '\(name)': \(message)", file: path, column: name) }
        guard let x = member("X") else {
            throw bad("X", "missing (available: \(members.map { "'\($0.0)'" }.joined(separator: ", ")))")
        }
        guard x.shape.count == 3, x.shape[2] == 3 || x.shape[2] == 4 else {
            throw bad("X", "shape \(NPYFormat.shapeDescription(x.shape)); expected (muons, deposits, 3 or 4)")
        }
        let (n, m, k) = (x.shape[0], x.shape[1], x.shape[2])
        guard let mu = member("muons") else { throw bad("muons", "missing: the muons' (pt, eta, phi, charge) are required") }
        guard mu.shape == [n, 4] else { throw bad("muons", "shape \(NPYFormat.shapeDescription(mu.shape)); expected (\(n), 4)") }
        var muons: [Muon] = []
        muons.reserveCapacity(n)
        for i in 0..<n {
            let v = Array(mu.values[(4 * i)..<(4 * i + 4)])
            guard v.allSatisfy(\.isFinite), v[0] > 0 else { throw bad("muons", "muon \(i) has (pt, eta, phi, charge) = \(v)") }
            guard v[3] == 1 || v[3] == -1 else { throw bad("muons", "muon \(i) has charge \(v[3]); expected +1 or -1") }
            muons.append(Muon(pt: v[0], eta: v[1], phi: v[2], charge: v[3]))
        }
        var deposits: [[Particle]] = []
        deposits.reserveCapacity(n)
        for i in 0..<n {
            var list: [Particle] = []
            for p in 0..<m {
                let base = (i * m + p) * k
                let (pt, eta, phi) = (x.values[base], x.values[base + 1], x.values[base + 2])
                let code = k == 4 ? x.values[base + 3] : 0
                guard pt.isFinite, eta.isFinite, phi.isFinite, code.isFinite, pt >= 0 else {
                    throw bad("X", "muon \(i), deposit \(p) has (pt, eta, phi) = (\(pt), \(eta), \(phi))")
                }
                if pt == 0 { continue }
                guard code == code.rounded(), let category = ParticleCategory(rawValue: Int(code)) else {
                    throw bad("X", "muon \(i), deposit \(p) has category \(code); expected 0 (unknown) to 4 (pileup)")
                }
                list.append(Particle(pt: pt, eta: eta, phi: phi, category: category))
            }
            deposits.append(list)
        }
        func vector(_ name: String) throws -> [Double]? {
            guard let a = member(name) else { return nil }
            guard a.shape == [n] else { throw bad(name, "shape \(NPYFormat.shapeDescription(a.shape)); expected (\(n),)") }
            if let i = a.values.firstIndex(where: { !$0.isFinite }) { throw bad(name, "element \(i) is \(a.values[i])") }
            return a.values
        }
        let labels = try vector("y")
        if let labels, let i = labels.firstIndex(where: { $0 != 0 && $0 != 1 }) {
            throw bad("y", "element \(i) is \(labels[i]); labels are 1 (prompt) or 0 (non-prompt)")
        }
        func integers(_ name: String) throws -> [Int]? {
            try vector(name).map { v in
                try v.enumerated().map { i, x in
                    guard x == x.rounded(), abs(x) < 9e15 else { throw bad(name, "element \(i) is \(x), not an integer") }
                    return Int(x)
                }
            }
        }
        var images: [[Double]]? = nil
        if let img = member("images") {
            let s = CalorimeterImage.size
            guard img.shape == [n, s, s] else { throw bad("images", "shape \(NPYFormat.shapeDescription(img.shape)); expected (\(n), \(s), \(s))") }
            if let i = img.values.firstIndex(where: { !$0.isFinite || $0 < 0 }) { throw bad("images", "element \(i) is \(img.values[i])") }
            images = (0..<n).map { Array(img.values[($0 * s * s)..<(($0 + 1) * s * s)]) }
        }
        var metadata = "{}"
        if let meta = member("metadata") {
            guard meta.shape.count == 1, meta.values.allSatisfy({ $0 >= 0 && $0 <= 255 && $0 == $0.rounded() }),
                  let text = String(bytes: meta.values.map { UInt8($0) }, encoding: .utf8) else {
                throw bad("metadata", "must be the UTF-8 bytes of a JSON object (uint8, 1-D)")
            }
            metadata = text
        }
        return MuonSample(muons: muons, deposits: deposits, labels: labels, weights: try vector("weights"), suppliedImages: images,
                          event: try integers("event"), pairMass: try vector("pair_mass"), pairCharge: try vector("pair_charge"),
                          process: try integers("process"), metadata: metadata)
    }

    /// Writes the layout of docs/muon-samples.md atomically: `X` (float64, deposits sorted by decreasing pt,
    /// zero-padded to the largest count), `muons`, and the optional members that are set; `images` (float32) only
    /// when `includeImages`.
    public func write(to path: String, includeImages: Bool = false) throws {
        let n = count
        let m = max(1, deposits.map(\.count).max() ?? 0)
        try MemoryBudget.check(count: n * m, bytesPerElement: 64, what: "deposits", file: path)
        var x = [Double](repeating: 0, count: n * m * 4)
        for i in 0..<n {
            for (p, d) in deposits[i].sorted(by: { $0.pt > $1.pt }).enumerated() {
                let base = (i * m + p) * 4
                x[base] = d.pt; x[base + 1] = d.eta; x[base + 2] = d.phi; x[base + 3] = Double(d.category.rawValue)
            }
        }
        var out: [(String, NPYArray, NPYDType)] = [
            ("X", try NPYArray(shape: [n, m, 4], values: x), .float64),
            ("muons", try NPYArray(shape: [n, 4], values: muons.flatMap { [$0.pt, $0.eta, $0.phi, $0.charge] }), .float64),
        ]
        if let labels { out.append(("y", NPYArray(labels), .float64)) }
        if let weights { out.append(("weights", NPYArray(weights), .float64)) }
        if includeImages {
            let s = CalorimeterImage.size
            out.append(("images", try NPYArray(shape: [n, s, s], values: (0..<n).flatMap { image($0) }), .float32))
        }
        if let event { out.append(("event", NPYArray(event.map(Double.init)), .int64)) }
        if let pairMass { out.append(("pair_mass", NPYArray(pairMass), .float64)) }
        if let pairCharge { out.append(("pair_charge", NPYArray(pairCharge), .float64)) }
        if let process { out.append(("process", NPYArray(process.map(Double.init)), .int64)) }
        out.append(("metadata", NPYArray(Array(metadata.utf8).map(Double.init)), .uint8))
        try NPZArchive.write(typed: out, to: path)
    }
}
