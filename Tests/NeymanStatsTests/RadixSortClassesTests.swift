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

    static func check(_ xs: [Double], _ second: [Bool], _ label: String, parallel: Bool = false) throws {
        try RadixSort.withSortedPairs(xs, inSecondClass: { second[$0] }, payload: { UInt64($0) * 3 },
                                      classesInParallel: parallel) { first, other in
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

    /// The two classes sorted on two threads (above ``RadixSort/parallelThreshold``): the same pairs as each class
    /// sorted alone, with ties, both zeros, one class much smaller and one class empty.
    @Test func classesSortedOnTwoThreads() throws {
        let rng = RandomStream(seed: 52)
        let n = RadixSort.parallelThreshold * 2 + 37
        let xs = (0..<n).map { i -> Double in i % 11 == 0 ? (i % 2 == 0 ? 0.0 : -0.0) : (i % 7 == 0 ? 3.5 : rng.normal()) }
        try Self.check(xs, (0..<n).map { _ in rng.uniform() < 0.4 }, "40 % second, two threads", parallel: true)
        try Self.check(xs, (0..<n).map { $0 % 97 == 0 }, "1 % second, two threads", parallel: true)
        try Self.check(xs, [Bool](repeating: true, count: n), "first class empty, two threads", parallel: true)
    }

    /// ROC's AUC from labels is the same bits on one thread and on two.
    @Test func aucIsTheSameOnOneAndTwoThreads() throws {
        let rng = RandomStream(seed: 53)
        let n = 200_000
        let labels = (0..<n).map { _ in rng.uniform() < 0.3 ? 1.0 : 0.0 }
        let scores = labels.map { rng.normal(mean: $0, sigma: 1) }
        let weights = (0..<n).map { _ in rng.uniform() * 2 + 0.1 }
        let one = try ROC.auc(scores: scores, labels: labels, weights: weights, threads: 1)
        let two = try ROC.auc(scores: scores, labels: labels, weights: weights, threads: 2)
        #expect(one.bitPattern == two.bitPattern, "\(one) vs \(two)")
        // and the value is the weighted AUC of two unit-variance normals one apart, Phi(1/sqrt 2) = 0.7602...
        #expect(abs(one - 0.760249938) < 0.005, "\(one)")
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
