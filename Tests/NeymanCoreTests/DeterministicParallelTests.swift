import Foundation
import Testing
@testable import NeymanCore

@Suite("deterministicParallelMap")
struct DeterministicParallelTests {

    /// A task whose work depends only on its index (its own RandomStream) and whose cost varies between tasks.
    static func task(_ i: Int) -> [Double] {
        let r = RandomStream(seed: 2024, task: UInt64(i))
        let draws = 10 + (i % 7) * 50
        var sum = 0.0, sumSquares = 0.0
        for _ in 0..<draws {
            let x = r.normal(mean: 0, sigma: 1)
            sum += x
            sumSquares += x * x
        }
        return [Double(i), sum, sumSquares, r.poisson(mean: 5)]
    }

    @Test("results are identical for 1, 2 and 4 threads, and in task order")
    func identicalAcrossThreadCounts() throws {
        let one = try deterministicParallelMap(count: 300, threads: 1) { Self.task($0) }
        let two = try deterministicParallelMap(count: 300, threads: 2) { Self.task($0) }
        let four = try deterministicParallelMap(count: 300, threads: 4) { Self.task($0) }
        #expect(one.count == 300)
        #expect(one.map { $0[0] } == (0..<300).map(Double.init))
        #expect(one.map { $0.map(\.bitPattern) } == two.map { $0.map(\.bitPattern) })
        #expect(one.map { $0.map(\.bitPattern) } == four.map { $0.map(\.bitPattern) })
        #expect(one[17] == Self.task(17))
    }

    @Test("zero tasks give an empty result")
    func empty() throws {
        #expect(try deterministicParallelMap(count: 0, threads: 4) { $0 }.isEmpty)
    }

    @Test("the error of the lowest-index failing task is rethrown, whatever the thread count")
    func lowestIndexError() {
        for threads in [1, 2, 4] {
            let e = #expect(throws: NeymanError.self) {
                _ = try deterministicParallelMap(count: 64, threads: threads) { i -> Int in
                    // Later failures finish first: the high-index task fails at once, the low one after some work.
                    if i == 40 { throw NeymanError.invalid("task \(i) failed", parameter: "task") }
                    if i == 9 {
                        _ = Self.task(6)
                        throw NeymanError.invalid("task \(i) failed", parameter: "task")
                    }
                    return i
                }
            }
            #expect(e?.message == "task 9 failed", "threads \(threads)")
        }
    }
}
