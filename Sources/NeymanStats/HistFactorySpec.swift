import Foundation
import NeymanCore

/// A pyhf JSON workspace as written, mirroring pyhf's JSON schema 1.0.0 (`src/pyhf/schemas/1.0.0/workspace.json`
/// and `defs.json` in scikit-hep/pyhf).
///
/// Decoding follows the schema exactly:
/// - required keys: workspace `channels`, `measurements`, `observations`, `version`; channel `name`, `samples`;
///   sample `name`, `data`, `modifiers`; modifier `name`, `type`, `data`; observation `name`, `data`; measurement
///   `name`, `config`; config `poi`, `parameters`; parameter `name`;
/// - unknown keys are rejected wherever the schema says `"additionalProperties": false` (every object above and
///   the parameter configs). The schema leaves the `data` objects of `normsys` (`hi`, `lo`) and `histosys`
///   (`hi_data`, `lo_data`) open, so other keys there are accepted and ignored, as pyhf does;
/// - `version` is the string `"1.0.0"`; a `lumi` modifier is named `lumi` and the `data` of `normfactor`,
///   `shapefactor` and `lumi` is `null` (all `const` in the schema);
/// - `minItems: 1` on `channels`, `measurements`, `observations`, `samples`, every `data` array and the parameter
///   arrays `inits`, `bounds`, `auxdata`, `factors`, `sigmas`.
/// Every error is ``NeymanError/invalidInput(_:_:)`` with the JSON path as its key
/// (`channels[1].samples[0].modifiers[2].data[3]`). The semantic rules (unique names, bin counts, signs) are
/// checked when the model is built, see ``HistFactoryWorkspace/init(spec:measurement:)``.
public struct HistFactorySpec: Sendable, Equatable, Decodable {
    /// A channel (a region): its samples, all with the same number of bins.
    public struct Channel: Sendable, Equatable, Decodable {
        /// The channel's name (unique in the workspace).
        public let name: String
        /// Its samples, at least one, all with the channel's number of bins.
        public let samples: [Sample]

        /// Decodes one schema object; unknown keys, missing keys and wrong types are errors naming the JSON path.

        public init(from decoder: Decoder) throws {
            let c = try SpecDecoding.object(decoder, allowed: ["name", "samples"])
            name = try c.decode(String.self, forKey: .init("name"))
            samples = try SpecDecoding.nonEmpty([Sample].self, c, "samples")
        }
    }

    /// A sample (a process): nominal yields per bin and the modifiers acting on them.
    public struct Sample: Sendable, Equatable, Decodable {
        /// The sample's name (unique in its channel).
        public let name: String
        /// Nominal yields, one per bin.
        public let data: [Double]
        /// The modifiers acting on this sample (possibly none).
        public let modifiers: [Modifier]

        /// Decodes one schema object; unknown keys, missing keys and wrong types are errors naming the JSON path.

        public init(from decoder: Decoder) throws {
            let c = try SpecDecoding.object(decoder, allowed: ["name", "data", "modifiers"])
            name = try c.decode(String.self, forKey: .init("name"))
            data = try SpecDecoding.nonEmpty([Double].self, c, "data")
            modifiers = try c.decode([Modifier].self, forKey: .init("modifiers"))
        }
    }

    /// The seven modifier types of schema 1.0.0.
    public enum ModifierType: String, Sendable, Equatable, CaseIterable {
        /// A free normalisation.
        case normfactor
        /// A free factor per bin.
        case shapefactor
        /// The luminosity: a normalisation with a Gaussian constraint.
        case lumi
        /// A constrained normalisation (interpolation code 4).
        case normsys
        /// A constrained shape (interpolation code 4p).
        case histosys
        /// A factor per bin with a Poisson constraint.
        case shapesys
        /// A factor per bin with a Gaussian constraint from the statistical uncertainties.
        case staterror

        /// True for the types with one parameter per bin.
        public var isPerBin: Bool { self == .shapefactor || self == .shapesys || self == .staterror }
    }

    /// A modifier's `data`, by type.
    public enum ModifierData: Sendable, Equatable {
        /// `null`: `normfactor`, `shapefactor`, `lumi`.
        case none
        /// `normsys`: the relative yields at `alpha = +1` and `-1`.
        case normsys(hi: Double, lo: Double)
        /// `histosys`: the yields per bin at `alpha = +1` and `-1`.
        case histosys(hiData: [Double], loData: [Double])
        /// `shapesys`, `staterror`: the absolute uncertainty per bin.
        case uncertainties([Double])
    }

    /// One modifier of a sample.
    public struct Modifier: Sendable, Equatable, Decodable {
        /// The modifier's name: its parameters' name, shared by every modifier of that name.
        public let name: String
        /// Its type.
        public let type: ModifierType
        /// Its data, by type.
        public let data: ModifierData

        /// Decodes one schema object; unknown keys, missing keys and wrong types are errors naming the JSON path.

        public init(from decoder: Decoder) throws {
            let c = try SpecDecoding.object(decoder, allowed: ["name", "type", "data"])
            name = try c.decode(String.self, forKey: .init("name"))
            let typeName = try c.decode(String.self, forKey: .init("type"))
            guard let t = ModifierType(rawValue: typeName) else {
                throw SpecDecoding.error("unsupported modifier type \(JSONValueQuoting.name(typeName)) (pyhf schema 1.0.0 has "
                                         + ModifierType.allCases.map(\.rawValue).sorted().joined(separator: ", ") + ")",
                                         at: c.codingPath, key: "type")
            }
            type = t
            let dataKey = SpecDecoding.Key("data")
            guard c.contains(dataKey) else {
                throw SpecDecoding.error("missing required key 'data'", at: c.codingPath, key: "data")
            }
            switch t {
            case .normfactor, .shapefactor, .lumi:
                guard try c.decodeNil(forKey: dataKey) else {
                    throw SpecDecoding.error("the data of a \(t.rawValue) modifier must be null", at: c.codingPath, key: "data")
                }
                if t == .lumi && name != "lumi" {
                    throw SpecDecoding.error("a lumi modifier must be named 'lumi' (pyhf schema 1.0.0), not \(JSONValueQuoting.name(name))",
                                             at: c.codingPath, key: "name")
                }
                data = .none
            case .normsys:
                let d = try c.nestedContainer(keyedBy: SpecDecoding.Key.self, forKey: dataKey)
                data = .normsys(hi: try d.decode(Double.self, forKey: .init("hi")), lo: try d.decode(Double.self, forKey: .init("lo")))
            case .histosys:
                let d = try c.nestedContainer(keyedBy: SpecDecoding.Key.self, forKey: dataKey)
                data = .histosys(hiData: try SpecDecoding.nonEmpty([Double].self, d, "hi_data"),
                                 loData: try SpecDecoding.nonEmpty([Double].self, d, "lo_data"))
            case .shapesys, .staterror:
                data = .uncertainties(try SpecDecoding.nonEmpty([Double].self, c, "data"))
            }
        }
    }

    /// Observed counts of one channel.
    public struct Observation: Sendable, Equatable, Decodable {
        /// The channel observed.
        public let name: String
        /// Observed counts, one per bin of the channel.
        public let data: [Double]

        /// Decodes one schema object; unknown keys, missing keys and wrong types are errors naming the JSON path.

        public init(from decoder: Decoder) throws {
            let c = try SpecDecoding.object(decoder, allowed: ["name", "data"])
            name = try c.decode(String.self, forKey: .init("name"))
            data = try SpecDecoding.nonEmpty([Double].self, c, "data")
        }
    }

    /// A measurement: a parameter of interest and parameter settings.
    public struct Measurement: Sendable, Equatable, Decodable {
        /// The measurement's name (unique in the workspace).
        public let name: String
        /// Its parameter of interest and parameter settings.
        public let config: Config

        /// Decodes one schema object; unknown keys, missing keys and wrong types are errors naming the JSON path.

        public init(from decoder: Decoder) throws {
            let c = try SpecDecoding.object(decoder, allowed: ["name", "config"])
            name = try c.decode(String.self, forKey: .init("name"))
            config = try c.decode(Config.self, forKey: .init("config"))
        }
    }

    /// A measurement's `config`.
    public struct Config: Sendable, Equatable, Decodable {
        /// The parameter of interest: the name of a single-parameter modifier.
        public let poi: String
        /// Settings per modifier name (at most one per name).
        public let parameters: [ParameterConfig]

        /// Decodes one schema object; unknown keys, missing keys and wrong types are errors naming the JSON path.

        public init(from decoder: Decoder) throws {
            let c = try SpecDecoding.object(decoder, allowed: ["poi", "parameters"])
            poi = try c.decode(String.self, forKey: .init("poi"))
            parameters = try c.decode([ParameterConfig].self, forKey: .init("parameters"))
        }
    }

    /// Settings of one modifier's parameters (`inits`, `bounds`, ... have one entry per parameter of the modifier).
    public struct ParameterConfig: Sendable, Equatable, Decodable {
        /// The modifier name the settings apply to.
        public let name: String
        /// Initial values, one per parameter.
        public let inits: [Double]?
        /// `[lower, upper]` per parameter.
        public let bounds: [[Double]]?
        /// Auxiliary data (constraint centres), one per parameter.
        public let auxdata: [Double]?
        /// pyhf's Poisson constraint factors (not supported: Neyman derives them from the uncertainties).
        public let factors: [Double]?
        /// Constraint widths, one per parameter (`lumi`).
        public let sigmas: [Double]?
        /// Whether the parameters are held fixed in fits.
        public let fixed: Bool?

        /// Decodes one schema object; unknown keys, missing keys and wrong types are errors naming the JSON path.

        public init(from decoder: Decoder) throws {
            let c = try SpecDecoding.object(decoder, allowed: ["name", "inits", "bounds", "auxdata", "factors", "sigmas", "fixed"])
            name = try c.decode(String.self, forKey: .init("name"))
            inits = try SpecDecoding.nonEmptyIfPresent([Double].self, c, "inits")
            bounds = try SpecDecoding.nonEmptyIfPresent([[Double]].self, c, "bounds")
            auxdata = try SpecDecoding.nonEmptyIfPresent([Double].self, c, "auxdata")
            factors = try SpecDecoding.nonEmptyIfPresent([Double].self, c, "factors")
            sigmas = try SpecDecoding.nonEmptyIfPresent([Double].self, c, "sigmas")
            fixed = try c.decodeIfPresent(Bool.self, forKey: .init("fixed"))
        }
    }

    /// The channels, at least one, names unique.
    public let channels: [Channel]
    /// The measurements, at least one, names unique.
    public let measurements: [Measurement]
    /// The observed data, one per channel.
    public let observations: [Observation]
    /// Always `"1.0.0"`.
    public let version: String

    /// Decodes one schema object; unknown keys, missing keys and wrong types are errors naming the JSON path.

    public init(from decoder: Decoder) throws {
        let c = try SpecDecoding.object(decoder, allowed: ["channels", "measurements", "observations", "version"])
        channels = try SpecDecoding.nonEmpty([Channel].self, c, "channels")
        measurements = try SpecDecoding.nonEmpty([Measurement].self, c, "measurements")
        observations = try SpecDecoding.nonEmpty([Observation].self, c, "observations")
        version = try c.decode(String.self, forKey: .init("version"))
        guard version == "1.0.0" else {
            throw SpecDecoding.error("the version must be \"1.0.0\" (the only pyhf schema), not \(JSONValueQuoting.quote(version))",
                                     at: c.codingPath, key: "version")
        }
    }

    /// Decodes workspace JSON bytes: a strict syntax scan first (errors give line and column, see
    /// ``JSONSyntaxCheck``), then the schema. Semantic rules are not checked here.
    /// - Throws: ``NeymanError/invalidInput(_:_:)`` with the JSON path as key.
    public static func decode(_ bytes: Data) throws -> HistFactorySpec {
        try JSONSyntaxCheck.check(bytes, requireObject: true)
        do {
            return try JSONDecoder().decode(HistFactorySpec.self, from: bytes)
        } catch let e as NeymanError {
            throw e
        } catch let e as DecodingError {
            throw SpecDecoding.neymanError(e)
        } catch {
            throw NeymanError.invalid("the workspace cannot be decoded: \(error)", key: "$")
        }
    }
}
