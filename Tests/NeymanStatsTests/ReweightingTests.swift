import Foundation
import Testing
import NeymanCore
@testable import NeymanStats

/// Sample weights: histogram flattening and matching (with the overflow policies of the ATLAS tau-muon talk), and
/// Gaussian-KDE density-ratio weights (against the direct sum, scipy, the analytic smoothed Gaussian, and the
/// moments of a reweighted Gaussian).
@Suite("Reweighting")
struct ReweightingTests {
    // MARK: Helpers

    /// Bin of `x` by a linear scan of the edges (independent of HistogramAxis.locate): nil when out of range.
    static func scanBin(_ x: Double, _ edges: [Double]) -> Int? {
        guard x >= edges[0], x <= edges[edges.count - 1] else { return nil }
        for k in 0..<(edges.count - 2) where x < edges[k + 1] { return k }
        return edges.count - 2
    }

    /// Weighted 1-D or 2-D histogram (C order) of the in-range events.
    static func histogram(_ columns: [[Double]], _ weights: [Double], _ edges: [[Double]]) -> [Double] {
        let counts = edges.map { $0.count - 1 }
        var h = [Double](repeating: 0, count: counts.reduce(1, *))
        event: for i in weights.indices {
            var flat = 0
            for a in edges.indices {
                guard let k = scanBin(columns[a][i], edges[a]) else { continue event }
                flat = flat * counts[a] + k
            }
            h[flat] += weights[i]
        }
        return h
    }

    /// Plain left-to-right sum (sum rules are checked to 1e-11: naive summation of 2 x 10^4 terms is good to ~n eps).
    static func sum(_ v: [Double]) -> Double { v.reduce(0, +) }

    // MARK: Histogram axis

    @Test func axisLocatesLikeNumpy() throws {
        let axis = try HistogramAxis(edges: [0, 1, 2.5, 4])
        #expect(axis.locate(-0.1) == .below)
        #expect(axis.locate(0) == .inside(0))
        #expect(axis.locate(0.999) == .inside(0))
        #expect(axis.locate(1) == .inside(1))
        #expect(axis.locate(2.5) == .inside(2))
        #expect(axis.locate(4) == .inside(2))      // the last bin is closed
        #expect(axis.locate(4.0000001) == .above)
        #expect(axis.width(ofBin: 1) == 1.5)
        let uniform = try HistogramAxis(bins: 12, lower: 0, upper: 60)   // the talk's 5 GeV bins up to 60 GeV
        #expect(uniform.edges.count == 13 && uniform.edges[1] == 5 && uniform.edges[11] == 55 && uniform.upper == 60)
        let rng = RandomStream(seed: 11)
        for _ in 0..<2000 {
            let x = rng.uniform(-5, 65)
            let expected = Self.scanBin(x, uniform.edges)
            switch uniform.locate(x) {
            case .inside(let k): #expect(k == expected)
            case .below, .above: #expect(expected == nil)
            }
        }
        #expect(throws: NeymanError.self) { try HistogramAxis(edges: [0, 1, 1, 2]) }
        #expect(throws: NeymanError.self) { try HistogramAxis(edges: [0]) }
        #expect(throws: NeymanError.self) { try HistogramAxis(edges: [0, .nan]) }
        #expect(throws: NeymanError.self) { try HistogramAxis(bins: 0, lower: 0, upper: 1) }
        #expect(throws: NeymanError.self) { try HistogramAxis(bins: 3, lower: 1, upper: 1) }
    }

    // MARK: Flattening

    /// A falling pT-like spectrum with weights and events beyond the last edge (as the talk's pT > 60 GeV).
    static func spectrum(_ n: Int, seed: UInt64) -> (pt: [Double], eta: [Double], w: [Double]) {
        let rng = RandomStream(seed: seed)
        var pt = [Double](), eta = [Double](), w = [Double]()
        for _ in 0..<n {
            pt.append(5 + rng.exponential(mean: 15))
            eta.append(rng.normal(sigma: 1.1))
            w.append(rng.uniform(0.5, 2))
        }
        return (pt, eta, w)
    }

    @Test func flattening1DIsFlatWithSumRule() throws {
        let s = Self.spectrum(20000, seed: 1)
        let axis = try HistogramAxis(bins: 11, lower: 5, upper: 60)
        let r = try HistogramReweighting.flattening([s.pt], weights: s.w, axes: [axis])
        #expect(r.overflow == .clampToEdgeBins && r.outOfRangeCount > 0)
        let h = Self.histogram([s.pt], r.weights, [axis.edges])
        // Per-bin weights: every bin holds exactly (to rounding) the same weight; equal widths, so flat density.
        for k in h.indices { #expect(relClose(h[k], h[0], 1e-12), "bin \(k): \(h[k]) vs \(h[0])") }
        #expect(h[0] > 0)
        #expect(relClose(Self.sum(r.weights), Self.sum(s.w), 1e-11))
        // Weights are the input weights times the bin factor; clamped events carry the last bin's factor.
        for i in [0, 1, 2, 3] where s.pt[i] <= 60 {
            guard case .inside(let k) = axis.locate(s.pt[i]) else { continue }
            #expect(relClose(r.weights[i], s.w[i] * r.binFactors[k], 1e-15))
        }
        if let i = s.pt.firstIndex(where: { $0 > 60 }) {
            #expect(relClose(r.weights[i], s.w[i] * r.binFactors[10], 1e-15))
        }
        // Unit weights: the sum rule still holds with the clamped events included.
        let u = try HistogramReweighting.flattening([s.pt], axes: [axis])
        #expect(relClose(Self.sum(u.weights), 20000, 1e-11))
    }

    @Test func flatteningWithNonUniformBinsIsFlatInDensity() throws {
        let s = Self.spectrum(20000, seed: 2)
        let edges: [Double] = [5, 7, 10, 15, 25, 40, 60]
        let axis = try HistogramAxis(edges: edges)
        let r = try HistogramReweighting.flattening([s.pt], weights: s.w, axes: [axis], overflow: .zero)
        let h = Self.histogram([s.pt], r.weights, [edges])
        let density = h.indices.map { h[$0] / (edges[$0 + 1] - edges[$0]) }
        for k in density.indices { #expect(relClose(density[k], density[0], 1e-12), "bin \(k)") }
        // Nothing out of range keeps weight (.zero), so sum w = c * (60 - 5): c = sum w / 55.
        #expect(relClose(density[0], Self.sum(s.w) / 55, 1e-12))
        #expect(relClose(Self.sum(r.weights), Self.sum(s.w), 1e-11))
        for i in s.pt.indices where s.pt[i] > 60 { #expect(r.weights[i] == 0) }
    }

    @Test func flattening2DIsFlatInDensity() throws {
        let s = Self.spectrum(30000, seed: 3)
        let ptEdges: [Double] = [5, 10, 15, 20, 30, 45, 60]
        let etaEdges: [Double] = [-2.5, -1.37, -0.6, 0, 0.6, 1.37, 2.5]
        let axes = [try HistogramAxis(edges: ptEdges), try HistogramAxis(edges: etaEdges)]
        let r = try HistogramReweighting.flattening([s.pt, s.eta], weights: s.w, axes: axes)
        let h = Self.histogram([s.pt, s.eta], r.weights, [ptEdges, etaEdges])
        var reference: Double?
        for a in 0..<6 {
            for b in 0..<6 {
                let area = (ptEdges[a + 1] - ptEdges[a]) * (etaEdges[b + 1] - etaEdges[b])
                let dens = h[a * 6 + b] / area
                #expect(r.sourceHistogram[a * 6 + b] > 0)
                if let ref = reference { #expect(relClose(dens, ref, 1e-12), "bin (\(a), \(b))") } else { reference = dens }
                #expect(r.binIndex([a, b]) == a * 6 + b)
            }
        }
        #expect(relClose(Self.sum(r.weights), Self.sum(s.w), 1e-11))
        // Independent histogram of the input weights equals the reported source histogram.
        let h0 = Self.histogram([s.pt, s.eta], s.w, [ptEdges, etaEdges])
        for b in h0.indices { #expect(relClose(r.sourceHistogram[b], h0[b], 1e-12)) }
    }

    // MARK: Overflow policies (hand-computed weights)

    /// Edges 0, 1, 2, 3; events 0.5 | 1.5, 1.6 | 2.5, plus 3.5 (above) and -1 (below), unit weights:
    /// H = (1, 2, 1), f = (1, 1/2, 1).
    static let small: [Double] = [0.5, 1.5, 1.6, 2.5, 3.5, -1]

    @Test func clampPolicyGivesEdgeBinWeights() throws {
        let axis = try HistogramAxis(edges: [0, 1, 2, 3])
        let r = try HistogramReweighting.flattening([Self.small], axes: [axis], overflow: .clampToEdgeBins)
        // raw = (1, .5, .5, 1, 1 [last bin], 1 [first bin]), sum 5, c = 6/5.
        let expected = [1.2, 0.6, 0.6, 1.2, 1.2, 1.2]
        for i in expected.indices { #expect(relClose(r.weights[i], expected[i], 1e-15), "event \(i): \(r.weights[i])") }
        #expect(r.outOfRangeCount == 2)
        #expect(relClose(r.effectiveSize, 36.0 / (4 * 1.44 + 2 * 0.36), 1e-14))   // (sum w)² / sum w²
    }

    @Test func zeroPolicyDropsOutOfRangeEvents() throws {
        let axis = try HistogramAxis(edges: [0, 1, 2, 3])
        let r = try HistogramReweighting.flattening([Self.small], axes: [axis], overflow: .zero)
        // raw = (1, .5, .5, 1, 0, 0), sum 3, c = 2.
        let expected: [Double] = [2, 1, 1, 2, 0, 0]
        #expect(r.weights == expected)
    }

    @Test func errorPolicyNamesFirstOffendingEvent() throws {
        let axis = try HistogramAxis(edges: [0, 1, 2, 3])
        do {
            _ = try HistogramReweighting.flattening([Self.small], axes: [axis], overflow: .error, columnNames: ["pt"])
            Issue.record("expected an error")
        } catch let e as NeymanError {
            #expect(e.message.contains("event 4 (0-based)") && e.message.contains("above the last edge 3"), "\(e)")
            #expect(e.location.column == "pt" && e.location.parameter == "source")
        }
        // In range: no error, same weights as the other policies.
        let inRange = Array(Self.small.prefix(4))
        let r = try HistogramReweighting.flattening([inRange], axes: [axis], overflow: .error)
        let expected: [Double] = [4.0 / 3, 2.0 / 3, 2.0 / 3, 4.0 / 3]
        #expect(r.weights == expected)
    }

    @Test func clampSkipsEmptyEdgeBins() throws {
        // 1-D: bins 2 and 3 empty; the event at 5 takes the last populated bin's factor (bin 1).
        let axis = try HistogramAxis(edges: [0, 1, 2, 3, 4])
        let r = try HistogramReweighting.flattening([[0.5, 1.5, 1.6, 5.0]], axes: [axis])
        // f = (1, 1/2, 0, 0); raw = (1, .5, .5, .5), sum 2.5, c = 1.6.
        let expected = [1.6, 0.8, 0.8, 0.8]
        for i in expected.indices { #expect(relClose(r.weights[i], expected[i], 1e-15)) }
        #expect(r.binFactors[2] == 0 && r.binFactors[3] == 0)

        // 2-D, 3 x 3 unit bins: populated (0,0) [1 event], (1,2) [2], (2,0) [1]. The event (3.5, 2.9) clamps to the
        // empty corner (2,2); the nearest populated bin is (1,2) (distance 1; (2,0) is at distance 2).
        let unit = try HistogramAxis(edges: [0, 1, 2, 3])
        let x: [Double] = [0.5, 1.5, 1.5, 2.5, 3.5], y: [Double] = [0.5, 2.5, 2.6, 0.5, 2.9]
        let r2 = try HistogramReweighting.flattening([x, y], axes: [unit, unit])
        // f = 1, 1/2, 1 for the populated bins; raw = (1, .5, .5, 1, .5), sum 3.5, c = 10/7.
        let expected2 = [10.0 / 7, 5.0 / 7, 5.0 / 7, 10.0 / 7, 5.0 / 7]
        for i in expected2.indices { #expect(relClose(r2.weights[i], expected2[i], 1e-15), "event \(i)") }
    }

    // MARK: Matching another sample

    @Test func matchingReproducesTargetHistogram() throws {
        let src = Self.spectrum(20000, seed: 4)
        let tgt = Self.spectrum(15000, seed: 5)
        // A different target: harder spectrum, narrower eta, its own weights.
        let tPt = tgt.pt.map { 5 + ($0 - 5) * 1.6 }, tEta = tgt.eta.map { $0 * 0.7 + 0.2 }
        let ptEdges: [Double] = [5, 10, 15, 20, 30, 45, 60], etaEdges: [Double] = [-2.5, -1, 0, 1, 2.5]
        let axes = [try HistogramAxis(edges: ptEdges), try HistogramAxis(edges: etaEdges)]
        for policy in [HistogramReweighting.OverflowPolicy.zero, .clampToEdgeBins] {
            let r = try HistogramReweighting.matching([src.pt, src.eta], weights: src.w, target: [tPt, tEta],
                                                      targetWeights: tgt.w, axes: axes, overflow: policy)
            let h = Self.histogram([src.pt, src.eta], r.weights, [ptEdges, etaEdges])
            let t = Self.histogram([tPt, tEta], tgt.w, [ptEdges, etaEdges])
            #expect(r.unmatchedTargetFraction == 0)
            // The reweighted histogram is proportional to the target's; with .zero the constant is
            // sum w_source / sum T (nothing is left outside the range).
            let scale = h[0] / t[0]
            for b in t.indices { #expect(relClose(h[b], scale * t[b], 1e-12), "\(policy) bin \(b)") }
            if policy == .zero { #expect(relClose(scale, Self.sum(src.w) / Self.sum(t), 1e-12)) }
            #expect(relClose(Self.sum(r.weights), Self.sum(src.w), 1e-11))
            let reported = try #require(r.targetHistogram)
            for b in t.indices { #expect(relClose(reported[b], t[b], 1e-12)) }
        }
    }

    @Test func matchingReportsUnmatchedTargetWeight() throws {
        // Source populates bins 0 and 1 only; the target has weight 1 + 1 + 2 in bins 0, 1, 2.
        let axis = try HistogramAxis(edges: [0, 1, 2, 3])
        let r = try HistogramReweighting.matching([[0.2, 0.4, 1.5]], target: [[0.5, 1.5, 2.5]],
                                                  targetWeights: [1, 1, 2], axes: [axis])
        #expect(r.unmatchedTargetFraction == 0.5)
        // f = (1/2, 1, 0); raw = (.5, .5, 1), c = 3/2.
        let expected: [Double] = [0.75, 0.75, 1.5]
        #expect(r.weights == expected)
        // The error policy applies to the target too.
        #expect(throws: NeymanError.self) {
            try HistogramReweighting.matching([[0.2]], target: [[0.5, 7]], axes: [axis], overflow: .error)
        }
    }

    @Test func histogramInputErrors() throws {
        let axis = try HistogramAxis(edges: [0, 1, 2])
        func message(_ body: () throws -> Void) -> NeymanError? {
            do { try body(); return nil } catch let e as NeymanError { return e } catch { return nil }
        }
        let nan = message { _ = try HistogramReweighting.flattening([[0.5, .nan]], axes: [axis], columnNames: ["pt"]) }
        #expect(nan?.location.column == "pt" && nan?.message.contains("event 1") == true)
        let neg = message { _ = try HistogramReweighting.flattening([[0.5, 1.5]], weights: [1, -1], axes: [axis]) }
        #expect(neg?.message.contains("negative") == true)
        let none = message { _ = try HistogramReweighting.flattening([[5.0, 6.0]], axes: [axis]) }
        #expect(none?.message.contains("inside the histogram range") == true)
        let dims = message { _ = try HistogramReweighting.flattening([[0.5], [0.5]], axes: [axis]) }
        #expect(dims?.message.contains("2 columns given for 1 axes") == true)
    }

    // MARK: Gaussian KDE: the kernel exponential

    @Test func fastExpMatchesLibraryExp() {
        var worst = 0.0
        for i in 0...200_000 {
            let x = -708 * Double(i) / 200_000
            let e = fastExpNegative(SIMD4(repeating: x))[0]
            worst = max(worst, abs(e / exp(x) - 1))
        }
        #expect(worst < 4e-15, "worst relative error \(worst)")
    }

    // MARK: Gaussian KDE against scipy (reference values)

    // scipy 1.17.1: gaussian_kde(np.vstack([x, y]), weights=w)(pts) for the data below. By hand:
    // sum w = 10.25, sum w² = 18.5625, n_eff = 10.25² / 18.5625 = 5.6599327; Scott (d = 2):
    // n_eff^(-1/6) = exp(-ln(5.6599327)/6) = exp(-1.733416/6) = 0.7490856; Silverman with d = 2 is the same
    // ((d+2)/4 = 1). 1-D, n = 8 unweighted: Scott 8^(-1/5) = 2^(-0.6) = 0.6597540, Silverman (8*3/4)^(-1/5) =
    // 6^(-0.2) = 0.6988271.
    static let sx: [Double] = [0.3, -1.2, 2.5, 0.8, -0.4, 1.9, -2.2, 0.1]
    static let sy: [Double] = [1.1, 0.4, -0.7, 2.3, -1.5, 0.9, 0.2, -0.3]
    static let sw: [Double] = [1.0, 2.0, 0.5, 1.5, 1.0, 3.0, 0.25, 1.0]

    @Test func kdeMatchesScipy() throws {
        let pts: [[Double]] = [[0, 1, -2], [0, -0.5, 1.5]]
        let scott = try GaussianKDE([Self.sx, Self.sy], weights: Self.sw)
        #expect(relClose(scott.effectiveSize, 5.65993265993266, 1e-14))
        #expect(relClose(scott.factor, 0.7490856128691114, 1e-14))
        let cov = [1.1055624828253303, 0.2544299515450994, 0.2544299515450994, 0.733814351117867]
        for k in 0..<4 { #expect(relClose(scott.bandwidthMatrix[k], cov[k], 1e-13)) }
        let scipyScott = [0.05185483391570987, 0.034383588755367, 0.011007585432374867]
        let silverman = try GaussianKDE([Self.sx, Self.sy], weights: Self.sw, bandwidth: .silverman)
        let fixed = try GaussianKDE([Self.sx, Self.sy], weights: Self.sw, bandwidth: .factor(0.7))
        let scipyFixed = [0.052305225792723786, 0.03325780361930252, 0.009817270479219868]
        for (kde, ref) in [(scott, scipyScott), (silverman, scipyScott), (fixed, scipyFixed)] {
            let fast = try kde.density(at: pts), exact = try kde.exactDensity(at: pts)
            for k in 0..<3 {
                #expect(relClose(fast[k], ref[k], 1e-13), "\(kde.factor) point \(k): \(fast[k]) vs \(ref[k])")
                #expect(relClose(exact[k], ref[k], 1e-13))
            }
        }
        let oneD = try GaussianKDE([Self.sx]), oneDSilverman = try GaussianKDE([Self.sx], bandwidth: .silverman)
        #expect(relClose(oneD.factor, 0.6597539553864471, 1e-14))
        #expect(relClose(oneDSilverman.factor, 0.6988271187715792, 1e-14))
        let p1 = try oneD.density(at: [[0, 1, -3]]), p2 = try oneDSilverman.density(at: [[0, 1, -3]])
        let ref1 = [0.21723047622389055, 0.1936861134955255, 0.048864442864307495]
        let ref2 = [0.21251373440731608, 0.19205613370097435, 0.050367546239790076]
        for k in 0..<3 { #expect(relClose(p1[k], ref1[k], 1e-13) && relClose(p2[k], ref2[k], 1e-13), "point \(k)") }
    }

    // MARK: Gaussian KDE: truncated sum against the direct sum

    /// A correlated 2-D Gaussian sample with weights.
    static func correlated(_ n: Int, seed: UInt64) -> (x: [Double], y: [Double], w: [Double]) {
        let rng = RandomStream(seed: seed)
        var x = [Double](), y = [Double](), w = [Double]()
        for _ in 0..<n {
            let a = rng.normal(), b = rng.normal()
            x.append(30 + 12 * a)
            y.append(0.4 + 0.9 * (0.6 * a + 0.8 * b))
            w.append(rng.uniform() < 0.05 ? 0 : rng.uniform(0.2, 2))
        }
        return (x, y, w)
    }

    @Test func truncatedSumMatchesDirectSum() throws {
        let s = Self.correlated(2000, seed: 6)
        let q = Self.correlated(300, seed: 7)
        // Query points: the sample itself, another sample, and far points (density ~ 0).
        let qx = s.x + q.x + [30, 300, -200], qy = s.y + q.y + [9, 0.4, -5]
        for radius in [8.0, 3.0] {
            let kde = try GaussianKDE([s.x, s.y], weights: s.w, cutoffRadius: radius)
            // Dense boxes go through their Hermite expansion (order 28 at R = 8, 12 at R = 3).
            #expect(kde.index.order == (radius == 8 ? 28 : 12) && !kde.index.coefficients.isEmpty)
            let fast = try kde.density(at: [qx, qy]), exact = try kde.exactDensity(at: [qx, qy])
            // Bound: |exact - fast| <= 2 exp(-R²/2) K0 (cutoff + expansion), plus rounding of ~1e-13 relative.
            let bound = 2 * exp(-radius * radius / 2) * kde.kernelPeak
            var largest = 0.0
            for k in qx.indices {
                let diff = abs(exact[k] - fast[k])
                #expect(diff <= bound + 1e-13 * exact[k], "R = \(radius), point \(k): \(fast[k]) vs \(exact[k])")
                largest = max(largest, diff / kde.kernelPeak)
            }
            if radius == 8 {
                // At the sample points the relative error is at most 2 n exp(-32) = 5e-11 (plus rounding).
                for i in s.x.indices { #expect(relClose(fast[i], exact[i], 1e-10), "event \(i)") }
            } else {
                // R = 3 really approximates (so this comparison is not vacuous), and stays within the bound.
                #expect(largest > 1e-9)
            }
        }
        // 1-D.
        let kde1 = try GaussianKDE([s.x], weights: s.w)
        let f1 = try kde1.density(at: [qx]), e1 = try kde1.exactDensity(at: [qx])
        #expect(kde1.index.order == 28 && !kde1.index.coefficients.isEmpty)
        for k in qx.indices { #expect(abs(f1[k] - e1[k]) <= 2 * exp(-32) * kde1.kernelPeak + 1e-13 * e1[k]) }
    }

    @Test func kdeIntegratesToOne() throws {
        // Midpoint rule on a grid of step 0.05 in whitened-like units (bandwidths ~0.28): the rule is exact to far
        // below 1e-9 for a smooth Gaussian mixture; the truncation removes at most exp(-32) of the mass per kernel.
        let s = Self.correlated(2000, seed: 8)
        let x = s.x.map { ($0 - 30) / 12 }
        let kde = try GaussianKDE([x, s.y], weights: s.w)
        let step = 0.05
        var gx = [Double](), gy = [Double]()
        for i in 0..<280 { for j in 0..<280 { gx.append(-7 + (Double(i) + 0.5) * step); gy.append(-6.6 + (Double(j) + 0.5) * step) } }
        let p = try kde.density(at: [gx, gy])
        #expect(abs(Self.sum(p) * step * step - 1) < 1e-9, "integral \(Self.sum(p) * step * step)")
    }

    // MARK: Gaussian KDE: a large Gaussian sample against the analytic smoothed density

    /// Density of N(mu, S) in 2-D at (x, y); `S` row-major.
    static func normal2(_ x: Double, _ y: Double, mu: [Double], s: [Double]) -> Double {
        let det = s[0] * s[3] - s[1] * s[2]
        let u = x - mu[0], v = y - mu[1]
        let q = (s[3] * u * u - (s[1] + s[2]) * u * v + s[0] * v * v) / det
        return exp(-q / 2) / (2 * Double.pi * det.squareRoot())
    }

    @Test func largeGaussianSampleMatchesSmoothedDensity() throws {
        // E[p^(x)] = N(x; mu, Sigma + H) for a fixed bandwidth matrix H (the kernel convolved with the density);
        // Var[p^(x)] = (E[K_H(x - X)²] - E[p^(x)]²) / n with K_H² = N(0, H/2) / (4π sqrt(det H)), so
        // E[K_H(x - X)²] = N(x; mu, Sigma + H/2) / (4π sqrt(det H)). Each point is checked at 5 standard deviations
        // (about 2% of the density here); a wrong normalisation, bandwidth or covariance convention is far outside.
        let n = 50000
        let mu = [0.5, -1.0], sigma = [1.44, 0.48, 0.48, 0.64]   // sd 1.2 and 0.8, correlation 0.5
        let rng = RandomStream(seed: 9)
        var x = [Double](), y = [Double]()
        for _ in 0..<n {
            let a = rng.normal(), b = rng.normal()
            x.append(mu[0] + 1.2 * a)
            y.append(mu[1] + 0.8 * (0.5 * a + 0.75.squareRoot() * b))
        }
        let kde = try GaussianKDE([x, y])
        let h = kde.bandwidthMatrix
        let detH = h[0] * h[3] - h[1] * h[2]
        let px = [0.5, 1.5, -0.5, 0.5, 0.5, 2.0, -1.0, 1.7, -0.7], py = [-1.0, -1.0, -1.0, -0.2, -1.8, -0.3, -1.7, -1.5, -0.5]
        let p = try kde.density(at: [px, py])
        for k in px.indices {
            let mean = Self.normal2(px[k], py[k], mu: mu, s: zip(sigma, h).map { $0 + $1 })
            let second = Self.normal2(px[k], py[k], mu: mu, s: zip(sigma, h).map { $0 + $1 / 2 })
                / (4 * Double.pi * detH.squareRoot())
            let sd = ((second - mean * mean) / Double(n)).squareRoot()
            #expect(abs(p[k] - mean) < 5 * sd, "point \(k): \(p[k]) vs \(mean) ± \(sd)")
        }
    }

    // MARK: KDE reweighting

    @Test func kdeReweightingReproducesTargetMoments() throws {
        // P = N(0, I) reweighted to Q = N((0.5, 0), diag(1.2², 0.8²)). The KDE ratio is q̄/p̄ with the smoothed
        // densities p̄ = N(0, I + H_P), q̄ = N(mu_Q, Sigma_Q + H_Q), so the reweighted P follows
        // N(0, I) q̄/p̄ = N(m, C) with C^-1 = I - (I + H_P)^-1 + (Sigma_Q + H_Q)^-1, m = C (Sigma_Q + H_Q)^-1 mu_Q
        // (a smoothing bias of a few per cent here). The weighted moments must match (m, C) within 4 statistical
        // errors (sampling of P with these weights, plus Q's own sample), and Q's moments within that plus the bias.
        let n = 20000
        let rp = RandomStream(seed: 10), rq = RandomStream(seed: 11)
        var px = [Double](), py = [Double](), qx = [Double](), qy = [Double]()
        for _ in 0..<n { px.append(rp.normal()); py.append(rp.normal()) }
        for _ in 0..<n { qx.append(0.5 + 1.2 * rq.normal()); qy.append(0.8 * rq.normal()) }
        let r = try KernelDensityReweighting(source: [px, py], target: [qx, qy])
        let w = r.weights
        let W = Self.sum(w)
        #expect(relClose(W, Double(n), 1e-12))
        let mx = zip(w, px).map { $0 * $1 }.reduce(0, +) / W, my = zip(w, py).map { $0 * $1 }.reduce(0, +) / W
        var cxx = 0.0, cyy = 0.0, cxy = 0.0
        for i in 0..<n {
            cxx += w[i] * (px[i] - mx) * (px[i] - mx); cyy += w[i] * (py[i] - my) * (py[i] - my)
            cxy += w[i] * (px[i] - mx) * (py[i] - my)
        }
        cxx /= W; cyy /= W; cxy /= W
        // Statistical errors of weighted moments: sum w_i² (f_i - F)² / (sum w)², plus Q's sampling (var/m).
        func error(_ f: (Int) -> Double, _ value: Double, _ qVariance: Double) -> Double {
            var s = 0.0
            for i in 0..<n { let t = f(i) - value; s += w[i] * w[i] * t * t }
            return (s / (W * W) + qVariance / Double(n)).squareRoot()
        }
        let eMx = error({ px[$0] }, mx, 1.44), eMy = error({ py[$0] }, my, 0.64)
        let eCxx = error({ (px[$0] - mx) * (px[$0] - mx) }, cxx, 2 * 1.44 * 1.44)
        let eCyy = error({ (py[$0] - my) * (py[$0] - my) }, cyy, 2 * 0.64 * 0.64)
        let eCxy = error({ (px[$0] - mx) * (py[$0] - my) }, cxy, 1.44 * 0.64)

        // Predicted (m, C) from the Gaussian algebra with the KDEs' own bandwidth matrices.
        func inv(_ a: [Double]) -> [Double] {
            let det = a[0] * a[3] - a[1] * a[2]
            return [a[3] / det, -a[1] / det, -a[2] / det, a[0] / det]
        }
        let hp = r.source.bandwidthMatrix, hq = r.target.bandwidthMatrix
        let sp = inv([1 + hp[0], hp[1], hp[2], 1 + hp[3]])
        let sq = inv([1.44 + hq[0], hq[1], hq[2], 0.64 + hq[3]])
        let c = inv([1 - sp[0] + sq[0], -sp[1] + sq[1], -sp[2] + sq[2], 1 - sp[3] + sq[3]])
        let b = [sq[0] * 0.5, sq[2] * 0.5]
        let m = [c[0] * b[0] + c[1] * b[1], c[2] * b[0] + c[3] * b[1]]
        let checks: [(String, Double, Double, Double, Double)] = [
            ("mean x", mx, m[0], 0.5, eMx), ("mean y", my, m[1], 0, eMy),
            ("var x", cxx, c[0], 1.44, eCxx), ("var y", cyy, c[3], 0.64, eCyy), ("cov xy", cxy, c[1], 0, eCxy),
        ]
        for (name, value, predicted, truth, err) in checks {
            #expect(abs(value - predicted) < 4 * err, "\(name): \(value) vs predicted \(predicted) ± \(err)")
            #expect(abs(value - truth) < 4 * err + abs(predicted - truth), "\(name): \(value) vs Q's \(truth)")
        }
        // The smoothing bias is small compared with the change the weights make (P's mean x is 0, variance 1).
        #expect(abs(m[0] - 0.5) < 0.1 && abs(c[0] - 1.44) < 0.1)
        // Densities returned are the ones the weights were made from.
        let i = 123
        #expect(relClose(w[i], r.targetDensity[i] / r.sourceDensity[i] * Double(n)
                         / zip(r.targetDensity, r.sourceDensity).map { $0 / $1 }.reduce(0, +), 1e-12))
    }

    @Test func resultsDoNotDependOnThreadCount() throws {
        let p = Self.correlated(3000, seed: 12), q = Self.correlated(2500, seed: 13)
        let qy = q.y.map { $0 * 1.3 + 0.2 }
        let one = try KernelDensityReweighting(source: [p.x, p.y], sourceWeights: p.w, target: [q.x, qy], threads: 1)
        let two = try KernelDensityReweighting(source: [p.x, p.y], sourceWeights: p.w, target: [q.x, qy], threads: 2)
        let three = try KernelDensityReweighting(source: [p.x, p.y], sourceWeights: p.w, target: [q.x, qy], threads: 3)
        #expect(one.weights == two.weights && one.weights == three.weights)
        #expect(one.sourceDensity == two.sourceDensity && one.targetDensity == three.targetDensity)
        #expect(relClose(Self.sum(one.weights), Self.sum(p.w), 1e-12))
        for i in p.w.indices where p.w[i] == 0 { #expect(one.weights[i] == 0) }
    }

    // MARK: KDE input errors

    @Test func kdeInputErrors() throws {
        func error(_ body: () throws -> Void) -> NeymanError? {
            do { try body(); return nil } catch let e as NeymanError { return e } catch { return nil }
        }
        let x = [0.1, 0.5, 0.9, 1.4, 2.0], y = [1.0, 0.2, 0.7, 0.3, 0.9]
        let few = error { _ = try GaussianKDE([[0.1, 0.5], [1.0, 2.0]], sample: "target") }
        #expect(few?.message.contains("needs at least 3") == true && few?.location.parameter == "target")
        let zeroWeights = error { _ = try GaussianKDE([x, y], weights: [1, 1, 0, 0, 0]) }
        #expect(zeroWeights?.message.contains("2 event(s) of positive weight") == true)
        let constant = error {
            _ = try KernelDensityReweighting(source: [x, y], target: [x, [Double](repeating: 2, count: 5)],
                                             columnNames: ["pt", "eta"])
        }
        #expect(constant?.location.column == "eta" && constant?.location.parameter == "target", "\(String(describing: constant))")
        #expect(constant?.message.contains("constant") == true)
        let linear = error {
            _ = try KernelDensityReweighting(source: [x, x.map { 3 * $0 - 1 }], target: [x, y], columnNames: ["pt", "eta"])
        }
        #expect(linear?.location.column == "eta" && linear?.location.parameter == "source")
        #expect(linear?.message.contains("singular") == true)
        let nonFinite = error {
            _ = try KernelDensityReweighting(source: [x, y], target: [x, [1, 2, .infinity, 0, 3]], columnNames: ["pt", "eta"])
        }
        #expect(nonFinite?.location.column == "eta" && nonFinite?.location.parameter == "target")
        #expect(nonFinite?.message.contains("event 2 (0-based)") == true)
        let three = error { _ = try GaussianKDE([x, y, x.map { $0 * $0 }]) }
        #expect(three?.message.contains("supports 1 or 2") == true)
        let dims = error { _ = try KernelDensityReweighting(source: [x, y], target: [x]) }
        #expect(dims?.message.contains("1 columns but the source has 2") == true)
        let far = error { _ = try KernelDensityReweighting(source: [x, y], target: [x.map { $0 + 1e6 }, y]) }
        #expect(far?.message.contains("do not overlap") == true)
        #expect(throws: NeymanError.self) { try GaussianKDE([x, y], bandwidth: .factor(0)) }
        #expect(throws: NeymanError.self) { try GaussianKDE([x, y], cutoffRadius: 50) }
    }
}
