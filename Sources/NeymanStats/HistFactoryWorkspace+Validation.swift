import Foundation
import NeymanCore

/// The semantic rules a workspace must meet beyond pyhf's JSON schema, each error naming the JSON path.
///
/// pyhf checks some of these when it builds a model (a sample's bin count against its channel's, the parameter of
/// interest declared by a modifier, one parameter config per name, config arrays of the right length, modifier
/// names reused only with compatible settings); the others close holes where pyhf or an older Neyman silently gave
/// a wrong or empty answer (a second channel of the same name, negative uncertainties, negative expected rates).
extension HistFactoryWorkspace {
    /// The checks that need no measurement: names, bin counts, signs of observations and uncertainties, `normsys`
    /// factors, modifier names reused by compatible types (the same type, or `normsys` with `histosys`, which
    /// pyhf lets share one parameter), one observation per channel.
    static func validateStructure(_ spec: HistFactorySpec) throws {
        let root = JSONPath()
        try requireUnique(spec.channels.map(\.name), what: "channel", at: root.appending(key: "channels"))
        var firstUse: [String: (type: HistFactorySpec.ModifierType, path: JSONPath)] = [:]
        for (ci, c) in spec.channels.enumerated() {
            let cp = root.appending(key: "channels").appending(index: ci)
            try requireUnique(c.samples.map(\.name), what: "sample", at: cp.appending(key: "samples"))
            let bins = c.samples[0].data.count
            for (si, s) in c.samples.enumerated() {
                let sp = cp.appending(key: "samples").appending(index: si)
                guard s.data.count == bins else {
                    throw invalid("sample \(q(s.name)) has \(s.data.count) bins, the first sample of channel \(q(c.name)) has \(bins)",
                                  sp.appending(key: "data"))
                }
                if let k = s.data.firstIndex(where: { !$0.isFinite }) {
                    throw invalid("a yield must be a finite number", sp.appending(key: "data").appending(index: k))
                }
                var seen = Set<String>()
                for (mi, m) in s.modifiers.enumerated() {
                    let mp = sp.appending(key: "modifiers").appending(index: mi)
                    guard seen.insert(m.type.rawValue + "/" + m.name).inserted else {
                        throw invalid("sample \(q(s.name)) has two \(m.type.rawValue) modifiers named \(q(m.name))", mp.appending(key: "name"))
                    }
                    if let (t, p) = firstUse[m.name] {
                        let compatible = t == m.type || (Set([t, m.type]) == [.normsys, .histosys])
                        guard compatible else {
                            throw invalid("the modifier name \(q(m.name)) is used by a \(m.type.rawValue) here and by a \(t.rawValue) at \(p); "
                                          + "one name can only be shared by modifiers of the same type (or normsys with histosys)",
                                          mp.appending(key: "type"))
                        }
                    } else {
                        firstUse[m.name] = (m.type, mp)
                    }
                    try checkModifierData(m, bins: bins, at: mp.appending(key: "data"))
                }
            }
        }

        try requireUnique(spec.observations.map(\.name), what: "observation", at: root.appending(key: "observations"))
        for (oi, o) in spec.observations.enumerated() {
            let op = root.appending(key: "observations").appending(index: oi)
            guard let c = spec.channels.first(where: { $0.name == o.name }) else {
                throw invalid("the observation \(q(o.name)) is not of any channel (channels: "
                              + spec.channels.map { q($0.name) }.joined(separator: ", ") + ")", op.appending(key: "name"))
            }
            guard o.data.count == c.samples[0].data.count else {
                throw invalid("observation of \(q(o.name)) has \(o.data.count) bins, the channel has \(c.samples[0].data.count)",
                              op.appending(key: "data"))
            }
            if let k = o.data.firstIndex(where: { !($0.isFinite && $0 >= 0) }) {
                throw invalid("an observed count must be a number >= 0, found \(o.data[k])", op.appending(key: "data").appending(index: k))
            }
        }
        for (ci, c) in spec.channels.enumerated() where !spec.observations.contains(where: { $0.name == c.name }) {
            throw invalid("no observation for channel \(q(c.name))", root.appending(key: "channels").appending(index: ci).appending(key: "name"))
        }

        try requireUnique(spec.measurements.map(\.name), what: "measurement", at: root.appending(key: "measurements"))
        for (mi, m) in spec.measurements.enumerated() {
            let pp = root.appending(key: "measurements").appending(index: mi).appending(key: "config").appending(key: "parameters")
            try requireUnique(m.config.parameters.map(\.name), what: "parameter config", at: pp)
        }
    }

    /// `normsys` factors positive and finite; `histosys` templates and `shapesys` / `staterror` uncertainties with
    /// one finite value per bin, uncertainties `>= 0`.
    private static func checkModifierData(_ m: HistFactorySpec.Modifier, bins: Int, at dp: JSONPath) throws {
        switch m.data {
        case .none: break
        case .normsys(let hi, let lo):
            for (key, v) in [("hi", hi), ("lo", lo)] where !(v > 0 && v.isFinite) {
                throw invalid("a normsys factor is a relative yield and must be > 0, found \(v)", dp.appending(key: key))
            }
        case .histosys(let hi, let lo):
            for (key, t) in [("hi_data", hi), ("lo_data", lo)] {
                guard t.count == bins else {
                    throw invalid("histosys \(q(m.name)) has \(t.count) values, the channel has \(bins) bins", dp.appending(key: key))
                }
                if let k = t.firstIndex(where: { !$0.isFinite }) {
                    throw invalid("a yield must be a finite number", dp.appending(key: key).appending(index: k))
                }
            }
        case .uncertainties(let u):
            guard u.count == bins else {
                throw invalid("\(m.type.rawValue) \(q(m.name)) has \(u.count) uncertainties, the channel has \(bins) bins", dp)
            }
            if let k = u.firstIndex(where: { !($0.isFinite && $0 >= 0) }) {
                throw invalid("a \(m.type.rawValue) uncertainty must be a number >= 0, found \(u[k])", dp.appending(index: k))
            }
        }
    }

    /// A measurement's settings for one set of parameters, against what pyhf's modifier of that type supports:
    /// only the attributes the type uses, arrays of one entry per parameter (`count`), bounds pairs `[lower, upper]`
    /// with `lower < upper`, positive `sigmas`.
    static func checkParameterConfig(_ p: HistFactorySpec.ParameterConfig, type: HistFactorySpec.ModifierType,
                                     count: Int, at pp: JSONPath) throws {
        var supported: Set<String> = ["inits", "bounds", "fixed"]
        switch type {
        case .normsys, .histosys, .staterror: supported.insert("auxdata")
        case .lumi: supported.formUnion(["auxdata", "sigmas"])
        case .normfactor, .shapefactor, .shapesys: break
        }
        let given: [(String, [Double]?)] = [("inits", p.inits), ("auxdata", p.auxdata), ("factors", p.factors), ("sigmas", p.sigmas)]
        for (key, values) in given {
            guard let values else { continue }
            guard supported.contains(key) else {
                throw invalid("\(q(p.name)) is a \(type.rawValue) modifier, which does not use '\(key)'", pp.appending(key: key))
            }
            guard values.count == count else {
                throw invalid("'\(key)' of \(q(p.name)) has \(values.count) values; the \(type.rawValue) has \(count) parameter\(count == 1 ? "" : "s")",
                              pp.appending(key: key))
            }
        }
        if let b = p.bounds {
            guard b.count == count else {
                throw invalid("'bounds' of \(q(p.name)) has \(b.count) pairs; the \(type.rawValue) has \(count) parameter\(count == 1 ? "" : "s")",
                              pp.appending(key: "bounds"))
            }
            for (k, pair) in b.enumerated() {
                let bp = pp.appending(key: "bounds").appending(index: k)
                guard pair.count == 2 else { throw invalid("a bound is a pair [lower, upper], found \(pair.count) numbers", bp) }
                guard pair[0] < pair[1] else { throw invalid("the lower bound \(pair[0]) is not below the upper bound \(pair[1])", bp) }
            }
        }
        if let s = p.sigmas, let k = s.firstIndex(where: { !($0 > 0) }) {
            throw invalid("a constraint width must be > 0, found \(s[k])", pp.appending(key: "sigmas").appending(index: k))
        }
    }

    /// Expected rates at the initial parameter values must be finite and `>= 0` in every bin, `> 0` where events
    /// are observed (else `ln L = -inf` at the start of every fit), and not zero in every bin of a channel (a channel
    /// that expects nothing makes every result empty). With the parameter of interest at 0 (when its bounds allow
    /// it: the background-only hypothesis), rates must still be `>= 0`; for a `normfactor` POI the rate is linear in
    /// it, so this covers every value between 0 and the initial one.
    static func validateRates(_ spec: HistFactorySpec, _ built: BuiltWorkspace) throws {
        let model = built.model
        let theta = model.initialValues
        let poi = model.parameters[model.poiIndex]
        var points: [(theta: [Double], words: String)] = [(theta, "at the initial parameter values")]
        if poi.lower <= 0 && poi.upper >= 0 && theta[model.poiIndex] != 0 {
            var t0 = theta
            t0[model.poiIndex] = 0
            points.append((t0, "with \(q(poi.name)) = 0 (background only)"))
        }
        for (pointIndex, point) in points.enumerated() {
            let rate = model.expectedMain(point.theta)
            for (position, channel) in model.channels.enumerated() {
                let ci = built.channelIndex[position]
                let cp = JSONPath().appending(key: "channels").appending(index: ci)
                let specChannel = spec.channels[ci]
                for b in channel.bins {
                    let k = b - channel.bins.lowerBound
                    let lambda = rate[b]
                    guard lambda.isFinite && lambda >= 0 else {
                        // Point at the sample with the most negative (or largest) yield in that bin.
                        let yields = specChannel.samples.map { $0.data[k] }
                        let si = lambda.isFinite ? yields.indices.min { yields[$0] < yields[$1] } : yields.indices.max { abs(yields[$0]) < abs(yields[$1]) }
                        let at = si.map { cp.appending(key: "samples").appending(index: $0).appending(key: "data").appending(index: k) } ?? cp
                        throw invalid("the expected rate in bin \(k) of channel \(q(specChannel.name)) is \(lambda) \(point.words); "
                                      + "it must be a finite number >= 0 (the samples' yields there: "
                                      + yields.map { "\($0)" }.joined(separator: ", ") + ")", at)
                    }
                    if pointIndex == 0 && lambda == 0 && built.data.main[b] > 0 {
                        let op = JSONPath().appending(key: "observations").appending(index: built.observationIndex[position])
                        throw invalid("\(built.data.main[b]) events are observed in bin \(k) of channel \(q(specChannel.name)) but the model "
                                      + "expects none there \(point.words)", op.appending(key: "data").appending(index: k))
                    }
                }
                if pointIndex == 0 && channel.bins.allSatisfy({ rate[$0] == 0 }) {
                    throw invalid("channel \(q(specChannel.name)) expects no events in any bin \(point.words) (all yields are zero)",
                                  cp.appending(key: "samples"))
                }
            }
        }
    }

    /// Throws at `path[k]` (`k` the second occurrence) when a name appears twice.
    private static func requireUnique(_ names: [String], what: String, at path: JSONPath) throws {
        var seen: [String: Int] = [:]
        for (k, n) in names.enumerated() {
            if let first = seen[n] {
                throw invalid("two \(what)s are named \(q(n)) (also at \(path.appending(index: first)))",
                              path.appending(index: k).appending(key: "name"))
            }
            seen[n] = k
        }
    }

    static func invalid(_ message: String, _ path: JSONPath) -> NeymanError {
        NeymanError.invalid(message, key: path.description)
    }

    static func q(_ name: String) -> String { JSONValueQuoting.name(name) }
}
