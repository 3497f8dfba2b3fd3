import Foundation
import NeymanCore

/// Reads a pyhf JSON workspace (HistFactory schema 1.0.0) into a ``BinnedModel`` and its observed data.
///
/// Supported modifiers and their pyhf defaults:
///
/// | type | parameters | init | bounds | constraint |
/// |---|---|---|---|---|
/// | `normfactor` | 1 | 1 | [0, 10] | none |
/// | `shapefactor` | 1 per bin | 1 | [0, 10] | none |
/// | `lumi` | 1 | config `auxdata` | [0, 10] | Gaussian, `sigmas` from the measurement config |
/// | `normsys` | 1 | 0 | [-5, 5] | Gaussian N(0, 1); interpolation code 4 |
/// | `histosys` | 1 | 0 | [-5, 5] | Gaussian N(0, 1); interpolation code 4p |
/// | `shapesys` | 1 per bin | 1 | [1e-10, 10] | Poisson, `tau = (nominal / sigma)^2` |
/// | `staterror` | 1 per bin | 1 | [1e-10, 10] | Gaussian N(1, sqrt(sum sigma^2) / sum nominal) over the samples sharing it |
///
/// Bins where a `shapesys` or `staterror` has zero uncertainty (or zero nominal) are masked as in pyhf: their gamma
/// stays in the parameter list, fixed at 1, acts on no bin, and adds only a constant to `-ln L`. The measurement's
/// `config.parameters` override `inits`, `bounds`, `fixed`, `auxdata` and `sigmas`. Channels and samples are
/// ordered by name (pyhf's order), parameters alphabetically.
///
/// Reading has three stages, each rejecting bad input with ``NeymanError/invalidInput(_:_:)`` whose key is the JSON
/// path (`channels[1].samples[0].modifiers[2].data[3]`) and whose message says what is wrong:
/// 1. syntax (``HistFactorySpec/decode(_:)``): malformed JSON is reported with its line and column;
/// 2. pyhf's schema 1.0.0 (``HistFactorySpec``): required keys, unknown keys, types, `minItems`, constants;
/// 3. the semantic rules (`HistFactoryWorkspace+Validation.swift`): unique names, bin counts, non-negative
///    observations and uncertainties, modifier names reused only by compatible types, the measurement's parameter
///    of interest and parameter settings, and expected rates that are `>= 0` everywhere, `> 0` where events are
///    observed and not zero over a whole channel.
public struct HistFactoryWorkspace: Sendable {
    public let model: BinnedModel
    public let data: BinnedData
    /// The measurement used (the first, or the one named).
    public let measurement: String

    /// Reads and checks a workspace file.
    /// - Parameters:
    ///   - path: the workspace JSON file (for error messages and reading).
    ///   - measurement: the measurement to use (default: the first).
    /// - Throws: ``NeymanError/io(_:_:)`` when the file cannot be read, ``NeymanError/invalidInput(_:_:)`` (with
    ///   `file` set to `path`) for anything wrong inside it.
    public static func load(path: String, measurement: String? = nil) throws -> HistFactoryWorkspace {
        if let problem = FileSystemError.readProblem(path) { throw NeymanError.ioError("cannot read: \(problem)", file: path) }
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber {
            // Decoding holds the bytes and a tree of their values: budget 16 bytes per byte of the file.
            try MemoryBudget.check(count: size.intValue, bytesPerElement: 16, what: "the workspace's size in bytes", file: path)
        }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw FileSystemError.readError(path, underlying: error)
        }
        do { return try parse(data, measurement: measurement) } catch let e as NeymanError { throw e.inFile(path) }
    }

    /// Parses and checks workspace JSON bytes: ``HistFactorySpec/decode(_:)`` then ``init(spec:measurement:)``.
    public static func parse(_ bytes: Data, measurement wanted: String? = nil) throws -> HistFactoryWorkspace {
        try HistFactoryWorkspace(spec: HistFactorySpec.decode(bytes), measurement: wanted)
    }

    /// Checks the semantic rules on a decoded workspace and builds its model and observed data.
    /// - Parameters:
    ///   - spec: the decoded workspace.
    ///   - measurement: the measurement to use (default: the first); its parameter settings are checked too.
    /// - Throws: ``NeymanError/invalidInput(_:_:)`` with the JSON path of the first problem as key.
    public init(spec: HistFactorySpec, measurement wanted: String? = nil) throws {
        try Self.validateStructure(spec)
        let m = try Self.chooseMeasurement(spec, wanted)
        let built = try Self.buildModel(spec, measurementIndex: m)
        try Self.validateRates(spec, built)
        model = built.model
        data = built.data
        measurement = spec.measurements[m].name
    }

    /// The index of the measurement named `wanted`, or 0.
    static func chooseMeasurement(_ spec: HistFactorySpec, _ wanted: String?) throws -> Int {
        guard let wanted else { return 0 }
        guard let i = spec.measurements.firstIndex(where: { $0.name == wanted }) else {
            let names = spec.measurements.map { JSONValueQuoting.name($0.name) }.joined(separator: ", ")
            throw NeymanError.invalid("no measurement named \(JSONValueQuoting.name(wanted)) (the workspace has \(names))",
                                      key: "measurements")
        }
        return i
    }
}
