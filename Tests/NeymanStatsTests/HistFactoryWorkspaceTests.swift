import Foundation
import Testing
@testable import NeymanStats
import NeymanCore

/// Workspaces with every modifier type (Tests/Fixtures/generated, made by Tests/Fixtures/generate_pyhf_workspaces.py
/// with pyhf 0.7.6 at optimizer tolerance 1e-12, so pyhf's numbers are converged well below the tolerances here).
@Suite("pyhf workspaces")
struct HistFactoryWorkspaceTests {
    static let cases = ["normsys_histosys_twobin", "staterror_fourbin", "twochannel_lumi_shared", "shapesys_masked_bin",
                        "staterror_masked_bin"]

    func load(_ name: String) throws -> (HistFactoryWorkspace, [String: Any]) {
        let ws = try HistFactoryWorkspace.load(path: Fixtures.root.appendingPathComponent("../generated/\(name).workspace.json").path)
        return (ws, try Fixtures.json("../generated/\(name).expected.json"))
    }

    @Test(arguments: cases)
    func asymptoticCLsMatchesPyhf(_ name: String) throws {
        let (ws, e) = try load(name)
        let r = try AsymptoticCalculator(model: ws.model, data: ws.data).test(mu: 1)
        let h = e.dict("hypotest_asymptotic_mu1")
        #expect(relClose(r.cls, h.double("CLs_obs"), 1e-6), "\(name): \(r.cls) vs \(h.double("CLs_obs"))")
        #expect(relClose(r.clsb, h.double("CLsb_obs"), 1e-6))
        #expect(relClose(r.clb, h.double("CLb_obs"), 1e-6))
        expectAllClose(r.clsExpected, h.doubles("CLs_exp_band"), rel: 1e-6, name)
    }

    @Test(arguments: cases)
    func upperLimitsMatchPyhf(_ name: String) throws {
        let (ws, e) = try load(name)
        let calc = try AsymptoticCalculator(model: ws.model, data: ws.data)
        let ul = try UpperLimitFinder(cl: 0.95).find(upperBound: 10, initialGuess: 1) { try calc.test(mu: $0) }
        let u = e.dict("upper_limit_95")
        #expect(relClose(ul.observed, u.double("obs"), 1e-6), "\(name)")
        expectAllClose(ul.expected, u.doubles("exp_band"), rel: 1e-6, name)
    }

    @Test(arguments: cases)
    func maximumLikelihoodFitMatchesPyhf(_ name: String) throws {
        let (ws, e) = try load(name)
        let fit = try ProfileLikelihood(model: ws.model).fit(ws.data)
        let m = e.dict("mle_fit")
        #expect(fit.converged)
        #expect(abs(fit.twiceNLL - m.double("twice_nll")) < 1e-7, "\(name): \(fit.twiceNLL) vs \(m.double("twice_nll"))")
        let names = m["par_names"] as? [String] ?? []
        #expect(Set(names) == Set(fit.names), "\(name): parameters \(fit.names) vs pyhf \(names)")
        for (k, n) in names.enumerated() {
            #expect(abs((fit.value(n) ?? .nan) - m.doubles("bestfit")[k]) < 2e-4, "\(name): \(n)")
        }
        let aux = e.doubles("auxdata")
        #expect(ws.data.auxiliary.sorted() == aux.sorted(), "\(name): auxiliary data")
    }

    /// Case a read from its workspace gives exactly the model built by `uncorrelatedBackground`.
    @Test func workspaceAndSimpleModelAgree() throws {
        let ws = try HistFactoryWorkspace.load(path: Fixtures.root.appendingPathComponent("pyhf/a_onebin_shapesys.workspace.json").path)
        let simple = try BinnedModel.uncorrelatedBackground(signal: [5], background: [50], uncertainty: [7])
        #expect(ws.model.parameters == simple.parameters)
        #expect(ws.data == (try simple.data(observed: [52])))
        let l1 = try BinnedLikelihood(model: ws.model, data: ws.data)
        let l2 = try BinnedLikelihood(model: simple, data: try simple.data(observed: [52]))
        #expect(l1.negativeLogLikelihood([0.7, 1.1]) == l2.negativeLogLikelihood([0.7, 1.1]))
    }

    @Test func badWorkspacesGiveErrorsNamingTheKey() throws {
        func parse(_ json: String) throws { _ = try HistFactoryWorkspace.parse(Data(json.utf8)) }
        let good = """
        {"channels":[{"name":"c","samples":[{"name":"s","data":[1.0],"modifiers":[{"name":"mu","type":"normfactor","data":null}]},
        {"name":"b","data":[10.0],"modifiers":[]}]}],"observations":[{"name":"c","data":[11.0]}],
        "measurements":[{"name":"m","config":{"poi":"mu","parameters":[]}}],"version":"1.0.0"}
        """
        try parse(good)
        let cases: [(String, String)] = [
            (good.replacingOccurrences(of: "normfactor", with: "magicfactor"), "unsupported modifier type 'magicfactor'"),
            (good.replacingOccurrences(of: "\"poi\":\"mu\"", with: "\"poi\":\"nu\""), "'nu'"),
            (good.replacingOccurrences(of: "\"data\":[11.0]", with: "\"data\":[11.0, 3.0]"), "observation of 'c'"),
            ("[1, 2]", "not a JSON object"),
            (good.replacingOccurrences(of: "\"channels\"", with: "\"chanels\""), "channels"),
        ]
        for (json, mention) in cases {
            do { try parse(json); Issue.record("accepted a bad workspace: \(mention)") } catch let e as NeymanError {
                #expect(e.description.contains(mention), "\(e.description)")
                #expect(e.isUserError)
            }
        }
    }
}
