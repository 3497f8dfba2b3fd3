import NeymanCore

/// A loopless multigraph on nodes `0..<nodeCount`, given by its edge list: a pair listed twice is a double edge
/// (energy-flow polynomials, Komiske, Metodiev, Thaler arXiv:1712.07124; docs/formulas.md §8). The one-node graph
/// with no edges ("dot") is `Multigraph(nodeCount: 1, edges: [])`.
public struct Multigraph: Sendable, Hashable, CustomStringConvertible {
    /// Number of nodes (each node is one particle sum in the EFP).
    public let nodeCount: Int
    /// Edges with `a < b`, sorted; repeated pairs are multi-edges.
    public let edges: [Edge]

    /// An edge between two distinct nodes, stored with `a < b`.
    public struct Edge: Sendable, Hashable, Comparable {
        public let a: Int
        public let b: Int
        public init(_ x: Int, _ y: Int) { a = min(x, y); b = max(x, y) }
        public static func < (l: Edge, r: Edge) -> Bool { (l.a, l.b) < (r.a, r.b) }
    }

    /// A graph from its edges; every node in `0..<nodeCount` must be used (or the graph is the dot).
    ///
    /// - Throws: on a self-loop, a node outside `0..<nodeCount`, or an unused node.
    public init(nodeCount: Int, edges: [(Int, Int)]) throws {
        guard nodeCount >= 1 else { throw NeymanError.invalid("a graph needs at least one node") }
        var used = [Bool](repeating: false, count: nodeCount)
        var list: [Edge] = []
        for (x, y) in edges {
            guard x != y else { throw NeymanError.invalid("edge \(x)-\(y) is a self-loop; EFP graphs have none") }
            guard (0..<nodeCount).contains(x), (0..<nodeCount).contains(y) else {
                throw NeymanError.invalid("edge \(x)-\(y) names a node outside 0...\(nodeCount - 1)")
            }
            used[x] = true; used[y] = true
            list.append(Edge(x, y))
        }
        if nodeCount > 1, let unused = used.firstIndex(of: false) {
            throw NeymanError.invalid("node \(unused) has no edge: number the nodes 0...\(nodeCount - 1) without gaps")
        }
        self.nodeCount = nodeCount
        self.edges = list.sorted()
    }

    private init(uncheckedNodeCount n: Int, edges: [Edge]) {
        nodeCount = n
        self.edges = edges.sorted()
    }

    /// A graph from already-sorted edges that use every node (for the enumeration).
    init(nodeCount n: Int, sortedEdges: [Edge]) {
        nodeCount = n
        edges = sortedEdges
    }

    /// The one-node graph with no edges: `EFP = sum_i z_i`.
    public static let dot = Multigraph(uncheckedNodeCount: 1, edges: [])

    /// Parses `"0-1,1-2,2-0"` (a repeated pair is a multi-edge) or `"dot"`. Node labels must be 0...N-1, each used.
    ///
    /// - Throws: ``NeymanError`` naming the piece that is not `I-J` with non-negative integers, or the graph's fault.
    public static func parse(_ text: String) throws -> Multigraph {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.lowercased() == "dot" { return .dot }
        guard !t.isEmpty else { throw NeymanError.invalid("the graph is empty: give edges like 0-1,1-2 or 'dot'") }
        var pairs: [(Int, Int)] = []
        for piece in t.split(separator: ",", omittingEmptySubsequences: false) {
            let ends = piece.split(separator: "-", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard ends.count == 2, let x = Int(ends[0]), let y = Int(ends[1]), x >= 0, y >= 0,
                  ends.allSatisfy({ $0.allSatisfy(\.isASCII) }), x < 64, y < 64 else {
                throw NeymanError.invalid("'\(piece)' is not an edge I-J between nodes 0...63 (e.g. 0-1)")
            }
            pairs.append((x, y))
        }
        let n = pairs.map { max($0.0, $0.1) }.max().map { $0 + 1 } ?? 1
        return try Multigraph(nodeCount: n, edges: pairs)
    }

    /// `d`, the number of edges counted with multiplicity (the EFP's degree in the angular measure).
    public var edgeCount: Int { edges.count }

    /// The degree of each node (multi-edges counted with multiplicity).
    public var degrees: [Int] {
        var d = [Int](repeating: 0, count: nodeCount)
        for e in edges { d[e.a] += 1; d[e.b] += 1 }
        return d
    }

    /// Whether every node can be reached from node 0.
    public var isConnected: Bool {
        var seen = [Bool](repeating: false, count: nodeCount)
        seen[0] = true
        var stack = [0]
        while let v = stack.popLast() {
            for e in edges where e.a == v || e.b == v {
                let w = e.a == v ? e.b : e.a
                if !seen[w] { seen[w] = true; stack.append(w) }
            }
        }
        return !seen.contains(false)
    }

    /// `"0-1,1-2,2-0"` (edges in sorted order), or `"dot"`.
    public var description: String {
        edges.isEmpty ? "dot" : edges.map { "\($0.a)-\($0.b)" }.joined(separator: ",")
    }

    /// The graph relabelled by `permutation` (node `i` becomes `permutation[i]`).
    func relabelled(_ permutation: [Int]) -> Multigraph {
        Multigraph(uncheckedNodeCount: nodeCount, edges: edges.map { Edge(permutation[$0.a], permutation[$0.b]) })
    }

    /// The canonical form: the relabelling whose sorted edge list is lexicographically smallest, over the
    /// relabellings that order nodes by decreasing (degree, sorted neighbour degrees) — an isomorphism invariant, so
    /// isomorphic graphs reach the same form. Two graphs are isomorphic exactly when their canonical forms are equal.
    public var canonical: Multigraph {
        if nodeCount == 1 { return self }
        let deg = degrees
        var neighbourDegrees = [[Int]](repeating: [], count: nodeCount)
        for e in edges { neighbourDegrees[e.a].append(deg[e.b]); neighbourDegrees[e.b].append(deg[e.a]) }
        let invariant = (0..<nodeCount).map { (deg[$0], neighbourDegrees[$0].sorted(by: >)) }
        // Classes of equal invariant, in decreasing order; labels are handed out class by class.
        let order = (0..<nodeCount).sorted { l, r in
            let a = invariant[l], b = invariant[r]
            if a.0 != b.0 { return a.0 > b.0 }
            return a.1.lexicographicallyPrecedes(b.1, by: >) || (a.1 == b.1 && l < r)
        }
        var classes: [[Int]] = []
        for v in order {
            if let last = classes.last?.first, invariant[last].0 == invariant[v].0, invariant[last].1 == invariant[v].1 {
                classes[classes.count - 1].append(v)
            } else {
                classes.append([v])
            }
        }
        var best: [Edge]? = nil
        var permutation = [Int](repeating: 0, count: nodeCount)
        func assign(_ classIndex: Int, _ nextLabel: Int) {
            if classIndex == classes.count {
                let candidate = edges.map { Edge(permutation[$0.a], permutation[$0.b]) }.sorted()
                if best.map({ candidate.lexicographicallyPrecedes($0) }) ?? true { best = candidate }
                return
            }
            permuteClass(classes[classIndex], nextLabel) { assign(classIndex + 1, nextLabel + classes[classIndex].count) }
        }
        func permuteClass(_ members: [Int], _ firstLabel: Int, _ then: () -> Void) {
            var pool = members
            func place(_ k: Int) {
                if k == pool.count { then(); return }
                for i in k..<pool.count {
                    pool.swapAt(k, i)
                    permutation[pool[k]] = firstLabel + k
                    place(k + 1)
                    pool.swapAt(k, i)
                }
            }
            place(0)
        }
        assign(0, 0)
        return Multigraph(uncheckedNodeCount: nodeCount, edges: best ?? edges)
    }
}
