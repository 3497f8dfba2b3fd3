import Foundation
import NeymanCore

/// A sample of muons with what surrounds them (muon paper §2; the layout in docs/muon-samples.md): per muon its
/// `(pt, eta, phi, charge)`, the deposits within `dR < 0.45` as a particle list with categories, the calorimeter image
/// (computed from the deposits unless the file supplies its own), the truth label where known (1 prompt, 0
/// non-prompt), weights, and for dimuon events the pair's mass and charge product.
public struct MuonSample: Sendable {
    /// A muon's kinematics and charge.
    public struct Muon: Sendable, Equatable {
        public var pt: Double
        public var eta: Double
        public var phi: Double
        /// +1 or -1.
        public var charge: Double
        public init(pt: Double, eta: Double, phi: Double, charge: Double) {
            self.pt = pt
            self.eta = eta
            self.phi = phi
            self.charge = charge
        }
    }

    public var muons: [Muon]
    /// Deposits around each muon (absolute coordinates), within `dR < 0.45`.
    public var deposits: [[Particle]]
    /// 1 = prompt, 0 = non-prompt; nil for unlabelled ("data") samples.
    public var labels: [Double]?
    /// Per-muon weights (e.g. the (pT, eta) flattening weights); nil = all 1.
    public var weights: [Double]?
    /// Images supplied by the file (`CalorimeterImage.size^2` per muon); nil = computed from the deposits.
    public var suppliedImages: [[Double]]?
    /// Dimuon samples: the event number, the pair's invariant mass and the product of the two charges.
    public var event: [Int]?
    public var pairMass: [Double]?
    public var pairCharge: [Double]?
    /// Process codes (names in the metadata's `processes`).
    public var process: [Int]?
    /// A JSON object describing how the sample was made.
    public var metadata: String

    public init(muons: [Muon], deposits: [[Particle]], labels: [Double]? = nil, weights: [Double]? = nil,
                suppliedImages: [[Double]]? = nil, event: [Int]? = nil, pairMass: [Double]? = nil, pairCharge: [Double]? = nil,
                process: [Int]? = nil, metadata: String = "{}") {
        self.muons = muons
        self.deposits = deposits
        self.labels = labels
        self.weights = weights
        self.suppliedImages = suppliedImages
        self.event = event
        self.pairMass = pairMass
        self.pairCharge = pairCharge
        self.process = process
        self.metadata = metadata
    }

    /// The number of muons.
    public var count: Int { muons.count }

    /// The image of muon `k`: the file's own, or made from its deposits.
    public func image(_ k: Int) -> [Double] {
        if let s = suppliedImages { return s[k] }
        return CalorimeterImage.make(deposits: deposits[k], muonEta: muons[k].eta, muonPhi: muons[k].phi)
    }

    /// Cone isolations of every muon (`result[cone][muon]`), from the images or from the particle lists.
    public func cones(_ radii: [Double], fromImages: Bool = true) -> [[Double]] {
        var out = [[Double]](repeating: [Double](repeating: 0, count: count), count: radii.count)
        for k in 0..<count {
            let m = muons[k]
            let v = fromImages ? IsolationCones.fromImage(image(k), muonPt: m.pt, radii: radii)
                : IsolationCones.fromParticles(deposits[k], muonPt: m.pt, muonEta: m.eta, muonPhi: m.phi, radii: radii)
            for c in radii.indices { out[c][k] = v[c] }
        }
        return out
    }

    /// The CMS particle-flow isolation of every muon.
    public func particleFlowIsolation(radius: Double = 0.4) -> [Double] {
        (0..<count).map { k in
            IsolationCones.particleFlow(deposits[k], muonPt: muons[k].pt, muonEta: muons[k].eta, muonPhi: muons[k].phi, radius: radius)
        }
    }

    /// The deposits of every muon as particle events (for EFPs), with coordinates relative to the muon.
    public func relativeEvents() -> [ParticleEvent] {
        (0..<count).map { k in
            let d = deposits[k], m = muons[k]
            return ParticleEvent(pt: d.map(\.pt), eta: d.map { $0.eta - m.eta }, phi: d.map { deltaPhi($0.phi, m.phi) })
        }
    }
}
