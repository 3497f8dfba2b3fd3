import Foundation
import NeymanCore
import NeymanStats
import Testing
@testable import NeymanStudies

@Suite("Bins in the likelihood ratio")
struct RatioBinningTests {
    /// The exact bin fractions against a large sample of events binned by their exact ratio.
    @Test func exactFractionsMatchSampledEvents() throws {
        let sigma = 0.08
        let binning = try RatioBinning(edges: [0, 0.5, 2, 3], sigma: sigma)
        #expect(abs(binning.signalFractions.reduce(0, +) - 1) < 1e-12)
        #expect(abs(binning.backgroundFractions.reduce(0, +) - 1) < 1e-12)
        let model = try BumpHuntModel(resolution: .global(sigma))
        let n = 200_000
        for signal in [true, false] {
            var counts = [Double](repeating: 0, count: 4)
            for e in model.events(n, signal: signal, rng: RandomStream(seed: signal ? 1 : 2)) {
                if let k = binning.bin(BumpHuntModel.ratio(y: e.y, sigma: sigma)) { counts[k] += 1 }
            }
            let expected = signal ? binning.signalFractions : binning.backgroundFractions
            for k in 0..<4 {
                let p = expected[k]
                let err = (p * (1 - p) / Double(n)).squareRoot()
                #expect(abs(counts[k] / Double(n) - p) < 5 * err + 1e-12, "bin \(k) signal \(signal)")
            }
        }
    }

    @Test func fractionsAboveTheRatioPeakAreZeroAndBelowTheFloorOne() throws {
        let w = 2.0.squareRoot() * 0.08
        let peak = WrappedNormal.density(0, width: w)
        let high = try RatioBinning.fractionsAbove(peak * 1.01, sigma: 0.08)
        #expect(high.signal == 0 && high.background == 0)
        let low = try RatioBinning.fractionsAbove(0, sigma: 0.08)
        #expect(low.signal == 1 && low.background == 1)
        // P_B(r > c) = 2 y_c with r(y_c) = c.
        let c = 1.0
        let f = try RatioBinning.fractionsAbove(c, sigma: 0.08)
        #expect(abs(WrappedNormal.density(f.background / 2, width: w) - c) < 1e-9)
    }

    @Test func binLookupAndBadEdges() throws {
        let b = try RatioBinning(edges: [0.5, 2], sigma: 0.08)
        #expect(b.bin(0.49) == nil)
        #expect(b.bin(0.5) == 0)
        #expect(b.bin(1.99) == 0)
        #expect(b.bin(2) == 1)
        #expect(b.bin(100) == 1)
        #expect(throws: NeymanError.self) { try RatioBinning(edges: [2, 0.5], sigma: 0.08) }
        #expect(throws: NeymanError.self) { try RatioBinning(edges: [], sigma: 0.08) }
    }
}
