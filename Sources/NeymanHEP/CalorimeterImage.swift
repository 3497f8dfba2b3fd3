import Foundation

/// The calorimeter image around a muon (muon paper §2): transverse energy per cell on a 32 x 32 grid covering
/// `[-0.45, 0.45]^2` in `(d_eta, d_phi)` relative to the muon, cells of `0.9 / 32 = 0.028125`. Cell `(i, j)` is
/// `values[i * 32 + j]`, `i` the `d_eta` cell counted from -0.45 upward, `j` the `d_phi` cell (`d_phi` wrapped into
/// [-pi, pi]). A deposit exactly on the upper edge (+0.45) is outside, as in a half-open histogram.
public enum CalorimeterImage {
    /// Cells per side.
    public static let size = 32
    /// Half the side of the image in eta and phi.
    public static let halfWidth = 0.45
    /// The side of one cell.
    public static let cellWidth = 2 * halfWidth / Double(size)

    /// The centre of cell `k` (0...31) along either axis, relative to the muon.
    @inlinable public static func cellCentre(_ k: Int) -> Double { -halfWidth + (Double(k) + 0.5) * cellWidth }

    /// The cell index of an offset, or nil outside `[-0.45, 0.45)`.
    @inlinable public static func cell(_ offset: Double) -> Int? {
        let k = Int(((offset + halfWidth) / cellWidth).rounded(.down))
        return (0..<size).contains(k) && offset >= -halfWidth && offset < halfWidth ? k : nil
    }

    /// The image of `deposits` around a muon at `(eta, phi)`: the sum of deposit `pt` per cell.
    public static func make(deposits: [Particle], muonEta eta: Double, muonPhi phi: Double) -> [Double] {
        var image = [Double](repeating: 0, count: size * size)
        for d in deposits {
            guard let i = cell(d.eta - eta), let j = cell(deltaPhi(d.phi, phi)) else { continue }
            image[i * size + j] += d.pt
        }
        return image
    }
}
