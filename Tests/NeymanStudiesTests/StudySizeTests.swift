import Foundation
import Testing
import NeymanCore
import NeymanNN
@testable import NeymanStudies

/// Every size a study file gives (events per class, toys, bins, grid points, yields, widths) is checked against
/// memory when the file is read, before any event is generated: too big is an error naming the key and the bytes.
@Suite("Study sizes are checked against memory when read")
struct StudySizeTests {
    static let toys = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("toys")

    /// Reads `toys/<file>` with `old` replaced by `new` at `scale`; returns the error (nil if the study reads).
    func readError(_ file: String, _ old: String, _ new: String, scale: StudyScale = .quick) throws -> NeymanError? {
        let text = try String(contentsOf: Self.toys.appendingPathComponent(file), encoding: .utf8)
        #expect(text.contains(old), "\(file) has no '\(old)'")
        let root = try ConfigFile.parse(text.replacingOccurrences(of: old, with: new), file: file)
        let kind = try #require(try root.table("study")?.string("kind"))
        let type = try #require(StudyRunner.studies.first { $0.kind == kind })
        do { _ = try type.init(config: root, scale: scale); return nil } catch let e as NeymanError {
            #expect(e.location.file == file && e.isUserError && !e.description.contains("\n"), "\(e)")
            return e
        }
    }

    /// `events_per_class = { quick = 1e12 }` aborted; every other size of the shipped studies likewise.
    @Test(arguments: [
        ("bumphunt-power.toml", "events_per_class = { quick = 100000,", "events_per_class = { quick = 1000000000000,", "training.events_per_class"),
        ("bumphunt-power.toml", "count = { quick = 4000,", "count = { quick = 1000000000000000,", "toys.count"),
        ("bumphunt-power.toml", "many_bins = 20 ", "many_bins = 1000000000000000 ", "tests.many_bins"),
        ("bumphunt-power.toml", "background = 1000 ", "background = 1e15 ", "model.background"),
        ("bumphunt-power.toml", "layers = [32, 32]", "layers = [32, 9223372036854775807]", "network.layers"),
        ("bumphunt-power.toml", "layers = [32, 32]", "layers = [100000000000]", "network.layers"),
        ("bumphunt-power.toml", "batch_size = 256", "batch_size = 1000000000000", "training.batch_size"),
        ("bumphunt-power.toml", "weight_decay = 1e-3", "weight_decay = -1", "training.weight_decay"),
        ("bumphunt-limits.toml", "toys = { quick = 600,", "toys = { quick = 100000000000000,", "limits.toys"),
        ("bumphunt-limits.toml", "bins = 20", "bins = 9223372036854775807", "limits.bins"),
        ("bumphunt-limits.toml", "template_events = { quick = 1000000,", "template_events = { quick = 1000000000000,", "limits.template_events"),
        ("bumphunt-limits.toml", "scan_points = 6", "scan_points = 100000000000", "limits.scan_points"),
        ("bumphunt-limits.toml", "signal = 50", "signal = 1e300", "model.signal"),
        ("cwola.toml", "events_per_class = { quick = 100000, full = 1000000 }   # independent",
         "events_per_class = { quick = 1000000000000, full = 1000000 }   # independent", "test.events_per_class"),
        ("disco.toml", "test_events = { quick = 300000,", "test_events = { quick = 1000000000000,", "disco.test_events"),
        ("learned-ratio.toml", "bins = 50 ", "bins = 1000000000000000 ", "plot.bins"),
        ("learned-ratio.toml", "calibration_events = { quick = 200000,", "calibration_events = { quick = 1000000000000,", "plot.calibration_events"),
        ("nuisance-features.toml", "events = 10000 ", "events = 1000000000000 ", "model.events"),
        ("nuisance-features.toml", "count = { quick = 300,", "count = { quick = 10000000,", "toys.count"),
        ("parameterized-network.toml", "asimov_events = { quick = 100000,", "asimov_events = { quick = 1000000000000,", "model.asimov_events"),
        ("parameterized-network.toml", "events_per_class = { quick = 60000,", "events_per_class = { quick = 10000000000,", "training.events_per_class"),
        ("splot-zmumu.toml", "signal_yield = { quick = 700,", "signal_yield = { quick = 9223372036854775807,", "sample.signal_yield"),
        ("splot-zmumu.toml", "count = { quick = 150,", "count = { quick = 1000000000000000,", "toys.count"),
        ("splot-zmumu.toml", "bootstrap = 200 ", "bootstrap = 1000000000000000 ", "toys.bootstrap"),
    ])
    func tooBigIsAnErrorNamingTheKey(_ file: String, _ old: String, _ new: String, _ key: String) throws {
        let started = Date()
        let e = try readError(file, old, new)
        #expect(e?.location.key == key, "\(file): \(String(describing: e))")
        if key != "training.weight_decay" { #expect(e?.message.contains("bytes") == true, "\(String(describing: e))") }
        #expect(Date().timeIntervalSince(started) < 5)
    }

    /// The shipped studies read at both scales (the checks refuse nothing a study needs).
    @Test(arguments: ["bumphunt-power.toml", "bumphunt-limits.toml", "cwola.toml", "disco.toml", "learned-ratio.toml",
                      "nuisance-features.toml", "parameterized-network.toml", "splot-zmumu.toml"])
    func shippedStudiesRead(_ file: String) throws {
        for scale in StudyScale.allCases { #expect(try readError(file, "[study]", "[study]", scale: scale) == nil, "\(file) at \(scale)") }
    }

    /// The bytes in the message are the documented product: events_per_class x 2 classes x StudySizes.trainingEvent.
    @Test func messageStatesTheBytes() throws {
        let e = try readError("bumphunt-power.toml", "events_per_class = { quick = 100000,", "events_per_class = { quick = 1000000000000,")
        #expect(e?.message.contains("\(1_000_000_000_000 * 2 * StudySizes.trainingEvent) bytes") == true, "\(String(describing: e))")
    }

    /// makeNetwork checks the study's real input count too.
    @Test func makeNetworkChecksItsInputs() throws {
        var spec = StudyNetworkSettings(layers: [8], activation: .relu, options: TrainerSettings(), eventsPerClass: 100)
        #expect(try spec.makeNetwork(inputs: 2, seed: 1).inputSize == 2)
        spec.layers = [1 << 40]
        #expect { try spec.makeNetwork(inputs: 2, seed: 1) } throws: { e in (e as? NeymanError)?.location.key == "network.layers" }
    }
}
