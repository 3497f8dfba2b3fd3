import Foundation

/// A 2-D plot rendered as a self-contained SVG string (no fonts, scripts or links to load): axes with "nice" ticks,
/// labels with units, a legend, and any number of ``PlotSeries`` and ``ReferenceLine``s.
///
/// The coordinate mapping is linear or logarithmic (base 10) on each axis. Non-finite points are skipped (a line is
/// broken there), and on a log axis so are values <= 0, so a curve with a gap stays honest. Ranges default to the
/// data's extent with 4 % padding (log axes: whole decades).
///
/// ```swift
/// var plot = Plot(title: "Power", xLabel: "type-I error α", yLabel: "power 1 − β")
/// plot.add(.line("optimal", x: alpha, y: power))
/// let svg = plot.svg()
/// ```
public struct Plot: Sendable {
    /// Where the legend box sits inside the plotting area.
    public enum LegendPosition: Sendable { case topLeft, topRight, bottomLeft, bottomRight, none }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    /// Fixed axis ranges; `nil` = from the data.
    public var xRange: ClosedRange<Double>?
    public var yRange: ClosedRange<Double>?
    /// Logarithmic y axis (values <= 0 are skipped).
    public var logY = false
    /// Logarithmic x axis (values <= 0 are skipped; a vertical reference line at x <= 0 is not drawn).
    public var logX = false
    public var legend: LegendPosition = .topLeft
    public var width = 640.0
    public var height = 420.0
    public private(set) var series: [PlotSeries] = []
    public private(set) var references: [ReferenceLine] = []

    public init(title: String, xLabel: String, yLabel: String) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
    }

    /// Adds a series; its colour is the next of ``PlotSeries/palette`` unless it has one.
    public mutating func add(_ s: PlotSeries) {
        var s = s
        if s.color == nil { s.color = PlotSeries.palette[series.filter { $0.style != .band }.count % PlotSeries.palette.count] }
        series.append(s)
    }

    /// Adds a dotted reference line (`x = c`, `y = c` or the diagonal `y = x`).
    public mutating func add(_ r: ReferenceLine) { references.append(r) }

    // MARK: Rendering

    private var margin: (left: Double, right: Double, top: Double, bottom: Double) { (72, 18, 34, 52) }

    /// The data extent over every series (x, and y in the plotted scale), before padding.
    private func dataExtent() -> (x: ClosedRange<Double>, y: ClosedRange<Double>) {
        var xs: [Double] = [], ys: [Double] = []
        for s in series {
            xs += s.x.filter { $0.isFinite && (!logX || $0 > 0) }
            for ySet in [s.y, s.yLow ?? [], s.yHigh ?? []] {
                for (i, v) in ySet.enumerated() {
                    let e = s.yError.map { i < $0.count ? $0[i] : 0 } ?? 0
                    for w in [v - e, v + e] where w.isFinite && (!logY || w > 0) { ys.append(w) }
                }
            }
        }
        let x = (xs.min() ?? (logX ? 1 : 0))...(xs.max() ?? (logX ? 10 : 1))
        let y = (ys.min() ?? (logY ? 1 : 0))...(ys.max() ?? (logY ? 10 : 1))
        return (x, y)
    }

    /// Renders the plot as an `<svg>` element.
    public func svg() -> String {
        let ext = dataExtent()
        let xr = xRange ?? (logX ? Plot.decades(ext.x) : Plot.padded(ext.x))
        let yr: ClosedRange<Double>
        if let fixed = yRange {
            yr = fixed
        } else if logY {
            yr = Plot.decades(ext.y)
        } else {
            yr = Plot.padded(ext.y)
        }
        let m = margin
        let pw = width - m.left - m.right, ph = height - m.top - m.bottom
        let ylo = logY ? log10(yr.lowerBound) : yr.lowerBound
        let yhi = logY ? log10(yr.upperBound) : yr.upperBound
        let xlo = logX ? log10(xr.lowerBound) : xr.lowerBound
        let xhi = logX ? log10(xr.upperBound) : xr.upperBound
        func px(_ x: Double) -> Double { m.left + ((logX ? log10(x) : x) - xlo) / (xhi - xlo) * pw }
        func py(_ y: Double) -> Double {
            let v = logY ? log10(y) : y
            return m.top + ph - (v - ylo) / (yhi - ylo) * ph
        }
        func usable(_ y: Double) -> Bool { y.isFinite && (!logY || y > 0) }
        func usableX(_ x: Double) -> Bool { x.isFinite && (!logX || x > 0) }

        var out = SVGWriter(width: width, height: height)
        out.raw("<rect x=\"0\" y=\"0\" width=\"\(f(width))\" height=\"\(f(height))\" fill=\"white\"/>")
        out.text(title, x: m.left + pw / 2, y: 20, anchor: "middle", size: 14, weight: "bold")
        // Ticks and grid.
        let xticks = logX ? Plot.logTicks(xr) : Plot.ticks(xr)
        for t in xticks {
            let x = px(t)
            out.line(x, m.top, x, m.top + ph, stroke: "#e5e5e5")
            out.line(x, m.top + ph, x, m.top + ph + 5, stroke: "#333")
            let lab = logX ? Plot.label(t, step: t) : Plot.label(t, step: xticks.count > 1 ? xticks[1] - xticks[0] : 1)
            out.text(lab, x: x, y: m.top + ph + 18, anchor: "middle", size: 11)
        }
        let yticks = logY ? Plot.logTicks(yr) : Plot.ticks(yr)
        for t in yticks {
            let y = py(t)
            out.line(m.left, y, m.left + pw, y, stroke: "#e5e5e5")
            out.line(m.left - 5, y, m.left, y, stroke: "#333")
            let lab = logY ? Plot.label(t, step: t) : Plot.label(t, step: yticks.count > 1 ? yticks[1] - yticks[0] : 1)
            out.text(lab, x: m.left - 8, y: y + 4, anchor: "end", size: 11)
        }
        out.text(xLabel, x: m.left + pw / 2, y: height - 12, anchor: "middle", size: 12)
        out.raw("<text x=\"16\" y=\"\(f(m.top + ph / 2))\" font-size=\"12\" text-anchor=\"middle\" font-family=\"sans-serif\" "
                + "transform=\"rotate(-90 16 \(f(m.top + ph / 2)))\">\(SVGWriter.escape(yLabel))</text>")
        // Clip the data to the plotting area.
        let clipID = "clip" + String(Plot.stableHash(title + xLabel + yLabel + "\(series.count)"), radix: 16)
        out.raw("<clipPath id=\"\(clipID)\"><rect x=\"\(f(m.left))\" y=\"\(f(m.top))\" width=\"\(f(pw))\" height=\"\(f(ph))\"/></clipPath>")
        out.raw("<g clip-path=\"url(#\(clipID))\">")
        for r in references {
            switch r.kind {
            case .vertical(let c) where usableX(c): out.line(px(c), m.top, px(c), m.top + ph, stroke: "#666", dash: "4 4")
            case .horizontal(let c) where usable(c): out.line(m.left, py(c), m.left + pw, py(c), stroke: "#666", dash: "4 4")
            case .diagonal: out.line(px(xr.lowerBound), py(xr.lowerBound), px(xr.upperBound), py(xr.upperBound), stroke: "#666", dash: "4 4")
            default: break
            }
        }
        for s in series {
            let color = s.color ?? "#000"
            let dash = s.dashed ? "6 4" : nil
            switch s.style {
            case .band:
                guard let lo = s.yLow, let hi = s.yHigh else { continue }
                var upper: [String] = [], lower: [String] = []
                for i in 0..<min(s.x.count, lo.count, hi.count) where usableX(s.x[i]) && usable(lo[i]) && usable(hi[i]) {
                    upper.append("\(f(px(s.x[i]))),\(f(py(hi[i])))")
                    lower.append("\(f(px(s.x[i]))),\(f(py(lo[i])))")
                }
                if !upper.isEmpty {
                    out.raw("<polygon points=\"\((upper + lower.reversed()).joined(separator: " "))\" fill=\"\(color)\" fill-opacity=\"\(f(s.opacity))\" stroke=\"none\"/>")
                }
            case .line:
                for segment in Plot.segments(s.x, s.y, usableX, usable) {
                    let pts = segment.map { "\(f(px(s.x[$0]))),\(f(py(s.y[$0])))" }.joined(separator: " ")
                    out.raw("<polyline points=\"\(pts)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"\(f(s.lineWidth))\"\(dash.map { " stroke-dasharray=\"\($0)\"" } ?? "")/>")
                }
                if let e = s.yError { out.errorBars(s, e, px, py, usableX, usable, color) }
            case .steps:
                // x holds n + 1 bin edges, y n contents.
                var pts: [String] = []
                for i in 0..<min(s.y.count, s.x.count - 1) where usable(s.y[i]) && usableX(s.x[i]) && usableX(s.x[i + 1]) {
                    pts.append("\(f(px(s.x[i]))),\(f(py(s.y[i])))")
                    pts.append("\(f(px(s.x[i + 1]))),\(f(py(s.y[i])))")
                }
                out.raw("<polyline points=\"\(pts.joined(separator: " "))\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"\(f(s.lineWidth))\"\(dash.map { " stroke-dasharray=\"\($0)\"" } ?? "")/>")
                if let e = s.yError {
                    for i in 0..<min(s.y.count, e.count, s.x.count - 1)
                    where usable(s.y[i] - e[i]) && usable(s.y[i] + e[i]) && usableX(s.x[i]) && usableX(s.x[i + 1]) {
                        let xc = logX ? px((s.x[i] * s.x[i + 1]).squareRoot()) : px(0.5 * (s.x[i] + s.x[i + 1]))
                        out.line(xc, py(s.y[i] - e[i]), xc, py(s.y[i] + e[i]), stroke: color)
                    }
                }
            case .points:
                for i in 0..<min(s.x.count, s.y.count) where usableX(s.x[i]) && usable(s.y[i]) {
                    out.raw("<circle cx=\"\(f(px(s.x[i])))\" cy=\"\(f(py(s.y[i])))\" r=\"2.6\" fill=\"\(color)\"/>")
                }
                if let e = s.yError { out.errorBars(s, e, px, py, usableX, usable, color) }
            }
        }
        out.raw("</g>")
        out.raw("<rect x=\"\(f(m.left))\" y=\"\(f(m.top))\" width=\"\(f(pw))\" height=\"\(f(ph))\" fill=\"none\" stroke=\"#333\"/>")
        drawLegend(&out, left: m.left, top: m.top, width: pw, height: ph)
        return out.finish()
    }

    private func drawLegend(_ out: inout SVGWriter, left: Double, top: Double, width pw: Double, height ph: Double) {
        let entries = series.filter { !$0.name.isEmpty }
        guard legend != .none, !entries.isEmpty else { return }
        let rowH = 16.0
        let boxW = min(pw * 0.62, 30 + 6.6 * Double(entries.map(\.name.count).max() ?? 0))
        let boxH = rowH * Double(entries.count) + 8
        let x0: Double, y0: Double
        switch legend {
        case .topLeft: (x0, y0) = (left + 8, top + 8)
        case .topRight: (x0, y0) = (left + pw - boxW - 8, top + 8)
        case .bottomLeft: (x0, y0) = (left + 8, top + ph - boxH - 8)
        default: (x0, y0) = (left + pw - boxW - 8, top + ph - boxH - 8)
        }
        out.raw("<rect x=\"\(f(x0))\" y=\"\(f(y0))\" width=\"\(f(boxW))\" height=\"\(f(boxH))\" fill=\"white\" fill-opacity=\"0.9\" stroke=\"#bbb\"/>")
        for (k, s) in entries.enumerated() {
            let y = y0 + 4 + rowH * (Double(k) + 0.5)
            let color = s.color ?? "#000"
            switch s.style {
            case .band:
                out.raw("<rect x=\"\(f(x0 + 6))\" y=\"\(f(y - 5))\" width=\"18\" height=\"10\" fill=\"\(color)\" fill-opacity=\"\(f(s.opacity))\"/>")
            case .points:
                out.raw("<circle cx=\"\(f(x0 + 15))\" cy=\"\(f(y))\" r=\"2.6\" fill=\"\(color)\"/>")
            default:
                out.line(x0 + 6, y, x0 + 24, y, stroke: color, width: s.lineWidth, dash: s.dashed ? "6 4" : nil)
            }
            out.text(s.name, x: x0 + 30, y: y + 4, anchor: "start", size: 11)
        }
    }

    // MARK: Axis helpers

    static func padded(_ r: ClosedRange<Double>) -> ClosedRange<Double> {
        let span = r.upperBound - r.lowerBound
        if span <= 0 || !span.isFinite {
            let c = r.lowerBound.isFinite ? r.lowerBound : 0
            let h = max(abs(c) * 0.1, 0.5)
            return (c - h)...(c + h)
        }
        return (r.lowerBound - 0.04 * span)...(r.upperBound + 0.04 * span)
    }

    /// Ticks at multiples of 1, 2 or 5 times a power of ten, about five across the range.
    static func ticks(_ r: ClosedRange<Double>) -> [Double] {
        let span = r.upperBound - r.lowerBound
        guard span > 0, span.isFinite else { return [r.lowerBound] }
        let raw = span / 5
        let mag = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * mag }.first { $0 >= raw } ?? 10 * mag
        var out: [Double] = []
        var k = ceil(r.lowerBound / step)
        while k * step <= r.upperBound + 1e-9 * step {
            // k * step, rounded to 12 significant digits so that 3 * 0.2 prints and compares as 0.6.
            let t = Double(String(format: "%.12g", k * step)) ?? k * step
            out.append(t == 0 ? 0 : t)
            k += 1
        }
        return out
    }

    /// Whole decades around a positive range.
    static func decades(_ r: ClosedRange<Double>) -> ClosedRange<Double> {
        let lo = pow(10, floor(log10(r.lowerBound))), hi = pow(10, ceil(log10(r.upperBound)))
        return lo < hi ? lo...hi : lo...(10 * lo)
    }

    static func logTicks(_ r: ClosedRange<Double>) -> [Double] {
        let lo = Int(floor(log10(r.lowerBound))), hi = Int(ceil(log10(r.upperBound)))
        return (lo...max(lo, hi)).map { pow(10, Double($0)) }.filter { $0 >= r.lowerBound * (1 - 1e-12) && $0 <= r.upperBound * (1 + 1e-12) }
    }

    /// A tick label with as many decimals as the step needs.
    static func label(_ v: Double, step: Double) -> String {
        if v != 0 && (abs(v) >= 1e5 || abs(v) < 1e-3) { return String(format: "%.0e", v) }
        let decimals = max(0, min(6, Int(-floor(log10(abs(step)) + 1e-9))))
        return String(format: "%.\(decimals)f", v)
    }

    /// FNV-1a of the UTF-8 bytes: a clip-path id that is the same in every run (Swift's `hashValue` is seeded per
    /// process, which would make reports differ between identical runs).
    static func stableHash(_ s: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        return h
    }

    /// Index runs of consecutive usable points.
    static func segments(_ x: [Double], _ y: [Double], _ usableX: (Double) -> Bool, _ usable: (Double) -> Bool) -> [[Int]] {
        var out: [[Int]] = [], cur: [Int] = []
        for i in 0..<min(x.count, y.count) {
            if usableX(x[i]) && usable(y[i]) { cur.append(i) } else if !cur.isEmpty { out.append(cur); cur = [] }
        }
        if !cur.isEmpty { out.append(cur) }
        return out
    }
}

/// Formats a coordinate with two decimals (enough for SVG pixels, and keeps files small).
@inline(__always) func f(_ v: Double) -> String { String(format: "%.2f", v) }
