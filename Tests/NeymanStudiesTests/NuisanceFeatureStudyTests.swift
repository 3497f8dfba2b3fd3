import Foundation
import NeymanCore
import NeymanStats
import Testing
@testable import NeymanStudies

@Suite("Nuisance features")
struct NuisanceFeatureStudyTests {
    static let toml = """
    [study]
    kind = "nuisance-features"
    seed = 12
    [model]
    sigma_range = [0.0, 0.29]
    events = 10000
    mu = 0.1
    [toys]
    count = 150
    [calibration]
    bins = 50
    events_per_class = 50000
    [network]
    layers = [32, 32]
    [training]
    events_per_class = 60000
    epochs = 25
    learning_rate = 2e-3
    """

    static func object(_ r: [(String, JSONValue)], _ key: String) -> [(String, JSONValue)] {
        guard case .object(let o)? = r.first(where: { $0.0 == key })?.1 else { return [] }
        return o
    }

    static func number(_ o: [(String, JSONValue)], _ path: [String]) -> Double {
        var cur = o
        for (k, name) in path.enumerated() {
            guard let v = cur.first(where: { $0.0 == name })?.1 else { return .nan }
            if k == path.count - 1 { if case .number(let x) = v { return x } else { return .nan } }
            guard case .object(let next) = v else { return .nan }
            cur = next
        }
        return .nan
    }

    /// The sigma-aware network's interval is narrower, and both calibrated networks' 68 % intervals cover within
    /// three binomial errors (150 pseudo-experiments: error 0.038).
    @Test func sigmaAwareIsNarrowerAndBothCover() throws {
        let study = try NuisanceFeatureStudy(config: try ConfigFile.parse(Self.toml, file: "t.toml"), scale: .quick)
        let out = try study.run(seed: 12, context: StudyContext(quiet: true))
        let toys = Self.object(out.results, "pseudo_experiments")
        let wAware = Self.number(toys, ["network_y_sigma", "mean_width"]), wBlind = Self.number(toys, ["network_y", "mean_width"])
        #expect(wAware < 0.85 * wBlind, "widths \(wAware) vs \(wBlind)")
        for name in ["network_y_sigma", "network_y"] {
            let c = Self.number(toys, [name, "coverage"]), e = Self.number(toys, [name, "coverage_error"])
            #expect(abs(c - 0.683) < 3 * max(e, 0.038), "\(name) coverage \(c) ± \(e)")
        }
        // The exact sigma-aware ratio on the shown data set: its interval is narrower than the exact blind one too.
        let iv = Self.object(out.results, "intervals")
        let exactAware = Self.number(iv, ["exact_y_sigma", "upper"]) - Self.number(iv, ["exact_y_sigma", "lower"])
        let exactBlind = Self.number(iv, ["exact_y", "upper"]) - Self.number(iv, ["exact_y", "lower"])
        #expect(exactAware < exactBlind)
    }

    @Test func signalFractionFitMatchesTheClosedFormForTwoValuedRatios() throws {
        // Ratios r = 0 or 2 (p_S = 0 or 2 p_B): the likelihood is n2 ln(1 + mu) + n0 ln(1 - mu), maximal at
        // mu^ = (n2 - n0) / (n2 + n0), with curvature n2/(1+mu)^2 + n0/(1-mu)^2.
        let ratios = [Double](repeating: 2, count: 600) + [Double](repeating: 0, count: 400)
        let fit = try SignalFractionFit(ratios: ratios)
        let iv = try fit.interval()
        #expect(abs(iv.best - 0.2) < 1e-10)
        let sigma = 1 / (600 / 1.44 + 400 / 0.64).squareRoot()
        #expect(abs((iv.upper - iv.lower) / 2 - sigma) < 0.02 * sigma)
        #expect(throws: NeymanError.self) { try SignalFractionFit(ratios: []) }
        #expect(throws: NeymanError.self) { try SignalFractionFit(ratios: [1, -1]) }
    }
}
