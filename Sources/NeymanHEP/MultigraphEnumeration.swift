import NeymanCore

extension Multigraph {
    /// Every connected loopless multigraph with at most `maxEdges` edges, each once (up to isomorphism), the dot
    /// (`d = 0`) first; ordered by number of edges, then number of nodes, then canonical edge list.
    ///
    /// Generation: each connected graph with `d + 1` edges is one with `d` edges plus an edge, either between two of
    /// its nodes or to a new node (every connected multigraph has an edge whose removal leaves it connected: one on
    /// a cycle or a double edge, else a leaf's edge), deduplicated by ``canonical``. The counts per `d` are those of
    /// the EFP paper's table 1 (arXiv:1712.07124) and OEIS A076864: 1, 2, 5, 12, 33, 103, 333, 1183 for d = 1...8.
    ///
    /// - Throws: for `maxEdges` outside 0...8 (beyond 8 the sets have thousands of graphs and the EFP of a graph of
    ///   that size costs more than a network on the particles).
    public static func connected(maxEdges: Int) throws -> [Multigraph] {
        guard (0...8).contains(maxEdges) else {
            throw NeymanError.invalid("give a maximum number of edges from 0 to 8, got \(maxEdges)", parameter: "set")
        }
        var all: [Multigraph] = [.dot]
        guard maxEdges >= 1 else { return all }
        var layer: [Multigraph] = [Multigraph(nodeCount: 2, sortedEdges: [Edge(0, 1)])]
        all += layer
        for _ in 1..<maxEdges {
            var next = Set<Multigraph>()
            for g in layer {
                for a in 0..<g.nodeCount {
                    for b in stride(from: a + 1, to: g.nodeCount, by: 1) {
                        next.insert(g.adding(a, b).canonical)
                    }
                    next.insert(g.addingLeaf(to: a).canonical)
                }
            }
            layer = next.sorted(by: Multigraph.precedes)
            all += layer
        }
        return all
    }

    /// Order within a set: fewer edges, then fewer nodes, then the edge list.
    static func precedes(_ l: Multigraph, _ r: Multigraph) -> Bool {
        if l.edgeCount != r.edgeCount { return l.edgeCount < r.edgeCount }
        if l.nodeCount != r.nodeCount { return l.nodeCount < r.nodeCount }
        return l.edges.lexicographicallyPrecedes(r.edges)
    }

    private func adding(_ a: Int, _ b: Int) -> Multigraph {
        Multigraph(nodeCount: nodeCount, sortedEdges: (edges + [Edge(a, b)]).sorted())
    }

    private func addingLeaf(to a: Int) -> Multigraph {
        Multigraph(nodeCount: nodeCount + 1, sortedEdges: (edges + [Edge(a, nodeCount)]).sorted())
    }
}
