import Foundation
import NeymanCore

/// Energy-flow polynomials (Komiske, Metodiev, Thaler, arXiv:1712.07124; docs/formulas.md §8) of a set of
/// multigraphs, evaluated together:
///
/// ```
///   EFP_G = sum_{i_1..i_N} z_{i_1} ... z_{i_N} prod_{(k,l) in G} theta_{i_k i_l}
///   z_i = pt_i^kappa / (sum_j pt_j)^kappa,   theta_ij = (d_eta_ij^2 + d_phi_ij^2)^(beta/2),  d_phi wrapped to [-pi, pi]
/// ```
/// every index running over all particles, repeats included; a double edge contributes `theta^2`. This is
/// energyflow's `EFP(edges, measure='hadr', beta=beta, kappa=kappa, normed=True, coords='ptyphim')` on massless
/// particles (`kappa_normed_behavior='new'`). `kappa = 1` is IRC safe. Particles with `pt = 0` (padding) are skipped
/// (for `kappa <= 0` they would be infinite or undefined; for `kappa > 0` they contribute nothing).
///
/// Evaluation is by contraction, never by N nested loops over particles (``EFPContractionPlan``): variable
/// elimination with BLAS matrix-vector and matrix-matrix products, each elimination shared by all graphs of the set
/// that contain it, so a set costs far less than its graphs one by one. Events are independent: the values are the
/// same for any thread count.
public struct EnergyFlowPolynomials: Sendable {
    public let graphs: [Multigraph]
    /// The energy exponent `kappa` (any finite value; 1 is IRC safe).
    public let kappa: Double
    /// The angular exponent `beta > 0`.
    public let beta: Double
    let plan: EFPContractionPlan

    /// - Throws: for a disconnected graph, `beta <= 0` or non-finite exponents, or a graph too complex to contract
    ///   with factors over at most 3 indices.
    public init(graphs: [Multigraph], kappa: Double = 1, beta: Double = 1) throws {
        guard !graphs.isEmpty else { throw NeymanError.invalid("no graphs given", parameter: "graph") }
        guard kappa.isFinite else { throw NeymanError.invalid("must be finite, got \(kappa)", parameter: "kappa") }
        guard beta.isFinite, beta > 0 else { throw NeymanError.invalid("must be finite and > 0, got \(beta)", parameter: "beta") }
        for g in graphs where !g.isConnected {
            throw NeymanError.invalid("graph \(g) is not connected (its EFP is a product of its components' EFPs)", parameter: "graph")
        }
        self.graphs = graphs
        self.kappa = kappa
        self.beta = beta
        plan = try EFPContractionPlan(graphs: graphs)
    }

    /// The value of every graph on one event (in the order of ``graphs``).
    ///
    /// - Throws: if a particle has a negative or non-finite `pt`, or a non-finite `eta` or `phi`, or every `pt` is 0.
    public func values(pt: [Double], eta: [Double], phi: [Double]) throws -> [Double] {
        var workspace = EFPWorkspace(plan: plan)
        return try workspace.evaluate(pt: pt, eta: eta, phi: phi, kappa: kappa, beta: beta)
    }

    /// The values on many events, one array per graph (`result[g][e]`), events split over `threads` workers.
    ///
    /// - Throws: as ``values(pt:eta:phi:)``, naming the event (0-based index) at fault.
    public func values(events: [ParticleEvent], threads: Int? = nil, progress: ProgressDisplay? = nil) throws -> [[Double]] {
        let chunk = 64
        let chunks = (events.count + chunk - 1) / chunk
        let plan = self.plan, kappa = self.kappa, beta = self.beta
        let parts = try deterministicParallelMap(count: chunks, threads: threads) { c throws(NeymanError) -> [[Double]] in
            var workspace = EFPWorkspace(plan: plan)
            var out: [[Double]] = []
            for e in (c * chunk)..<min(events.count, (c + 1) * chunk) {
                do throws(NeymanError) {
                    out.append(try workspace.evaluate(pt: events[e].pt, eta: events[e].eta, phi: events[e].phi, kappa: kappa, beta: beta))
                } catch {
                    throw NeymanError.invalid("event \(e): \(error.message)")
                }
                progress?.advance()
            }
            return out
        }
        var result = [[Double]](repeating: [], count: graphs.count)
        for g in graphs.indices { result[g].reserveCapacity(events.count) }
        for part in parts { for v in part { for g in graphs.indices { result[g].append(v[g]) } } }
        return result
    }
}

/// One event's particles as columns (`pt` GeV, `eta`, `phi`).
public struct ParticleEvent: Sendable, Equatable {
    public var pt: [Double]
    public var eta: [Double]
    public var phi: [Double]

    public init(pt: [Double], eta: [Double], phi: [Double]) {
        self.pt = pt
        self.eta = eta
        self.phi = phi
    }
}
