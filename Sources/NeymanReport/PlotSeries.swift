import Foundation

/// One data series of a ``Plot``.
///
/// - `line`: points joined in order (with optional vertical error bars `yError`);
/// - `points`: markers (with optional error bars);
/// - `steps`: a histogram, `x` = the `n + 1` bin edges, `y` = the `n` contents (optional error bars at bin centres);
/// - `band`: the filled area between `yLow` and `yHigh` (e.g. a ±1σ expected band).
public struct PlotSeries: Sendable {
    public enum Style: Sendable { case line, points, steps, band }

    public var name: String
    public var style: Style
    public var x: [Double]
    public var y: [Double]
    public var yError: [Double]?
    public var yLow: [Double]?
    public var yHigh: [Double]?
    /// CSS colour; `nil` = next palette colour.
    public var color: String?
    public var dashed = false
    public var lineWidth = 1.8
    /// Fill opacity of a band.
    public var opacity = 0.35

    /// Colour-blind-safe palette (Okabe & Ito 2008) in the order series take it.
    public static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]

    public init(name: String, style: Style, x: [Double], y: [Double], yError: [Double]? = nil,
                yLow: [Double]? = nil, yHigh: [Double]? = nil, color: String? = nil, dashed: Bool = false) {
        self.name = name
        self.style = style
        self.x = x
        self.y = y
        self.yError = yError
        self.yLow = yLow
        self.yHigh = yHigh
        self.color = color
        self.dashed = dashed
    }

    /// A line through `(x, y)`.
    public static func line(_ name: String, x: [Double], y: [Double], yError: [Double]? = nil, color: String? = nil,
                            dashed: Bool = false) -> PlotSeries {
        PlotSeries(name: name, style: .line, x: x, y: y, yError: yError, color: color, dashed: dashed)
    }

    /// Markers at `(x, y)`.
    public static func points(_ name: String, x: [Double], y: [Double], yError: [Double]? = nil, color: String? = nil) -> PlotSeries {
        PlotSeries(name: name, style: .points, x: x, y: y, yError: yError, color: color)
    }

    /// A histogram with bin `edges` (`contents.count + 1` of them).
    public static func histogram(_ name: String, edges: [Double], contents: [Double], errors: [Double]? = nil,
                                 color: String? = nil, dashed: Bool = false) -> PlotSeries {
        PlotSeries(name: name, style: .steps, x: edges, y: contents, yError: errors, color: color, dashed: dashed)
    }

    /// A filled band between `low` and `high`.
    public static func band(_ name: String, x: [Double], low: [Double], high: [Double], color: String, opacity: Double = 0.35) -> PlotSeries {
        var s = PlotSeries(name: name, style: .band, x: x, y: [], yLow: low, yHigh: high, color: color)
        s.opacity = opacity
        return s
    }
}

/// A dotted guide line on a ``Plot``.
public struct ReferenceLine: Sendable {
    public enum Kind: Sendable { case vertical(Double), horizontal(Double), diagonal }
    public var kind: Kind
    public init(_ kind: Kind) { self.kind = kind }
    /// `x = c`.
    public static func vertical(_ c: Double) -> ReferenceLine { ReferenceLine(.vertical(c)) }
    /// `y = c`.
    public static func horizontal(_ c: Double) -> ReferenceLine { ReferenceLine(.horizontal(c)) }
    /// `y = x` (random guessing on a power-vs-size plot).
    public static var diagonal: ReferenceLine { ReferenceLine(.diagonal) }
}
