import Foundation
import Testing
@testable import NeymanStats
import NeymanCore

/// Toys run in pieces (shards of a run) give the whole run's numbers: `distributions(mu:indices:)` and
/// `Significance.toyStatistics` over consecutive index ranges, joined, equal one call over all indices, bit for bit,
/// and the results computed from the joined pieces equal `test(mu:)` and `Significance.toys`.
@Suite("Toys in shards")
struct ShardedToysTests {
    static func pyhfReadmeModel() throws -> BinnedModel {
        try BinnedModel.uncorrelatedBackground(signal: [12, 11], background: [50, 52], uncertainty: [3, 7])
    }

    @Test func clsFromJoinedPiecesEqualsTheWholeRun() throws {
        let model = try Self.pyhfReadmeModel()
        let data = try model.data(observed: [51, 48])
        let calc = try ToyCalculator(model: model, data: data, toys: 150, seed: 11, threads: 2)
        let whole = try calc.distributions(mu: 1)
        let cuts = [0, 40, 41, 150]
        let pieces = try zip(cuts, cuts.dropFirst()).map { try calc.distributions(mu: 1, indices: $0..<$1) }
        #expect(pieces.map(\.signalPlusBackground.count) == [40, 1, 109])
        let joined = ToyDistributions(signalPlusBackground: pieces.flatMap(\.signalPlusBackground),
                                      backgroundOnly: pieces.flatMap(\.backgroundOnly), convergedFits: pieces.flatMap(\.convergedFits))
        #expect(joined.signalPlusBackground.map(\.bitPattern) == whole.signalPlusBackground.map(\.bitPattern))
        #expect(joined.backgroundOnly.map(\.bitPattern) == whole.backgroundOnly.map(\.bitPattern))
        #expect(joined.convergedFits == whole.convergedFits && whole.convergedCount == 300)
        let observed = try calc.observedStatistic(mu: 1)
        let direct = try calc.test(mu: 1)
        let merged = ToyCalculator<BinnedModel>.result(mu: 1, statistic: .qmuTilde, observedStatistic: observed.value,
                                                       observedConverged: observed.converged, distributions: joined)
        #expect(merged.cls.bitPattern == direct.cls.bitPattern && merged.clsExpected.map(\.bitPattern) == direct.clsExpected.map(\.bitPattern))
        #expect(merged.clsError?.bitPattern == direct.clsError?.bitPattern && merged.toys == 150)
    }

    @Test func significanceFromJoinedPiecesEqualsTheWholeRun() throws {
        let model = try Self.pyhfReadmeModel()
        let data = try model.data(observed: [70, 66])
        let whole = try Significance.toys(model: model, data: data, toys: 120, seed: 4, threads: 1)
        let a = try Significance.toyStatistics(model: model, data: data, indices: 0..<70, seed: 4, threads: 2)
        let b = try Significance.toyStatistics(model: model, data: data, indices: 70..<120, seed: 4, threads: 1)
        #expect(a.observed.value == b.observed.value && a.q0.count == 70 && b.q0.count == 50)
        let merged = Significance.toyResult(observedStatistic: a.observed.value, observedConverged: a.observed.converged,
                                            statistics: a.q0 + b.q0, converged: a.converged + b.converged)
        #expect(merged.p0 == whole.p0 && merged.z.bitPattern == whole.z.bitPattern && merged.q0 == whole.q0 && merged.toys == 120)
        #expect(whole.p0 > 0 && whole.p0 < 0.5, "an excess: p0 = \(whole.p0)")
    }
}
