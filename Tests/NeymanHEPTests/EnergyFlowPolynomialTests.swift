import Foundation
import Testing
import NeymanCore
@testable import NeymanHEP

/// Energy-flow polynomials: graph enumeration (counts of the EFP paper), canonical forms, the public energyflow 1.4
/// cases, and the contraction against a brute-force sum over all index tuples.
@Suite("Energy-flow polynomials")
struct EnergyFlowPolynomialTests {
    static let cases = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/cases/efp")

    /// Connected loopless multigraphs with d edges: 1, 2, 5, 12, 33, 103, 333 (EFP paper arXiv:1712.07124, table 1;
    /// OEIS A076864), plus the dot for d = 0.
    @Test func graphCountsPerEdgeCount() throws {
        let graphs = try Multigraph.connected(maxEdges: 7)
        var counts = [Int](repeating: 0, count: 8)
        for g in graphs { counts[g.edgeCount] += 1 }
        #expect(counts == [1, 1, 2, 5, 12, 33, 103, 333])
        #expect(graphs.allSatisfy { $0.isConnected })
        #expect(Set(graphs.map(\.canonical)).count == graphs.count)
        #expect(graphs.first == .dot)
        #expect(throws: NeymanError.self) { try Multigraph.connected(maxEdges: 9) }
    }

    @Test func parsingAndCanonicalForms() throws {
        let triangle = try Multigraph.parse("0-1,1-2,2-0")
        #expect(triangle.nodeCount == 3 && triangle.edgeCount == 3 && triangle.description == "0-1,0-2,1-2")
        #expect(try Multigraph.parse("dot") == .dot && Multigraph.dot.nodeCount == 1)
        #expect(try Multigraph.parse("0-1,0-1").edgeCount == 2)
        // The same graph under any labelling has one canonical form; a different graph another.
        let wedge = try Multigraph.parse("0-1,1-2"), wedge2 = try Multigraph.parse("1-0,0-2"), line2 = try Multigraph.parse("0-1,0-1")
        #expect(wedge.canonical == wedge2.canonical && wedge.canonical != line2.canonical)
        let k4a = try Multigraph.parse("0-1,0-2,0-3,1-2,1-3,2-3,0-1"), k4b = try Multigraph.parse("2-3,0-2,0-3,1-2,1-3,0-1,2-3")
        #expect(k4a.canonical == k4b.canonical)
        for bad in ["0-0", "0-2", "a-b", "", "0-1,", "0--1", "1-70"] {
            #expect(throws: NeymanError.self, "\(bad)") { try Multigraph.parse(bad) }
        }
    }

    /// energyflow 1.4's values on the public events 0-9 of the reference case, to 1e-10 relative.
    @Test func matchesEnergyflowReferenceCases() throws {
        let data = try CSVReader.read(path: Self.cases.appendingPathComponent("particles.csv").path)
        let ev = try data.column("event"), pt = try data.column("pt"), eta = try data.column("eta"), phi = try data.column("phi")
        var events: [ParticleEvent] = []
        for i in ev.indices {
            let e = Int(ev[i])
            while events.count <= e { events.append(ParticleEvent(pt: [], eta: [], phi: [])) }
            events[e].pt.append(pt[i]); events[e].eta.append(eta[i]); events[e].phi.append(phi[i])
        }
        #expect(events.count == 10)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.cases.appendingPathComponent("efp.expected.json")))
        let results = try #require((json as? [String: Any])?["results"] as? [[String: Any]])
        #expect(results.count == 54)
        var compared = 0
        for r in results {
            let edges = try #require(r["edges"] as? [[Int]])
            let graph = edges.isEmpty ? Multigraph.dot : try Multigraph(nodeCount: try #require(r["n_vertices"] as? Int),
                                                                         edges: edges.map { ($0[0], $0[1]) })
            let beta = try #require(r["beta"] as? Double), kappa = try #require(r["kappa"] as? Double)
            let expected = try #require(r["values"] as? [Double])
            let efp = try EnergyFlowPolynomials(graphs: [graph], kappa: kappa, beta: beta)
            let ours = try efp.values(events: events)[0]
            #expect(ours.count == 10 && expected.count >= 10)
            for e in 0..<min(10, expected.count) {
                #expect(abs(ours[e] - expected[e]) <= 1e-10 * abs(expected[e]), "\(r["graph"] ?? "") beta \(beta) kappa \(kappa) event \(e): \(ours[e]) vs \(expected[e])")
                compared += 1
            }
        }
        #expect(compared == 540)
    }

    /// The definition summed over all N-tuples of particle indices, for graphs up to 4 nodes.
    static func bruteForce(_ g: Multigraph, _ e: ParticleEvent, kappa: Double, beta: Double) -> Double {
        let keep = e.pt.indices.filter { e.pt[$0] > 0 }
        let total = keep.reduce(0) { $0 + e.pt[$1] }
        let z = keep.map { pow(e.pt[$0] / total, kappa) }
        let m = keep.count
        func theta(_ a: Int, _ b: Int) -> Double {
            let de = e.eta[keep[a]] - e.eta[keep[b]]
            var dp = abs(e.phi[keep[a]] - e.phi[keep[b]]).truncatingRemainder(dividingBy: 2 * Double.pi)
            if dp > Double.pi { dp = 2 * Double.pi - dp }
            return pow(de * de + dp * dp, beta / 2)
        }
        var idx = [Int](repeating: 0, count: g.nodeCount)
        var sum = 0.0
        func recurse(_ k: Int) {
            if k == g.nodeCount {
                var p = 1.0
                for i in idx { p *= z[i] }
                for edge in g.edges { p *= theta(idx[edge.a], idx[edge.b]) }
                sum += p
                return
            }
            for i in 0..<m { idx[k] = i; recurse(k + 1) }
        }
        recurse(0)
        return sum
    }

    @Test(arguments: [(1.0, 1.0), (0.5, 2.0), (2.0, 0.5), (-0.5, 1.0)])
    func contractionMatchesBruteForce(kappa: Double, beta: Double) throws {
        let rng = RandomStream(seed: 77)
        let graphs = try Multigraph.connected(maxEdges: 5).filter { $0.nodeCount <= 4 }
        #expect(graphs.count > 20)
        let efp = try EnergyFlowPolynomials(graphs: graphs, kappa: kappa, beta: beta)
        for n in [1, 2, 5, 9] {
            // Zero-pt padding included: it must not change any value.
            let event = ParticleEvent(pt: (0..<n).map { _ in rng.uniform(0.5, 30) } + [0, 0],
                                      eta: (0..<(n + 2)).map { _ in rng.uniform(-1, 1) },
                                      phi: (0..<(n + 2)).map { _ in rng.uniform(-Double.pi, Double.pi) })
            let ours = try efp.values(pt: event.pt, eta: event.eta, phi: event.phi)
            #expect(ours.count == graphs.count)
            for (g, value) in zip(graphs, ours) {
                let reference = Self.bruteForce(g, event, kappa: kappa, beta: beta)
                #expect(abs(value - reference) <= 1e-12 * max(abs(reference), 1e-300), "\(g) n=\(n): \(value) vs \(reference)")
            }
        }
    }

    @Test func valuesDoNotDependOnThreads() throws {
        let rng = RandomStream(seed: 5)
        let events = (0..<300).map { _ -> ParticleEvent in
            let n = 1 + rng.integer(below: 30)
            return ParticleEvent(pt: (0..<n).map { _ in rng.uniform(0.1, 20) }, eta: (0..<n).map { _ in rng.normal(sigma: 0.2) },
                                 phi: (0..<n).map { _ in rng.normal(sigma: 0.2) })
        }
        let efp = try EnergyFlowPolynomials(graphs: try Multigraph.connected(maxEdges: 4))
        let one = try efp.values(events: events, threads: 1), two = try efp.values(events: events, threads: 2)
        #expect(one.count == efp.graphs.count && one[0].count == 300)
        #expect(one == two)
        // kappa = 1: the dot is 1 (z normalised).
        #expect(one[0].allSatisfy { abs($0 - 1) < 1e-12 })
    }

    @Test func badInputIsAnError() throws {
        let efp = try EnergyFlowPolynomials(graphs: [try Multigraph.parse("0-1")])
        #expect(throws: NeymanError.self) { try efp.values(pt: [1, -2], eta: [0, 0], phi: [0, 0]) }
        #expect(throws: NeymanError.self) { try efp.values(pt: [1, .nan], eta: [0, 0], phi: [0, 0]) }
        #expect(throws: NeymanError.self) { try efp.values(pt: [0, 0], eta: [0, 0], phi: [0, 0]) }
        #expect(throws: NeymanError.self) { try efp.values(pt: [1], eta: [0, 1], phi: [0]) }
        #expect(throws: NeymanError.self) { try EnergyFlowPolynomials(graphs: [try Multigraph.parse("0-1")], beta: 0) }
        #expect(throws: NeymanError.self) { try EnergyFlowPolynomials(graphs: [try Multigraph(nodeCount: 4, edges: [(0, 1), (2, 3)])]) }
    }
}
