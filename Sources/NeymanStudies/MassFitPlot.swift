import Foundation
import NeymanReport
import NeymanSPlot

/// The histogram of `masses` (40 bins over the fit range, Poisson errors) with the fitted total, signal and
/// background curves, each `yield x normalised pdf x bin width` (the usual sPlot mass-fit figure).
func massFitPlot(masses: [Double], fit: SPlotFitResult, title: String) throws -> Plot {
    let range = fit.model.range
    let bins = 40
    let h = try WeightedHistogram(values: masses, weights: [Double](repeating: 1, count: masses.count), bins: bins, lower: range.lo, upper: range.hi)
    let edges = h.edges, binWidth = range.width / Double(bins)
    let centres = (0..<bins).map { 0.5 * (edges[$0] + edges[$0 + 1]) }
    let (fs, fb) = fit.normalizedPDFs
    let (ns, nb) = fit.yields
    let grid = (0...400).map { range.lo + range.width * Double($0) / 400 }
    let s = grid.map { ns * fs.value($0) * binWidth }, b = grid.map { nb * fb.value($0) * binWidth }
    var plot = Plot(title: title, xLabel: "m(μμ) [GeV]", yLabel: "events per \(fmt(binWidth)) GeV")
    plot.legend = .topLeft
    plot.xRange = range.lo...range.hi
    plot.add(.points("data", x: centres, y: h.contents, yError: h.errors, color: "#000000"))
    plot.add(.line("fit: total", x: grid, y: zip(s, b).map { $0 + $1 }, color: PlotSeries.palette[2]))
    plot.add(.line("fit: signal (\(fit.model.signal.kind))", x: grid, y: s, color: PlotSeries.palette[0], dashed: true))
    plot.add(.line("fit: background (\(fit.model.background.kind))", x: grid, y: b, color: PlotSeries.palette[1], dashed: true))
    return plot
}
