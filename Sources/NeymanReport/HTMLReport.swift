import Foundation
import NeymanCore

/// A self-contained HTML report: headings, paragraphs, figures (inline SVG with a caption saying what the plot
/// shows) and tables, with inline CSS. Nothing is loaded from elsewhere, so the file can be mailed or archived.
public struct HTMLReport: Sendable {
    /// One block of the report, in order.
    public enum Block: Sendable {
        case heading(String, level: Int)
        case paragraph(String)
        case figure(svg: String, caption: String)
        case table(headers: [String], rows: [[String]], caption: String?)
        /// Preformatted text (a command line, a configuration).
        case code(String)
        /// A table whose cells may hold small pictures (``TableCell``).
        case richTable(headers: [String], rows: [[TableCell]], caption: String?)
    }

    /// A cell of ``Block/richTable(headers:rows:caption:)``: text (escaped) or an inline SVG picture.
    public enum TableCell: Sendable {
        case text(String)
        case svg(String)
    }

    public var title: String
    public private(set) var blocks: [Block] = []

    public init(title: String) { self.title = title }

    public mutating func heading(_ text: String, level: Int = 2) { blocks.append(.heading(text, level: min(max(level, 1), 4))) }
    public mutating func paragraph(_ text: String) { blocks.append(.paragraph(text)) }
    /// A plot with a caption (one or two sentences: what is plotted and what it shows).
    public mutating func figure(_ plot: Plot, caption: String) { blocks.append(.figure(svg: plot.svg(), caption: caption)) }
    public mutating func table(headers: [String], rows: [[String]], caption: String? = nil) {
        blocks.append(.table(headers: headers, rows: rows, caption: caption))
    }
    public mutating func code(_ text: String) { blocks.append(.code(text)) }
    /// A table whose cells may be pictures (e.g. ``GraphPicture``s beside their numbers).
    public mutating func table(headers: [String], cells: [[TableCell]], caption: String? = nil) {
        blocks.append(.richTable(headers: headers, rows: cells, caption: caption))
    }
    /// A figure from SVG text made elsewhere in this module (heat maps).
    mutating func append(figureBlock svg: String, caption: String) { blocks.append(.figure(svg: svg, caption: caption)) }
    /// Appends every block of `other` (used to combine study reports into one).
    public mutating func append(_ other: HTMLReport) { blocks += other.blocks }

    /// The whole document.
    public func html() -> String {
        var s = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(HTMLReport.escape(title))</title>
        <style>
        body { font-family: sans-serif; max-width: 980px; margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.45; }
        h1 { border-bottom: 2px solid #0072B2; padding-bottom: 0.2em; }
        h2 { margin-top: 2em; border-bottom: 1px solid #ccc; }
        figure { margin: 1.5em 0; } figcaption { font-size: 0.92em; color: #444; max-width: 640px; }
        table { border-collapse: collapse; margin: 1em 0; font-size: 0.92em; }
        th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: right; }
        th { background: #f3f3f3; } td:first-child, th:first-child { text-align: left; }
        caption { caption-side: bottom; font-size: 0.9em; color: #444; text-align: left; padding-top: 0.3em; }
        pre { background: #f6f6f6; padding: 0.6em; overflow-x: auto; font-size: 0.88em; }
        </style></head><body>
        <h1>\(HTMLReport.escape(title))</h1>

        """
        for b in blocks {
            switch b {
            case .heading(let t, let level): s += "<h\(level)>\(HTMLReport.escape(t))</h\(level)>\n"
            case .paragraph(let t): s += "<p>\(HTMLReport.escape(t))</p>\n"
            case .figure(let svg, let caption): s += "<figure>\n\(svg)\n<figcaption>\(HTMLReport.escape(caption))</figcaption></figure>\n"
            case .code(let t): s += "<pre>\(HTMLReport.escape(t))</pre>\n"
            case .table(let headers, let rows, let caption):
                s += HTMLReport.tableHTML(headers: headers, rows: rows.map { $0.map(TableCell.text) }, caption: caption)
            case .richTable(let headers, let rows, let caption):
                s += HTMLReport.tableHTML(headers: headers, rows: rows, caption: caption)
            }
        }
        s += "<p style=\"font-size:0.85em;color:#777\">Written by Neyman on \(ISO8601DateFormatter().string(from: HTMLReport.date())).</p>\n</body></html>\n"
        return s
    }

    /// The time the report says it was written: now, or `SOURCE_DATE_EPOCH` (seconds since 1970, the
    /// reproducible-builds convention) when that variable holds a whole number, so that two runs, e.g. a sharded
    /// run's merge and the unsharded run, can write byte-identical reports.
    static func date() -> Date {
        if let text = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"], !text.isEmpty, text.count <= 15,
           text.allSatisfy({ $0.isASCII && $0.isNumber }), let seconds = Int64(text) {
            return Date(timeIntervalSince1970: TimeInterval(seconds))
        }
        return Date()
    }

    /// Writes the document atomically (temporary file, then rename).
    public func write(to path: String) throws { try AtomicFile.write(html(), to: path) }

    static func escape(_ s: String) -> String { SVGWriter.escape(s) }

    static func tableHTML(headers: [String], rows: [[TableCell]], caption: String?) -> String {
        var s = "<table>"
        if let c = caption { s += "<caption>\(escape(c))</caption>" }
        s += "<tr>" + headers.map { "<th>\(escape($0))</th>" }.joined() + "</tr>\n"
        for r in rows {
            s += "<tr>" + r.map { cell -> String in
                switch cell {
                case .text(let t): return "<td>\(escape(t))</td>"
                case .svg(let svg): return "<td style=\"text-align:center\">\(svg)</td>"
                }
            }.joined() + "</tr>\n"
        }
        return s + "</table>\n"
    }
}
