import Foundation
import NeymanCore

/// The parameters of a workspace: one set per modifier name, expanded to parameters with pyhf's defaults and the
/// measurement's settings, and their constraint terms.
extension HistFactoryWorkspace {
    enum SetKind { case free, gaussian, poisson, lumi }

    /// The parameters behind one modifier name.
    struct ParamSet {
        /// The type of its first use (a name shared by `normsys` and `histosys` keeps the first).
        var type: HistFactorySpec.ModifierType
        var kind: SetKind
        var count: Int
        var start: Double
        var bounds: (Double, Double)
        /// Per-bin (over the whole model) contributions for staterror / shapesys.
        var staterrorVar: [Double] = []
        var staterrorNom: [Double] = []
        var shapesysTau: [Double?] = []
        /// Bins (over the whole model) a per-bin set is attached to.
        var usedBins: Set<Int> = []
        /// The JSON path of the modifier's first use, for messages.
        var path: JSONPath

        /// One parameter per bin it touches (shapefactor in a model of several bins, shapesys, staterror).
        var isPerBin: Bool { count > 1 || !staterrorVar.isEmpty || !shapesysTau.isEmpty }
    }

    /// The parameters, and for each set name the parameter index per element (per model bin for per-bin sets,
    /// `nil` where the set does not act), the constraints and the nominal auxiliary data.
    struct Parameters {
        var parameters: [Parameter] = []
        var index: [String: [Int?]] = [:]
        var constraints: [BinnedModel.Constraint] = []
        var auxiliary: [Double] = []
    }

    /// The parameter sets of every modifier, in model order (channels and samples by name).
    static func collectParameterSets(_ placed: [PlacedChannel], nBins: Int) throws -> [String: ParamSet] {
        var sets: [String: ParamSet] = [:]
        for c in placed {
            for ps in c.samples {
                let s = ps.sample
                for (mi, m) in s.modifiers.enumerated() {
                    let mp = ps.path.appending(key: "modifiers").appending(index: mi)
                    let fresh: ParamSet
                    switch m.type {
                    case .normfactor: fresh = ParamSet(type: m.type, kind: .free, count: 1, start: 1, bounds: (0, 10), path: mp)
                    case .shapefactor: fresh = ParamSet(type: m.type, kind: .free, count: nBins, start: 1, bounds: (0, 10), path: mp)
                    case .lumi: fresh = ParamSet(type: m.type, kind: .lumi, count: 1, start: 1, bounds: (0, 10), path: mp)
                    case .normsys, .histosys: fresh = ParamSet(type: m.type, kind: .gaussian, count: 1, start: 0, bounds: (-5, 5), path: mp)
                    case .staterror:
                        fresh = ParamSet(type: m.type, kind: .gaussian, count: nBins, start: 1, bounds: (1e-10, 10),
                                         staterrorVar: [Double](repeating: 0, count: nBins),
                                         staterrorNom: [Double](repeating: 0, count: nBins), path: mp)
                    case .shapesys:
                        fresh = ParamSet(type: m.type, kind: .poisson, count: nBins, start: 1, bounds: (1e-10, 10),
                                         shapesysTau: [Double?](repeating: nil, count: nBins), path: mp)
                    }
                    var set = sets[m.name] ?? fresh
                    guard set.kind == fresh.kind, set.count == fresh.count else {
                        throw invalid("modifier \(q(m.name)) is used with incompatible types or sizes", mp.appending(key: "type"))
                    }
                    if m.type.isPerBin { set.usedBins.formUnion(c.bins) }
                    if case .uncertainties(let d) = m.data {
                        guard d.count == c.bins.count else {
                            throw invalid("\(m.type.rawValue) needs one uncertainty per bin", mp.appending(key: "data"))
                        }
                        for k in 0..<c.bins.count {
                            let b = c.bins.lowerBound + k
                            if m.type == .staterror {
                                set.staterrorVar[b] += d[k] * d[k]
                                set.staterrorNom[b] += s.data[k]
                            } else if d[k] > 0 && s.data[k] > 0 {
                                // pyhf: tau = nominal^2 / sigma^2 (in this order, for bit-identical auxiliary data).
                                let tau = (s.data[k] * s.data[k]) / (d[k] * d[k])
                                guard tau.isFinite && tau > 0 else {
                                    throw invalid("the shapesys constraint tau = (yield / uncertainty)^2 = (\(s.data[k]) / \(d[k]))^2 "
                                                  + "is not a positive finite number", mp.appending(key: "data").appending(index: k))
                                }
                                set.shapesysTau[b] = tau
                            }
                        }
                    }
                    sets[m.name] = set
                }
            }
        }
        return sets
    }

    /// Parameters in alphabetical order of the sets; per-bin sets expand to `name[k]` over the bins they touch.
    /// The measurement's settings are checked against each set (``checkParameterConfig(_:type:count:at:)``) and
    /// every initial value must lie within its bounds. Settings for names that are no modifier are ignored, as
    /// pyhf does.
    static func makeParameters(_ sets: [String: ParamSet], config: HistFactorySpec.Config, configPath: JSONPath,
                               nBins: Int) throws -> Parameters {
        var out = Parameters()
        var overrides: [String: (HistFactorySpec.ParameterConfig, JSONPath)] = [:]
        for (j, p) in config.parameters.enumerated() {
            overrides[p.name] = (p, configPath.appending(key: "parameters").appending(index: j))
        }
        for (name, set) in sets.sorted(by: { $0.key < $1.key }) {
            let perBin = set.isPerBin
            let used = set.usedBins.sorted()
            var position: [Int: Int] = [:]
            for (k, b) in used.enumerated() { position[b] = k }
            let o = overrides[name]
            if let (p, pp) = o { try checkParameterConfig(p, type: set.type, count: perBin ? used.count : 1, at: pp) }
            let inits = o?.0.inits, bounds = o?.0.bounds, fixed = o?.0.fixed ?? false
            var idx: [Int?] = []
            for e in 0..<(perBin ? nBins : 1) {
                // Per-bin sets act on the bins they are attached to, and shapesys / staterror only where the
                // uncertainty is non-zero (pyhf masks the others). k: the element's position in its set (pyhf's index).
                guard let k = perBin ? position[e] : 0 else { idx.append(nil); continue }
                var masked = false
                var width = 1.0
                if !set.shapesysTau.isEmpty {
                    if let tau = set.shapesysTau[e] { width = tau } else { masked = true }
                } else if !set.staterrorVar.isEmpty {
                    let v = set.staterrorVar[e], nom = set.staterrorNom[e]
                    if v > 0 && nom > 0 { width = v.squareRoot() / nom } else { masked = true }
                    guard masked || (width.isFinite && width > 0) else {
                        throw invalid("the staterror width sqrt(sum sigma^2) / sum nominal = sqrt(\(v)) / \(nom) in bin \(k) is not a "
                                      + "positive finite number", set.path.appending(key: "data").appending(index: k))
                    }
                }
                if masked {
                    // pyhf keeps a masked gamma in the parameter vector, fixed at 1, with a constraint that only adds a
                    // constant (Poisson(1 | gamma) for shapesys, N(1 | gamma, 1) for staterror): same here, so that
                    // parameter lists and twice_nll agree with pyhf. It acts on no bin (its modifier entry is nil).
                    out.parameters.append(Parameter("\(name)[\(k)]", initial: 1, lower: 1e-10, upper: 10, isFixed: true))
                    let p = out.parameters.count - 1
                    out.constraints.append(set.kind == .poisson ? .poisson(parameter: p, auxIndex: out.auxiliary.count, tau: 1)
                                                                : .gaussian(parameter: p, auxIndex: out.auxiliary.count, sigma: 1))
                    out.auxiliary.append(1)
                    idx.append(nil)
                    continue
                }
                let pname = perBin ? "\(name)[\(k)]" : name
                let b = bounds.map { ($0[k][0], $0[k][1]) } ?? set.bounds
                var initial = inits?[k] ?? set.start
                switch set.kind {
                case .free: break
                case .gaussian:
                    let centre: Double = set.staterrorVar.isEmpty ? 0 : 1
                    out.constraints.append(.gaussian(parameter: out.parameters.count, auxIndex: out.auxiliary.count, sigma: width))
                    out.auxiliary.append(o?.0.auxdata?[k] ?? centre)
                case .poisson:
                    out.constraints.append(.poisson(parameter: out.parameters.count, auxIndex: out.auxiliary.count, tau: width))
                    out.auxiliary.append(width)
                case .lumi:
                    guard let (p, pp) = o else {
                        throw invalid("the lumi modifier needs a parameter setting with 'sigmas' (its constraint width) in the measurement",
                                      configPath.appending(key: "parameters"))
                    }
                    guard let sigma = p.sigmas?.first else { throw invalid("the lumi modifier needs 'sigmas' (its constraint width)", pp) }
                    let centre = p.auxdata?.first ?? 1
                    out.constraints.append(.gaussian(parameter: out.parameters.count, auxIndex: out.auxiliary.count, sigma: sigma))
                    out.auxiliary.append(centre)
                    if inits == nil { initial = centre }
                }
                guard initial >= b.0 && initial <= b.1 else {
                    let at = o.map { entry -> JSONPath in
                        let (p, pp) = entry
                        return p.inits != nil ? pp.appending(key: "inits").appending(index: k)
                            : set.kind == .lumi && p.auxdata != nil ? pp.appending(key: "auxdata").appending(index: 0)
                            : pp.appending(key: "bounds").appending(index: k)
                    } ?? set.path
                    throw invalid("the initial value \(initial) of \(q(pname)) is outside its bounds [\(b.0), \(b.1)]", at)
                }
                out.parameters.append(Parameter(pname, initial: initial, lower: b.0, upper: b.1, isFixed: fixed))
                idx.append(out.parameters.count - 1)
            }
            out.index[name] = idx
        }
        return out
    }
}
