import Foundation
import Testing
@testable import NeymanStats
import NeymanCore

/// The faults of the reliability and code-health issues, one test each (every one failed on the `[String: Any]`
/// reader: it accepted the workspace, or rejected it without the JSON path or the line and column).
@Suite("pyhf workspace validation")
struct HistFactoryWorkspaceValidationTests {
    /// A valid one-channel workspace; `edit` changes its JSON text.
    static func workspace(signal: String = "[5.0, 10.0]", background: String = "[50.0, 30.0]", uncertainty: String = "[7.0, 5.0]",
                          observed: String = "[58.0, 36.0]", parameters: String = "[]", extraChannel: String = "") -> String {
        """
        {"channels": [{"name": "SR", "samples": [
          {"name": "signal", "data": \(signal), "modifiers": [{"name": "mu", "type": "normfactor", "data": null}]},
          {"name": "background", "data": \(background), "modifiers": [{"name": "unc", "type": "shapesys", "data": \(uncertainty)}]}]}\(extraChannel)],
         "observations": [{"name": "SR", "data": \(observed)}],
         "measurements": [{"name": "m", "config": {"poi": "mu", "parameters": \(parameters)}}],
         "version": "1.0.0"}
        """
    }

    /// The error of parsing `json`, or nil when it is accepted.
    static func error(_ json: String) -> NeymanError? {
        do { _ = try HistFactoryWorkspace.parse(Data(json.utf8)); return nil } catch let e as NeymanError { return e } catch {
            Issue.record("not a NeymanError: \(error)")
            return nil
        }
    }

    static func expectRejected(_ json: String, key: String, mentions fragment: String,
                               sourceLocation: SourceLocation = #_sourceLocation) {
        guard let e = error(json) else {
            Issue.record("accepted; expected an error at \(key)", sourceLocation: sourceLocation)
            return
        }
        #expect(e.isUserError, "\(e)", sourceLocation: sourceLocation)
        #expect(e.location.key == key, "key \(e.location.key ?? "nil"), expected \(key): \(e)", sourceLocation: sourceLocation)
        #expect(e.message.contains(fragment), "\(e)", sourceLocation: sourceLocation)
    }

    @Test func theValidWorkspaceReads() throws {
        let ws = try HistFactoryWorkspace.parse(Data(Self.workspace().utf8))
        #expect(ws.model.parameters.map(\.name) == ["mu", "unc[0]", "unc[1]"])
        #expect(ws.data.main == [58, 36])
        // tau = (b / sigma)^2 as the auxiliary data of the two shapesys gammas.
        #expect(ws.data.auxiliary == [50.0 * 50.0 / (7.0 * 7.0), 30.0 * 30.0 / (5.0 * 5.0)])
    }

    /// Issue: a negative background yield gave a negative total expected rate and was accepted.
    @Test func negativeTotalExpectedRateIsRejected() {
        Self.expectRejected(Self.workspace(background: "[-60.0, 30.0]"), key: "channels[0].samples[1].data[0]",
                            mentions: "expected rate in bin 0 of channel 'SR' is -55.0 at the initial parameter values")
        // Positive at mu = 1 but negative for the background-only hypothesis mu = 0.
        Self.expectRejected(Self.workspace(background: "[-3.0, 30.0]"), key: "channels[0].samples[1].data[0]",
                            mentions: "is -3.0 with 'mu' = 0 (background only)")
    }

    /// Issue: a negative shapesys uncertainty was accepted (pyhf squares it).
    @Test func negativeShapesysUncertaintyIsRejected() {
        Self.expectRejected(Self.workspace(uncertainty: "[7.0, -5.0]"), key: "channels[0].samples[1].modifiers[0].data[1]",
                            mentions: "shapesys uncertainty must be a number >= 0, found -5.0")
    }

    /// Issue: two channels of the same name were accepted (their bins were concatenated twice).
    @Test func duplicateChannelNamesAreRejected() {
        let twin = #", {"name": "SR", "samples": [{"name": "b", "data": [4.0], "modifiers": []}]}"#
        Self.expectRejected(Self.workspace(extraChannel: twin), key: "channels[1].name", mentions: "two channels are named 'SR'")
    }

    /// Issue: a workspace whose yields are all zero printed a null result with exit status 0.
    @Test func allZeroYieldsAreRejected() {
        Self.expectRejected(Self.workspace(signal: "[0.0, 0.0]", background: "[0.0, 0.0]", observed: "[0.0, 0.0]"),
                            key: "channels[0].samples", mentions: "expects no events in any bin")
        Self.expectRejected(Self.workspace(signal: "[0.0, 0.0]", background: "[0.0, 0.0]"),
                            key: "observations[0].data[0]", mentions: "58.0 events are observed in bin 0 of channel 'SR'")
    }

    /// Issue: malformed JSON printed only "not a JSON object". The message must give the line and column (counted
    /// in characters: the 'é' before the error is one column, and CRLF is one line end).
    @Test func malformedJSONGivesLineAndColumn() {
        for newline in ["\n", "\r\n"] {
            let json = ["{", #"  "channels": ["#, #"    {"name": "é" "samples": []}"#, "  ]", "}"].joined(separator: newline)
            guard let e = Self.error(json) else { Issue.record("accepted"); continue }
            #expect(e.message.contains("line 3, column 18"), "\(e)")
            #expect(e.message.contains("expected ',' or '}'"), "\(e)")
            #expect(e.location.key == "channels[0]", "\(e)")
        }
        guard let e = Self.error("{\"channels\": [1, 2,]}") else { Issue.record("accepted"); return }
        #expect(e.message.contains("line 1, column 20"), "\(e)")
    }

    /// Defect: `compactMap` dropped a bound that was not a pair of numbers and shifted every later bin's bounds onto
    /// the wrong parameter. Now the bad entry is an error naming it, and valid per-bin bounds land on their own bins.
    @Test func aBadBoundIsAnErrorNotAShift() throws {
        // The old reader dropped ["x", 3.0] and gave bin 0 the bounds written for bin 1.
        Self.expectRejected(Self.workspace(parameters: #"[{"name": "unc", "bounds": [["x", 3.0], [0.25, 3.0]]}]"#),
                            key: "measurements[0].config.parameters[0].bounds[0][0]", mentions: "expected a number, found a string")
        Self.expectRejected(Self.workspace(parameters: #"[{"name": "unc", "bounds": [[0.5, 2.0], [0.25]]}]"#),
                            key: "measurements[0].config.parameters[0].bounds[1]", mentions: "a bound is a pair [lower, upper]")
        Self.expectRejected(Self.workspace(parameters: #"[{"name": "unc", "bounds": [[0.5, 2.0]]}]"#),
                            key: "measurements[0].config.parameters[0].bounds", mentions: "has 1 pairs; the shapesys has 2 parameters")
        let ws = try HistFactoryWorkspace.parse(Data(Self.workspace(parameters: #"[{"name": "unc", "bounds": [[0.5, 2.0], [0.25, 3.0]]}]"#).utf8))
        let byName = Dictionary(uniqueKeysWithValues: ws.model.parameters.map { ($0.name, $0) })
        #expect(byName["unc[0]"]?.lower == 0.5 && byName["unc[0]"]?.upper == 2.0)
        #expect(byName["unc[1]"]?.lower == 0.25 && byName["unc[1]"]?.upper == 3.0)
    }

    @Test func parameterSettingsAreChecked() {
        Self.expectRejected(Self.workspace(parameters: #"[{"name": "mu", "bounds": [[2.0, 5.0]]}]"#),
                            key: "measurements[0].config.parameters[0].bounds[0]", mentions: "initial value 1.0 of 'mu' is outside its bounds [2.0, 5.0]")
        Self.expectRejected(Self.workspace(parameters: #"[{"name": "mu", "bounds": [[5.0, 2.0]]}]"#),
                            key: "measurements[0].config.parameters[0].bounds[0]", mentions: "lower bound 5.0 is not below the upper bound 2.0")
        Self.expectRejected(Self.workspace(parameters: #"[{"name": "mu", "inits": [1.0, 2.0]}]"#),
                            key: "measurements[0].config.parameters[0].inits", mentions: "has 2 values; the normfactor has 1 parameter")
        Self.expectRejected(Self.workspace(parameters: #"[{"name": "mu", "inits": [1.0]}, {"name": "mu", "fixed": true}]"#),
                            key: "measurements[0].config.parameters[1].name", mentions: "two parameter configs are named 'mu'")
        // Settings pyhf accepts: inits inside user bounds, a fixed flag, and a setting for a name that is no modifier.
        #expect(Self.error(Self.workspace(parameters: #"[{"name": "mu", "inits": [3.0], "bounds": [[2.0, 5.0]], "fixed": true}, {"name": "nope"}]"#)) == nil)
    }

    @Test func observationsAreNonNegativeCountsWithTheChannelsBins() {
        Self.expectRejected(Self.workspace(observed: "[58.0, -1.0]"), key: "observations[0].data[1]", mentions: "observed count must be a number >= 0")
        Self.expectRejected(Self.workspace(observed: "[58.0]"), key: "observations[0].data", mentions: "observation of 'SR' has 1 bins, the channel has 2")
        Self.expectRejected(Self.workspace(background: "[50.0]"), key: "channels[0].samples[1].data", mentions: "has 1 bins")
    }

    /// Numbers must be finite doubles; Foundation would turn `1e999` into an error with no position.
    @Test func nonFiniteNumbersAreRejectedWithTheirPosition() {
        guard let e = Self.error(Self.workspace(observed: "[58.0, 1e999]")) else { Issue.record("accepted"); return }
        #expect(e.location.key == "observations[0].data[1]")
        #expect(e.message.contains("the number 1e999 is too large"), "\(e)")
        #expect(e.message.contains("line 4, column"), "\(e)")
    }

    /// pyhf's schema: unknown keys are rejected except inside the open `data` objects of normsys and histosys.
    @Test func unknownKeysFollowThePyhfSchema() {
        Self.expectRejected(Self.workspace().replacingOccurrences(of: #""version""#, with: #""metadata": {}, "version""#),
                            key: "metadata", mentions: "unknown key 'metadata'")
        Self.expectRejected(Self.workspace().replacingOccurrences(of: #""poi": "mu""#, with: #""poi": "mu", "poi_bounds": [0, 1]"#),
                            key: "measurements[0].config.poi_bounds", mentions: "allows here: parameters, poi")
        let normsys = Self.workspace().replacingOccurrences(
            of: #""type": "normfactor", "data": null}"#,
            with: #""type": "normfactor", "data": null}, {"name": "eff", "type": "normsys", "data": {"hi": 1.1, "lo": 0.9, "note": "x"}}"#)
        #expect(Self.error(normsys) == nil, "\(String(describing: Self.error(normsys)))")
    }

    @Test func measurementsAreChosenByName() throws {
        let json = Self.workspace()
        #expect(try HistFactoryWorkspace.parse(Data(json.utf8), measurement: "m").measurement == "m")
        do {
            _ = try HistFactoryWorkspace.parse(Data(json.utf8), measurement: "other")
            Issue.record("accepted a missing measurement")
        } catch let e as NeymanError {
            #expect(e.location.key == "measurements")
            #expect(e.message.contains("no measurement named 'other' (the workspace has 'm')"), "\(e)")
        }
    }

    /// The decoded types mirror the schema (a normsys and a histosys may share a name, as pyhf allows).
    @Test func theSpecDecodesEveryModifierType() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/hostile/workspaces/valid/base.workspace.json")
        let spec = try HistFactorySpec.decode(Data(contentsOf: url))
        #expect(spec.channels.map(\.name) == ["SR", "CR"])
        let mods = spec.channels.flatMap { $0.samples.flatMap(\.modifiers) }
        #expect(Set(mods.map(\.type)) == Set(HistFactorySpec.ModifierType.allCases))
        #expect(mods.contains { $0.data == .normsys(hi: 1.1, lo: 0.9) })
        #expect(mods.contains { $0.data == .histosys(hiData: [52, 31], loData: [48, 29]) })
        #expect(spec.measurements[0].config.parameters[0].bounds == [[0.5, 1.5]])
        let shared = Self.workspace().replacingOccurrences(
            of: #""type": "shapesys", "data": [7.0, 5.0]}"#,
            with: #""type": "shapesys", "data": [7.0, 5.0]}, {"name": "s", "type": "normsys", "data": {"hi": 1.1, "lo": 0.9}}, {"name": "s", "type": "histosys", "data": {"hi_data": [52.0, 31.0], "lo_data": [48.0, 29.0]}}"#)
        let ws = try HistFactoryWorkspace.parse(Data(shared.utf8))
        #expect(ws.model.parameters.map(\.name) == ["mu", "s", "unc[0]", "unc[1]"])
    }
}
