import Foundation

/// Data-driven starting values for an extended fit of a peak over a smooth background, read off a 40-bin
/// histogram of the (weighted) events in the range:
///
/// - background level: the mean density of the outer 15% of the range on each side (the sidebands);
///   background yield = that level times the range width, capped to 95% of the events; signal yield = the rest
///   (at least 5%);
/// - `mode`: the centre of the highest bin of the background-subtracted histogram; `median`: the weighted median;
/// - `peakWidth`: the full width at half maximum of the background-subtracted peak around the mode (at least two
///   bins), so `sigma ~ peakWidth / 2.355`;
/// - `slope`: `ln(right level / left level) / distance` between the sideband centres (0 when a side is empty).
///
/// Any of these can be overridden by the user (`--start`); they only need to be good enough for the fit to find
/// the right minimum.
public struct StartingValues: Sendable {
    public let range: FitRange
    public var total: Double
    public var signalYield: Double
    public var backgroundYield: Double
    public var mode: Double
    public var median: Double
    public var peakWidth: Double
    public var slope: Double

    public init(masses: [Double], weights: [Double]?, range: FitRange) {
        self.range = range
        let bins = 40
        let dx = range.width / Double(bins)
        var h = [Double](repeating: 0, count: bins)
        var inRange: [(Double, Double)] = []
        for (i, m) in masses.enumerated() where range.contains(m) {
            let w = weights?[i] ?? 1
            h[min(bins - 1, Int((m - range.lo) / dx))] += w
            inRange.append((m, w))
        }
        total = max(h.reduce(0, +), 1)
        let side = 6  // 15% of 40 bins
        let left = h[0..<side].reduce(0, +) / Double(side)
        let right = h[(bins - side)..<bins].reduce(0, +) / Double(side)
        let level = max(0, (left + right) / 2)
        backgroundYield = min(max(level * Double(bins), 0.05 * total), 0.95 * total)
        signalYield = total - backgroundYield
        // Linear background under the peak, from the two sideband levels.
        let centreL = Double(side) / 2, centreR = Double(bins) - Double(side) / 2
        let sub = h.indices.map { b in h[b] - (left + (right - left) * (Double(b) + 0.5 - centreL) / (centreR - centreL)) }
        let peak = sub.indices.max { sub[$0] < sub[$1] } ?? bins / 2
        mode = range.lo + (Double(peak) + 0.5) * dx
        var lo = peak, hi = peak
        let half = sub[peak] / 2
        while lo > 0 && sub[lo - 1] > half { lo -= 1 }
        while hi < bins - 1 && sub[hi + 1] > half { hi += 1 }
        peakWidth = max(2, Double(hi - lo + 1)) * dx
        inRange.sort { $0.0 < $1.0 }
        let totalW = inRange.reduce(0) { $0 + $1.1 }
        var acc = 0.0
        median = range.centre
        for (m, w) in inRange {
            acc += w
            if acc >= totalW / 2 { median = m; break }
        }
        let distance = (centreR - centreL) * dx
        slope = left > 0 && right > 0 ? log(right / left) / distance : 0
    }
}
