import ArgumentParser
import Foundation
import NeymanCore
import NeymanHEP

/// `neyman isolation`: cone and particle-flow isolation of every muon of a sample.
struct IsolationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "isolation",
        abstract: "Isolation cones I(R0) (and the CMS particle-flow isolation) of every muon in a sample.",
        discussion: """
        I(R0) = sum of deposit pt within dR < R0 of the muon / muon pt (docs/formulas.md §8). --from image (default)
        counts the 32 x 32 image's cells whose centre lies within R0 (the paper's construction); --from particles
        places every deposit exactly. --pf adds the CMS particle-flow isolation (cone 0.4, delta-beta corrected).
        --cones LO:HI:STEP or R1,R2,... (default 0.025:0.45:0.025, the paper's 18 cones).
        JSON keys: cones, values (one array per cone, in muon order), pf (with --pf), labels (when the sample has them),
        n_muons, status. --out FILE.csv writes label, weight (when present), iso_<R0>..., pf_iso.
        """
    )

    enum Source: String, CaseIterable, ExpressibleByArgument { case image, particles }

    @Option(help: "A muon sample: NPZ (docs/muon-samples.md) or HDF5 (.h5/.hdf5).")
    var input: String

    @Option(help: "HDF5 dataset names for the layout's members, MEMBER=DATASET,... (e.g. X=particles,muons=mu,y=truth).")
    var datasets: String?

    @Option(help: "Cone radii: LO:HI:STEP or a list R1,R2,...")
    var cones: String = "0.025:0.45:0.025"

    @Option(name: .customLong("from"), help: "image (cells within the cone, default) or particles (exact positions).")
    var source: Source = .image

    @Flag(help: "Add the CMS particle-flow isolation (charged + max(0, neutral + photon - pileup/2), cone 0.4).")
    var pf = false

    @Option(help: "Also write the isolations as CSV, atomically.")
    var out: String?

    @OptionGroup var output: OutputOptions

    func run() throws {
        let radii = try IsolationCones.parseRadii(cones)
        if let out { try OutputPath.check(out, option: "out", inputs: [(input, "input")]) }
        var names: [String: String] = [:]
        for pair in (datasets ?? "").split(separator: ",") {
            let kv = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard kv.count == 2, !kv[0].isEmpty, !kv[1].isEmpty else {
                throw NeymanError.invalid("'\(pair)' is not MEMBER=DATASET", parameter: "datasets")
            }
            names[kv[0]] = kv[1]
        }
        let sample = try MuonSample.read(path: input, datasetNames: names)
        let values = sample.cones(radii, fromImages: source == .image)
        let pfValues = pf ? sample.particleFlowIsolation() : nil
        func name(_ r: Double) -> String { "iso_" + String(format: "%.4g", r) }
        if let out {
            var columns: [(String, [Double])] = []
            if let l = sample.labels { columns.append(("label", l)) }
            if let w = sample.weights { columns.append(("weight", w)) }
            columns += zip(radii, values).map { (name($0.0), $0.1) }
            if let pfValues { columns.append(("pf_iso", pfValues)) }
            try CSVWriter.write(columns, to: out)
        }
        var members: [(String, JSONValue)] = [("cones", .numbers(radii)), ("values", .array(values.map { .numbers($0) }))]
        if let pfValues { members.append(("pf", .numbers(pfValues))) }
        if let l = sample.labels { members.append(("labels", .numbers(l))) }
        members += [("n_muons", .integer(sample.count)), ("status", .string("ok"))]
        output.emit(.object(members)) {
            var lines = ["\(radii.count) cones (from \(source.rawValue)) on \(sample.count) muons; mean isolation per cone:"]
            for (r, v) in zip(radii, values) { lines.append("  R0 = \(String(format: "%.4g", r)): \(fmt(v.isEmpty ? .nan : v.reduce(0, +) / Double(v.count)))") }
            if let pfValues, !pfValues.isEmpty { lines.append("  PF isolation: \(fmt(pfValues.reduce(0, +) / Double(pfValues.count)))") }
            if let out { lines.append("  wrote \(out)") }
            return lines.joined(separator: "\n")
        }
    }
}
