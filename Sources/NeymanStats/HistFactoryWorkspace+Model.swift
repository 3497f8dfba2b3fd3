import Foundation
import NeymanCore

/// A model built from a workspace, with the map back to the workspace's order (for messages that name JSON paths).
struct BuiltWorkspace {
    var model: BinnedModel
    var data: BinnedData
    /// For each channel of the model (name order): its index in `spec.channels`.
    var channelIndex: [Int]
    /// For each channel of the model: the index of its observation in `spec.observations`.
    var observationIndex: [Int]
}

/// Building the ``BinnedModel`` from a workspace that passed ``HistFactoryWorkspace/validateStructure(_:)``.
extension HistFactoryWorkspace {
    /// One sample in model order, with its place in the workspace.
    struct PlacedSample {
        var sample: HistFactorySpec.Sample
        var path: JSONPath
    }

    /// One channel in model order: its samples in name order and its bins in the model.
    struct PlacedChannel {
        var name: String
        var specIndex: Int
        var samples: [PlacedSample]
        var bins: Range<Int>
    }

    /// Channels in name order (pyhf's order), bins concatenated; samples of each channel in name order.
    static func placeChannels(_ spec: HistFactorySpec) -> [PlacedChannel] {
        let order = spec.channels.indices.sorted { spec.channels[$0].name < spec.channels[$1].name }
        var out: [PlacedChannel] = []
        var offset = 0
        for ci in order {
            let c = spec.channels[ci]
            let cp = JSONPath().appending(key: "channels").appending(index: ci)
            let samples = c.samples.indices.sorted { c.samples[$0].name < c.samples[$1].name }.map {
                PlacedSample(sample: c.samples[$0], path: cp.appending(key: "samples").appending(index: $0))
            }
            let bins = c.samples[0].data.count
            out.append(PlacedChannel(name: c.name, specIndex: ci, samples: samples, bins: offset..<(offset + bins)))
            offset += bins
        }
        return out
    }

    /// The model and observed data of `spec` under measurement `measurementIndex`.
    static func buildModel(_ spec: HistFactorySpec, measurementIndex mi: Int) throws -> BuiltWorkspace {
        let placed = placeChannels(spec)
        let nBins = placed.last?.bins.upperBound ?? 0
        try checkMemory(placed, nBins: nBins)

        // Observations (validated: one per channel, matching bin counts).
        var observed = [Double](repeating: .nan, count: nBins)
        var observationIndex: [Int] = []
        for c in placed {
            guard let oi = spec.observations.firstIndex(where: { $0.name == c.name }) else {
                throw invalid("no observation for channel \(q(c.name))", JSONPath().appending(key: "observations"))
            }
            observationIndex.append(oi)
            for (k, v) in spec.observations[oi].data.enumerated() where k < c.bins.count { observed[c.bins.lowerBound + k] = v }
        }

        let measurement = spec.measurements[mi]
        let configPath = JSONPath().appending(key: "measurements").appending(index: mi).appending(key: "config")
        let sets = try collectParameterSets(placed, nBins: nBins)
        let poiName = measurement.config.poi
        guard let poiSet = sets[poiName] else {
            throw invalid("the parameter of interest \(q(poiName)) is not a modifier of any sample", configPath.appending(key: "poi"))
        }
        guard !poiSet.isPerBin else {
            throw invalid("the parameter of interest \(q(poiName)) is a \(poiSet.type.rawValue) (one parameter per bin); it must be a single "
                          + "parameter (normfactor, lumi, normsys or histosys)", configPath.appending(key: "poi"))
        }
        let params = try makeParameters(sets, config: measurement.config, configPath: configPath, nBins: nBins)
        guard let poiIndex = params.index[poiName]?.first ?? nil else {
            throw invalid("the parameter of interest \(q(poiName)) has no active parameter", configPath.appending(key: "poi"))
        }

        // Samples with modifiers, spread over the whole bin range (zero outside their channel).
        var samples: [BinnedModel.Sample] = []
        for c in placed {
            for ps in c.samples {
                let s = ps.sample
                var nominal = [Double](repeating: 0, count: nBins)
                for k in 0..<c.bins.count { nominal[c.bins.lowerBound + k] = s.data[k] }
                var mods: [BinnedModel.Modifier] = []
                for (mIndex, m) in s.modifiers.enumerated() {
                    let idx = params.index[m.name] ?? []
                    let dp = ps.path.appending(key: "modifiers").appending(index: mIndex).appending(key: "data")
                    switch (m.type, m.data) {
                    case (.normfactor, _), (.lumi, _):
                        guard let p = idx.first ?? nil else { continue }
                        mods.append(m.type == .lumi ? .lumi(parameter: p) : .normfactor(parameter: p))
                    case (.normsys, .normsys(let hi, let lo)):
                        guard let p = idx.first ?? nil else { continue }
                        guard let interp = NormsysInterpolation(hi: hi, lo: lo) else {
                            throw invalid("normsys needs positive 'hi' and 'lo'", dp)
                        }
                        mods.append(.normsys(parameter: p, interpolation: interp))
                    case (.histosys, .histosys(let hi, let lo)):
                        guard let p = idx.first ?? nil else { continue }
                        var up = nominal, down = nominal
                        for k in 0..<min(c.bins.count, hi.count, lo.count) {
                            up[c.bins.lowerBound + k] = hi[k]
                            down[c.bins.lowerBound + k] = lo[k]
                        }
                        mods.append(.histosys(parameter: p, up: up, down: down))
                    case (.shapesys, _), (.staterror, _), (.shapefactor, _):
                        var per = [Int?](repeating: nil, count: nBins)
                        for b in c.bins where b < idx.count { per[b] = idx[b] }
                        if case .uncertainties(let d) = m.data, m.type == .shapesys {
                            // A shapesys acts only on the bins of this sample where it has an uncertainty.
                            for k in 0..<c.bins.count where !(k < d.count && d[k] > 0 && s.data[k] > 0) { per[c.bins.lowerBound + k] = nil }
                        }
                        mods.append(.perBin(parameters: per))
                    default:
                        throw invalid("the data do not match the modifier type \(m.type.rawValue)", dp)
                    }
                }
                samples.append(.init(name: "\(c.name)/\(s.name)", nominal: nominal, modifiers: mods))
            }
        }
        let channels = placed.map { BinnedModel.Channel(name: $0.name, bins: $0.bins) }
        let model = try BinnedModel(channels: channels, samples: samples, parameters: params.parameters, poiIndex: poiIndex,
                                    constraints: params.constraints, nominalAuxiliary: params.auxiliary)
        let d = BinnedData(main: observed, auxiliary: params.auxiliary)
        try model.validate(d)
        return BuiltWorkspace(model: model, data: d, channelIndex: placed.map(\.specIndex), observationIndex: observationIndex)
    }

    /// The model holds, per sample, `nBins` nominal yields and `nBins` entries per per-bin modifier, and two
    /// `nBins` templates per `histosys`: refuse before allocating when that cannot fit (``MemoryBudget``).
    private static func checkMemory(_ placed: [PlacedChannel], nBins: Int) throws {
        var arrays = 0
        for c in placed {
            for s in c.samples {
                arrays += 1
                for m in s.sample.modifiers {
                    if m.type == .histosys { arrays += 2 } else if m.type.isPerBin { arrays += 2 }
                }
            }
        }
        try MemoryBudget.check(bytes: MemoryBudget.product([arrays, nBins, 8]), what: "workspace",
                               description: "the workspace's \(arrays) arrays of \(nBins) bins")
    }
}
