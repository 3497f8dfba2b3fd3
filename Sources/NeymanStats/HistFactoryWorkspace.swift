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
/// stays in the parameter list, fixed at 1, acts on no bin, and adds only a constant to `-ln L`. The measurement's `config.parameters` override `inits`, `bounds`, `fixed`,
/// `auxdata` and `sigmas`. Channels and samples are ordered by name (pyhf's order), parameters alphabetically.
public struct HistFactoryWorkspace: Sendable {
    public let model: BinnedModel
    public let data: BinnedData
    /// The measurement used (the first, or the one named).
    public let measurement: String

    /// - Parameters:
    ///   - path: the workspace JSON file (for error messages and reading).
    ///   - measurement: the measurement to use (default: the first).
    public static func load(path: String, measurement: String? = nil) throws -> HistFactoryWorkspace {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw NeymanError.ioError("cannot read the workspace: \(error.localizedDescription)", file: path)
        }
        do { return try parse(data, measurement: measurement) } catch let e as NeymanError { throw e.inFile(path) }
    }

    /// Parses workspace JSON bytes.
    public static func parse(_ bytes: Data, measurement wanted: String? = nil) throws -> HistFactoryWorkspace {
        guard let root = (try? JSONSerialization.jsonObject(with: bytes)) as? [String: Any] else {
            throw NeymanError.invalid("not a JSON object")
        }
        guard let channelsJSON = root["channels"] as? [[String: Any]], !channelsJSON.isEmpty else {
            throw NeymanError.invalid("missing or empty 'channels'", key: "channels")
        }
        guard let observationsJSON = root["observations"] as? [[String: Any]] else {
            throw NeymanError.invalid("missing 'observations'", key: "observations")
        }
        guard let measurementsJSON = root["measurements"] as? [[String: Any]], !measurementsJSON.isEmpty else {
            throw NeymanError.invalid("missing or empty 'measurements'", key: "measurements")
        }
        let chosen: [String: Any]
        if let wanted {
            guard let m = measurementsJSON.first(where: { $0["name"] as? String == wanted }) else {
                throw NeymanError.invalid("no measurement named '\(wanted)'", key: "measurements")
            }
            chosen = m
        } else {
            chosen = measurementsJSON[0]
        }
        let measurementName = chosen["name"] as? String ?? "measurement"
        guard let config = chosen["config"] as? [String: Any], let poiName = config["poi"] as? String else {
            throw NeymanError.invalid("measurement '\(measurementName)' has no config.poi", key: "measurements.config.poi")
        }
        var overrides: [String: [String: Any]] = [:]
        for p in config["parameters"] as? [[String: Any]] ?? [] {
            if let n = p["name"] as? String { overrides[n] = p }
        }

        // Channels in name order, bins concatenated.
        struct RawSample { var name: String; var data: [Double]; var modifiers: [[String: Any]] }
        struct RawChannel { var name: String; var samples: [RawSample]; var bins: Int }
        var raw: [RawChannel] = []
        for (ci, c) in channelsJSON.enumerated() {
            guard let name = c["name"] as? String else { throw NeymanError.invalid("channel \(ci) has no name", key: "channels") }
            guard let samples = c["samples"] as? [[String: Any]], !samples.isEmpty else {
                throw NeymanError.invalid("channel '\(name)' has no samples", key: "channels.\(name).samples")
            }
            var rs: [RawSample] = []
            var bins = -1
            for s in samples {
                let sname = s["name"] as? String ?? "?"
                guard let d = numbers(s["data"]) else {
                    throw NeymanError.invalid("sample '\(sname)' has no numeric 'data'", key: "channels.\(name).samples.\(sname).data")
                }
                if bins >= 0 && d.count != bins {
                    throw NeymanError.invalid("sample '\(sname)' has \(d.count) bins, others in the channel have \(bins)",
                                              key: "channels.\(name).samples.\(sname).data")
                }
                bins = d.count
                rs.append(RawSample(name: sname, data: d, modifiers: s["modifiers"] as? [[String: Any]] ?? []))
            }
            raw.append(RawChannel(name: name, samples: rs.sorted { $0.name < $1.name }, bins: bins))
        }
        raw.sort { $0.name < $1.name }
        var channels: [BinnedModel.Channel] = []
        var offset = 0
        for c in raw {
            channels.append(.init(name: c.name, bins: offset..<(offset + c.bins)))
            offset += c.bins
        }
        let nBins = offset

        // Observations.
        var observed = [Double](repeating: .nan, count: nBins)
        for c in channels {
            guard let o = observationsJSON.first(where: { $0["name"] as? String == c.name }), let d = numbers(o["data"]) else {
                throw NeymanError.invalid("no observation for channel '\(c.name)'", key: "observations")
            }
            guard d.count == c.bins.count else {
                throw NeymanError.invalid("observation of '\(c.name)' has \(d.count) bins, the channel has \(c.bins.count)",
                                          key: "observations.\(c.name)")
            }
            for (k, v) in d.enumerated() { observed[c.bins.lowerBound + k] = v }
        }

        // Collect parameter sets.
        enum SetKind { case free, gaussian, poisson, lumi }
        struct ParamSet {
            var kind: SetKind
            var count: Int
            var start: Double
            var bounds: (Double, Double)
            // Per-bin (over the whole model) contributions for staterror / shapesys.
            var staterrorVar: [Double] = []
            var staterrorNom: [Double] = []
            var shapesysTau: [Double?] = []
            /// Bins (over the whole model) a per-bin set is attached to.
            var usedBins: Set<Int> = []
        }
        var sets: [String: ParamSet] = [:]
        func register(_ name: String, _ s: ParamSet, type _: String) throws {
            if let existing = sets[name] {
                guard existing.kind == s.kind, existing.count == s.count else {
                    throw NeymanError.invalid("modifier '\(name)' is used with incompatible types or sizes", key: "modifiers.\(name)")
                }
            } else { sets[name] = s }
        }
        for c in raw {
            let ch = channels.first { $0.name == c.name }!
            for s in c.samples {
                for m in s.modifiers {
                    guard let name = m["name"] as? String, let type = m["type"] as? String else {
                        throw NeymanError.invalid("a modifier of sample '\(s.name)' has no name or type", key: "channels.\(c.name).samples.\(s.name).modifiers")
                    }
                    let key = "channels.\(c.name).samples.\(s.name).modifiers.\(name)"
                    switch type {
                    case "normfactor":
                        try register(name, ParamSet(kind: .free, count: 1, start: 1, bounds: (0, 10)), type: type)
                    case "shapefactor":
                        try register(name, ParamSet(kind: .free, count: nBins, start: 1, bounds: (0, 10)), type: type)
                        sets[name]?.usedBins.formUnion(ch.bins)
                    case "lumi":
                        try register(name, ParamSet(kind: .lumi, count: 1, start: 1, bounds: (0, 10)), type: type)
                    case "normsys", "histosys":
                        try register(name, ParamSet(kind: .gaussian, count: 1, start: 0, bounds: (-5, 5)), type: type)
                    case "staterror":
                        guard let d = numbers(m["data"]), d.count == c.bins else {
                            throw NeymanError.invalid("staterror needs one uncertainty per bin", key: key)
                        }
                        var set = sets[name] ?? ParamSet(kind: .gaussian, count: nBins, start: 1, bounds: (1e-10, 10),
                                                         staterrorVar: [Double](repeating: 0, count: nBins),
                                                         staterrorNom: [Double](repeating: 0, count: nBins))
                        set.usedBins.formUnion(ch.bins)
                        for k in 0..<c.bins {
                            set.staterrorVar[ch.bins.lowerBound + k] += d[k] * d[k]
                            set.staterrorNom[ch.bins.lowerBound + k] += s.data[k]
                        }
                        sets[name] = set
                    case "shapesys":
                        guard let d = numbers(m["data"]), d.count == c.bins else {
                            throw NeymanError.invalid("shapesys needs one uncertainty per bin", key: key)
                        }
                        var set = sets[name] ?? ParamSet(kind: .poisson, count: nBins, start: 1, bounds: (1e-10, 10),
                                                         shapesysTau: [Double?](repeating: nil, count: nBins))
                        set.usedBins.formUnion(ch.bins)
                        for k in 0..<c.bins where d[k] > 0 && s.data[k] > 0 {
                            // pyhf: tau = nominal^2 / sigma^2 (in this order, for bit-identical auxiliary data).
                            set.shapesysTau[ch.bins.lowerBound + k] = (s.data[k] * s.data[k]) / (d[k] * d[k])
                        }
                        sets[name] = set
                    default:
                        throw NeymanError.invalid("unsupported modifier type '\(type)'", key: key)
                    }
                }
            }
        }
        guard sets[poiName] != nil else {
            throw NeymanError.invalid("the parameter of interest '\(poiName)' is not a modifier of any sample", key: "measurements.config.poi")
        }

        // Parameters in alphabetical order of the sets; per-bin sets expand to name[k] over the bins they touch.
        var parameters: [Parameter] = []
        var index: [String: [Int?]] = [:]   // set name -> parameter index per element (per bin for per-bin sets)
        var constraints: [BinnedModel.Constraint] = []
        var aux: [Double] = []
        for name in sets.keys.sorted() {
            let set = sets[name]!
            let o = overrides[name]
            let inits = numbers(o?["inits"])
            let bounds = (o?["bounds"] as? [[Any]])?.compactMap { numbers($0) }
            let fixed = o?["fixed"] as? Bool ?? false
            var idx: [Int?] = []
            let perBin = set.count > 1 || !set.staterrorVar.isEmpty || !set.shapesysTau.isEmpty
            let elements = perBin ? nBins : 1
            let used = set.usedBins.sorted()
            for e in 0..<elements {
                // Per-bin sets act on the bins they are attached to, and shapesys / staterror only where the
                // uncertainty is non-zero (pyhf masks the others). k: the element's position in its set (pyhf's index).
                let k = perBin ? (used.firstIndex(of: e) ?? -1) : 0
                guard !perBin || k >= 0 else { idx.append(nil); continue }
                var masked = false
                var width = 1.0
                if !set.shapesysTau.isEmpty {
                    if let tau = set.shapesysTau[e] { width = tau } else { masked = true }
                } else if !set.staterrorVar.isEmpty {
                    let v = set.staterrorVar[e], nom = set.staterrorNom[e]
                    if v > 0 && nom > 0 { width = v.squareRoot() / nom } else { masked = true }
                }
                if masked {
                    // pyhf keeps a masked gamma in the parameter vector, fixed at 1, with a constraint that only adds a
                    // constant (Poisson(1 | gamma) for shapesys, N(1 | gamma, 1) for staterror): same here, so that
                    // parameter lists and twice_nll agree with pyhf. It acts on no bin (its modifier entry is nil).
                    parameters.append(Parameter("\(name)[\(k)]", initial: 1, lower: 1e-10, upper: 10, isFixed: true))
                    let p = parameters.count - 1
                    constraints.append(set.kind == .poisson ? .poisson(parameter: p, auxIndex: aux.count, tau: 1)
                                                            : .gaussian(parameter: p, auxIndex: aux.count, sigma: 1))
                    aux.append(1)
                    idx.append(nil)
                    continue
                }
                let pname = perBin ? "\(name)[\(k)]" : name
                let initValue = inits.map { $0.count > k ? $0[k] : set.start } ?? set.start
                let b = bounds.flatMap { $0.count > k && $0[k].count == 2 ? ($0[k][0], $0[k][1]) : nil } ?? set.bounds
                guard b.0 < b.1 else { throw NeymanError.invalid("bounds of '\(pname)' are not increasing", key: "measurements.config.parameters.\(name)") }
                parameters.append(Parameter(pname, initial: initValue, lower: b.0, upper: b.1, isFixed: fixed))
                let p = parameters.count - 1
                idx.append(p)
                switch set.kind {
                case .free: break
                case .gaussian:
                    let centre: Double = set.staterrorVar.isEmpty ? 0 : 1
                    constraints.append(.gaussian(parameter: p, auxIndex: aux.count, sigma: width))
                    aux.append(numbers(o?["auxdata"]).flatMap { $0.count > k ? $0[k] : nil } ?? centre)
                case .poisson:
                    constraints.append(.poisson(parameter: p, auxIndex: aux.count, tau: width))
                    aux.append(width)
                case .lumi:
                    guard let sigma = numbers(o?["sigmas"])?.first, sigma > 0 else {
                        throw NeymanError.invalid("lumi modifier '\(name)' needs 'sigmas' in the measurement config",
                                                  key: "measurements.config.parameters.\(name).sigmas")
                    }
                    let centre = numbers(o?["auxdata"])?.first ?? 1
                    constraints.append(.gaussian(parameter: p, auxIndex: aux.count, sigma: sigma))
                    aux.append(centre)
                    if inits == nil { parameters[p].initial = centre }
                }
            }
            index[name] = idx
        }
        guard let poiIndex = index[poiName]?.first ?? nil else {
            throw NeymanError.invalid("the parameter of interest '\(poiName)' has no active parameter", key: "measurements.config.poi")
        }

        // Samples with modifiers, spread over the whole bin range (zero outside their channel).
        var samples: [BinnedModel.Sample] = []
        for c in raw {
            let ch = channels.first { $0.name == c.name }!
            for s in c.samples {
                var nominal = [Double](repeating: 0, count: nBins)
                for k in 0..<c.bins { nominal[ch.bins.lowerBound + k] = s.data[k] }
                var mods: [BinnedModel.Modifier] = []
                for m in s.modifiers {
                    let name = m["name"] as? String ?? "", type = m["type"] as? String ?? ""
                    let idx = index[name] ?? []
                    let key = "channels.\(c.name).samples.\(s.name).modifiers.\(name)"
                    switch type {
                    case "normfactor", "lumi":
                        guard let p = idx.first ?? nil else { continue }
                        mods.append(type == "lumi" ? .lumi(parameter: p) : .normfactor(parameter: p))
                    case "normsys":
                        guard let p = idx.first ?? nil else { continue }
                        guard let d = m["data"] as? [String: Any], let hi = (d["hi"] as? NSNumber)?.doubleValue,
                              let lo = (d["lo"] as? NSNumber)?.doubleValue, let interp = NormsysInterpolation(hi: hi, lo: lo) else {
                            throw NeymanError.invalid("normsys needs positive 'hi' and 'lo'", key: key)
                        }
                        mods.append(.normsys(parameter: p, interpolation: interp))
                    case "histosys":
                        guard let p = idx.first ?? nil else { continue }
                        guard let d = m["data"] as? [String: Any], let hi = numbers(d["hi_data"]), let lo = numbers(d["lo_data"]),
                              hi.count == c.bins, lo.count == c.bins else {
                            throw NeymanError.invalid("histosys needs 'hi_data' and 'lo_data' with one value per bin", key: key)
                        }
                        var up = nominal, down = nominal
                        for k in 0..<c.bins { up[ch.bins.lowerBound + k] = hi[k]; down[ch.bins.lowerBound + k] = lo[k] }
                        mods.append(.histosys(parameter: p, up: up, down: down))
                    case "shapesys", "staterror", "shapefactor":
                        var per = [Int?](repeating: nil, count: nBins)
                        for b in ch.bins where b < idx.count { per[b] = idx[b] }
                        if type == "shapesys" {
                            // A shapesys acts only on the bins of this sample where it has an uncertainty.
                            let d = numbers(m["data"]) ?? []
                            for k in 0..<c.bins where !(k < d.count && d[k] > 0 && s.data[k] > 0) { per[ch.bins.lowerBound + k] = nil }
                        }
                        mods.append(.perBin(parameters: per))
                    default: break
                    }
                }
                samples.append(.init(name: "\(c.name)/\(s.name)", nominal: nominal, modifiers: mods))
            }
        }
        let model = try BinnedModel(channels: channels, samples: samples, parameters: parameters, poiIndex: poiIndex,
                                    constraints: constraints, nominalAuxiliary: aux)
        let d = BinnedData(main: observed, auxiliary: aux)
        try model.validate(d)
        return HistFactoryWorkspace(model: model, data: d, measurement: measurementName)
    }

    private static func numbers(_ any: Any?) -> [Double]? {
        guard let arr = any as? [Any] else { return nil }
        var out: [Double] = []
        for v in arr {
            guard let n = v as? NSNumber else { return nil }
            out.append(n.doubleValue)
        }
        return out
    }
}
