import Foundation
import NeymanCore
import NeymanHEP
import NeymanReport
import NeymanStats

extension MuonSampleStudy {
    /// Spearman's rank correlation of two equal-length lists (ties get their mean rank).
    static func rankCorrelation(_ a: [Double], _ b: [Double]) -> Double {
        func ranks(_ x: [Double]) -> [Double] {
            let order = x.indices.sorted { x[$0] < x[$1] }
            var r = [Double](repeating: 0, count: x.count)
            var k = 0
            while k < order.count {
                var e = k
                while e + 1 < order.count && x[order[e + 1]] == x[order[k]] { e += 1 }
                for m in k...e { r[order[m]] = Double(k + e) / 2 + 1 }
                k = e + 1
            }
            return r
        }
        let ra = ranks(a), rb = ranks(b)
        let ma = SampleSummary.mean(ra), mb = SampleSummary.mean(rb)
        var num = 0.0, da = 0.0, db = 0.0
        for i in ra.indices { num += (ra[i] - ma) * (rb[i] - mb); da += (ra[i] - ma) * (ra[i] - ma); db += (rb[i] - mb) * (rb[i] - mb) }
        return da > 0 && db > 0 ? num / (da * db).squareRoot() : .nan
    }

    func report(_ summaries: [Summary], builtinRate: Double) throws -> StudyResult {
        var report = HTMLReport(title: "Muon samples")
        let radii = summaries[0].radii
        report.paragraph("Muons of pT 10-15 GeV, |η| < 2.5, with \(fmt(settings.pileupMu)) pileup interactions; prompt muons "
                         + "(signal) against non-prompt muons from b decays. "
                         + summaries.map { "\($0.name): \($0.sample.count) muons" }.joined(separator: "; ")
                         + ". AUCs use the (pT, η) flattening weights, as the paper does.")
        var images = HeatmapPanel(panels: summaries.flatMap { s in
            [HeatmapPanel.Panel(title: "\(s.name): prompt", values: s.meanImages.prompt),
             HeatmapPanel.Panel(title: "\(s.name): non-prompt", values: s.meanImages.nonPrompt)]
        }, size: CalorimeterImage.size, lower: -0.45, upper: 0.45, xLabel: "Δφ", yLabel: "Δη", colorLabel: "mean E_T [GeV]")
        images.dynamicRange = 1
        report.figure(images, caption: "Mean calorimeter image around prompt and non-prompt muons (the muon paper's fig. 2), log colour "
                      + "scale (one decade) shared by all panels. Pileup fills every image evenly; non-prompt muons add the b jet's "
                      + "core, displaced from the muon and smeared around it.")
        var auc = Plot(title: "Isolation cones: AUC against the cone radius", xLabel: "R0", yLabel: "AUC (prompt vs non-prompt)")
        auc.legend = .bottomRight
        for s in summaries {
            auc.add(PlotSeries(name: "\(s.name), cones", style: .line, x: radii, y: s.aucs))
            auc.add(PlotSeries(name: "\(s.name), PF isolation (R = 0.4)", style: .points, x: [0.4], y: [s.pfAUC]))
        }
        report.figure(auc, caption: "AUC of each isolation cone I(R0) (18 radii, from the image) and of the CMS particle-flow "
                      + "isolation. The paper's best single cone reaches 0.787.")
        var spectra = Plot(title: "Cone isolation I(0.3)", xLabel: "I(0.3) = Σ p_T(ΔR < 0.3) / p_T(μ)", yLabel: "fraction per bin")
        let bins = 40, top = 6.0
        let edges = (0...bins).map { top * Double($0) / Double(bins) }
        for s in summaries {
            for (label, values) in [("prompt", s.cone.prompt), ("non-prompt", s.cone.nonPrompt)] where !values.isEmpty {
                var h = [Double](repeating: 0, count: bins)
                for v in values { h[min(bins - 1, Int(v / top * Double(bins)))] += 1 / Double(values.count) }
                spectra.add(PlotSeries(name: "\(s.name), \(label)", style: .steps, x: edges, y: h))
            }
        }
        report.figure(spectra, caption: "Spectra of the isolation in a cone of 0.3 (the last bin holds the overflow).")
        var rows = summaries.map { s -> [String] in
            [s.name, String(s.sample.count), String(format: "%.3f", s.aucs[3]), String(format: "%.3f", s.aucs[11]),
             String(format: "%.3f", s.aucs.max() ?? .nan), String(format: "%.3f", s.pfAUC)]
        }
        if summaries.count == 2 {
            rows.append(["rank correlation of the AUC curves", "", "", "", String(format: "%.3f", Self.rankCorrelation(summaries[0].aucs, summaries[1].aucs)), ""])
        }
        report.table(headers: ["generator", "muons", "AUC I(0.1)", "AUC I(0.3)", "best cone", "AUC PF"], rows: rows)
        var results: [(String, JSONValue)] = [("cone_radii", .numbers(radii)), ("builtin_rate_per_second", .number(builtinRate))]
        for s in summaries {
            let key = s.name == "built-in" ? "builtin" : "pythia"
            results += [("auc_\(key)", .numbers(s.aucs)), ("pf_auc_\(key)", .number(s.pfAUC)), ("muons_\(key)", .integer(s.sample.count))]
        }
        if summaries.count == 2 {
            results.append(("cone_auc_rank_correlation", .number(Self.rankCorrelation(summaries[0].aucs, summaries[1].aucs))))
        }
        let tables = summaries.map { s in
            StudyTable(name: "cone_auc_\(s.name == "built-in" ? "builtin" : "pythia")", columns: [("radius", radii), ("auc", s.aucs)])
        }
        return StudyResult(results: results, tables: tables, report: report)
    }
}
