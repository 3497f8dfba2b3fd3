import Foundation
import NeymanCore

/// A four-momentum `(E, px, py, pz)` in GeV, with the collider coordinates (pT, eta, phi) and the Lorentz boost the
/// tau-muon generator's decays need (``TauMuonKinematics``). Metric `(+, -, -, -)`.
public struct FourMomentum: Sendable, Equatable {
    /// Energy and momentum components (GeV).
    public var e: Double
    public var px: Double
    public var py: Double
    public var pz: Double

    /// From the components.
    public init(e: Double, px: Double, py: Double, pz: Double) {
        self.e = e
        self.px = px
        self.py = py
        self.pz = pz
    }

    /// A particle of `mass` with transverse momentum `pt`, rapidity `y` and azimuth `phi`:
    /// `mT = sqrt(m^2 + pT^2)`, `E = mT cosh y`, `pz = mT sinh y`.
    public init(pt: Double, rapidity y: Double, phi: Double, mass: Double) {
        let mt = (mass * mass + pt * pt).squareRoot()
        self.init(e: mt * cosh(y), px: pt * cos(phi), py: pt * sin(phi), pz: mt * sinh(y))
    }

    /// A particle of `mass` with momentum `p` along the unit vector `(ux, uy, uz)`.
    public init(momentum p: Double, direction u: (Double, Double, Double), mass: Double) {
        self.init(e: (p * p + mass * mass).squareRoot(), px: p * u.0, py: p * u.1, pz: p * u.2)
    }

    /// `|p|`.
    public var p: Double { (px * px + py * py + pz * pz).squareRoot() }
    /// `pT = sqrt(px^2 + py^2)`.
    public var pt: Double { (px * px + py * py).squareRoot() }
    /// The invariant mass `sqrt(max(E^2 - p^2, 0))`.
    public var mass: Double { max(e * e - px * px - py * py - pz * pz, 0).squareRoot() }
    /// Pseudorapidity `eta = asinh(pz / pT)` (`+-inf` along the beam).
    public var eta: Double { asinh(pz / pt) }
    /// Azimuth in (-pi, pi].
    public var phi: Double { atan2(py, px) }
    /// `sin(theta) = pT / |p|`.
    public var sinTheta: Double { pt / p }
    /// The unit vector along the momentum.
    public var direction: (Double, Double, Double) { let m = p; return (px / m, py / m, pz / m) }

    /// This four-momentum, given in the rest frame of `parent`, seen in the frame where `parent` has its momentum:
    /// with `beta = p_parent / E_parent`, `gamma = E_parent / m_parent`,
    /// ```
    ///   p' = p + ((gamma - 1) (beta.p) / beta^2 + gamma E) beta        E' = gamma (E + beta.p)
    /// ```
    /// (the identity for a parent at rest).
    public func boosted(toFrameOf parent: FourMomentum) -> FourMomentum {
        let bx = parent.px / parent.e, by = parent.py / parent.e, bz = parent.pz / parent.e
        let b2 = bx * bx + by * by + bz * bz
        guard b2 > 0 else { return self }
        let gamma = 1 / (1 - b2).squareRoot()
        let bp = bx * px + by * py + bz * pz
        let k = (gamma - 1) * bp / b2 + gamma * e
        return FourMomentum(e: gamma * (e + bp), px: px + k * bx, py: py + k * by, pz: pz + k * bz)
    }

    /// A uniformly random unit vector (`cos theta` uniform in [-1, 1], `phi` uniform).
    public static func isotropicDirection(_ rng: RandomStream) -> (Double, Double, Double) {
        let c = rng.uniform(-1, 1), s = max(1 - c * c, 0).squareRoot(), a = rng.uniform(-Double.pi, Double.pi)
        return (s * cos(a), s * sin(a), c)
    }
}
