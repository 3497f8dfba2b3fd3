import Foundation
import NeymanReport

/// The report of ``ClassifierReweightingStudy``: the closure table, the histograms of x and y − x, and the ratio of
/// each method's reweighted nominal to the varied sample in every variable.
struct ClassifierReweightingReport {
    let study: ClassifierReweightingStudy
    let methods: [String]
    let aucAfter: [Double]
    let chi2: [String: [String: Double]]
    let effectiveN: [Double]
    let correlation: Double
    let foldAUC: [Double]
    let histograms: [(edges: [Double], target: [Double], targetError: [Double], byMethod: [String: (h: [Double], e: [Double])])]

    static let labels = ["none": "no reweighting", "histogram_x": "histogram ratio in x", "histogram_xy": "histogram ratio in (x, y)",
                         "classifier": "classifier in (x, y, z)", "exact": "exact density ratio"]
    static let axisLabels = ["x", "y", "z", "y − x"]

    func html() -> HTMLReport {
        var r = HTMLReport(title: "")
        let n = study.nominal, v = study.varied
        func describe(_ s: ClassifierReweightingStudy.Simulation) -> String {
            "x ~ N(\(fmt(s.mean[0])), \(fmt(s.width[0]))), y = \(fmt(s.coupling)) x + N(\(fmt(s.mean[1])), \(fmt(s.width[1]))), "
                + "z ~ N(\(fmt(s.mean[2])), \(fmt(s.width[2])))"
        }
        r.paragraph("Nominal simulation: \(describe(n)). Varied simulation: \(describe(v)). \(study.events) events in each of "
                    + "three samples: the nominal one that is reweighted, a varied one the reweightings learn from, and an "
                    + "independent varied one for closure. The classifier (\(study.classifier.hidden.map(String.init).joined(separator: " × ")) "
                    + "ReLU, \(study.classifier.folds) folds) separated the samples with held-out AUC "
                    + foldAUC.map { fmt($0) }.joined(separator: ", ") + "; its weights correlate with the exact ratio's at "
                    + "\(fmt(correlation)). A change of the coupling of y to x moves y only through its correlation with x, "
                    + "so reweighting x alone cannot repair y; reweighting (x, y) cannot repair z.")
        let rows: [[String]] = methods.enumerated().map { k, m in
            [Self.labels[m] ?? m] + ClassifierReweightingStudy.variables.map { fmt(chi2[m]?[$0] ?? .nan) }
                + [fmt(aucAfter[k]), fmt(effectiveN[k])]
        }
        r.table(headers: ["method"] + Self.axisLabels.map { "χ²/bin in \($0)" } + ["AUC after", "effective n"], rows: rows,
                caption: "Closure against the independent varied sample. χ²/bin: the reweighted nominal histogram against the varied "
                    + "one (\(study.plotBins) bins over ±4σ; 1 is closure within the samples' statistics). AUC after: a fresh "
                    + "classifier trained to tell the reweighted nominal sample from the varied one, held out (0.5: they cannot "
                    + "be told apart in any dimension).")
        for (k, h) in histograms.enumerated() where k == 0 || k == 3 {
            var p = Plot(title: "Closure in \(Self.axisLabels[k])", xLabel: Self.axisLabels[k], yLabel: "events per bin")
            p.legend = .topRight
            let centres = (0..<(h.edges.count - 1)).map { 0.5 * (h.edges[$0] + h.edges[$0 + 1]) }
            p.add(.histogram("nominal", edges: h.edges, contents: h.byMethod["none"]?.h ?? [], color: "#999999", dashed: true))
            p.add(.histogram("nominal, histogram ratio in x", edges: h.edges, contents: h.byMethod["histogram_x"]?.h ?? [], color: "#E69F00"))
            p.add(.histogram("nominal, classifier", edges: h.edges, contents: h.byMethod["classifier"]?.h ?? [], color: "#0072B2"))
            p.add(.points("varied (independent sample)", x: centres, y: h.target, yError: h.targetError, color: "#000000"))
            r.figure(p, caption: "The \(Self.axisLabels[k]) distribution: the varied sample (points), the nominal one before and after reweighting.")
        }
        let colors = ["none": "#999999", "histogram_x": "#E69F00", "histogram_xy": "#009E73", "classifier": "#0072B2", "exact": "#CC79A7"]
        for (k, h) in histograms.enumerated() {
            var p = Plot(title: "Reweighted nominal / varied in \(Self.axisLabels[k])", xLabel: Self.axisLabels[k], yLabel: "ratio to the varied sample")
            p.legend = .topLeft
            p.yRange = 0.6...1.4
            let centres = (0..<(h.edges.count - 1)).map { 0.5 * (h.edges[$0] + h.edges[$0 + 1]) }
            let keep = centres.indices.filter { h.target[$0] >= 100 }
            for m in methods {
                guard let c = h.byMethod[m] else { continue }
                let ratio = keep.map { c.h[$0] / h.target[$0] }
                let error = keep.map { b -> Double in
                    let a = c.h[b] > 0 ? c.e[b] / c.h[b] : 0, t = h.targetError[b] / h.target[b]
                    return c.h[b] / h.target[b] * (a * a + t * t).squareRoot()
                }
                p.add(m == "exact" || m == "none" ? .line(Self.labels[m] ?? m, x: keep.map { centres[$0] }, y: ratio, color: colors[m], dashed: m == "none")
                                                   : .points(Self.labels[m] ?? m, x: keep.map { centres[$0] }, y: ratio, yError: error, color: colors[m]))
            }
            p.add(.horizontal(1))
            r.figure(p, caption: "Ratio of the reweighted nominal histogram to the varied one in \(Self.axisLabels[k]) (bins with at least 100 "
                        + "varied events; errors from both samples' statistics).")
        }
        return r
    }
}
