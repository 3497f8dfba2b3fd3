import Foundation
import NeymanCore

/// Isolation of a muon (docs/formulas.md §8; muon paper §2 and appendix A; the CWoLa + sPlot poster):
///
/// ```
///   I(R0) = sum_{deposits with dR < R0} pt / pt_mu                                    (cone isolation)
///   I_PF  = [ sum pt_ch + max(0, sum pt_nh + sum pt_gamma - 1/2 sum pt_PU) ] / pt_mu    (CMS particle-flow, dR < R)
/// ```
/// From an image (``CalorimeterImage``) a cell counts when its centre lies within `R0` of the muon, so the cones are a
/// function of the image and carry no information the image lacks (the paper's construction); from a particle list
/// every deposit is placed exactly.
public enum IsolationCones {
    /// The 18 cones of the paper: `R0 = 0.025, 0.05, ..., 0.45`.
    public static let defaultRadii: [Double] = (1...18).map { Double($0) * 0.025 }
    /// The paper's greedy 10-cone set (docs/formulas.md §8).
    public static let paperTenCones: [Double] = [0.025, 0.05, 0.075, 0.125, 0.15, 0.225, 0.275, 0.325, 0.425, 0.45]

    /// Cone isolations from an image (`CalorimeterImage.size^2` values), divided by `muonPt`.
    public static func fromImage(_ image: [Double], muonPt: Double, radii: [Double]) -> [Double] {
        let n = CalorimeterImage.size
        var sums = [Double](repeating: 0, count: radii.count)
        for i in 0..<n {
            let de = CalorimeterImage.cellCentre(i)
            for j in 0..<n {
                let v = image[i * n + j]
                if v == 0 { continue }
                let dp = CalorimeterImage.cellCentre(j)
                let r = (de * de + dp * dp).squareRoot()
                for (k, r0) in radii.enumerated() where r < r0 { sums[k] += v }
            }
        }
        return sums.map { $0 / muonPt }
    }

    /// Cone isolations from deposits around a muon at `(eta, phi)` with transverse momentum `muonPt`.
    public static func fromParticles(_ deposits: [Particle], muonPt: Double, muonEta: Double, muonPhi: Double,
                                     radii: [Double]) -> [Double] {
        var sums = [Double](repeating: 0, count: radii.count)
        for d in deposits {
            let r = deltaR(eta1: d.eta, phi1: d.phi, eta2: muonEta, phi2: muonPhi)
            for (k, r0) in radii.enumerated() where r < r0 { sums[k] += d.pt }
        }
        return sums.map { $0 / muonPt }
    }

    /// The CMS particle-flow relative isolation in a cone of `radius` (default 0.4): charged hadrons from the primary
    /// vertex, plus neutral hadrons and photons corrected for pileup by half the charged pileup (the "delta-beta"
    /// correction), floored at zero. Deposits of unknown category count as neutral.
    public static func particleFlow(_ deposits: [Particle], muonPt: Double, muonEta: Double, muonPhi: Double,
                                    radius: Double = 0.4) -> Double {
        var charged = 0.0, neutral = 0.0, pileup = 0.0
        for d in deposits where deltaR(eta1: d.eta, phi1: d.phi, eta2: muonEta, phi2: muonPhi) < radius {
            switch d.category {
            case .chargedHadron: charged += d.pt
            case .pileup: pileup += d.pt
            case .neutralHadron, .photon, .unknown: neutral += d.pt
            }
        }
        return (charged + max(0, neutral - 0.5 * pileup)) / muonPt
    }

    /// Parses `LO:HI:STEP` (inclusive of HI up to rounding) or a comma-separated list of radii; every radius must be
    /// in (0, 0.45].
    public static func parseRadii(_ text: String, option: String = "cones") throws -> [Double] {
        func number(_ s: Substring) throws -> Double {
            guard let v = StrictNumber.double(String(s).trimmingCharacters(in: .whitespaces)), v.isFinite else {
                throw NeymanError.invalid("'\(s)' is not a number", parameter: option)
            }
            return v
        }
        var radii: [Double]
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        if parts.count == 3 {
            let (lo, hi, step) = (try number(parts[0]), try number(parts[1]), try number(parts[2]))
            guard step > 0, lo > 0, hi >= lo, (hi - lo) / step < 1000 else {
                throw NeymanError.invalid("'\(text)' is not LO:HI:STEP with 0 < LO <= HI and STEP > 0 (at most 1000 cones)", parameter: option)
            }
            let count = Int(((hi - lo) / step + 1e-9).rounded(.down)) + 1
            radii = (0..<count).map { lo + Double($0) * step }
        } else if parts.count == 1 {
            radii = try text.split(separator: ",", omittingEmptySubsequences: false).map(number)
        } else {
            throw NeymanError.invalid("'\(text)' is neither LO:HI:STEP nor a list R1,R2,...", parameter: option)
        }
        guard !radii.isEmpty, radii.allSatisfy({ $0 > 0 && $0 <= CalorimeterImage.halfWidth + 1e-12 }) else {
            throw NeymanError.invalid("every cone radius must be in (0, 0.45] (the image and the stored deposits end there)",
                                      parameter: option)
        }
        return radii
    }
}
