import Foundation
import Testing
import NeymanCore
@testable import NeymanStats

/// Distance correlation (docs/formulas.md §4): the O(n log n) algorithm against the O(n²) definition, both against
/// the dcor 0.7 reference cases and the DisCo weighted formula, and the edge cases.
@Suite("Distance correlation")
struct DistanceCorrelationTests {
    // MARK: Reference cases (dcor 0.7, naive method; DisCo formula for the weighted block)

    static let cases = ["indep_normal_n50", "quadratic_n1000", "weighted_n1000"]

    func load(_ name: String) throws -> (x: [Double], y: [Double], w: [Double]?, expected: [String: Any]) {
        let ds = try Dataset.load(path: Fixtures.root.appendingPathComponent("dcor/\(name).csv").path)
        let w = ds.hasColumn("w") ? try ds.column("w") : nil
        return (try ds.column("x"), try ds.column("y"), w, try Fixtures.json("dcor/\(name).expected.json"))
    }

    @Test(arguments: cases)
    func unweightedMatchesDcor(name: String) throws {
        let c = try load(name)
        let e = c.expected.dict("expected")
        for r in [try DistanceCorrelation.univariate(x: c.x, y: c.y), try DistanceCorrelation.definition(x: c.x, y: c.y)] {
            let checks: [(String, Double?)] = [
                ("distance_covariance_sqr", r.dCov2), ("distance_correlation_sqr", r.dCor2),
                ("distance_correlation", r.dCor), ("distance_variance_x_sqr", r.dVarX2), ("distance_variance_y_sqr", r.dVarY2),
                ("u_distance_covariance_sqr", r.uDCov2), ("u_distance_correlation_sqr", r.uDCor2),
            ]
            for (key, value) in checks {
                let v = try #require(value, "\(name) \(r.method) \(key) is nil")
                #expect(relClose(v, e.double(key), 1e-11), "\(name) \(r.method) \(key): \(v) vs \(e.double(key))")
            }
            #expect(r.n == c.x.count)
        }
    }

    @Test func weightedMatchesDisCoFormula() throws {
        let c = try load("weighted_n1000")
        let w = try #require(c.w)
        let e = c.expected.dict("weighted")
        let fast = try DistanceCorrelation.univariate(x: c.x, y: c.y, weights: w)
        let slow = try DistanceCorrelation.definition(x: c.x, y: c.y, weights: w)
        for r in [fast, slow] {
            #expect(relClose(r.dCor2, e.double("weighted_distance_correlation_sqr"), 1e-11), "\(r.method) \(r.dCor2)")
            #expect(relClose(r.dCov2, e.double("weighted_distance_covariance_sqr"), 1e-11), "\(r.method) \(r.dCov2)")
            #expect(relClose(r.dVarX2, e.double("weighted_distance_variance_x_sqr"), 1e-11))
            #expect(relClose(r.dVarY2, e.double("weighted_distance_variance_y_sqr"), 1e-11))
            #expect(r.uDCov2 == nil && r.uDCor2 == nil && r.isWeighted)
        }
        #expect(fast.method == .weightedFast1D && slow.method == .weightedDefinition)
        // Scaling every weight leaves the (normalised) statistics unchanged.
        let scaled = try DistanceCorrelation.univariate(x: c.x, y: c.y, weights: w.map { $0 * 1e-3 })
        #expect(relClose(scaled.dCor2, fast.dCor2, 1e-13))
        // Unit weights give the unweighted numbers.
        let unit = try DistanceCorrelation.univariate(x: c.x, y: c.y, weights: [Double](repeating: 2.5, count: c.x.count))
        #expect(relClose(unit.dCor2, c.expected.dict("expected").double("distance_correlation_sqr"), 1e-12))
    }

    // MARK: Fast algorithm against the definition

    enum Kind: String, CaseIterable { case continuous, ties, weighted, weightedTies }

    /// y depends on x (so that dCov² is well away from 0 and a relative comparison is meaningful).
    func sample(_ n: Int, _ kind: Kind, seed: UInt64) -> (x: [Double], y: [Double], w: [Double]?) {
        let rng = RandomStream(seed: seed)
        var x = [Double](), y = [Double](), w = [Double]()
        for _ in 0..<n {
            var xi = rng.normal(), yi = 0.6 * xi * xi - 0.4 * xi + rng.normal(sigma: 0.7)
            if kind == .ties || kind == .weightedTies { xi = (xi * 2).rounded(); yi = yi.rounded() }
            x.append(xi); y.append(yi)
            // Some zero weights: those events must not count at all.
            w.append(rng.uniform() < 0.1 ? 0 : rng.uniform(0.2, 3))
        }
        return (x, y, kind == .weighted || kind == .weightedTies ? w : nil)
    }

    @Test(arguments: [4, 5, 7, 16, 33, 250, 1500], Kind.allCases)
    func fastEqualsDefinition(n: Int, kind: Kind) throws {
        let s = sample(n, kind, seed: UInt64(n) * 31 + UInt64(kind.rawValue.count))
        let fast = try DistanceCorrelation.univariate(x: s.x, y: s.y, weights: s.w)
        let slow = try DistanceCorrelation.definition(x: s.x, y: s.y, weights: s.w)
        let pairs: [(String, Double, Double)] = [
            ("dCov2", fast.dCov2, slow.dCov2), ("dVarX2", fast.dVarX2, slow.dVarX2), ("dVarY2", fast.dVarY2, slow.dVarY2),
            ("dCor2", fast.dCor2, slow.dCor2),
        ]
        for (name, a, b) in pairs { #expect(relClose(a, b, 1e-10), "n=\(n) \(kind) \(name): \(a) vs \(b)") }
        if s.w == nil {
            let u: [(String, Double?, Double?)] = [("uDCov2", fast.uDCov2, slow.uDCov2), ("uDVarX2", fast.uDVarX2, slow.uDVarX2),
                                                   ("uDVarY2", fast.uDVarY2, slow.uDVarY2), ("uDCor2", fast.uDCor2, slow.uDCor2)]
            for (name, a, b) in u {
                let a = try #require(a), b = try #require(b)
                // U-statistics can sit near 0; compare on the scale of the distance variances.
                let scale = max(abs(b), (slow.uDVarX2 ?? 0) * 1e-3, 1e-300)
                #expect(abs(a - b) <= 1e-10 * scale, "n=\(n) \(kind) \(name): \(a) vs \(b)")
            }
        }
    }

    /// Weighted with integer weights = unweighted with each event repeated that many times.
    @Test func integerWeightsEqualRepetition() throws {
        let rng = RandomStream(seed: 99)
        var x = [Double](), y = [Double](), w = [Double](), xr = [Double](), yr = [Double]()
        for _ in 0..<300 {
            let xi = rng.normal(), yi = abs(xi) + rng.normal(sigma: 0.5), k = rng.integer(below: 4)
            x.append(xi); y.append(yi); w.append(Double(k))
            for _ in 0..<k { xr.append(xi); yr.append(yi) }
        }
        let weighted = try DistanceCorrelation.univariate(x: x, y: y, weights: w)
        let repeated = try DistanceCorrelation.univariate(x: xr, y: yr)
        #expect(relClose(weighted.dCov2, repeated.dCov2, 1e-11))
        #expect(relClose(weighted.dCor2, repeated.dCor2, 1e-11))
    }

    /// dCor is invariant under permutations of the events, shifts, and scaling of x or y.
    @Test func invariances() throws {
        let s = sample(2000, .continuous, seed: 5)
        let r = try DistanceCorrelation.univariate(x: s.x, y: s.y)
        let perm = RandomStream(seed: 6).permutation(s.x.count)
        let p = try DistanceCorrelation.univariate(x: perm.map { s.x[$0] }, y: perm.map { s.y[$0] })
        #expect(relClose(p.dCov2, r.dCov2, 1e-12) && relClose(p.uDCov2 ?? 0, r.uDCov2 ?? 1, 1e-10))
        let t = try DistanceCorrelation.univariate(x: s.x.map { -3 * $0 + 1000 }, y: s.y.map { 1e-5 * $0 })
        #expect(relClose(t.dCor2, r.dCor2, 1e-9))
        #expect(relClose(t.dCov2, r.dCov2 * 3 * 1e-5, 1e-9))
    }

    /// y = a x + b: dCor = 1 exactly, also for large n (the sums keep their precision).
    @Test func linearDependenceHasUnitCorrelation() throws {
        let rng = RandomStream(seed: 11)
        let x = (0..<200_000).map { _ in rng.normal() }
        let r = try DistanceCorrelation.univariate(x: x, y: x.map { -2 * $0 + 7 })
        #expect(abs(r.dCor - 1) < 1e-10, "\(r.dCor)")
        #expect(abs((r.uDCor2 ?? 0) - 1) < 1e-10)
    }

    // MARK: Multivariate definition (dcor 0.7 documentation examples)

    @Test func multivariateDefinitionMatchesDcorDocs() throws {
        let a: [[Double]] = [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]]
        let b: [[Double]] = [[1], [0], [0], [1]]
        let ab = try DistanceCorrelation.definition(x: a, y: b)
        #expect(relClose(ab.dCov2, 1.0, 1e-14))
        #expect(relClose(ab.dVarX2, 52.0, 1e-14))
        #expect(relClose(ab.dVarY2, 0.25, 1e-14))
        #expect(relClose(try #require(ab.uDCov2), -8.0 / 3, 1e-14))
        #expect(relClose(try #require(ab.uDVarX2), 128.0 / 3, 1e-14))
        #expect(relClose(try #require(ab.uDVarY2), 2.0 / 3, 1e-14))
        #expect(relClose(ab.dCor2, 1 / (52 * 0.25).squareRoot(), 1e-14))
    }

    // MARK: Edge cases

    @Test func smallSamples() throws {
        // n = 2: any non-constant pair is perfectly distance-correlated.
        for (x, y) in [([0.0, 1.0], [5.0, -2.0]), ([3.0, -1.0], [0.5, 0.25])] {
            let r = try DistanceCorrelation.univariate(x: x, y: y)
            #expect(abs(r.dCor - 1) < 1e-15 && r.uDCov2 == nil && r.uDCor2 == nil)
        }
        // n = 3, exact rationals: dCov² = 4/9, dVar²(x) = 32/27, dVar²(y) = 40/81.
        for r in [try DistanceCorrelation.univariate(x: [0, 1, 3], y: [0, 2, 1]),
                  try DistanceCorrelation.definition(x: [0, 1, 3], y: [0, 2, 1])] {
            #expect(relClose(r.dCov2, 4.0 / 9, 1e-14) && relClose(r.dVarX2, 32.0 / 27, 1e-14) && relClose(r.dVarY2, 40.0 / 81, 1e-14))
            #expect(relClose(r.dCor2, (4.0 / 9) / (32.0 / 27 * 40.0 / 81).squareRoot(), 1e-14))
            #expect(r.uDCor2 == nil)
        }
        // n = 1: no spread at all.
        let one = try DistanceCorrelation.univariate(x: [2], y: [3])
        #expect(one.dCor == 0 && one.dCov2 == 0 && one.uDCor2 == nil)
        // n = 4: the smallest sample with U-statistics.
        #expect(try DistanceCorrelation.univariate(x: [0, 1, 2, 4], y: [1, 0, 3, 2]).uDCor2 != nil)
        // A non-constant y whose U-variance is exactly 0: udCor² = 0 from both algorithms, not rounding noise.
        let x5: [Double] = [2, 3, 1, 2, -1], y5: [Double] = [0, -1, 0, 1, 0]
        #expect(try DistanceCorrelation.univariate(x: x5, y: y5).uDCor2 == 0)
        #expect(try DistanceCorrelation.definition(x: x5, y: y5).uDCor2 == 0)
    }

    @Test func constantInputHasZeroCorrelation() throws {
        let y = (0..<50).map { Double($0 % 7) * 0.3 }
        let x = [Double](repeating: 0.1, count: 50)
        for r in [try DistanceCorrelation.univariate(x: x, y: y), try DistanceCorrelation.definition(x: x, y: y),
                  try DistanceCorrelation.univariate(x: y, y: x)] {
            #expect(r.dCor == 0 && r.dCor2 == 0 && r.dCov2 == 0)
            #expect(r.uDCor2 == 0 && r.uDCov2 == 0)
            #expect(r.dVarX2 == 0 || r.dVarY2 == 0)
            #expect(max(r.dVarX2, r.dVarY2) > 0)
        }
        // Constant over the events that carry weight: the zero-weight event does not count.
        var xw = x
        xw[3] = 5
        var w = [Double](repeating: 1, count: 50)
        w[3] = 0
        let r = try DistanceCorrelation.univariate(x: xw, y: y, weights: w)
        #expect(r.dCor == 0 && r.dVarX2 == 0)
        #expect(try DistanceCorrelation.definition(x: xw, y: y, weights: w).dCor2 == 0)
    }

    @Test func badInputIsAnErrorThatNamesTheEvent() throws {
        func message(_ body: () throws -> Any) -> String? {
            do { _ = try body(); return nil } catch let e as NeymanError { return e.isUserError ? e.description : nil } catch { return nil }
        }
        let ok = [0.0, 1, 2, 3, 4]
        let nan = message { try DistanceCorrelation.univariate(x: [0, 1, .nan, 3, 4], y: ok) }
        #expect(nan?.contains("event 2") == true && nan?.contains("'x'") == true, "\(nan ?? "no error")")
        let inf = message { try DistanceCorrelation.univariate(x: ok, y: [0, 1, 2, 3, -.infinity]) }
        #expect(inf?.contains("event 4") == true && inf?.contains("'y'") == true, "\(inf ?? "no error")")
        let mv = message { try DistanceCorrelation.definition(x: [[0, 1], [1, .nan]], y: [[0], [1]]) }
        #expect(mv?.contains("event 1") == true, "\(mv ?? "no error")")
        let negative = message { try DistanceCorrelation.univariate(x: ok, y: ok, weights: [1, 1, -1, 1, 1]) }
        #expect(negative?.contains("event 2") == true && negative?.contains("weights") == true, "\(negative ?? "no error")")
        #expect(message { try DistanceCorrelation.univariate(x: ok, y: ok, weights: [0, 0, 0, 0, 0]) } != nil)
        #expect(message { try DistanceCorrelation.univariate(x: ok, y: [1, 2]) } != nil)
        #expect(message { try DistanceCorrelation.univariate(x: [], y: []) } != nil)
        #expect(message { try DistanceCorrelation.definition(x: [[0, 1], [1]], y: [[0], [1]]) } != nil)
    }
}
