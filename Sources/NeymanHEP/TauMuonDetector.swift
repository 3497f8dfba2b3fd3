import Foundation
import NeymanCore

/// The detector model of the built-in tau-muon generator (docs/tau-muons.md): an inner detector (ID) that measures the
/// track's impact parameters and momentum, a calorimeter in which the muon loses energy, and a muon spectrometer (MS)
/// behind it; the combined (CB) momentum is their inverse-variance mean. Round numbers of ATLAS Run 2; lengths in mm,
/// momenta in GeV, `theta` the polar angle of the track.
///
/// ```
///   sigma(d0)       = a_d0 (+) b_d0 / (pT sqrt(sin theta))           a_d0 = 0.010 mm, b_d0 = 0.070 mm GeV
///   sigma(z0)       = a_z0 (+) b_z0 / (pT sin(theta)^(3/2))          a_z0 = 0.030 mm, b_z0 = 0.100 mm GeV
///   primary vertex  z_pv ~ N(0, 45 mm), measured with sigma 0.020 mm; beam spot x, y ~ N(0, 0.010 mm)
///   ID              sigma(pT)/pT = 0.01 (+) 0.0005 pT
///   energy loss     dE = 2.6 + 0.25 lambda GeV, lambda ~ Moyal (= -ln z^2, z ~ N(0, 1)), mean 2.6 + 0.25 (gamma_E + ln 2)
///   MS              p_MS = p - dE + <dE> (the mean loss corrected), sigma(pT)/pT = 0.03 (+) 0.0001 pT
///   CB              pT_CB = (pT_ID / s_ID^2 + pT_MS / s_MS^2) / (1 / s_ID^2 + 1 / s_MS^2),  s_CB^-2 = s_ID^-2 + s_MS^-2
///   chi2_match      (pT_ID - pT_MS)^2 / (s_ID^2 + s_MS^2)
/// ```
/// (`(+)` adds in quadrature; `s` are absolute pT resolutions at the measured pT.) Features:
/// ```
///   |d0|, |d0| / sigma(d0)      d0 of the straight track from its origin, to the beam spot, smeared
///   Delta z0 = |z0 - z_pv|      z0 at the transverse point of closest approach, smeared; z_pv measured
///   |z0 sin theta|              Delta z0 sin(theta)
///   Delta pT / pT               s_CB / pT_CB * max(1, sqrt(chi2_match))  (the combined fit's error, scaled by a bad match)
///   rho' = (pT_ID - pT_MS) / pT_CB
/// ```
/// Tracks are straight lines (curvature neglected: for pT > 5 GeV in 2 T and decay lengths of mm the sagitta is
/// below 1 µm). A track with a kink (a pion or kaon decaying in flight) is fitted with errors scaled by
/// `fitDegradation`.
public struct TauMuonDetector: Sendable, Equatable {
    /// `a_d0`, `b_d0` (mm, mm GeV).
    public var d0Constant = 0.010, d0MultipleScattering = 0.070
    /// `a_z0`, `b_z0` (mm, mm GeV).
    public var z0Constant = 0.030, z0MultipleScattering = 0.100
    /// Beam-spot width in x and y, the vertex's z spread, the vertex z resolution (mm).
    public var beamSpotWidth = 0.010, vertexLength = 45.0, vertexResolution = 0.020
    /// ID relative pT resolution: constant and slope (per GeV).
    public var idConstant = 0.01, idSlope = 0.000_5
    /// MS relative pT resolution: constant and slope (per GeV).
    public var msConstant = 0.03, msSlope = 0.000_1
    /// Energy loss: most probable value and Moyal width (GeV).
    public var energyLossPeak = 2.6, energyLossWidth = 0.25

    /// The default (ATLAS-like) detector.
    public init() {}

    /// The mean of the energy loss, `peak + width (gamma_E + ln 2)` (the Moyal mean), which the MS measurement adds back.
    public var meanEnergyLoss: Double { energyLossPeak + energyLossWidth * (0.577_215_664_901_532_9 + log(2.0)) }

    /// `sigma(d0) = a_d0 (+) b_d0 / (pT sqrt(sin theta))` (mm).
    public func sigmaD0(pt: Double, sinTheta: Double) -> Double {
        let ms = d0MultipleScattering / (pt * sinTheta.squareRoot())
        return (d0Constant * d0Constant + ms * ms).squareRoot()
    }

    /// `sigma(z0) = a_z0 (+) b_z0 / (pT sin(theta)^1.5)` (mm).
    public func sigmaZ0(pt: Double, sinTheta: Double) -> Double {
        let ms = z0MultipleScattering / (pt * pow(sinTheta, 1.5))
        return (z0Constant * z0Constant + ms * ms).squareRoot()
    }

    /// Relative ID and MS pT resolutions at `pt`.
    public func idResolution(pt: Double) -> Double { (idConstant * idConstant + idSlope * pt * idSlope * pt).squareRoot() }
    public func msResolution(pt: Double) -> Double { (msConstant * msConstant + msSlope * pt * msSlope * pt).squareRoot() }

    /// One energy loss in the calorimeters (GeV): `peak + width lambda`, `lambda = -ln z^2` Moyal.
    public func energyLoss(_ rng: RandomStream) -> Double {
        let z = rng.normal()
        return energyLossPeak + energyLossWidth * -log(max(z * z, 1e-300))
    }

    /// The true track at production: the point it starts from and the momentum the ID sees, and the muon that reaches
    /// the MS (the same particle unless a hadron decayed in flight).
    public struct Track: Sendable {
        /// Where the ID track starts (mm).
        public var origin: (x: Double, y: Double, z: Double)
        /// The momentum the ID measures (the muon's, or a hadron's that decays in flight).
        public var idMomentum: FourMomentum
        /// The muon that reaches the calorimeter and the spectrometer.
        public var muonMomentum: FourMomentum
        /// The factor on the ID errors (1; 1.3 for a kinked track).
        public var fitDegradation: Double

        /// A track from its parts.
        public init(origin: (x: Double, y: Double, z: Double), idMomentum: FourMomentum, muonMomentum: FourMomentum, fitDegradation: Double = 1) {
            self.origin = origin
            self.idMomentum = idMomentum
            self.muonMomentum = muonMomentum
            self.fitDegradation = fitDegradation
        }
    }

    /// The reconstructed muon's measurements.
    public struct Measurement: Sendable, Equatable {
        /// ID, MS and combined transverse momenta (GeV).
        public var ptID: Double, ptMS: Double, ptCB: Double
        /// `|eta|` of the ID track.
        public var absEta: Double
        /// Signed measured `d0` and its error `sigma(d0)` (mm).
        public var d0: Double, sigmaD0: Double
        /// `|z0 - z_pv|` (mm).
        public var deltaZ0: Double
        /// `|z0 - z_pv| sin(theta)`: the longitudinal impact parameter projected perpendicular to the track.
        public var z0SinTheta: Double
        /// `Delta pT / pT` (see the type's documentation).
        public var ptUncertainty: Double
        /// `rho' = (pT_ID - pT_MS) / pT_CB`.
        public var rhoPrime: Double
    }

    /// The true signed `d0` and `z0` of a straight track from `origin` with momentum `p`, relative to the beam line at
    /// `(bx, by)`: `d0 = (dx py - dy px) / pT`, `z0 = z + t pz` with `t = -(dx px + dy py) / pT^2`.
    public static func impactParameters(origin o: (x: Double, y: Double, z: Double), momentum p: FourMomentum,
                                        beam: (x: Double, y: Double) = (0, 0)) -> (d0: Double, z0: Double) {
        let dx = o.x - beam.x, dy = o.y - beam.y, pt2 = p.px * p.px + p.py * p.py
        let t = -(dx * p.px + dy * p.py) / pt2
        return ((dx * p.py - dy * p.px) / pt2.squareRoot(), o.z + t * p.pz)
    }

    /// Measures `track` produced in an event whose primary vertex is at `z = zpv` (the track's origin includes the
    /// vertex's transverse offset from the beam line, which is not known event by event: `d0` is measured to (0, 0)).
    public func measure(_ track: Track, zpv: Double, _ rng: RandomStream) -> Measurement {
        let id = track.idMomentum, mu = track.muonMomentum
        let sinTheta = id.sinTheta, k = track.fitDegradation
        let (d0True, z0True) = TauMuonDetector.impactParameters(origin: track.origin, momentum: id)
        let sd0 = sigmaD0(pt: id.pt, sinTheta: sinTheta) * k
        let d0 = d0True + rng.normal(sigma: sd0)
        let z0 = z0True + rng.normal(sigma: sigmaZ0(pt: id.pt, sinTheta: sinTheta) * k)
        let zpvMeasured = zpv + rng.normal(sigma: vertexResolution)
        // Momenta.
        let ptID = id.pt * (1 + rng.normal(sigma: idResolution(pt: id.pt) * k))
        let loss = energyLoss(rng)
        let pMS = max(mu.p - loss + meanEnergyLoss, 0.5)
        let ptMS = pMS * mu.sinTheta * (1 + rng.normal(sigma: msResolution(pt: mu.pt)))
        let sID = idResolution(pt: abs(ptID)) * abs(ptID) * k, sMS = msResolution(pt: abs(ptMS)) * abs(ptMS)
        let wID = 1 / (sID * sID), wMS = 1 / (sMS * sMS)
        let ptCB = (ptID * wID + ptMS * wMS) / (wID + wMS)
        let sCB = 1 / (wID + wMS).squareRoot()
        let chi2 = (ptID - ptMS) * (ptID - ptMS) / (sID * sID + sMS * sMS)
        return Measurement(ptID: ptID, ptMS: ptMS, ptCB: ptCB, absEta: abs(id.eta), d0: d0, sigmaD0: sd0,
                           deltaZ0: abs(z0 - zpvMeasured), z0SinTheta: abs(z0 - zpvMeasured) * sinTheta, ptUncertainty: sCB / abs(ptCB) * max(1, chi2.squareRoot()),
                           rhoPrime: (ptID - ptMS) / ptCB)
    }
}
