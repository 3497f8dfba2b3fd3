import Foundation
import NeymanCore
import Testing
@testable import NeymanSPlot

/// The weighted Kendall tau: the statistic against its O(n^2) definition, the permutation variance against a full
/// enumeration of permutations, and the test's behaviour on independent and dependent samples.
@Suite("Weighted Kendall tau")
struct WeightedKendallTauTests {
    static func bruteForce(_ x: [Double], _ y: [Double], _ w: [Double]) -> (gamma: Double, a1: Double, b1: Double) {
        var g = 0.0, a1 = 0.0, b1 = 0.0
        for i in x.indices { for j in x.indices where i != j {
            let a = w[i] * w[j] * (x[i] < x[j] ? -1.0 : (x[i] > x[j] ? 1 : 0))
            let b = y[i] < y[j] ? -1.0 : (y[i] > y[j] ? 1 : 0)
            g += a * b; a1 += a * a; b1 += b * b
        } }
        return (g, a1, b1)
    }

    @Test func statisticEqualsThePairwiseDefinition() throws {
        let rng = RandomStream(seed: 21)
        let n = 400
        // Ties in both variables, signed weights.
        let x = (0..<n).map { _ in (rng.uniform() * 30).rounded() }
        let y = (0..<n).map { i in (x[i] * 0.1 + rng.normal()).rounded() }
        let w = (0..<n).map { _ in rng.uniform() < 0.2 ? rng.normal(mean: -0.5, sigma: 0.2) : rng.normal(mean: 1.1, sigma: 0.1) }
        let r = try WeightedKendallTau.test(x: x, y: y, weights: w)
        let b = Self.bruteForce(x, y, w)
        #expect(relClose(r.tau, b.gamma / (b.a1 * b.b1).squareRoot(), 1e-12), "\(r.tau)")
    }

    /// For n = 6 the permutation distribution is enumerated: its variance is the closed form the p-value uses.
    @Test func permutationVarianceIsExact() throws {
        let x = [0.3, 1.2, -0.7, 2.2, 0.9, 1.2]
        let y = [1.0, 0.5, 0.5, -1.0, 2.0, 3.0]
        let w = [1.0, -0.4, 2.0, 0.7, 1.3, 0.5]
        var perms: [[Int]] = [[]]
        for _ in 0..<6 { perms = perms.flatMap { p in (0..<6).filter { !p.contains($0) }.map { p + [$0] } } }
        var sum = 0.0, sumSq = 0.0
        for p in perms {
            let g = Self.bruteForce(x, p.map { y[$0] }, w).gamma
            sum += g; sumSq += g * g
        }
        let mean = sum / Double(perms.count), variance = sumSq / Double(perms.count) - mean * mean
        let r = try WeightedKendallTau.test(x: x, y: y, weights: w)
        let gamma = Self.bruteForce(x, y, w).gamma
        #expect(abs(mean) < 1e-12)
        #expect(relClose(gamma / r.z * (gamma / r.z), variance, 1e-12), "variance \(gamma / r.z * (gamma / r.z)) vs \(variance)")
    }

    /// Unit weights, no ties: tau-a with the textbook variance 2(2n+5)/(9n(n-1)).
    @Test func unitWeightsGiveTheClassicTest() throws {
        let rng = RandomStream(seed: 5)
        let n = 300
        let x = (0..<n).map { _ in rng.normal() }, y = (0..<n).map { i in 0.2 * x[i] + rng.normal() }
        let r = try WeightedKendallTau.test(x: x, y: y, weights: [Double](repeating: 1, count: n))
        let z = r.tau / (2 * Double(2 * n + 5) / (9 * Double(n) * Double(n - 1))).squareRoot()
        #expect(relClose(r.z, z, 1e-10))
    }

    @Test func detectsDependenceAndAcceptsIndependence() throws {
        let rng = RandomStream(seed: 8)
        let n = 3000
        let x = (0..<n).map { _ in rng.normal() }
        let w = (0..<n).map { _ in rng.uniform(0.2, 2) }
        let independent = (0..<n).map { _ in rng.normal() }
        let dependent = (0..<n).map { i in 0.3 * x[i] + rng.normal() }
        #expect(try WeightedKendallTau.test(x: x, y: independent, weights: w).pValue > 1e-3)
        #expect(try WeightedKendallTau.test(x: x, y: dependent, weights: w).pValue < 1e-10)
    }

    @Test func badInput() {
        #expect(throws: NeymanError.self) { try WeightedKendallTau.test(x: [1, 2], y: [1, 2], weights: [1, 1]) }
        #expect(throws: NeymanError.self) { try WeightedKendallTau.test(x: [1, 2, 3], y: [1, 2], weights: [1, 1, 1]) }
        #expect(throws: NeymanError.self) { try WeightedKendallTau.test(x: [1, 2, .nan], y: [1, 2, 3], weights: [1, 1, 1]) }
    }
}
