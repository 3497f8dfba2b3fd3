import Foundation
import NeymanCore
import NeymanHEP
import NeymanReport
import NeymanStats

extension MuonIsolationStudy {
    typealias ConeCurve = [(n: Int, plain: Trained, withSum: Trained)]

    /// `results.json`, the tables and the report section.
    func report(features: MuonFeatures, sets: [[Int]], curve: ConeCurve, cells: [Trained],
                search: (steps: [SearchStep], final: Trained)) throws -> StudyResult {
        let radii = features.radii
        let byName = Dictionary(uniqueKeysWithValues: (curve.flatMap { [$0.plain, $0.withSum] } + cells).map { ($0.name, $0) })
        func net(_ name: String) -> Trained? { byName[name] }
        let final = search.final
        // `cones_18` is the key the issue names; with `[cones] max` below 18 it holds the largest set.
        let keys: [(String, Trained)] = [("single_cone", curve[0].plain), ("cones_2", curve[1].plain), ("cones_10", curve[9].plain),
                                         ("cones_18", curve[curve.count - 1].plain), ("cones_10_sumpt", curve[9].withSum),
                                         ("cones_sumpt_efps", final)] + cells.map { ($0.name, $0) }
        func object(_ value: (Trained) -> Double) -> JSONValue { .object(keys.map { ($0.0, .number(value($0.1))) }) }
        func stepJSON(_ s: SearchStep) -> JSONValue {
            .object([("space", .string(s.space)), ("graph", .string(s.efp.graph.description)), ("nodes", .integer(s.efp.graph.nodeCount)),
                     ("edges", .integer(s.efp.graph.edgeCount)), ("kappa", .number(s.efp.kappa)), ("beta", .number(s.efp.beta)),
                     ("auc", .number(s.network.result.auc)), ("auc_error", .number(s.network.result.aucError)),
                     ("ado", .number(s.network.ado)), ("ado_disordered_pairs", .number(s.disorderedADO)),
                     ("disordered_pairs", .integer(s.disorderedPairs)), ("kept", .bool(s.kept))])
        }
        let prompt = features.labels.filter { $0 == 1 }.count
        let results: [(String, JSONValue)] = [
            ("sample", .object([("generator", .string(source.generator.rawValue)), ("muons", .integer(features.count)),
                                ("prompt", .integer(prompt)), ("non_prompt", .integer(features.count - prompt)),
                                ("max_cells", .integer(maxCells)), ("folds", .integer(folds)),
                                ("charged_pileup", .string(source.removeChargedPileup ? "removed" : "kept")),
                                ("pfn_inputs", .string(pfnInputs.rawValue))])),
            ("auc", object { $0.result.auc }), ("auc_error", object { $0.result.aucError }), ("ado_pfn", object { $0.ado }),
            ("auc_folds", .object(keys.map { ($0.0, .array($0.1.result.foldAUCs.map { .number($0) })) })),
            ("inputs", .object(keys.map { ($0.0, .integer($0.1.inputs)) })),
            ("parameters", .object(keys.map { ($0.0, .integer($0.1.parameters)) })),
            ("cone_sets", .array(sets.map { s in .array(s.map { .number(radii[$0]) }) })),
            ("guided_search", .array(search.steps.map(stepJSON))),
        ]
        let table = StudyTable(name: "cone_curve", columns: [
            ("cones", curve.map { Double($0.n) }), ("auc", curve.map { $0.plain.result.auc }), ("auc_error", curve.map { $0.plain.result.aucError }),
            ("auc_sumpt", curve.map { $0.withSum.result.auc }), ("auc_sumpt_error", curve.map { $0.withSum.result.aucError }),
            ("ado_pfn", curve.map { $0.plain.ado }), ("ado_pfn_sumpt", curve.map { $0.withSum.ado }),
        ])

        var report = HTMLReport(title: "Muon isolation")
        report.paragraph("\(features.count) muons from the \(source.generator == .builtin ? "built-in generator" : "Pythia 8 sample") "
                         + "(\(prompt) prompt, \(features.count - prompt) non-prompt), pT 10-15 GeV, with the (pT, η) flattening "
                         + "weights in every training and AUC. Each network is trained \(folds) times (stratified \(folds)-fold, its "
                         + "own initialisation per fold): AUC = mean over the held-out folds ± the standard error of that mean; "
                         + "ADO[PFN] = the ADO with the PFN's held-out scores within each fold, averaged. The paper's numbers "
                         + "(Pythia + Delphes, 1.5M muons) are in docs/formulas.md §8; this run reproduces the ordering, not the values.")
        // Table 1.
        var rows: [[String]] = []
        let order: [(String, Trained?)] = [("Single iso cone", net("single_cone")), ("10 iso cones", curve[9].plain),
                                           ("10 iso cones, Σ pT", curve[9].withSum), (final.label, final)]
            + cells.map { ($0.label, $0) }
        for (label, t) in order {
            guard let t else { continue }
            rows.append([label, "\(t.inputs)", "\(fmt(t.result.auc, 4)) ± \(fmt(t.result.aucError, 4))", fmt(t.ado, 3), "\(t.parameters)"])
        }
        report.table(headers: ["method", "inputs", "AUC", "ADO [PFN]", "parameters"], rows: rows,
                     caption: "The muon paper's table 1 from this run. The cone sets are the greedy ones below; the EFPs are the guided search's.")
        // Fig. 2.
        let means = features.meanImages()
        var images = HeatmapPanel(panels: [HeatmapPanel.Panel(title: "prompt", values: means.prompt),
                                           HeatmapPanel.Panel(title: "non-prompt", values: means.nonPrompt)],
                                  size: CalorimeterImage.size, lower: -CalorimeterImage.halfWidth, upper: CalorimeterImage.halfWidth,
                                  xLabel: "Δφ", yLabel: "Δη", colorLabel: "mean E_T [GeV]")
        images.dynamicRange = 1
        report.figure(images, caption: "Mean calorimeter image of prompt and non-prompt muons (the paper's fig. 2; flattening-weighted, "
                      + "log colour scale over one decade).")
        // Fig. 3.
        var conePlot = Plot(title: "AUC against the number of isolation cones", xLabel: "number of cones (greedy set)", yLabel: "AUC")
        let ns = curve.map { Double($0.n) }
        // The legend goes in headroom above every line (the reference lines can sit anywhere against the curves).
        let lows = curve.flatMap { [$0.plain.result.auc - $0.plain.result.aucError, $0.withSum.result.auc - $0.withSum.result.aucError] }
            + (cells + [final]).map(\.result.auc)
        let highs = curve.flatMap { [$0.plain.result.auc + $0.plain.result.aucError, $0.withSum.result.auc + $0.withSum.result.aucError] }
            + (cells + [final]).map(\.result.auc)
        if let lo = lows.filter(\.isFinite).min(), let hi = highs.filter(\.isFinite).max(), hi > lo {
            let span = hi - lo
            conePlot.yRange = (lo - 0.05 * span)...(hi + 0.6 * span)
            conePlot.legend = .topRight
        } else {
            conePlot.legend = .bottomRight
        }
        conePlot.add(PlotSeries(name: "cones", style: .line, x: ns, y: curve.map { $0.plain.result.auc }, yError: curve.map { $0.plain.result.aucError }))
        conePlot.add(PlotSeries(name: "cones + Σ pT", style: .line, x: ns, y: curve.map { $0.withSum.result.auc },
                                yError: curve.map { $0.withSum.result.aucError }))
        for t in cells + [final] {
            conePlot.add(PlotSeries(name: "\(t.label): \(fmt(t.result.auc, 3))", style: .line, x: [1, ns.last ?? 18],
                                    y: [t.result.auc, t.result.auc], dashed: true))
        }
        report.figure(conePlot, caption: "AUC of the isolation networks on the best n cones (the paper's fig. 3), with and without Σ pT, "
                      + "error bars the k-fold standard errors; dashed: the networks on the cells and the cones + EFPs of the search.")
        // Fig. 4.
        var roc = Plot(title: "Background rejection against signal efficiency", xLabel: "prompt-muon efficiency ε_S",
                       yLabel: "non-prompt rejection 1/ε_B")
        roc.logY = true
        roc.legend = .topRight
        let isSignal = features.isSignal
        let wS = zip(features.weights, isSignal).map { $1 ? $0 : 0 }, wB = zip(features.weights, isSignal).map { $1 ? 0 : $0 }
        for t in [curve[0].plain, curve[9].withSum, final] + cells {
            let points = try ROC.curve(scores: t.result.scores, signalWeights: wS, backgroundWeights: wB)
            let kept = points.filter { $0.falsePositiveRate > 0 && $0.truePositiveRate >= 0.05 }
            let step = max(1, kept.count / 400)
            let thin = stride(from: 0, to: kept.count, by: step).map { kept[$0] }
            roc.add(PlotSeries(name: t.label, style: .line, x: thin.map(\.truePositiveRate), y: thin.map { 1 / $0.falsePositiveRate }))
        }
        report.figure(roc, caption: "Rejection of non-prompt muons against the efficiency for prompt ones (the paper's fig. 4), from the "
                      + "held-out scores of all folds pooled (each fold scored by the model that did not see it).")
        // Table 1's search rows.
        var cells2: [[HTMLReport.TableCell]] = []
        for (i, s) in search.steps.enumerated() {
            let picture = GraphPicture(nodeCount: s.efp.graph.nodeCount, edges: s.efp.graph.edges.map { ($0.a, $0.b) })
            cells2.append([.text("\(i + 1)"), .text(s.space), .svg(picture.svg()), .text(s.efp.graph.description), .text(fmt(s.efp.kappa)),
                           .text(fmt(s.efp.beta)), .text(fmt(s.disorderedADO, 3)),
                           .text("\(fmt(s.network.result.auc, 4)) ± \(fmt(s.network.result.aucError, 4))"), .text(fmt(s.network.ado, 3)),
                           .text(s.kept ? "yes" : "no (no gain)")])
        }
        report.table(headers: ["step", "space", "graph", "edges", "κ", "β", "ADO on disordered pairs", "AUC", "ADO [PFN]", "kept"],
                     cells: cells2, caption: "The guided search from 10 cones + Σ pT (AUC \(fmt(curve[9].withSum.result.auc, 4)), ADO[PFN] "
                     + "\(fmt(curve[9].withSum.ado, 3))): each step adds the EFP with the highest ADO against the PFN on the pairs the "
                     + "current network and the PFN order differently, and retrains. EFP = Σ z_i1^κ ... Π θ_kl^β over the graph's edges, "
                     + "on the image's cells.")
        let coneRows = sets.enumerated().map { n, s in ["\(n + 1)", s.map { fmt(radii[$0]) }.joined(separator: ", ")] }
        report.table(headers: ["cones", "radii R0 of the greedy set"], rows: [coneRows[0], coneRows[1], coneRows[9], coneRows[coneRows.count - 1]])
        return StudyResult(results: results, tables: [table], report: report)
    }
}
