import Foundation

/// A small drawing of a multigraph (an energy-flow polynomial's graph, muon paper fig. 5-6): `nodeCount` nodes on a
/// circle (one node: a dot; two: side by side), each edge a line between its nodes; a `k`-fold edge is drawn as `k`
/// lines bowed apart, so the multiplicity can be counted. Self-contained SVG, `size` pixels square.
public struct GraphPicture: Sendable {
    public var nodeCount: Int
    /// Edges as node pairs (0-based), repeats for multi-edges.
    public var edges: [(Int, Int)]
    public var size = 64.0

    public init(nodeCount: Int, edges: [(Int, Int)]) {
        self.nodeCount = max(nodeCount, 1)
        self.edges = edges
    }

    /// The node positions: on a circle of radius `0.32 size` starting at the top (two nodes: left and right).
    func positions() -> [(x: Double, y: Double)] {
        let c = size / 2, r = 0.32 * size
        if nodeCount == 1 { return [(c, c)] }
        return (0..<nodeCount).map { k in
            let a = nodeCount == 2 ? Double.pi * Double(k) : -Double.pi / 2 + 2 * Double.pi * Double(k) / Double(nodeCount)
            return (c + r * cos(a), c + r * sin(a))
        }
    }

    public func svg() -> String {
        var out = SVGWriter(width: size, height: size)
        let p = positions()
        var multiplicity: [String: Int] = [:]
        for (a, b) in edges { multiplicity["\(min(a, b))-\(max(a, b))", default: 0] += 1 }
        for (key, k) in multiplicity.sorted(by: { $0.key < $1.key }) {
            let ab = key.split(separator: "-").compactMap { Int($0) }
            guard ab.count == 2, ab[0] < p.count, ab[1] < p.count else { continue }
            let (x1, y1) = p[ab[0]], (x2, y2) = p[ab[1]]
            let len = max(((x2 - x1) * (x2 - x1) + (y2 - y1) * (y2 - y1)).squareRoot(), 1e-9)
            let (nx, ny) = (-(y2 - y1) / len, (x2 - x1) / len)   // unit normal
            for m in 0..<k {
                let bow = (Double(m) - Double(k - 1) / 2) * 0.14 * size
                let (cx, cy) = ((x1 + x2) / 2 + nx * bow * 2, (y1 + y2) / 2 + ny * bow * 2)
                out.raw("<path d=\"M \(f(x1)) \(f(y1)) Q \(f(cx)) \(f(cy)) \(f(x2)) \(f(y2))\" fill=\"none\" stroke=\"#333\" stroke-width=\"1.6\"/>")
            }
        }
        for (x, y) in p { out.raw("<circle cx=\"\(f(x))\" cy=\"\(f(y))\" r=\"\(f(0.07 * size))\" fill=\"#0072B2\"/>") }
        return out.finish()
    }
}
