import Foundation
import NeymanCore
import Testing
@testable import NeymanAnalysis

@Suite("The [model] file of an unbinned analysis")
struct UnbinnedModelSpecTests {
    /// A temporary directory holding `model.toml` with `text`.
    static func write(_ text: String, files: [String: String] = [:]) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("neyman-spec-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (name, content) in files { try content.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        let path = dir.appendingPathComponent("model.toml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static let full = """
    [model]
    poi = "mu_sig"
    mu_bounds = [-1, 20]
    [model.ratio]
    network = "net/model.safetensors"
    trained_on = "mixture_vs_background"
    signal_fraction = 0.2
    calibration = { file = "holdout.csv", label = "y", bins = 12 }
    [model.data]
    file = "data.csv"
    [model.signal]
    file = "/abs/signal.npz"
    weight = "w"
    cross_section = 0.5
    luminosity = 140.0
    generated = 1000
    [model.background]
    file = "bkg.csv"
    yield = "sum_of_weights"
    [model.normsys.lumi]
    signal = { lo = 0.98, hi = 1.02 }
    background = { lo = 0.98, hi = 1.02 }
    [model.normsys.bkg]
    background = { lo = 0.9, hi = 1.1 }
    """

    @Test func readsEveryKey() throws {
        let path = try Self.write(Self.full)
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let s = try UnbinnedModelSpec.read(path: path)
        #expect(s.poiName == "mu_sig" && s.muBounds == -1...20)
        #expect(s.ratio.source == .network(dir + "/net/model.safetensors"))
        #expect(s.ratio.mixtureSignalFraction == 0.2)
        #expect(s.ratio.calibration == .init(file: dir + "/holdout.csv", label: "y", weight: nil, bins: 12))
        #expect(s.data.file == dir + "/data.csv" && s.data.normalisation == nil)
        #expect(s.signal.file == "/abs/signal.npz" && s.signal.weight == "w")
        #expect(s.signal.normalisation == .crossSection(crossSection: 0.5, luminosity: 140, generated: 1000))
        #expect(s.background.normalisation == .sumOfWeights)
        #expect(s.normsys.map(\.name) == ["bkg", "lumi"])
        #expect(s.normsys[0].signal == nil && s.normsys[0].background?.hi == 1.1)
        #expect(s.normsys[1].signal?.lo == 0.98)
    }

    @Test func readsNormfactorsAndTheShapeSystematic() throws {
        let text = Self.full.replacingOccurrences(of: "trained_on = \"mixture_vs_background\"\nsignal_fraction = 0.2\ncalibration = { file = \"holdout.csv\", label = \"y\", bins = 12 }", with: "")
            + "\n[model.normfactor.k]\nbackground = true\nbounds = [0.5, 2.0]\n[model.shape.sigma]\nnominal = 0.5\nuncertainty = 0.05\n"
        let s = try UnbinnedModelSpec.read(path: try Self.write(text))
        #expect(s.normfactors == [.init(name: "k", signal: false, background: true, bounds: 0.5...2)])
        #expect(s.shape == .init(name: "sigma", column: "sigma", nominal: 0.5, uncertainty: 0.05, target: "signal", range: 0.3...0.7, points: 21))
        #expect(s.ratio.normalise)   // the default for a network
        // Two shape systematics, a shape without a network, a normfactor acting on nothing, a clash of names.
        for (extra, key) in [("[model.shape.a]\nnominal = 1\nuncertainty = 0.1\n[model.shape.b]\nnominal = 1\nuncertainty = 0.1", "model.shape"),
                             ("[model.normfactor.j]\nbounds = [0, 2]", "model.normfactor.j"),
                             ("[model.normfactor.lumi]\nsignal = true", "model.normfactor.lumi"),
                             ("[model.shape.s]\nnominal = 1\nuncertainty = 0", "model.shape.s.uncertainty"),
                             ("[model.shape.s]\nnominal = 1\nuncertainty = 0.1\ntarget = \"background\"", "model.shape.s.target")] {
            do {
                let base = Self.full.replacingOccurrences(of: "calibration = { file = \"holdout.csv\", label = \"y\", bins = 12 }", with: "")
                _ = try UnbinnedModelSpec.read(path: try Self.write(base + "\n" + extra + "\n"))
                Issue.record("accepted: \(extra)")
            } catch let e as NeymanError {
                #expect(e.location.key == key, "\(extra): \(e)")
            }
        }
        let column = Self.full.replacingOccurrences(of: "network = \"net/model.safetensors\"", with: "column = \"r\"")
            .replacingOccurrences(of: "calibration = { file = \"holdout.csv\", label = \"y\", bins = 12 }", with: "")
        #expect(throws: NeymanError.self) { try UnbinnedModelSpec.read(path: try Self.write(column + "\n[model.shape.s]\nnominal = 1\nuncertainty = 0.1\n")) }
    }

    /// Each broken file is refused with the key at fault named.
    @Test(arguments: [
        ("network = \"net/model.safetensors\"", "network = \"a\"\ncolumn = \"r\"", "model.ratio"),
        ("trained_on = \"mixture_vs_background\"", "trained_on = \"mixture\"", "model.ratio.trained_on"),
        ("signal_fraction = 0.2", "signal_fraction = 1.5", "model.ratio.signal_fraction"),
        ("yield = \"sum_of_weights\"", "yield = \"all\"", "model.background.yield"),
        ("yield = \"sum_of_weights\"", "yield = -3", "model.background.yield"),
        ("yield = \"sum_of_weights\"", "", "model.background"),
        ("generated = 1000", "generated = 0", "model.signal.generated"),
        ("background = { lo = 0.9, hi = 1.1 }", "background = { lo = 0, hi = 1.1 }", "model.normsys.bkg.background.lo"),
        ("background = { lo = 0.9, hi = 1.1 }", "", "model.normsys.bkg"),
        ("mu_bounds = [-1, 20]", "mu_bounds = [3, 1]", "model.mu_bounds"),
        ("bins = 12", "bins = 0", "model.ratio.calibration.bins"),
        ("poi = \"mu_sig\"", "poi = \"mu_sig\"\nlumi_scale = 2", "model.lumi_scale"),
    ])
    func refusesBrokenFiles(_ edit: (String, String, String)) throws {
        let text = Self.full.replacingOccurrences(of: edit.0, with: edit.1)
        #expect(text != Self.full)
        let path = try Self.write(text)
        do {
            _ = try UnbinnedModelSpec.read(path: path)
            Issue.record("accepted: \(edit.1)")
        } catch let e as NeymanError {
            #expect(e.location.key == edit.2, "\(e)")
            #expect(e.location.file == path)
        }
    }
}
