import Foundation
import NeymanCore

/// Reading events of particles from files a user brings:
///
/// - CSV with columns `event, pt, eta, phi` (more columns are ignored): the rows with the same `event` value form one
///   event; events are numbered in order of first appearance.
/// - NPZ in the EnergyFlow layout: member `X` of shape `[events, particles, 3 or more]` with columns
///   `(pt, eta or rapidity, phi, ...)`, zero-padded (rows with `pt = 0` are padding and skipped by every observable).
///
/// Every `pt` must be finite and `>= 0`, every `eta` and `phi` finite; errors name the file, the row (CSV, counted
/// with the header as row 1) or the event and particle (NPZ), and the column.
public enum ParticleEventFile {
    /// The events of `path` (by extension: `.csv` or `.npz`).
    ///
    /// - Parameter member: the NPZ member holding the particles (default `X`).
    public static func read(path: String, member: String = "X") throws -> [ParticleEvent] {
        switch URL(fileURLWithPath: path).pathExtension.lowercased() {
        case "csv": return try readCSV(path: path)
        case "npz": return try readNPZ(path: path, member: member)
        default:
            throw NeymanError.invalid("expected a .csv (event, pt, eta, phi) or .npz (EnergyFlow X) file", file: path)
        }
    }

    static func readCSV(path: String) throws -> [ParticleEvent] {
        let data = try CSVReader.read(path: path, columns: ["event", "pt", "eta", "phi"])
        let ev = try data.column("event"), pt = try data.column("pt"), eta = try data.column("eta"), phi = try data.column("phi")
        var index: [Double: Int] = [:]
        var events: [ParticleEvent] = []
        for i in ev.indices {
            try check(pt: pt[i], eta: eta[i], phi: phi[i]) { NeymanError.invalid($0, file: path, row: i + 2, column: $1) }
            let k: Int
            if let known = index[ev[i]] { k = known } else {
                k = events.count
                index[ev[i]] = k
                events.append(ParticleEvent(pt: [], eta: [], phi: []))
            }
            events[k].pt.append(pt[i]); events[k].eta.append(eta[i]); events[k].phi.append(phi[i])
        }
        return events
    }

    static func readNPZ(path: String, member: String) throws -> [ParticleEvent] {
        let arrays = try NPZArchive.read(path: path)
        guard let x = arrays.first(where: { $0.0 == member })?.1 else {
            throw NeymanError.invalid("no member '\(member)' (available: \(arrays.map { "'\($0.0)'" }.joined(separator: ", ")))",
                                      file: path, column: member)
        }
        return try events(from: x, file: path, member: member)
    }

    /// Events from an EnergyFlow particle array `[events, particles, features >= 3]`.
    public static func events(from x: NPYArray, file: String, member: String = "X") throws -> [ParticleEvent] {
        guard x.shape.count == 3, x.shape[2] >= 3 else {
            throw NeymanError.invalid("member '\(member)' has shape \(NPYFormat.shapeDescription(x.shape)); expected "
                                      + "(events, particles, 3 or 4) with columns pt, eta, phi[, category]", file: file, column: member)
        }
        let (n, m, k) = (x.shape[0], x.shape[1], x.shape[2])
        var events: [ParticleEvent] = []
        events.reserveCapacity(n)
        let names = ["pt", "eta", "phi"]
        for e in 0..<n {
            var event = ParticleEvent(pt: [], eta: [], phi: [])
            for p in 0..<m {
                let base = (e * m + p) * k
                let (pt, eta, phi) = (x.values[base], x.values[base + 1], x.values[base + 2])
                try check(pt: pt, eta: eta, phi: phi) { message, column in
                    NeymanError.invalid("event \(e), particle \(p): \(message) (\(member)[\(e), \(p), \(names.firstIndex(of: column) ?? 0)])",
                                        file: file, column: column)
                }
                if pt == 0 { continue }   // padding
                event.pt.append(pt); event.eta.append(eta); event.phi.append(phi)
            }
            events.append(event)
        }
        return events
    }

    private static func check(pt: Double, eta: Double, phi: Double,
                              _ error: (String, String) -> NeymanError) throws {
        guard pt.isFinite, pt >= 0 else { throw error("pt \(pt) must be finite and >= 0", "pt") }
        guard eta.isFinite else { throw error("eta \(eta) is not finite", "eta") }
        guard phi.isFinite else { throw error("phi \(phi) is not finite", "phi") }
    }
}
