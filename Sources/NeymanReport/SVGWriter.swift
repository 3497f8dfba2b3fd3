import Foundation

/// Accumulates SVG elements; text is XML-escaped. Generic font family only, so the file needs nothing external.
struct SVGWriter {
    private var parts: [String] = []

    init(width: Double, height: Double) {
        parts.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(f(width))\" height=\"\(f(height))\" "
                     + "viewBox=\"0 0 \(f(width)) \(f(height))\" font-family=\"sans-serif\">")
    }

    mutating func raw(_ s: String) { parts.append(s) }

    mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String, width: Double = 1, dash: String? = nil) {
        parts.append("<line x1=\"\(f(x1))\" y1=\"\(f(y1))\" x2=\"\(f(x2))\" y2=\"\(f(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(f(width))\""
                     + (dash.map { " stroke-dasharray=\"\($0)\"" } ?? "") + "/>")
    }

    mutating func text(_ s: String, x: Double, y: Double, anchor: String, size: Double, weight: String = "normal") {
        parts.append("<text x=\"\(f(x))\" y=\"\(f(y))\" font-size=\"\(f(size))\" text-anchor=\"\(anchor)\" font-weight=\"\(weight)\">"
                     + "\(SVGWriter.escape(s))</text>")
    }

    mutating func errorBars(_ s: PlotSeries, _ e: [Double], _ px: (Double) -> Double, _ py: (Double) -> Double,
                            _ usableX: (Double) -> Bool, _ usable: (Double) -> Bool, _ color: String) {
        for i in 0..<min(s.x.count, s.y.count, e.count) where usableX(s.x[i]) && usable(s.y[i] - e[i]) && usable(s.y[i] + e[i]) {
            let x = px(s.x[i])
            line(x, py(s.y[i] - e[i]), x, py(s.y[i] + e[i]), stroke: color)
        }
    }

    func finish() -> String { (parts + ["</svg>"]).joined(separator: "\n") }

    /// Escapes `& < > "` for XML text and attributes.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }
}
