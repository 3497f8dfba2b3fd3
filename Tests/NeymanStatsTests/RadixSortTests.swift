import Foundation
import NeymanCore
import Testing
@testable import NeymanStats

@Suite("Radix sort order")
struct RadixSortTests {
    @Test func matchesAComparisonSortWithTiesSignsAndZeros() {
        let rng = RandomStream(seed: 17)
        var xs = (0..<50_000).map { _ in rng.normal(sigma: 1e3) }
        xs += (0..<20_000).map { _ in Double(rng.integer(below: 7)) - 3 }    // many ties, negative integers
        xs += [0.0, -0.0, 1e-310, -1e-310, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 5e-324]
        let order = RadixSort.ascendingOrder(xs)
        #expect(order.count == xs.count && Set(order).count == xs.count)
        let sorted = order.map { xs[$0] }
        #expect(sorted == xs.sorted())
        // Stable: equal values keep their index order.
        for i in 1..<order.count where sorted[i] == sorted[i - 1] { #expect(order[i] > order[i - 1]) }
        #expect(RadixSort.ascendingOrder([]) == [])
        #expect(RadixSort.ascendingOrder([3]) == [0])
    }
}
