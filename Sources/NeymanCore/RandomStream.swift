@preconcurrency import CGSL

/// A seeded stream of random numbers: one GSL Mersenne Twister (`gsl_rng_mt19937`) per task.
///
/// Neyman never uses a global generator. A study has one seed; task `i` (a pseudo-experiment, a fold, a bootstrap
/// replica) draws from `RandomStream(seed: seed, task: i)`, whose state depends only on `(seed, i)`. Therefore task `i`
/// produces the same numbers whatever the thread count, the order tasks run in, or the shard they run on.
///
/// The GSL seed is `mix(seed, task)`, a fixed mixing function (``mixSeed(_:_:)``): SplitMix64's finaliser applied to
/// `seed` and `task` in turn, so that nearby `(seed, task)` pairs give unrelated streams. mt19937 takes a 32-bit
/// seed in GSL (`gsl_rng_set` uses the low 32 bits of an unsigned long for this generator); the mixed value is folded to
/// 32 bits by xor of its halves, and a folded 0 is mapped to a fixed non-zero constant (GSL replaces 0 by 4357).
///
/// Not thread-safe: one stream belongs to one task at a time. The class owns its `gsl_rng` and frees it on deinit.
public final class RandomStream {
    @usableFromInline let rng: UnsafeMutablePointer<gsl_rng>
    /// The study seed this stream was derived from.
    public let seed: UInt64
    /// The task index this stream was derived from.
    public let task: UInt64

    /// A stream for task `task` of a study seeded with `seed`.
    public init(seed: UInt64, task: UInt64 = 0) {
        self.seed = seed
        self.task = task
        guard let r = gsl_rng_alloc(neyman_gsl_rng_mt19937()) else {
            // Allocation of a few kilobytes failed: the process is out of memory; nothing sensible can continue.
            fatalError("gsl_rng_alloc failed (out of memory)")
        }
        rng = r
        GSLErrorHandling.ensureDisabled()
        gsl_rng_set(rng, UInt(RandomStream.gslSeed(seed: seed, task: task)))
    }

    deinit { gsl_rng_free(rng) }

    /// The fixed mixing function `(seed, task) -> UInt64` (SplitMix64 finaliser, applied twice).
    @inlinable
    public static func mixSeed(_ seed: UInt64, _ task: UInt64) -> UInt64 {
        @inline(__always) func splitmix(_ x: UInt64) -> UInt64 {
            var z = x &+ 0x9E37_79B9_7F4A_7C15
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        return splitmix(splitmix(seed) ^ (task &* 0xD1B5_4A32_D192_ED03))
    }

    /// The 32-bit value handed to `gsl_rng_set`.
    public static func gslSeed(seed: UInt64, task: UInt64) -> UInt32 {
        let m = mixSeed(seed, task)
        let folded = UInt32(truncatingIfNeeded: m) ^ UInt32(truncatingIfNeeded: m >> 32)
        return folded == 0 ? 0x6A09_E667 : folded
    }

    // MARK: Draws

    /// Uniform on [0, 1) (`gsl_rng_uniform`).
    @inlinable public func uniform() -> Double { gsl_rng_uniform(rng) }

    /// Uniform on (0, 1) (`gsl_rng_uniform_pos`): never exactly 0, safe under a logarithm.
    @inlinable public func uniformPositive() -> Double { gsl_rng_uniform_pos(rng) }

    /// Uniform on [a, b).
    @inlinable public func uniform(_ a: Double, _ b: Double) -> Double { a + (b - a) * gsl_rng_uniform(rng) }

    /// Uniform integer in 0..<n (`gsl_rng_uniform_int`); `n` must be positive.
    @inlinable public func integer(below n: Int) -> Int { Int(gsl_rng_uniform_int(rng, UInt(n))) }

    /// Normal with mean `mean` and standard deviation `sigma` (`gsl_ran_gaussian_ziggurat`).
    @inlinable public func normal(mean: Double = 0, sigma: Double = 1) -> Double {
        mean + gsl_ran_gaussian_ziggurat(rng, sigma)
    }

    /// Poisson with mean `mean` >= 0 (`gsl_ran_poisson`), returned as a Double count. `mean == 0` gives 0.
    @inlinable public func poisson(mean: Double) -> Double {
        mean > 0 ? Double(gsl_ran_poisson(rng, mean)) : 0
    }

    /// Gamma with shape `k` and scale `theta` (`gsl_ran_gamma`).
    @inlinable public func gamma(shape k: Double, scale theta: Double) -> Double { gsl_ran_gamma(rng, k, theta) }

    /// Exponential with mean `mean` (`gsl_ran_exponential`).
    @inlinable public func exponential(mean: Double) -> Double { gsl_ran_exponential(rng, mean) }

    /// Cauchy (Breit-Wigner) with half width `gamma` (`gsl_ran_cauchy`).
    @inlinable public func cauchy(halfWidth gamma: Double) -> Double { gsl_ran_cauchy(rng, gamma) }

    /// Beta(a, b) on [0, 1] (`gsl_ran_beta`).
    @inlinable public func beta(_ a: Double, _ b: Double) -> Double { gsl_ran_beta(rng, a, b) }

    /// Binomial(n, p) (`gsl_ran_binomial`).
    @inlinable public func binomial(n: Int, p: Double) -> Int { Int(gsl_ran_binomial(rng, p, UInt32(clamping: n))) }

    /// A uniformly random permutation of 0..<n (Fisher-Yates on `gsl_rng_uniform_int`).
    public func permutation(_ n: Int) -> [Int] {
        var p = Array(0..<n)
        if n < 2 { return p }
        for i in stride(from: n - 1, to: 0, by: -1) {
            let j = integer(below: i + 1)
            p.swapAt(i, j)
        }
        return p
    }
}
