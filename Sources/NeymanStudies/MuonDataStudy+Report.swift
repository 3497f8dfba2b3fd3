import Foundation
import NeymanCore
import NeymanReport
import NeymanSPlot
import NeymanStats

extension MuonDataStudy {
    /// `results.json`, the per-fold table and the report section (the poster's table).
    func report(rows: [NetworkOutcome], fit: SPlotFitResult, binFits: [(ptRange: ClosedRange<Double>, fit: SPlotFitResult)], eventMass: [Double], truthZ: Int, events: Int,
                regions: (m1: Int, m2: Int, f1: Double, f2: Double), effectiveM2: Double) throws -> StudyResult {
        func object(_ value: (NetworkOutcome) -> Double) -> JSONValue { .object(rows.map { ($0.key, .number(value($0))) }) }
        let mean = SampleSummary.mean, sem = SampleSummary.standardErrorOfMean
        let results: [(String, JSONValue)] = [
            ("sample", .object([("generator", .string(source.generator.rawValue)), ("events", .integer(events)),
                                ("muons", .integer(regions.m1 + regions.m2)), ("folds", .integer(folds))])),
            ("regions", .object([("m1_muons", .integer(regions.m1)), ("m2_muons", .integer(regions.m2)),
                                 ("m1_prompt_fraction_truth", .number(regions.f1)), ("m2_prompt_fraction_truth", .number(regions.f2)),
                                 ("m2_effective_size_after_reweighting", .number(effectiveM2)),
                                 ("z_window", .array([.number(zWindow.lowerBound), .number(zWindow.upperBound)]))])),
            ("mass_fit", .object([("signal_yield", .number(fit.yields.signal)), ("signal_yield_error", .number(fit.yieldErrors.signal)),
                                  ("background_yield", .number(fit.yields.background)),
                                  ("background_yield_error", .number(fit.yieldErrors.background)),
                                  ("signal_events_truth", .integer(truthZ)), ("events", .integer(events)),
                                  ("parameters", .object(zip(fit.model.parameterNames, fit.fit.values).map { ($0, .number($1)) })),
                                  ("pt_bins", .array(binFits.map { b in
                                      .object([("pt_low", .number(b.ptRange.lowerBound)), ("pt_high", .number(b.ptRange.upperBound)),
                                               ("signal_yield", .number(b.fit.yields.signal)), ("background_yield", .number(b.fit.yields.background))])
                                  }))])),
            ("auc_sweighted", object { mean($0.sweighted) }), ("auc_sweighted_error", object { sem($0.sweighted) }),
            ("auc_truth", object { mean($0.truth) }), ("auc_truth_error", object { sem($0.truth) }),
            ("auc_sweighted_minus_truth", object { mean($0.difference) }),
            ("auc_sweighted_minus_truth_error", object { sem($0.difference) }),
            ("auc_supervised", object { mean($0.supervised) }), ("auc_supervised_error", object { sem($0.supervised) }),
        ]
        var columns: [(String, [Double])] = [("fold", (0..<folds).map(Double.init))]
        for r in rows {
            columns += [("\(r.key)_sweighted", r.sweighted), ("\(r.key)_truth", r.truth), ("\(r.key)_supervised", r.supervised)]
        }
        var report = HTMLReport(title: "Muon identification in data: CWoLa and sWeighted AUCs")
        report.paragraph("\(events) dimuon events (both muons pT > 25 GeV, |η| < 2.1, 70 < m < 110 GeV): Drell-Yan Z → μμ "
                         + "(prompt) and the heavy-flavour continuum (non-prompt), from the \(source.generator == .builtin ? "built-in generator" : "Pythia 8 sample"). "
                         + "M1 = opposite sign with \(fmt(zWindow.lowerBound)) < m < \(fmt(zWindow.upperBound)) GeV (\(regions.m1) muons, "
                         + "\(fmt(100 * regions.f1, 1)) % prompt by the generator's labels); M2 = same sign, and opposite sign in the "
                         + "sidebands (\(regions.m2) muons, \(fmt(100 * regions.f2, 1)) % prompt). M2 is reweighted to M1 in (pT, η) "
                         + "(histogram ratio, \(reweightBins.pt) x \(reweightBins.eta) bins; effective size \(fmt(effectiveM2, 0))). "
                         + "Each network is trained on M1 vs M2 (CWoLa) on \(folds - 1) of \(folds) event folds and scores the held-out "
                         + "fold; AUCs are means over folds ± standard errors.")
        report.figure(try massFitPlot(masses: eventMass, fit: fit, title: "Dimuon mass fit (\(events) events)"),
                      caption: "The dimuon mass of every event, fitted with a Voigt (Z width fixed to \(fmt(zWidth)) GeV) + exponential; "
                      + "fitted Z yield \(fmt(fit.yields.signal, 0)) ± \(fmt(fit.yieldErrors.signal, 0)), true \(truthZ). "
                      + (binFits.isEmpty ? "Its sWeights are every muon's." : "The sWeights come from the same model fitted to the "
                         + "muons' pair masses in \(binFits.count) bins of muon pT (table below)."))
        if !binFits.isEmpty {
            report.table(headers: ["muon pT bin [GeV]", "muons", "Z yield (muons)", "continuum yield (muons)"],
                         rows: binFits.map { b in
                             ["\(fmt(b.ptRange.lowerBound, 1))-\(fmt(b.ptRange.upperBound, 1))", "\(b.fit.eventsInRange.count)",
                              "\(fmt(b.fit.yields.signal, 0)) ± \(fmt(b.fit.yieldErrors.signal, 0))",
                              "\(fmt(b.fit.yields.background, 0)) ± \(fmt(b.fit.yieldErrors.background, 0))"]
                         },
                         caption: "The fits behind the sWeights, in bins of muon pT (docs/muon-isolation.md: check them before trusting them).")
        }
        report.table(headers: ["network (CWoLa-trained)", "AUC, sWeighted", "AUC, true labels", "sWeighted − true", "AUC, trained on true labels"],
                     rows: rows.map { r in
                         [r.label, "\(fmt(mean(r.sweighted), 4)) ± \(fmt(sem(r.sweighted), 4))", "\(fmt(mean(r.truth), 4)) ± \(fmt(sem(r.truth), 4))",
                          "\(fmt(mean(r.difference), 4)) ± \(fmt(sem(r.difference), 4))",
                          "\(fmt(mean(r.supervised), 4)) ± \(fmt(sem(r.supervised), 4))"]
                     },
                     caption: "The poster's table: what data alone measure (sWeighted AUC) against what only the generator knows (the "
                     + "true-label AUC of the same held-out muons), and a network of the same inputs trained with the true labels.")
        var plot = Plot(title: "sWeighted against true-label AUC", xLabel: "AUC with the true labels", yLabel: "AUC with sWeights")
        plot.legend = .topLeft
        for r in rows {
            plot.add(PlotSeries(name: r.label, style: .points, x: [mean(r.truth)], y: [mean(r.sweighted)], yError: [sem(r.sweighted)]))
        }
        plot.add(.diagonal)
        report.figure(plot, caption: "Each CWoLa-trained network's sWeighted AUC (error bar: standard error over the folds) against its "
                      + "true-label AUC; on the diagonal the sWeights measure what the labels would.")
        return StudyResult(results: results, tables: [StudyTable(name: "folds", columns: columns)], report: report)
    }
}
