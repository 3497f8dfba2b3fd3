import Foundation
import Testing
import NeymanCore
@testable import NeymanStats

/// dCor is scale-free, so it must be the same for values near 1e307 as for the same values times 1e-300; a plain
/// mean of such values overflowed and every statistic came out NaN (printed as null with exit status 0).
@Suite("Distance correlation over the whole double range")
struct DistanceCorrelationRangeTests {
    static let x: [Double] = [1e307, -1e307, 3e306, 0, 7e306, -4e306, 2e306, 9e306]
    static let y: [Double] = [1e307, 5e306, -2e306, 1e306, 8e306, -9e306, 6e305, 3e306]

    @Test func hugeValuesGiveTheScaledDCor() throws {
        let big = try DistanceCorrelation.univariate(x: Self.x, y: Self.y)
        // The independent computation: the O(n^2) definition on the values scaled into the ordinary range.
        let small = try DistanceCorrelation.definition(x: Self.x.map { $0 * 1e-300 }, y: Self.y.map { $0 * 1e-300 })
        #expect(big.dCor.isFinite && relClose(big.dCor, small.dCor, 1e-12), "\(big.dCor) vs \(small.dCor)")
        #expect(relClose(big.dCor2, small.dCor2, 1e-12))
        #expect(relClose(big.uDCor2 ?? .nan, small.uDCor2 ?? .nan, 1e-10))
        // dCov^2 ~ 1e614 cannot be a double: it says so instead of hiding it.
        #expect(!big.isRepresentable && big.dCov2 == .infinity)
        #expect(small.isRepresentable)
    }

    /// Weighted, and tiny values (dCov^2 underflows, dCor does not).
    @Test func weightedAndTinyValues() throws {
        let w: [Double] = [1, 2, 0.5, 1, 3, 1, 0.2, 1]
        let big = try DistanceCorrelation.univariate(x: Self.x, y: Self.y, weights: w)
        let ref = try DistanceCorrelation.definition(x: Self.x.map { $0 * 1e-300 }, y: Self.y.map { $0 * 1e-300 }, weights: w)
        #expect(relClose(big.dCor, ref.dCor, 1e-12))
        // Values near 1e-305: dCov^2 ~ 1e-610 underflows to 0, dCor is the one of the ordinary range.
        let tiny = try DistanceCorrelation.univariate(x: Self.x.map { $0 * 1e-306 * 1e-306 }, y: Self.y.map { $0 * 1e-306 * 1e-306 })
        let plain = try DistanceCorrelation.definition(x: Self.x.map { $0 * 1e-300 }, y: Self.y.map { $0 * 1e-300 })
        #expect(relClose(tiny.dCor, plain.dCor, 1e-12), "\(tiny.dCor) vs \(plain.dCor)")
    }
}
