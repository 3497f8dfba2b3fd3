import Foundation
import NeymanCore
import NeymanReport
import NeymanSPlot
import NeymanStats

/// The report figures of the sPlot study: one pseudo-experiment's mass fit, score distributions and ROC curves, and
/// the pulls and independence p-values over all pseudo-experiments.
extension SPlotStudy {
    func massPlot(_ data: DataSet) throws -> Plot {
        try massFitPlot(masses: data.sample.mass, fit: data.fit, title: "Mass fit of one pseudo-experiment (\(events) events)")
    }

    func scorePlot(_ data: DataSet, _ sw: SWeightsResult) throws -> Plot {
        let bins = 20
        let score = data.sample.score, truth = data.sample.isSignal
        let hs = try WeightedHistogram(values: score, weights: sw.signal, bins: bins, lower: 0, upper: 1)
        let hb = try WeightedHistogram(values: score, weights: sw.background, bins: bins, lower: 0, upper: 1)
        let ts = try WeightedHistogram(values: score, weights: truth, bins: bins, lower: 0, upper: 1)
        let tb = try WeightedHistogram(values: score, weights: truth.map { 1 - $0 }, bins: bins, lower: 0, upper: 1)
        let edges = hs.edges
        let centres = (0..<bins).map { 0.5 * (edges[$0] + edges[$0 + 1]) }
        var plot = Plot(title: "Score per species: sWeights vs true labels", xLabel: "classifier score",
                        yLabel: "events per \(fmt(1 / Double(bins)))")
        plot.legend = .topRight
        let top = ([ts, tb, hs, hb].flatMap { zip($0.contents, $0.errors).map { $0 + $1 } }.max() ?? 1) * 1.45
        let bottom = min(0, [hs, hb].flatMap { zip($0.contents, $0.errors).map { $0 - $1 } }.min() ?? 0) * 1.1
        plot.yRange = bottom...top
        plot.add(.histogram("signal, true labels", edges: edges, contents: ts.contents, color: PlotSeries.palette[0]))
        plot.add(.histogram("background, true labels", edges: edges, contents: tb.contents, color: PlotSeries.palette[1]))
        plot.add(.points("signal, sWeighted", x: centres, y: hs.contents, yError: hs.errors, color: PlotSeries.palette[0]))
        plot.add(.points("background, sWeighted", x: centres, y: hb.contents, yError: hb.errors, color: PlotSeries.palette[1]))
        return plot
    }

    func rocPlot(_ data: DataSet, _ sw: SWeightsResult) throws -> Plot {
        let truth = data.sample.isSignal
        let curves = [try SWeightedROC.curve(scores: data.sample.score, sweights: sw),
                      try ROC.curve(scores: data.sample.score, signalWeights: truth, backgroundWeights: truth.map { 1 - $0 })]
        var plot = Plot(title: "ROC curve of the score", xLabel: "background efficiency (false-positive rate)",
                        yLabel: "signal efficiency (true-positive rate)")
        plot.legend = .bottomRight
        // Signed weights: the sWeighted rates may leave [0, 1]; show all of them.
        let all = curves.flatMap { $0 }
        plot.xRange = min(0, all.map { $0.falsePositiveRate }.min() ?? 0)...max(1, all.map { $0.falsePositiveRate }.max() ?? 1)
        plot.yRange = min(0, all.map { $0.truePositiveRate }.min() ?? 0)...max(1.02, all.map { $0.truePositiveRate }.max() ?? 1)
        for (k, c) in curves.enumerated() {
            let step = max(1, c.count / 400)  // thin to about 400 points for the figure
            let pts = Swift.stride(from: 0, to: c.count, by: step).map { c[$0] } + [c[c.count - 1]]
            plot.add(.line(k == 0 ? "sWeighted" : "true labels", x: pts.map { $0.falsePositiveRate }, y: pts.map { $0.truePositiveRate },
                           color: PlotSeries.palette[k == 0 ? 0 : 6], dashed: k == 1))
        }
        plot.add(.diagonal)
        return plot
    }

    func pullPlot(_ pulls: [Double]) -> Plot {
        let bins = 20, lo = -4.0, hi = 4.0, binWidth = (hi - lo) / Double(bins)
        var h = [Double](repeating: 0, count: bins)
        for p in pulls where p >= lo && p < hi { h[Int((p - lo) / binWidth)] += 1 }
        let edges = (0...bins).map { lo + binWidth * Double($0) }
        let grid = (0...200).map { lo + (hi - lo) * Double($0) / 200 }
        let gauss = grid.map { Double(pulls.count) * binWidth * exp(-0.5 * $0 * $0) / (2 * Double.pi).squareRoot() }
        var plot = Plot(title: "Pull of the sWeighted AUC over \(pulls.count) pseudo-experiments",
                        xLabel: "(AUC_sw − AUC_true) / σ_bootstrap", yLabel: "pseudo-experiments per \(fmt(binWidth))")
        plot.legend = .topRight
        plot.xRange = lo...hi
        plot.add(.histogram("pseudo-experiments", edges: edges, contents: h, errors: h.map { $0.squareRoot() }, color: PlotSeries.palette[0]))
        plot.add(.line("unit Gaussian", x: grid, y: gauss, color: PlotSeries.palette[1]))
        return plot
    }

    func pValuePlot(_ ok: [ToyResult]) -> Plot {
        let bins = 24, lo = -12.0, hi = 0.0, binWidth = (hi - lo) / Double(bins)
        func histogram(_ p: [Double]) -> [Double] {
            var h = [Double](repeating: 0, count: bins)
            for x in p {
                let l = x > 0 ? log10(x) : lo
                h[min(bins - 1, max(0, Int((l - lo) / binWidth)))] += 1
            }
            return h
        }
        let edges = (0...bins).map { lo + binWidth * Double($0) }
        var plot = Plot(title: "Independence check over \(ok.count) pseudo-experiments", xLabel: "log10 p-value",
                        yLabel: "pseudo-experiments per \(fmt(binWidth))")
        plot.legend = .topLeft
        plot.xRange = lo...hi
        plot.add(.histogram("score (independent)", edges: edges, contents: histogram(ok.map { $0.pScore }), color: PlotSeries.palette[0]))
        plot.add(.histogram("control (mean follows the mass)", edges: edges, contents: histogram(ok.map { $0.pControl }),
                            color: PlotSeries.palette[1]))
        plot.add(.vertical(log10(level)))
        return plot
    }
}
