import Foundation
import NeymanCore
import Testing
@testable import NeymanStats

@Suite("Radix sort order")
struct RadixSortTests {
    /// The stable order by a comparison sort: indices by (value, index), where `-0.0 == 0.0` (IEEE comparison).
    static func stableOrder(_ xs: [Double]) -> [Int] {
        xs.indices.sorted { a, b in xs[a] < xs[b] || (xs[a] == xs[b] && a < b) }
    }

    @Test func matchesAComparisonSortWithTiesSignsAndZeros() throws {
        let rng = RandomStream(seed: 17)
        var xs = (0..<50_000).map { _ in rng.normal(sigma: 1e3) }
        xs += (0..<20_000).map { _ in Double(rng.integer(below: 7)) - 3 }    // many ties, negative integers
        xs += [0.0, -0.0, 1e-310, -1e-310, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 5e-324]
        let order = try RadixSort.ascendingOrder(xs)
        #expect(order.count == xs.count && Set(order).count == xs.count)
        let sorted = order.map { xs[$0] }
        #expect(sorted == xs.sorted())
        // Stable: equal values keep their index order.
        for i in 1..<order.count where sorted[i] == sorted[i - 1] { #expect(order[i] > order[i - 1]) }
        #expect(try RadixSort.ascendingOrder([]) == [])
        #expect(try RadixSort.ascendingOrder([3]) == [0])
    }

    @Test("-0.0 and +0.0 are one tie group in index order; infinities sort at the ends")
    func signedZerosAndInfinities() throws {
        let xs: [Double] = [0.0, -0.0, 1, -0.0, .infinity, -1, 0.0, -.infinity, -0.0, .infinity, -.infinity, 0.0]
        let order = try RadixSort.ascendingOrder(xs)
        #expect(order == [7, 10, 5, 0, 1, 3, 6, 8, 11, 2, 4, 9])
        #expect(order == Self.stableOrder(xs))
        let (keys, keyOrder) = try RadixSort.ascendingKeysAndOrder(xs)
        #expect(keyOrder == order)
        #expect(RadixSort.orderKey(-0.0) == RadixSort.orderKey(0.0))
        #expect(keys == order.map { RadixSort.orderKey(xs[$0]) })
        #expect(Set(keys[3..<9]).count == 1)   // the six zeros share one key
    }

    /// Inputs whose keys agree on some bytes (so the sort skips those passes), and on all of them (no pass at all).
    static let narrowInputs: [(String, [Double])] = {
        let powers: [Double] = (0..<3000).map { i in
            let magnitude = Double(sign: .plus, exponent: (i * 13) % 2000 - 1000, significand: 1)
            return i % 2 == 0 ? magnitude : -magnitude
        }
        let allEqual: [Double] = Array(repeating: 2.5, count: 1000)
        let twoValues: [Double] = (0..<1000).map { Double($0 % 2) }
        let smallIntegers: [Double] = (0..<5000).map { Double(($0 * 7919) % 300) - 150 }
        let oneExponent: [Double] = (0..<5000).map { 1 + Double(($0 * 104_729) % 4096) / 4096 }
        let subnormals: [Double] = (0..<3000).map { Double(($0 * 31) % 61 - 30) * 5e-324 }
        return [("all equal", allEqual), ("two values", twoValues), ("small integers", smallIntegers),
                ("one exponent", oneExponent), ("subnormals and zeros", subnormals), ("powers of two", powers),
                ("two elements", [1.0, -1.0])]
    }()

    @Test func skippedPassesKeepTheOrder() throws {
        for (name, xs) in Self.narrowInputs {
            let order = try RadixSort.ascendingOrder(xs)
            #expect(order == Self.stableOrder(xs), "\(name)")
            let (keys, keyOrder) = try RadixSort.ascendingKeysAndOrder(xs)
            #expect(keyOrder == order, "\(name)")
            #expect(keys == order.map { RadixSort.orderKey(xs[$0]) }, "\(name)")
            #expect(zip(keys, keys.dropFirst()).allSatisfy { $0 <= $1 }, "\(name)")
        }
    }

    @Test("a large random sample with every byte of the keys varying, against a stable comparison sort")
    func largeSample() throws {
        let rng = RandomStream(seed: 23)
        let xs = (0..<300_000).map { i in i % 10 == 0 ? Double(rng.integer(below: 50)) : rng.normal(mean: 0.3, sigma: 2) }
        let order = try RadixSort.ascendingOrder(xs)
        #expect(order == Self.stableOrder(xs))
        // The order-preserving key agrees with IEEE comparison on neighbours.
        for k in 1..<order.count {
            let a = xs[order[k - 1]], b = xs[order[k]]
            #expect((RadixSort.orderKey(a) < RadixSort.orderKey(b)) == (a < b))
        }
    }
}
