import Foundation

/// Square heat maps side by side (a calorimeter image per panel, e.g. the mean image of prompt and of non-prompt
/// muons, the muon paper's fig. 2), on a shared logarithmic colour scale with a colour bar, as self-contained SVG.
///
/// Each panel is `size x size` values, row `i` drawn from the bottom (the first axis upward, the second to the
/// right) over `[lower, upper]` on both axes. Values `<= 0` are drawn white; the scale spans the positive values of
/// all panels (clamped to `dynamicRange` decades below the maximum).
public struct HeatmapPanel: Sendable {
    public struct Panel: Sendable {
        public var title: String
        public var values: [Double]
        public init(title: String, values: [Double]) {
            self.title = title
            self.values = values
        }
    }

    public var panels: [Panel]
    public var size: Int
    public var lower: Double
    public var upper: Double
    public var xLabel: String
    public var yLabel: String
    public var colorLabel: String
    public var dynamicRange: Double = 4

    public init(panels: [Panel], size: Int, lower: Double, upper: Double, xLabel: String, yLabel: String, colorLabel: String) {
        self.panels = panels
        self.size = size
        self.lower = lower
        self.upper = upper
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.colorLabel = colorLabel
    }

    /// A colour for `t` in [0, 1]: dark blue through green to yellow (perceptually ordered, like viridis).
    static func color(_ t: Double) -> String {
        let stops: [(Double, Double, Double)] = [(68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37)]
        let x = min(max(t, 0), 1) * Double(stops.count - 1)
        let k = min(Int(x), stops.count - 2), f = x - Double(k)
        let (a, b) = (stops[k], stops[k + 1])
        func mix(_ u: Double, _ v: Double) -> Int { Int((u + (v - u) * f).rounded()) }
        return String(format: "#%02x%02x%02x", mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
    }

    public func svg() -> String {
        let cell = 7.0, side = cell * Double(size), gap = 60.0, left = 55.0, top = 40.0
        let width = left + Double(panels.count) * (side + gap) + 70, height = top + side + 55
        var w = SVGWriter(width: width, height: height)
        let positive = panels.flatMap(\.values).filter { $0 > 0 && $0.isFinite }
        let maxV = positive.max() ?? 1
        let minV = max(positive.min() ?? maxV / 10, maxV * pow(10, -dynamicRange))
        let (lo, hi) = (log10(minV), log10(maxV))
        func t(_ v: Double) -> Double { hi > lo ? (log10(max(v, minV)) - lo) / (hi - lo) : 1 }
        for (p, panel) in panels.enumerated() {
            let x0 = left + Double(p) * (side + gap)
            w.text(panel.title, x: x0 + side / 2, y: top - 12, anchor: "middle", size: 12, weight: "bold")
            for i in 0..<size {
                for j in 0..<size where i * size + j < panel.values.count {
                    let v = panel.values[i * size + j]
                    let fill = v > 0 && v.isFinite ? Self.color(t(v)) : "#ffffff"
                    let y = top + side - Double(i + 1) * cell
                    w.raw("<rect x=\"\(x0 + Double(j) * cell)\" y=\"\(y)\" width=\"\(cell)\" height=\"\(cell)\" fill=\"\(fill)\"/>")
                }
            }
            w.raw("<rect x=\"\(x0)\" y=\"\(top)\" width=\"\(side)\" height=\"\(side)\" fill=\"none\" stroke=\"#333\"/>")
            for (k, v) in [lower, (lower + upper) / 2, upper].enumerated() {
                let pos = Double(k) / 2 * side
                w.text(String(format: "%g", v), x: x0 + pos, y: top + side + 14, anchor: "middle", size: 10)
                w.text(String(format: "%g", v), x: x0 - 4, y: top + side - pos + 3, anchor: "end", size: 10)
            }
            w.text(xLabel, x: x0 + side / 2, y: top + side + 30, anchor: "middle", size: 11)
            w.raw("<text x=\"\(x0 - 34)\" y=\"\(top + side / 2)\" font-size=\"11\" text-anchor=\"middle\" "
                  + "transform=\"rotate(-90 \(x0 - 34) \(top + side / 2))\">\(SVGWriter.escape(yLabel))</text>")
        }
        // The colour bar.
        let bx = width - 55
        for k in 0..<50 {
            w.raw("<rect x=\"\(bx)\" y=\"\(top + side - Double(k + 1) * side / 50)\" width=\"12\" height=\"\(side / 50 + 0.5)\" "
                  + "fill=\"\(Self.color((Double(k) + 0.5) / 50))\"/>")
        }
        w.text(String(format: "%.2g", maxV), x: bx + 16, y: top + 8, anchor: "start", size: 9)
        w.text(String(format: "%.2g", minV), x: bx + 16, y: top + side, anchor: "start", size: 9)
        w.text(colorLabel, x: bx + 6, y: top + side + 30, anchor: "middle", size: 10)
        return w.finish()
    }
}

extension HTMLReport {
    /// Heat maps with a caption.
    public mutating func figure(_ heatmap: HeatmapPanel, caption: String) {
        append(figureBlock: heatmap.svg(), caption: caption)
    }
}
