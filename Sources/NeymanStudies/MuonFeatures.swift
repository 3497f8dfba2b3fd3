import Foundation
import NeymanCore
import NeymanHEP
import NeymanNN

/// The inputs of the muon paper's networks (arXiv:2102.02278 §2-§4, appendix A), made once from a ``MuonSample``:
///
/// - the 18 cone isolations `I(R0) = sum_{dR < R0} pT_cell / pT_mu`, `R0 = 0.025 ... 0.45` (docs/formulas.md §8);
/// - `sum pT`: the transverse momentum of every cell of the 32 x 32 image (GeV), the scale that accompanies the
///   normalised EFPs (paper §4.2);
/// - the image's non-empty cells as particles: `(pT_cell, d_eta, d_phi)` at the cell centres, highest pT first, at
///   most `maxCells` of them (the PFN/EFN input and the EFPs' particles: the paper computes both on calorimeter cells);
/// - the image itself, `E_T` per cell (the CNN's input);
/// - the deposits themselves as particles with their category (``particlesWithCategories()``), for a PFN that sees
///   what the calorimeter image drops: which deposits are charged, neutral hadrons, photons or charged pileup.
///
/// Labels are 1 for prompt muons, 0 for non-prompt ones; weights are the sample's (pT, eta) flattening weights (1
/// when the sample has none).
struct MuonFeatures: Sendable {
    let radii: [Double]
    /// `cones[c][k]`: cone `c` of muon `k`.
    let cones: [[Double]]
    let sumPt: [Double]
    /// The non-empty cells of each muon (pT in GeV; eta, phi relative to the muon), highest pT first, at most `maxCells`.
    let cells: [ParticleEvent]
    /// The deposits of each muon within the image (`|d_eta|, |d_phi| < 0.45`), highest pT first, at most `maxCells`:
    /// pT (GeV), eta and phi relative to the muon, and category. Empty lists unless made `withDeposits` (at the full
    /// scale's 400,000 muons and 64 slots they take about 2 GB).
    let deposits: [[Particle]]
    /// Whether ``deposits`` were made (``init(sample:maxCells:labels:withDeposits:threads:)``).
    let hasDeposits: Bool
    /// `E_T` per cell, 1024 per muon, row-major `[d_eta][d_phi]`.
    let images: [Float]
    let muonPt: [Double]
    let labels: [Double]
    let weights: [Double]
    let maxCells: Int

    var count: Int { labels.count }
    var isSignal: [Bool] { labels.map { $0 == 1 } }

    /// With `withDeposits`, also each muon's categorised deposits (``deposits``, for ``particlesWithCategories()``).
    /// - Throws: if the sample has no labels where `labelled` is required, or a label is not 0 or 1.
    init(sample: MuonSample, maxCells: Int, labels: [Double]? = nil, withDeposits: Bool = false, threads: Int?) throws {
        guard let y = labels ?? sample.labels else { throw NeymanError.invalid("the muon sample has no truth labels") }
        guard y.count == sample.count, y.allSatisfy({ $0 == 0 || $0 == 1 }) else {
            throw NeymanError.invalid("muon labels must be 0 or 1, one per muon")
        }
        let size = CalorimeterImage.size
        radii = IsolationCones.defaultRadii
        let half = CalorimeterImage.halfWidth
        let perMuon = deterministicParallelMap(count: sample.count, threads: threads) { k -> ([Double], Double, ParticleEvent, [Float], [Particle]) in
            let image = sample.image(k)
            let m = sample.muons[k]
            let cones = IsolationCones.fromImage(image, muonPt: m.pt, radii: IsolationCones.defaultRadii)
            var cells: [(pt: Double, eta: Double, phi: Double)] = []
            for i in 0..<size { for j in 0..<size where image[i * size + j] > 0 {
                cells.append((image[i * size + j], CalorimeterImage.cellCentre(i), CalorimeterImage.cellCentre(j)))
            } }
            cells.sort { $0.pt > $1.pt }
            let kept = cells.prefix(maxCells)
            let relative = !withDeposits ? [] : sample.deposits[k]
                .map { Particle(pt: $0.pt, eta: $0.eta - m.eta, phi: deltaPhi($0.phi, m.phi), category: $0.category) }
                .filter { abs($0.eta) < half && abs($0.phi) < half && $0.pt > 0 }
                .sorted { $0.pt > $1.pt }
            return (cones, image.reduce(0, +), ParticleEvent(pt: kept.map(\.pt), eta: kept.map(\.eta), phi: kept.map(\.phi)),
                    image.map(Float.init), Array(relative.prefix(maxCells)))
        }
        var coneColumns = [[Double]](repeating: [Double](repeating: 0, count: sample.count), count: radii.count)
        for (k, m) in perMuon.enumerated() { for c in radii.indices { coneColumns[c][k] = m.0[c] } }
        cones = coneColumns
        sumPt = perMuon.map(\.1)
        cells = perMuon.map(\.2)
        images = perMuon.flatMap(\.3)
        deposits = perMuon.map(\.4)
        hasDeposits = withDeposits
        muonPt = sample.muons.map(\.pt)
        self.labels = y
        weights = sample.weights ?? [Double](repeating: 1, count: sample.count)
        self.maxCells = maxCells
    }

    /// Dense-network inputs: the cones `coneIndices` (into ``radii``), then `sum pT` if asked, then `extra` columns.
    func highLevel(cones coneIndices: [Int], sumPt withSum: Bool, extra: [[Double]] = []) throws -> LabelledEvents {
        var columns = coneIndices.map { cones[$0] }
        if withSum { columns.append(sumPt) }
        columns += extra
        let k = columns.count, n = count
        var x = [Float](repeating: 0, count: n * k)
        for (c, col) in columns.enumerated() { for i in 0..<n { x[i * k + c] = Float(col[i]) } }
        return try LabelledEvents(features: x, labels: labels.map(Float.init), weights: weights.map(Float.init), featureCount: k)
    }

    /// PFN/EFN inputs: `maxCells` slots of `(pT_cell / pT_mu, d_eta, d_phi)`, zero-padded. Feature 0 is the energy
    /// fraction `z` the EFN weights by (relative to the muon, so the scale of the deposit is kept, as `sum pT` keeps
    /// it beside the EFPs).
    func particles() throws -> LabelledEvents {
        let n = count, slot = maxCells * 3
        var x = [Float](repeating: 0, count: n * slot)
        for i in 0..<n {
            let e = cells[i]
            for p in e.pt.indices {
                x[i * slot + p * 3] = Float(e.pt[p] / muonPt[i])
                x[i * slot + p * 3 + 1] = Float(e.eta[p])
                x[i * slot + p * 3 + 2] = Float(e.phi[p])
            }
        }
        return try LabelledEvents(features: x, labels: labels.map(Float.init), weights: weights.map(Float.init), featureCount: slot)
    }

    /// Particle-level PFN inputs (a PFN with particle identification, Komiske, Metodiev & Thaler, arXiv:1810.05165
    /// §5): `maxCells` slots of `(pT / pT_mu, d_eta, d_phi, charged, neutral, photon, pileup)`, the last four a
    /// one-hot code of the deposit's ``ParticleCategory`` (all zero for `unknown`), zero-padded. Unlike the cells, the
    /// deposits keep what a particle-flow reconstruction knows: a charged hadron from the primary vertex and a photon of
    /// the same pT are different inputs.
    /// - Throws: if the features were made without their deposits.
    func particlesWithCategories() throws -> LabelledEvents {
        guard hasDeposits else {
            throw NeymanError.invalid("the muon features were made without their deposits (withDeposits: false)")
        }
        let n = count, width = MuonFeatures.particleWidth, slot = maxCells * width
        var x = [Float](repeating: 0, count: n * slot)
        for i in 0..<n {
            for (p, d) in deposits[i].enumerated() {
                let base = i * slot + p * width
                x[base] = Float(d.pt / muonPt[i]); x[base + 1] = Float(d.eta); x[base + 2] = Float(d.phi)
                switch d.category {
                case .chargedHadron: x[base + 3] = 1
                case .neutralHadron: x[base + 4] = 1
                case .photon: x[base + 5] = 1
                case .pileup: x[base + 6] = 1
                case .unknown: break
                }
            }
        }
        return try LabelledEvents(features: x, labels: labels.map(Float.init), weights: weights.map(Float.init), featureCount: slot)
    }

    /// Features per slot of ``particlesWithCategories()``.
    static let particleWidth = 7

    /// CNN inputs: the images, 1024 values per muon (standardised per pixel by the trainer, as the paper does).
    func imageInputs() throws -> LabelledEvents {
        try LabelledEvents(features: images, labels: labels.map(Float.init), weights: weights.map(Float.init),
                           featureCount: CalorimeterImage.size * CalorimeterImage.size)
    }

    /// Mean image of each class (flattening-weighted), for the paper's fig. 2.
    func meanImages() -> (prompt: [Double], nonPrompt: [Double]) {
        let cells = CalorimeterImage.size * CalorimeterImage.size
        var sums = ([Double](repeating: 0, count: cells), [Double](repeating: 0, count: cells)), w = (0.0, 0.0)
        for k in 0..<count {
            if labels[k] == 1 {
                for c in 0..<cells { sums.0[c] += weights[k] * Double(images[k * cells + c]) }
                w.0 += weights[k]
            } else {
                for c in 0..<cells { sums.1[c] += weights[k] * Double(images[k * cells + c]) }
                w.1 += weights[k]
            }
        }
        return (sums.0.map { $0 / max(w.0, .leastNormalMagnitude) }, sums.1.map { $0 / max(w.1, .leastNormalMagnitude) })
    }

    /// `log10` of the EFPs of `graphs` at (`kappa`, `beta`) on every muon's cells, `result[g][k]`; a muon without a
    /// cell gets `log10(floor)`. Values below `floor` (1e-12) are raised to it, so the logarithm stays finite.
    func logEFPs(_ graphs: [Multigraph], kappa: Double, beta: Double, threads: Int?) throws -> [[Double]] {
        let floor = 1e-12
        let efp = try EnergyFlowPolynomials(graphs: graphs, kappa: kappa, beta: beta)
        let nonEmpty = cells.indices.filter { !cells[$0].pt.isEmpty }
        let values = try efp.values(events: nonEmpty.map { cells[$0] }, threads: threads)
        var out = [[Double]](repeating: [Double](repeating: log10(floor), count: count), count: graphs.count)
        for g in graphs.indices { for (r, k) in nonEmpty.enumerated() { out[g][k] = log10(max(values[g][r], floor)) } }
        return out
    }
}
