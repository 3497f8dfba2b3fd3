import Foundation
import NeymanCore
import NeymanHEP
import NeymanNN
import NeymanReport
import NeymanStats

extension TauMuonStudy {
    /// Bin centres for plots; the overflow bin is drawn one previous-bin width above its lower edge.
    var binCentres: [Double] {
        (0..<(edges.count - 1)).map { k in
            let lo = edges[k], hi = edges[k + 1]
            return hi.isFinite ? (lo + hi) / 2 : lo + (k > 0 ? (lo - edges[k - 1]) : 10) / 2
        }
    }

    /// The results of one class of a curve: efficiency and error per bin (`null` for an empty bin).
    static func perBin(_ c: EfficiencyCurve, _ cls: TauMuonClass) -> [(String, JSONValue)] {
        let t = c.tallies(label: Double(cls.rawValue)) ?? []
        func numbers(_ v: [Double]) -> JSONValue { .array(v.map { $0.isFinite ? .number($0) : .null }) }
        return [(cls.name, numbers(t.map(\.efficiency))), ("\(cls.name)_error", numbers(t.map(\.efficiencyError))),
                ("\(cls.name)_events", .array(t.map { .integer($0.events) }))]
    }

    static func overallObject(_ c: EfficiencyCurve) -> [(String, JSONValue)] {
        TauMuonClass.allCases.flatMap { cls -> [(String, JSONValue)] in
            let t = overall(c, label: Double(cls.rawValue))
            return [("\(cls.name)_overall", t.events > 0 ? .number(t.efficiency) : .null),
                    ("\(cls.name)_overall_error", t.events > 0 ? .number(t.efficiencyError) : .null)]
        }
    }

    func report(_ outcomes: [Outcome], training: TauMuonSample) throws -> StudyResult {
        let finiteEdges = Array(edges.dropLast())
        var results: [(String, JSONValue)] = [
            ("tau_efficiency_flatness", .numberObject(outcomes.map { ($0.strategy.rawValue, Self.flatness($0.fixed).value) })),
            ("tau_efficiency_flatness_error", .numberObject(outcomes.map { ($0.strategy.rawValue, Self.flatness($0.fixed).error) })),
            ("prompt_efficiency_at_flat_working_point", .numberObject(outcomes.map { ($0.strategy.rawValue, Self.overall($0.flat, label: 0).efficiency) })),
            ("fake_efficiency_at_flat_working_point", .numberObject(outcomes.map { ($0.strategy.rawValue, Self.overall($0.flat, label: 2).efficiency) })),
            ("auc", .numberObject(outcomes.map { ($0.strategy.rawValue, $0.auc) })),
            ("working_point", .number(workingPoint)),
            ("edges", .numbers(finiteEdges)), ("overflow_bin", .bool(true)),
            ("features", .array(features.map { .string($0) })),
            ("generator", .string(source.generator.rawValue)),
            ("samples", .object(([source.training, source.evaluation] + source.others).map { s in
                (s.name, .object([("process", .string(s.process.rawValue)), ("tau", .integer(s.tau)), ("prompt", .integer(s.prompt)),
                                  ("fake", .integer(s.fake))]))
            })),
        ]
        var perStrategy: [(String, JSONValue)] = []
        for o in outcomes {
            var members: [(String, JSONValue)] = [("epochs", .integer(o.epochs)), ("auc", .number(o.auc))]
            members.append(("fixed_threshold", .object([("threshold", .number(o.fixed.thresholds[0]))]
                                                       + TauMuonClass.allCases.flatMap { Self.perBin(o.fixed, $0) } + Self.overallObject(o.fixed))))
            members.append(("flat_thresholds", .object([("thresholds", .numbers(o.flat.thresholds))]
                                                       + TauMuonClass.allCases.flatMap { Self.perBin(o.flat, $0) } + Self.overallObject(o.flat))))
            members.append(("generalisation", .object(zip(source.others, o.others).map { s, c in
                (s.name, .object(TauMuonClass.allCases.flatMap { Self.perBin(c, $0) } + Self.overallObject(c)))
            })))
            if let imp = o.importance {
                members.append(("importance", .object([("features", .array(features.map { .string($0) })), ("importance", .numbers(imp.importance)),
                                                       ("importance_error", .numbers(imp.importanceError)), ("auc", .number(imp.auc)),
                                                       ("auc_drop", .numbers(imp.meanDrop)), ("auc_drop_error", .numbers(imp.meanDropError))])))
            }
            perStrategy.append((o.strategy.rawValue, .object(members)))
        }
        results.append(("strategies", .object(perStrategy)))
        return StudyResult(results: results, tables: tables(outcomes), report: htmlReport(outcomes, training: training))
    }

    func tables(_ outcomes: [Outcome]) -> [StudyTable] {
        let lo = Array(edges.dropLast()), hi = Array(edges.dropFirst())
        var out: [StudyTable] = []
        for o in outcomes {
            var columns: [(String, [Double])] = [("pt_low", lo), ("pt_high", hi), ("threshold_flat", o.flat.thresholds)]
            for (name, c) in [("fixed", o.fixed), ("flat", o.flat)] {
                for cls in TauMuonClass.allCases {
                    let t = c.tallies(label: Double(cls.rawValue)) ?? []
                    columns += [("\(cls.name)_\(name)", t.map(\.efficiency)), ("\(cls.name)_\(name)_error", t.map(\.efficiencyError))]
                }
            }
            for (s, c) in zip(source.others, o.others) {
                for cls in TauMuonClass.allCases {
                    let t = c.tallies(label: Double(cls.rawValue)) ?? []
                    if t.count == lo.count { columns += [("\(cls.name)_\(s.name)", t.map(\.efficiency)), ("\(cls.name)_\(s.name)_error", t.map(\.efficiencyError))] }
                }
            }
            out.append(StudyTable(name: "efficiency_\(o.strategy.rawValue)", columns: columns))
        }
        let withImportance = outcomes.filter { $0.importance != nil }
        if !withImportance.isEmpty {
            var columns: [(String, [Double])] = [("feature_index", features.indices.map(Double.init))]
            for o in withImportance {
                columns += [("importance_\(o.strategy.rawValue)", o.importance?.importance ?? []),
                            ("importance_\(o.strategy.rawValue)_error", o.importance?.importanceError ?? [])]
            }
            out.append(StudyTable(name: "importance", columns: columns))
        }
        return out
    }

    /// Efficiency points of one class of a curve, for a plot.
    func series(_ name: String, _ c: EfficiencyCurve, _ cls: TauMuonClass, color: String?) -> PlotSeries {
        let t = c.tallies(label: Double(cls.rawValue)) ?? []
        let keep = t.indices.filter { t[$0].events > 0 }
        return .points(name, x: keep.map { binCentres[$0] }, y: keep.map { t[$0].efficiency }, yError: keep.map { t[$0].efficiencyError },
                       color: color)
    }

    func efficiencyPlot(_ title: String, yLabel: String) -> Plot {
        var p = Plot(title: title, xLabel: "muon p_T [GeV] (last bin: overflow)", yLabel: yLabel)
        p.xRange = 0...(binCentres.last.map { $0 + 10 } ?? 200)
        p.yRange = 0...1.05
        p.legend = .topRight
        return p
    }

    func htmlReport(_ outcomes: [Outcome], training: TauMuonSample) -> HTMLReport {
        var report = HTMLReport(title: "Tau muons")
        let colors = PlotSeries.palette
        report.paragraph("Tau muons (signal, label 1) against prompt (0) and fake (2) muons of the "
                         + (source.generator == .builtin ? "built-in generator" : "Pythia 8 samples (tools/pythia/generate_tau_muons.py)")
                         + " (docs/tau-muons.md), in kind the ATLAS prompt-vs-tau-muon talk: a network with layers \(network.layers) "
                         + "(batch normalisation: \(network.batchNorm ? "yes" : "no"), dropout \(fmt(Double(network.dropout)))) on "
                         + "\(features.joined(separator: ", ")), trained on \(training.count) t tbar muons with four strategies; "
                         + "efficiencies on \(source.evaluation.total) independent t tbar muons. Errors are binomial.")
        // The bias: pT spectra of the training classes.
        var spectra = Plot(title: "t tbar training muons: p_T by class", xLabel: "muon p_T [GeV]", yLabel: "fraction per 5 GeV")
        spectra.legend = .topRight
        let bins = 40, width = 5.0
        let e = (0...bins).map { Double($0) * width }
        for (k, cls) in [TauMuonClass.tau, .prompt, .fake].enumerated() {
            let pt = training.muons.filter { $0.truthClass == cls }.map(\.measurement.ptCB)
            var h = [Double](repeating: 0, count: bins)
            for v in pt { h[min(bins - 1, Int(v / width))] += 1 / Double(max(pt.count, 1)) }
            spectra.add(PlotSeries(name: cls.name, style: .steps, x: e, y: h, color: colors[k]))
        }
        report.figure(spectra, caption: "The training-set bias: most tau muons are soft, the hard muons are mostly prompt (the last bin holds "
                      + "the overflow). A classifier trained on this learns that a hard muon is probably prompt.")
        // Tau efficiency at one threshold, every strategy.
        var tau = efficiencyPlot("Tau efficiency at one threshold (\(fmt(workingPoint * 100)) % overall)", yLabel: "tau-muon efficiency")
        for (k, o) in outcomes.enumerated() { tau.add(series(o.strategy.title, o.fixed, .tau, color: colors[k])) }
        tau.add(.horizontal(workingPoint))
        report.figure(tau, caption: "Tau-muon efficiency per pT bin with one score threshold passing \(fmt(workingPoint * 100)) % of all t tbar "
                      + "tau muons. Flatness (largest minus smallest bin): "
                      + outcomes.map { "\($0.strategy.rawValue) \(fmt(Self.flatness($0.fixed).value, 3)) ± \(fmt(Self.flatness($0.fixed).error, 3))" }.joined(separator: ", ") + ".")
        // Background efficiencies at the pT-flat working point.
        for cls in [TauMuonClass.prompt, .fake] {
            var p = efficiencyPlot("\(cls.name.capitalized) efficiency at a p_T-flat \(fmt(workingPoint * 100)) % tau efficiency",
                                   yLabel: "\(cls.name)-muon efficiency")
            p.yRange = nil
            p.legend = .topLeft
            for (k, o) in outcomes.enumerated() { p.add(series(o.strategy.title, o.flat, cls, color: colors[k])) }
            report.figure(p, caption: "\(cls.name.capitalized)-muon efficiency per pT bin at thresholds that pass \(fmt(workingPoint * 100)) % of "
                          + "the tau muons of each bin (the talk's comparison). Over all bins: "
                          + outcomes.map { o in
                              let t = Self.overall(o.flat, label: Double(cls.rawValue))
                              return "\(o.strategy.rawValue) \(fmt(t.efficiency, 3)) ± \(fmt(t.efficiencyError, 3))"
                          }.joined(separator: ", ") + ".")
        }
        // Per strategy: the talk's efficiency plot at one threshold.
        for (k, o) in outcomes.enumerated() {
            var p = efficiencyPlot("\(o.strategy.title): efficiencies at one threshold", yLabel: "efficiency")
            for (j, cls) in [TauMuonClass.tau, .prompt, .fake].enumerated() { p.add(series(cls.name, o.fixed, cls, color: colors[j])) }
            report.figure(p, caption: "\(o.strategy.title) (strategy \(k + 1)): tau, prompt and fake efficiency per pT bin at the threshold "
                          + "\(fmt(o.fixed.thresholds[0], 4)) (\(fmt(workingPoint * 100)) % of all tau muons); \(o.epochs) epochs, AUC \(fmt(o.auc, 4)).")
        }
        // Generalisation.
        if !source.others.isEmpty {
            for o in outcomes {
                var p = efficiencyPlot("\(o.strategy.title): t tbar thresholds on other processes", yLabel: "tau-muon efficiency")
                p.add(series("t tbar", o.flat, .tau, color: colors[0]))
                for (k, (s, c)) in zip(source.others, o.others).enumerated() { p.add(series(s.process.rawValue, c, .tau, color: colors[k + 1])) }
                p.add(.horizontal(workingPoint))
                report.figure(p, caption: "\(o.strategy.title): tau-muon efficiency per pT bin with the per-bin thresholds fixed on t tbar "
                              + "(no re-tuning). Over all bins: "
                              + zip(source.others, o.others).map { s, c in
                                  let t = Self.overall(c, label: 1)
                                  return "\(s.process.rawValue) \(fmt(t.efficiency, 3)) ± \(fmt(t.efficiencyError, 3))"
                              }.joined(separator: ", ") + ".")
            }
        }
        // Importance.
        let ranked = outcomes.filter { $0.importance != nil }
        if !ranked.isEmpty {
            var p = Plot(title: "Permutation importance", xLabel: "feature (index in the table below)", yLabel: "AUC drop / mean AUC drop")
            p.legend = .topLeft
            let top = ranked.compactMap { $0.importance?.importance.max() }.max() ?? 1
            p.yRange = min(-0.2, -0.05 * top)...(1.45 * max(top, 0.1))
            p.xRange = -0.5...(Double(features.count) - 0.3)
            for (k, o) in ranked.enumerated() {
                guard let imp = o.importance else { continue }
                p.add(.points(o.strategy.title, x: features.indices.map { Double($0) + 0.1 * Double(k) }, y: imp.importance,
                              yError: imp.importanceError, color: colors[k]))
            }
            p.add(.horizontal(0))
            report.figure(p, caption: "AUC drop when one feature is shuffled across \(importanceEvents) evaluation muons (\(importanceRepeats) "
                          + "shuffles), divided by the mean drop over the features (the talk's normalisation). `random` carries no information.")
            report.table(headers: ["#", "feature"] + ranked.map(\.strategy.rawValue), rows: features.enumerated().map { j, name in
                ["\(j)", name] + ranked.map { o in o.importance.map { "\(fmt($0.importance[j], 3)) ± \(fmt($0.importanceError[j], 3))" } ?? "" }
            })
        }
        report.table(headers: ["strategy", "epochs", "AUC", "tau flatness (one threshold)", "prompt eff. (flat 50 %)", "fake eff. (flat 50 %)"],
                     rows: outcomes.map { o in
                         let f = Self.flatness(o.fixed), pr = Self.overall(o.flat, label: 0), fk = Self.overall(o.flat, label: 2)
                         return [o.strategy.rawValue, "\(o.epochs)", fmt(o.auc, 4), "\(fmt(f.value, 3)) ± \(fmt(f.error, 3))",
                                 "\(fmt(pr.efficiency, 3)) ± \(fmt(pr.efficiencyError, 3))", "\(fmt(fk.efficiency, 3)) ± \(fmt(fk.efficiencyError, 3))"]
                     }, caption: "The talk (flat sampling, Pythia/ATLAS simulation): prompt 12.5-22.5 %, fake 5-10 % at a pT-flat tau efficiency of 50 %.")
        return report
    }
}
