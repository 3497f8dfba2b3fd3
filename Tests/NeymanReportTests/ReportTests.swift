import Foundation
import Testing
@testable import NeymanReport

@Suite("SVG plots and HTML reports")
struct ReportTests {
    @Test func ticksAreNiceAndCoverTheRange() {
        #expect(Plot.ticks(0...1) == [0, 0.2, 0.4, 0.6, 0.8, 1.0].map { $0 })
        let t = Plot.ticks(-3.7...12.2)
        #expect(t.first! >= -3.7 && t.last! <= 12.2 && t.count >= 3 && t.count <= 11)
        #expect(Plot.logTicks(0.001...10) == [0.001, 0.01, 0.1, 1, 10])
        #expect(Plot.label(0.05, step: 0.05) == "0.05")
        #expect(Plot.label(2, step: 1) == "2")
    }

    @Test func plotContainsEverySeriesTheLegendAndEscapedText() {
        var p = Plot(title: "A < B & C", xLabel: "x [GeV]", yLabel: "events / bin")
        p.add(.line("curve", x: [0, 1, 2], y: [0, 1, 4]))
        p.add(.histogram("hist", edges: [0, 1, 2], contents: [3, 2], errors: [1, 1]))
        p.add(.band("±1σ", x: [0, 1, 2], low: [0, 0.5, 3], high: [1, 2, 5], color: "#0f0"))
        p.add(.vertical(1))
        let svg = p.svg()
        #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>"))
        #expect(svg.contains("A &lt; B &amp; C"))
        #expect(svg.contains("x [GeV]") && svg.contains("events / bin"))
        #expect(svg.contains(">curve<") && svg.contains(">hist<") && svg.contains(">±1σ<"))
        #expect(svg.components(separatedBy: "<polyline").count - 1 == 2)
        #expect(svg.contains("<polygon"))
        // Same plot, same bytes (no per-process hashing).
        #expect(svg == p.svg())
    }

    @Test func nonFiniteAndNonPositivePointsAreSkipped() {
        var p = Plot(title: "log", xLabel: "x", yLabel: "y")
        p.logY = true
        p.add(.line("c", x: [0, 1, 2, 3], y: [1, 0, .nan, 100]))
        let svg = p.svg()
        #expect(!svg.contains("nan") && !svg.contains("inf"))
        // Two separate segments of one point each.
        #expect(svg.components(separatedBy: "<polyline").count - 1 == 2)
    }

    /// On a log x axis 1, 10, 100 sit at the left edge, the middle and the right edge of the plotting area (x from
    /// 72 to 622 pixels), and x <= 0 is skipped.
    @Test func logXAxisPlacesDecadesEvenly() {
        var p = Plot(title: "logx", xLabel: "x", yLabel: "y")
        p.logX = true
        p.add(.points("pts", x: [0, 1, 10, 100], y: [1, 2, 3, 4]))
        let svg = p.svg()
        for cx in ["72.00", "347.00", "622.00"] { #expect(svg.contains("cx=\"\(cx)\""), "no point at x = \(cx)") }
        #expect(svg.components(separatedBy: "<circle").count - 1 == 3 + 1)  // three points and the legend marker
        #expect(!svg.contains("nan") && !svg.contains("inf"))
    }

    @Test func htmlReportIsSelfContained() throws {
        var r = HTMLReport(title: "Study <1>")
        r.heading("Section")
        r.paragraph("Text & more")
        var p = Plot(title: "t", xLabel: "x", yLabel: "y")
        p.add(.points("pts", x: [1, 2], y: [3, 4], yError: [0.1, 0.2]))
        r.figure(p, caption: "What it shows.")
        r.table(headers: ["a", "b"], rows: [["1", "2"]], caption: "c")
        let html = r.html()
        #expect(html.contains("<title>Study &lt;1&gt;</title>"))
        #expect(html.contains("<figcaption>What it shows.</figcaption>"))
        #expect(html.contains("Text &amp; more"))
        for external in ["<script", "src=", "href=", "@import", "url(http"] { #expect(!html.contains(external)) }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("neyman-report-\(getpid()).html").path
        try r.write(to: path)
        let written = try String(contentsOfFile: path, encoding: .utf8)
        #expect(written.hasPrefix("<!DOCTYPE html>") && written.hasSuffix("</html>\n") && written.contains("<figcaption>What it shows."))
        try? FileManager.default.removeItem(atPath: path)
    }

    /// A k-fold edge is drawn as k curves, every node as a circle; a rich table keeps the SVG and escapes the text.
    @Test func graphPictureAndRichTable() {
        let triangle = GraphPicture(nodeCount: 3, edges: [(0, 1), (1, 2), (2, 0)]).svg()
        #expect(triangle.components(separatedBy: "<path").count - 1 == 3)
        #expect(triangle.components(separatedBy: "<circle").count - 1 == 3)
        let double = GraphPicture(nodeCount: 2, edges: [(0, 1), (1, 0), (0, 1)]).svg()
        #expect(double.components(separatedBy: "<path").count - 1 == 3)
        #expect(double.components(separatedBy: "<circle").count - 1 == 2)
        var report = HTMLReport(title: "t")
        report.table(headers: ["graph", "a<b"], cells: [[.svg(triangle), .text("x < y")]], caption: "c")
        let html = report.html()
        #expect(html.contains(triangle) && html.contains("x &lt; y") && html.contains("a&lt;b"))
    }
}
