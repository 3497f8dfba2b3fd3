import Foundation
import NeymanCore
import Testing
@testable import NeymanStats

/// The sort in two classes at once (what ROC uses for labelled events): each class's pairs come out in the stable
/// order of that class's values alone, with the payload of each value attached.
@Suite("Radix sort in two classes")
struct RadixSortClassesTests {
    /// Each class sorted on its own by a stable comparison sort: (key, payload) in order.
    static func expected(_ xs: [Double], _ second: [Bool], _ inSecond: Bool) -> [UInt64] {
        xs.indices.filter { second[$0] == inSecond }
            .sorted { a, b in xs[a] < xs[b] || (xs[a] == xs[b] && a < b) }
            .map { UInt64($0) }
    }

    static func check(_ xs: [Double], _ second: [Bool], _ label: String) throws {
        try RadixSort.withSortedPairs(xs, inSecondClass: { second[$0] }, payload: { UInt64($0) * 3 }) { first, other in
            #expect(first.map { $0.payload / 3 } == Self.expected(xs, second, false), "\(label): first class")
            #expect(other.map { $0.payload / 3 } == Self.expected(xs, second, true), "\(label): second class")
            #expect(first.allSatisfy { $0.key == RadixSort.orderKey(xs[Int($0.payload / 3)]) }, "\(label)")
            #expect(other.allSatisfy { $0.key == RadixSort.orderKey(xs[Int($0.payload / 3)]) }, "\(label)")
        }
    }

    @Test func randomClassesWithTiesAndZeros() throws {
        let rng = RandomStream(seed: 51)
        let n = 100_000
        let second = (0..<n).map { _ in rng.uniform() < 0.4 }
        let xs = (0..<n).map { i -> Double in
            i % 13 == 0 ? (i % 2 == 0 ? 0.0 : -0.0) : (i % 5 == 0 ? Double(rng.integer(below: 9)) : rng.normal(mean: 0.5))
        }
        try Self.check(xs, second, "random")
    }

    @Test("a class empty, a class of one value, classes whose digits differ only in one class, no pass at all")
    func edgeCases() throws {
        let n = 3000
        let ramp = (0..<n).map { Double(($0 * 7919) % 1000) / 8 - 60 }
        try Self.check(ramp, [Bool](repeating: false, count: n), "second class empty")
        try Self.check(ramp, [Bool](repeating: true, count: n), "first class empty")
        let constantFirst = (0..<n).map { $0 % 2 == 0 ? 4.0 : ramp[$0] }
        try Self.check(constantFirst, (0..<n).map { $0 % 2 == 1 }, "first class all equal")
        try Self.check([Double](repeating: -2, count: 50), (0..<50).map { $0 % 3 == 0 }, "every value equal")
        try Self.check([], [], "no values")
        try Self.check([1], [true], "one value")
    }

    @Test func nanIsAnErrorHereToo() {
        let e = #expect(throws: NeymanError.self) {
            try RadixSort.withSortedPairs([1, 2, .nan], inSecondClass: { $0 == 0 }, payload: { UInt64($0) }) { _, _ in 0 }
        }
        #expect(e?.message == "cannot sort: value 2 (0-based) is NaN, which has no place in an order")
    }
}
