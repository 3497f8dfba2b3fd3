import Foundation
import NeymanCore
import Testing
@testable import NeymanStudies

@Suite("Learned ratio study")
struct LearnedRatioStudyTests {
    static let toml = """
    [study]
    kind = "learned-ratio"
    seed = 5
    [model]
    sigma = 0.08
    signal_fraction = 0.5
    [plot]
    calibration_events = 20000
    [network]
    layers = [32, 32]
    [training]
    events_per_class = 60000
    epochs = 30
    learning_rate = 2e-3
    weight_decay = 1e-3
    """

    /// Both networks reproduce the exact lambda in the bulk; the worst relative deviation is bounded by the
    /// statistical precision of 6e4 events per class (a few per cent), and a wrong conversion (forgetting W_B/W_A
    /// or the mixture correction) would be off by tens of per cent.
    @Test func networksMatchTheExactRatioInTheBulk() throws {
        let root = try ConfigFile.parse(Self.toml, file: "t.toml")
        let study = try LearnedRatioStudy(config: root, scale: .quick)
        let out = try study.run(seed: 5, context: StudyContext(quiet: true))
        guard case .object(let dev)? = out.results.first(where: { $0.0 == "max_relative_deviation_bulk" })?.1 else {
            Issue.record("no deviation in the results"); return
        }
        for (name, v) in dev {
            guard case .number(let x) = v else { Issue.record("\(name) is not a number"); continue }
            #expect(x < 0.08, "\(name): \(x)")
        }
        #expect(out.tables.map(\.name) == ["ratio_curves", "ratio_binned", "calibration"])
        // Calibration points lie on the diagonal within 4 standard errors + 5%.
        let cal = out.tables[2].columns
        for i in cal[0].1.indices {
            #expect(abs(cal[1].1[i] - cal[0].1[i]) < 4 * cal[2].1[i] + 0.05 * cal[0].1[i], "bin at \(cal[0].1[i])")
        }
    }

    @Test func mixtureNeedsAFractionInsideTheUnitInterval() throws {
        let root = try ConfigFile.parse(Self.toml.replacingOccurrences(of: "signal_fraction = 0.5", with: "signal_fraction = 1.5"), file: "t.toml")
        #expect { try LearnedRatioStudy(config: root, scale: .quick) } throws: { "\($0)".contains("model.signal_fraction") }
    }
}
