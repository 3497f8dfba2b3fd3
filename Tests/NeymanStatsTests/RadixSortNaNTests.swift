import Foundation
import NeymanCore
import Testing
@testable import NeymanStats

/// NaN has no place in an order: the radix sort refuses it with an error naming the first NaN's index (not a crash,
/// and not a silently wrong order).
@Suite("Radix sort: NaN rejected")
struct RadixSortNaNTests {
    static let nans: [(String, Double)] = [
        ("quiet NaN", .nan),
        ("negative NaN", -.nan),
        ("signalling NaN", .signalingNaN),
        ("NaN with a payload", Double(nan: 0x1234, signaling: false)),
        ("all-ones bit pattern", Double(bitPattern: ~0)),
    ]

    @Test(arguments: [0, 1, 777, 999])
    func nanIsAnErrorNamingItsIndex(_ at: Int) {
        for (name, nan) in Self.nans {
            var xs = (0..<1000).map { Double($0 % 17) - 8.5 }
            xs[at] = nan
            if at < 999 { xs[999] = .nan }   // a later NaN too: the first one is named
            let e = #expect(throws: NeymanError.self, "\(name)") { try RadixSort.ascendingOrder(xs) }
            #expect(e?.message == "cannot sort: value \(at) (0-based) is NaN, which has no place in an order", "\(name)")
            #expect(e?.isUserError == true)
            #expect(throws: NeymanError.self, "\(name)") { try RadixSort.ascendingKeysAndOrder(xs) }
        }
    }

    @Test func aLoneNaNToo() {
        #expect(throws: NeymanError.self) { try RadixSort.ascendingOrder([.nan]) }
        #expect(throws: NeymanError.self) { try RadixSort.ascendingOrder([.nan, .nan]) }
    }
}
