import Foundation

/// The sorting permutation of an array of finite doubles by an LSD radix sort on their bit patterns: 8 passes of
/// 8 bits over `(key, index)` pairs, passes whose byte is the same for every key skipped. O(n) time, O(n) extra
/// memory; used where `n` reaches 10^7 (ROC and AUC), where it is several times faster than a comparison sort.
///
/// Key: the IEEE-754 bits with the sign bit flipped for non-negative values and all bits flipped for negative ones,
/// so that unsigned order equals numeric order (`-0.0` is mapped to `+0.0` first, so equal values get equal keys).
/// The sort is stable: equal values keep their index order.
public enum RadixSort {
    /// Indices that put `values` in ascending order. NaN is not allowed (callers check finiteness).
    public static func ascendingOrder(_ values: [Double]) -> [Int] {
        let n = values.count
        if n < 2 { return Array(0..<n) }
        var keys = [UInt64](repeating: 0, count: n), index = [UInt32](repeating: 0, count: n)
        var keys2 = keys, index2 = index
        for i in 0..<n {
            let v = values[i] == 0 ? 0.0 : values[i]
            let b = v.bitPattern
            keys[i] = (b >> 63) == 1 ? ~b : b | (1 << 63)
            index[i] = UInt32(truncatingIfNeeded: i)
        }
        var counts = [Int](repeating: 0, count: 256)
        for pass in 0..<8 {
            let shift = UInt64(8 * pass)
            for k in 0..<256 { counts[k] = 0 }
            for i in 0..<n { counts[Int((keys[i] >> shift) & 0xff)] += 1 }
            if counts.contains(n) { continue }  // every key has the same byte here
            var total = 0
            for k in 0..<256 { let c = counts[k]; counts[k] = total; total += c }
            for i in 0..<n {
                let d = Int((keys[i] >> shift) & 0xff)
                let p = counts[d]
                counts[d] = p + 1
                keys2[p] = keys[i]
                index2[p] = index[i]
            }
            swap(&keys, &keys2)
            swap(&index, &index2)
        }
        return index.map { Int($0) }
    }
}
