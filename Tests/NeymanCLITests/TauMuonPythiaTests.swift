import Foundation
import Testing
import NeymanCore
import NeymanHEP

/// `neyman generate tau-muons --engine pythia`: real Pythia 8 t tbar events (PyPI's pythia8mc in .venv-pythia, created
/// here when missing, as PythiaGenerationTests). 200 muons per class, checked against what follows from the physics
/// and the detector model independently of the generator: the truth classes and origins, the selection, the prompt
/// muons' |d0| pulls (half-normal: median 0.674), tau muons displaced by the tau's flight (c tau = 87 µm) and fakes by
/// the B and D flights (c tau 0.1-0.5 mm), tau muons softer than prompt ones, fakes not isolated; the columns of the
/// built-in generator; the cache; bad input.
@Suite("Pythia 8 tau-muon samples", .serialized)
struct TauMuonPythiaTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func median(_ v: [Double]) -> Double {
        let s = v.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    @Test func ttbarSample() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("neyman-taupy-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("ttbar.npz").path
        let args = ["generate", "tau-muons", "--engine", "pythia", "--process", "ttbar", "--tau", "200", "--prompt", "200",
                    "--fake", "200", "--chunk", "100", "--seed", "7", "--out", out, "--format", "json"]
        let o = try CLI.run(args, environment: ["NEYMAN_ROOT": Self.root.path])
        #expect(o.status == 0, "\(o.stderr)")
        let j = try #require(o.json, "no JSON: \(o.stderr)")
        #expect(j["engine"] as? String == "pythia" && j["cached"] as? Bool == false && j["status"] as? String == "ok")
        #expect(j["n_tau"] as? Int == 200 && j["n_prompt"] as? Int == 200 && j["n_fake"] as? Int == 200)

        // The layout: the built-in generator's columns in its order, plus the metadata.
        let builtinOut = dir.appendingPathComponent("builtin.npz").path
        let b = try CLI.run(["generate", "tau-muons", "--process", "ttbar", "--tau", "10", "--prompt", "10", "--fake", "10",
                             "--out", builtinOut, "--format", "json"])
        #expect(b.status == 0, "\(b.stderr)")
        let members = try NPZArchive.read(path: out)
        let builtinMembers = try NPZArchive.read(path: builtinOut)
        #expect(builtinMembers.map(\.0) == TauMuonSample.columnNames)
        #expect(members.map(\.0).filter { $0 != "metadata" } == builtinMembers.map(\.0))
        let metadata = try #require(members.first { $0.0 == "metadata" }?.1)
        let meta = String(decoding: metadata.values.map { UInt8($0) }, as: UTF8.self)
        #expect(meta.contains("pythia8") && meta.contains("forced_decays") && meta.contains("15:onIfAny = 13"))
        #expect(meta.contains("ParticleDecays:limitTau0 = off"))

        let s = try TauMuonSample.read(path: out, process: .ttbar)
        #expect(s.count == 600)
        let ds = try Dataset.load(path: out, columns: TauMuonSample.columnNames)
        let builtinLabels = try Dataset.load(path: builtinOut).column("label")
        #expect(Set(try ds.column("label")) == Set(builtinLabels) && Set(builtinLabels) == [0, 1, 2])
        func of(_ c: TauMuonClass) -> [TauMuon] { s.muons.filter { $0.truthClass == c } }
        let tau = of(.tau), prompt = of(.prompt), fake = of(.fake)
        try #require(tau.count == 200 && prompt.count == 200 && fake.count == 200)
        #expect(tau.allSatisfy { $0.origin == .tau } && prompt.allSatisfy { $0.origin == .prompt })
        #expect(fake.allSatisfy { [.bottom, .bottomToCharm, .charm, .decayInFlight].contains($0.origin) })
        #expect(fake.filter { $0.origin == .bottom || $0.origin == .bottomToCharm }.count > 100, "t tbar fakes are mostly from b")
        #expect(s.muons.allSatisfy { $0.truePt > 0 && $0.measurement.ptCB > 5 && $0.measurement.absEta < 2.5 })
        #expect(s.muons.allSatisfy { m in TauMuonSample.featureNames.allSatisfy { m.feature($0)?.isFinite == true } })

        // Prompt muons start at the vertex: |d0| / sqrt(sigma(d0)^2 + beam spot^2) is half-normal, median 0.674
        // (sigma(d0) = 0.010 (+) 0.070 / (pT sqrt(sin theta)) mm, beam spot 0.010 mm; the standard error of the median
        // of 200 is about 0.05).
        let pulls = prompt.map { m -> Double in
            let sinTheta = 1 / cosh(m.measurement.absEta)
            let sigma = (0.010 * 0.010 + pow(0.070 / (m.measurement.ptCB * sinTheta.squareRoot()), 2)).squareRoot()
            return abs(m.measurement.d0) / (sigma * sigma + 0.010 * 0.010).squareRoot()
        }
        #expect(abs(Self.median(pulls) - 0.674) < 0.15, "median prompt |d0| pull \(Self.median(pulls))")
        // Tau muons are displaced (c tau = 87 µm), fakes more (B: 455-491 µm).
        func d0(_ v: [TauMuon]) -> [Double] { v.map { abs($0.measurement.d0) } }
        let ratio = Self.median(d0(tau)) / Self.median(d0(prompt))
        #expect(ratio > 1.7, "median |d0| tau / prompt = \(ratio)")
        #expect(Self.median(d0(fake)) > 2 * Self.median(d0(tau)))
        func beyond3(_ v: [TauMuon]) -> Double { Double(v.filter { $0.feature("d0_significance") ?? 0 > 3 }.count) / Double(v.count) }
        #expect(beyond3(tau) > 3 * beyond3(prompt), "|d0|/sigma > 3: tau \(beyond3(tau)), prompt \(beyond3(prompt))")
        // The muon of tau -> mu nu nu carries a fraction of the tau's momentum: softer than the W's prompt muons.
        #expect(Self.median(tau.map(\.truePt)) < 0.8 * Self.median(prompt.map(\.truePt)))
        // Prompt muons are isolated, fakes sit in b jets.
        func isolated(_ v: [TauMuon]) -> Double { Double(v.filter { $0.caloIsolation < 0.1 }.count) / Double(v.count) }
        #expect(isolated(prompt) > 0.8 && isolated(fake) < 0.5, "isolated fraction prompt \(isolated(prompt)), fake \(isolated(fake))")

        // Cached: the same settings are not regenerated.
        let again = try CLI.run(args, environment: ["NEYMAN_ROOT": Self.root.path])
        #expect(again.status == 0 && again.json?["cached"] as? Bool == true, "\(again.stderr)")

        // The script's own checks exit 2 naming the fault.
        let python = Self.root.appendingPathComponent(".venv-pythia/bin/python")
        let script = Self.root.appendingPathComponent("tools/pythia/generate_tau_muons.py").path
        let bad = try CLI.run(program: python, [script, "--process", "stau", "--out", dir.appendingPathComponent("x.npz").path])
        #expect(bad.status == 2 && bad.stderr.contains("stau"), "\(bad.stderr)")
        let negative = try CLI.run(program: python, [script, "--fake=-4", "--out", dir.appendingPathComponent("x.npz").path])
        #expect(negative.status == 2 && negative.stderr.contains("--fake"), "\(negative.stderr)")
    }

    @Test func badInputExitsTwoNamingIt() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("neyman-taupy-bad-\(getpid()).npz").path
        for (args, word) in [(["--process", "stau"], "process"), (["--tau=-5"], "tau"), (["--prompt=-1"], "prompt"),
                             (["--chunk", "0"], "chunk")] {
            let o = try CLI.run(["generate", "tau-muons", "--engine", "pythia"] + args + ["--out", out],
                                environment: ["NEYMAN_ROOT": Self.root.path])
            #expect(o.status == 2 && o.stderr.contains(word), "\(args): \(o.status) \(o.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out))
        }
    }
}
