import Foundation
import NeymanCore
import NeymanStats
import Testing
@testable import NeymanStudies

/// The power study at small scale: the ordering of the guide's figure 4 and the network close to the optimum.
@Suite("Cuts vs bins vs unbinned")
struct PowerStudyTests {
    static let toml = """
    [study]
    kind = "bumphunt-power"
    seed = 7
    [model]
    sigma = 0.08
    signal = 50
    background = 1000
    [toys]
    count = { quick = 3000, full = 10000 }
    [network]
    layers = [32, 32]
    [training]
    events_per_class = { quick = 40000, full = 100000 }
    epochs = 25
    learning_rate = 2e-3
    weight_decay = 1e-3
    """

    static func power(_ results: [(String, JSONValue)], _ key: String) -> [String: Double] {
        guard case .object(let pairs)? = results.first(where: { $0.0 == key })?.1 else { return [:] }
        var out: [String: Double] = [:]
        for (k, v) in pairs { if case .number(let x) = v { out[k] = x } }
        return out
    }

    @Test func powerOrderingAndNetworkNearOptimal() throws {
        let root = try ConfigFile.parse(Self.toml, file: "test.toml")
        let study = try BumpHuntPowerStudy(config: root, scale: .quick)
        #expect(study.toys == 3000 && study.network.eventsPerClass == 40000)
        let out = try study.run(seed: 7, context: StudyContext(scale: .quick, threads: 2, quiet: true))
        let p = Self.power(out.results, "power_at_alpha_0.05")
        let e = Self.power(out.results, "power_error_at_alpha_0.05")
        #expect(p.count == 6 && e.count == 6)
        func atLeast(_ a: String, _ b: String) {
            // a >= b within the toys' statistical error (two standard errors of the difference).
            let tol = 2 * ((e[a] ?? 1) * (e[a] ?? 1) + (e[b] ?? 1) * (e[b] ?? 1)).squareRoot()
            #expect((p[a] ?? 0) >= (p[b] ?? 1) - tol, "\(a) \(p[a] ?? -1) vs \(b) \(p[b] ?? -1)")
        }
        atLeast("optimal", "many_bins")
        atLeast("many_bins", "two_bins")
        atLeast("two_bins", "cut")
        atLeast("cut", "inclusive")
        // The ordering is not an artefact of equal numbers: the unbinned test beats the count by far.
        #expect((p["optimal"] ?? 0) - (p["inclusive"] ?? 1) > 0.2)
        #expect(abs((p["network"] ?? 0) - (p["optimal"] ?? 1)) < 0.03)
        // The configured design: the optimal power between 0.5 and 0.9.
        #expect((p["optimal"] ?? 0) > 0.5 && (p["optimal"] ?? 1) < 0.9)
        #expect(out.tables.first?.columns.count == 13)
    }

    @Test func unknownAndBadKeysAreNamed() throws {
        let bad = Self.toml.replacingOccurrences(of: "sigma = 0.08", with: "sigma = 0.08\nsigmaa = 1")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("neyman-bad-\(getpid()).toml").path
        try bad.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect { try StudyRunner.run(file: path, context: StudyContext(quiet: true)) } throws: {
            "\($0)".contains("model.sigmaa") && "\($0)".contains(path)
        }
        let neg = try ConfigFile.parse(Self.toml.replacingOccurrences(of: "signal = 50", with: "signal = -5"), file: "neg.toml")
        #expect { try BumpHuntPowerStudy(config: neg, scale: .quick) } throws: { "\($0)".contains("model.signal") }
        let scaled = try ConfigFile.parse(Self.toml.replacingOccurrences(of: "quick = 3000, ", with: ""), file: "s.toml")
        #expect { try BumpHuntPowerStudy(config: scaled, scale: .quick) } throws: { "\($0)".contains("quick") }
    }
}
