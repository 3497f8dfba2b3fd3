import Foundation
import NeymanCore
import NeymanStats
import Testing
@testable import NeymanStudies

@Suite("Parameterized network study")
struct ParameterizedNetworkStudyTests {
    static let toml = """
    [study]
    kind = "parameterized-network"
    seed = 21
    [model]
    training_sigmas = [0.04, 0.08, 0.16]
    test_sigmas = [0.06]
    matrix_sigmas = [0.05, 0.1]
    events = 10000
    mu = 0.1
    profile_sigma = 0.08
    asimov_events = 60000
    [network]
    layers = [32, 32]
    [training]
    events_per_class = 40000
    epochs = 25
    learning_rate = 2e-3
    """

    static func object(_ pairs: [(String, JSONValue)], _ key: String) -> [(String, JSONValue)] {
        guard case .object(let o)? = pairs.first(where: { $0.0 == key })?.1 else { return [] }
        return o
    }

    static func number(_ pairs: [(String, JSONValue)], _ key: String) -> Double {
        if case .number(let x)? = pairs.first(where: { $0.0 == key })?.1 { return x }
        return .nan
    }

    /// Interpolation at an unseen sigma, the smallest error at the true sigma, and sigma recovered by the joint fit.
    @Test func interpolatesPicksTheTrueSigmaAndProfilesIt() throws {
        let study = try ParameterizedNetworkStudy(config: try ConfigFile.parse(Self.toml, file: "t.toml"), scale: .quick)
        let out = try study.run(seed: 21, context: StudyContext(quiet: true))
        // Interpolation at sigma = 0.06 (trained at 0.04 and 0.08 only). With 40000 events per sigma the network's error
        // is mostly sampling noise: measured 2026-12-01 over study seeds 21-26, the largest deviation in the bulk was
        // 0.13-0.33 and the signal-weighted RMS 0.05-0.14 (the old bound "largest < 0.15" held for seed 21 on one
        // machine's OpenBLAS kernels and not on another's). Snapping to a neighbouring training sigma instead would
        // give an RMS above 0.25 (the exact ratios at 0.04 and 0.08 differ from the one at 0.06 by +50% and -25% at
        // y = 0, and by more at the edge of the bulk), so these bounds still tell interpolation from no interpolation.
        let dev = Self.number(Self.object(out.results, "interpolation_max_relative_deviation_bulk"), "0.06")
        let rms = Self.number(Self.object(out.results, "interpolation_rms_relative_deviation_bulk"), "0.06")
        #expect(rms < 0.2 && dev < 0.45, "interpolation deviation: RMS \(rms), largest \(dev)")
        // A wrong sigma' biases mu^; at sigma' = sigma the bias is within the statistical error, and the smallest total
        // error lies near the truth (a little below it: a narrower template has a smaller statistical error).
        let unc = Self.object(out.results, "mu_uncertainty")
        func rows(_ key: String) -> [[Double]] {
            guard case .array(let a)? = unc.first(where: { $0.0 == key })?.1 else { return [] }
            return a.map { row in
                guard case .array(let xs) = row else { return [] }
                return xs.compactMap { if case .number(let x) = $0 { return x } else { return nil } }
            }
        }
        guard case .array(let pv)? = unc.first(where: { $0.0 == "sigma_prime" })?.1 else { Issue.record("no sigma_prime"); return }
        let sigmaPrime = pv.compactMap { if case .number(let x) = $0 { return x } else { return nil } }
        let stat = rows("statistical"), bias = rows("bias"), total = rows("total")
        #expect(stat.count == 2 && bias.count == 2 && total.count == 2)
        for (k, truth) in [0.05, 0.1].enumerated() where k < bias.count {
            let near = sigmaPrime.indices.min { abs(log(sigmaPrime[$0] / truth)) < abs(log(sigmaPrime[$1] / truth)) } ?? 0
            #expect(abs(bias[k][near]) < stat[k][near] + 0.1 * abs(bias[k][0]), "data sigma \(truth): bias \(bias[k][near]) stat \(stat[k][near])")
            let best = sigmaPrime[total[k].indices.min { total[k][$0] < total[k][$1] } ?? 0]
            #expect(best > truth / 1.6 && best < truth * 1.2, "data sigma \(truth): best sigma' \(best)")
            // Far from the truth the bias dominates: at sigma' = 0.01 and 0.32 the total error is several times larger.
            #expect(total[k][0] > 3 * total[k][near] && total[k][sigmaPrime.count - 1] > 3 * total[k][near])
        }
        let profile = Self.object(out.results, "profile")
        let fixed = Self.object(profile, "fixed"), profiled = Self.object(profile, "profiled")
        let sigmaHat = Self.number(profiled, "sigma_hat")
        // d = Y0 - Y1 of 10^4 events measures sigma to ~0.7 %.
        #expect(abs(sigmaHat / 0.08 - 1) < 0.03, "sigma^ = \(sigmaHat)")
        let wFixed = Self.number(fixed, "upper") - Self.number(fixed, "lower")
        let wProf = Self.number(profiled, "upper") - Self.number(profiled, "lower")
        #expect(wProf > 0.85 * wFixed && wProf < 1.3 * wFixed, "widths \(wProf) vs \(wFixed)")
        #expect(abs(Self.number(profiled, "mu_hat") - 0.1) < 3 * wProf / 2)
    }

    @Test func minimization1DFindsAParabolaMinimumAndBoundaryMinima() throws {
        let r = try NeymanStats.Minimization1D.brent(lo: -1, hi: 3) { ($0 - 0.7) * ($0 - 0.7) + 2 }
        #expect(abs(r.x - 0.7) < 1e-6 && abs(r.value - 2) < 1e-12)
        let edge = try NeymanStats.Minimization1D.brent(lo: 0, hi: 1) { $0 }
        #expect(edge.x == 0)
    }
}
