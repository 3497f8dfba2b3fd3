import Foundation
import NeymanCore

/// "Flat sampling during batch calls" (ATLAS prompt-vs-tau-muon talk, slide 5): instead of one fixed training set, every
/// epoch trains on a fresh sample that holds a fixed number of events of each class in each bin of a variable `v`
/// (a pT, an |eta|), so the training set is flat in `v` for both classes while every epoch sees different events.
///
/// ```
///   bins:      [e_0, e_1), [e_1, e_2), ..., [e_{K-1}, +inf)      (the last bin is an overflow bin;
///                                                               values below e_0 count in the first bin)
///   epoch t:   from every stratum (class c, bin k) with N_ck > 0 training events draw n_c events:
///              without replacement when N_ck >= n_c, with replacement otherwise (an event may then appear twice)
///              -> shuffle all drawn events -> mini-batches
/// ```
/// Empty strata contribute nothing. Validation (loss, AUC, early stopping) uses the held-out events as they are,
/// unsampled.
///
/// Groups (optional, ``groups``): a class may be made of sub-classes drawn apart, e.g. the talk's background of
/// prompt and fake muons, "5000 prompt and 5000 fake muons per bin". Each event then carries a group number; the
/// strata are (class, group, bin), and a class's count per bin is split equally among its groups present in the
/// training set, `n_c / G_c` per stratum (rounded down, at least 1). The background then has the same composition in
/// every bin instead of the composition of its bin. Without groups every class is one group (the counts as above).
///
/// What the network then learns: within a bin of `v` both classes are drawn in proportion to their densities, so the
/// classifier estimates `p_A(x | v) / p_B(x | v)` (the ratio of the densities *conditional on v*, times `n_A/n_B`), not
/// the marginal `p_A(x)/p_B(x)`: the sampling divides out `p_A(v)/p_B(v)`. With bins of finite width this holds up to
/// the variation of `p_A(v)/p_B(v)` inside a bin. ``Trainer`` stores as class weights `W_c` the expected sum of
/// weights of class `c` per epoch, `sum_k n_c * mean_{i in (c,k)} w_i`, so that `s/(1-s) * W_B/W_A` removes the
/// class-count factor and `r = p_A(x|v)/p_B(x|v)` in that sense (docs/formulas.md §1 with the flat sample as the data).
///
/// Determinism: the draw of epoch `t` comes from `RandomStream(seed, task: 1_000_003 + t)`, strata in a fixed
/// order, so the same seed gives the same epochs whatever the thread count.
public struct EpochSampling: Sendable, Equatable {
    /// `v` for every event of the training set (indexed like ``LabelledEvents``).
    public let variable: [Double]
    /// Ascending bin edges `e_0 < e_1 < ... < e_{K-1}`: `K` bins, the last one `[e_{K-1}, +inf)`.
    public let edges: [Double]
    /// Events of class A (label 1) drawn per bin and epoch.
    public let classAPerBin: Int
    /// Events of class B (label 0) drawn per bin and epoch.
    public let classBPerBin: Int
    /// The group of every event (indexed like ``variable``; values in 0..<64), or nil: one group per class.
    public let groups: [Int]?

    /// - Throws: ``NeymanError`` if `edges` is empty or not strictly ascending or not finite, a count is not positive,
    ///   a value of `variable` is not finite (naming the 0-based event), or `groups` has the wrong length or a value
    ///   outside 0..<64.
    public init(variable: [Double], edges: [Double], classAPerBin: Int, classBPerBin: Int, groups: [Int]? = nil) throws {
        guard !edges.isEmpty, edges.allSatisfy(\.isFinite) else {
            throw NeymanError.invalid("flat sampling needs at least one finite bin edge", key: "training.sampling.edges")
        }
        for k in 1..<edges.count where !(edges[k] > edges[k - 1]) {
            throw NeymanError.invalid("bin edges must be strictly ascending (edge \(k) is \(edges[k]) after \(edges[k - 1]))",
                                      key: "training.sampling.edges")
        }
        guard classAPerBin > 0 else {
            throw NeymanError.invalid("must be positive (got \(classAPerBin))", key: "training.sampling.class_a_per_bin")
        }
        guard classBPerBin > 0 else {
            throw NeymanError.invalid("must be positive (got \(classBPerBin))", key: "training.sampling.class_b_per_bin")
        }
        if let i = variable.firstIndex(where: { !$0.isFinite }) {
            throw NeymanError.invalid("the sampling variable of event \(i) is \(variable[i])", key: "training.sampling.variable")
        }
        if let g = groups {
            guard g.count == variable.count else {
                throw NeymanError.invalid("\(g.count) groups for \(variable.count) events", key: "training.sampling.groups")
            }
            if let i = g.firstIndex(where: { !(0..<64).contains($0) }) {
                throw NeymanError.invalid("the group of event \(i) is \(g[i]); groups are 0..<64", key: "training.sampling.groups")
            }
        }
        self.groups = groups
        self.variable = variable
        self.edges = edges
        self.classAPerBin = classAPerBin
        self.classBPerBin = classBPerBin
    }

    /// The bin of `v`: the last `k` with `e_k <= v` (values below `e_0` go to bin 0; the last bin is open above).
    @inlinable public func bin(_ v: Double) -> Int {
        var lo = 0, hi = edges.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if edges[mid] <= v { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }

    /// The events of each stratum, `strata[c][j K + k]` for class `c` (0 = B, 1 = A), the class's `j`-th group
    /// (ascending group numbers present among its training events; one group without ``groups``) and bin `k` of `K`,
    /// as positions in `rows` (the training rows, indices into ``variable``), each in ascending order.
    func strata(rows: [Int], labels: [Float]) -> [[[Int]]] {
        let k = edges.count
        var present: [[Int]] = [[], []]
        if let g = groups {
            for c in 0..<2 { present[c] = Array(Set(rows.indices.filter { (labels[$0] > 0.5 ? 1 : 0) == c }.map { g[rows[$0]] })).sorted() }
        }
        var s = [[[Int]]](repeating: [], count: 2)
        for c in 0..<2 { s[c] = [[Int]](repeating: [], count: k * max(present[c].count, 1)) }
        for (p, r) in rows.enumerated() {
            let c = labels[p] > 0.5 ? 1 : 0
            let j = groups.map { g in present[c].firstIndex(of: g[r]) ?? 0 } ?? 0
            s[c][j * k + bin(variable[r])].append(p)
        }
        return s
    }

    /// Events drawn from each stratum of class `c`: its count per bin split among its groups.
    func perStratum(_ c: Int, strata: [[[Int]]]) -> Int {
        let n = c == 1 ? classAPerBin : classBPerBin
        let groupCount = max(strata[c].count / max(edges.count, 1), 1)
        return max(n / groupCount, 1)
    }

    /// The expected sum of weights of each class in one epoch's sample: `sum_s n_s * mean_{s} w` over the class's
    /// non-empty strata `s` (``perStratum(_:strata:)`` events each).
    func expectedClassWeights(strata: [[[Int]]], weights: [Float]) -> (a: Double, b: Double) {
        func total(_ c: Int) -> Double {
            let n = perStratum(c, strata: strata)
            return strata[c].reduce(0.0) { acc, members in
                guard !members.isEmpty else { return acc }
                let mean = members.reduce(0.0) { $0 + Double(weights[$1]) } / Double(members.count)
                return acc + Double(n) * mean
            }
        }
        return (total(1), total(0))
    }

    /// One epoch's sample: positions into the training rows, in a random order.
    func draw(strata: [[[Int]]], epoch: Int, seed: UInt64) -> [Int] {
        let rng = RandomStream(seed: seed, task: 1_000_003 &+ UInt64(epoch))
        var picked: [Int] = []
        for c in [1, 0] {
            let n = perStratum(c, strata: strata)
            for members in strata[c] where !members.isEmpty {
                if members.count >= n {
                    // A partial Fisher-Yates shuffle: n distinct members.
                    var pool = members
                    for i in 0..<n {
                        let j = i + rng.integer(below: pool.count - i)
                        pool.swapAt(i, j)
                        picked.append(pool[i])
                    }
                } else {
                    for _ in 0..<n { picked.append(members[rng.integer(below: members.count)]) }
                }
            }
        }
        let order = rng.permutation(picked.count)
        return order.map { picked[$0] }
    }
}
