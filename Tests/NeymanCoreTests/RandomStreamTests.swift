import Foundation
import Testing
@testable import NeymanCore

@Suite("RandomStream")
struct RandomStreamTests {

    @Test("the mixing function is fixed: pinned values")
    func pinnedMixSeed() {
        // Computed once from the SplitMix64 definition (independently, in Python) and frozen: changing mixSeed
        // would silently change every study's pseudo-experiments.
        #expect(RandomStream.mixSeed(0, 0) == 0xA706_DD2F_4D19_7E6F)
        #expect(RandomStream.mixSeed(42, 7) == 0x0D44_71D7_A7C7_C61C)
        #expect(RandomStream.mixSeed(2024, 123_456) == 0x533D_9D8D_D26C_19BD)
        #expect(RandomStream.gslSeed(seed: 0, task: 0) == 3_927_941_952)
        #expect(RandomStream.gslSeed(seed: 42, task: 7) == 2_860_758_987)
    }

    @Test("the same (seed, task) gives the same sequence")
    func reproducible() {
        let a = RandomStream(seed: 99, task: 3)
        let b = RandomStream(seed: 99, task: 3)
        let xs = (0..<1000).map { _ in a.uniform() }
        let ys = (0..<1000).map { _ in b.uniform() }
        #expect(xs == ys)
        let c = RandomStream(seed: 99, task: 3)
        let d = RandomStream(seed: 99, task: 3)
        let cs = (0..<100).map { _ in c.normal(mean: 1, sigma: 2) }
        let ds = (0..<100).map { _ in d.normal(mean: 1, sigma: 2) }
        #expect(cs == ds)
        #expect(RandomStream(seed: 99, task: 3).permutation(50) == RandomStream(seed: 99, task: 3).permutation(50))
    }

    @Test("different tasks and different seeds give different sequences")
    func distinctStreams() {
        let base = (0..<16).map { _ in 0.0 }
        func draws(_ seed: UInt64, _ task: UInt64) -> [Double] {
            let r = RandomStream(seed: seed, task: task)
            return base.map { _ in r.uniform() }
        }
        let t0 = draws(1, 0), t1 = draws(1, 1), t2 = draws(1, 2), s2 = draws(2, 0)
        #expect(t0 != t1)
        #expect(t1 != t2)
        #expect(t0 != s2)
        // Not merely shifted copies: no value of one stream appears in the other.
        #expect(Set(t0).isDisjoint(with: Set(t1)))
    }

    @Test("Poisson draws have the right mean (within 5 standard errors over 10^5 draws)")
    func poissonMean() {
        let mean = 3.7
        let n = 100_000
        let r = RandomStream(seed: 12, task: 0)
        var sum = 0.0
        for _ in 0..<n { sum += r.poisson(mean: mean) }
        let sampleMean = sum / Double(n)
        let standardError = (mean / Double(n)).squareRoot()
        #expect(abs(sampleMean - mean) < 5 * standardError, "sample mean \(sampleMean)")
        #expect(RandomStream(seed: 1).poisson(mean: 0) == 0)
    }

    @Test("uniform draws stay in range; permutations are permutations")
    func ranges() {
        let r = RandomStream(seed: 5)
        for _ in 0..<10_000 {
            let u = r.uniform()
            #expect(u >= 0 && u < 1)
            let p = r.uniformPositive()
            #expect(p > 0 && p < 1)
            let k = r.integer(below: 7)
            #expect(k >= 0 && k < 7)
        }
        #expect(r.permutation(100).sorted() == Array(0..<100))
        #expect(r.permutation(0) == [])
    }
}
