import Foundation
import Testing
import NeymanCore
import NeymanHEP
import NeymanStats

/// `neyman generate muons --engine pythia`: real Pythia 8 events (PyPI's pythia8mc in .venv-pythia, created here when
/// missing; it needs PyPI on first use). A few hundred muons: the selection, the categories, the physics (non-prompt
/// muons carry more energy around them), and the dimuon selection.
@Suite("Pythia 8 muon samples", .serialized)
struct PythiaGenerationTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func generate(_ toml: String, _ name: String) throws -> MuonSample {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("neyman-pythia-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let config = dir.appendingPathComponent("\(name).toml").path, out = dir.appendingPathComponent("\(name).npz").path
        try toml.write(toFile: config, atomically: true, encoding: .utf8)
        let o = try CLI.run(["generate", "muons", "--engine", "pythia", "--config", config, "--out", out, "--format", "json"],
                            environment: ["NEYMAN_ROOT": root.path])
        #expect(o.status == 0, "\(o.stderr)")
        let j = try #require(o.json, "no JSON: \(o.stderr)")
        #expect(j["cached"] as? Bool == false && (j["rate_per_second"] as? Double ?? 0) > 0)
        let sample = try MuonSample.read(path: out)
        #expect(sample.metadata.contains("pythia8") && sample.metadata.contains("forced_decays"))
        return sample
    }

    @Test func isolationSample() throws {
        let s = try Self.generate("""
            [sample]
            muons = 300
            seed = 11
            [sample.pythia]
            pool_size = 40
            chunk = 150
            """, "isolation")
        #expect(s.count == 300)
        #expect(s.muons.allSatisfy { $0.pt >= 10 && $0.pt <= 15 && abs($0.eta) < 2.5 && abs($0.charge) == 1 })
        let labels = try #require(s.labels)
        let prompt = labels.filter { $0 == 1 }.count
        #expect(prompt > 100 && prompt < 200)
        var categories = Set<ParticleCategory>()
        for (m, d) in zip(s.muons, s.deposits) {
            for p in d {
                categories.insert(p.category)
                #expect(p.pt >= 0.1 && deltaR(eta1: p.eta, phi1: p.phi, eta2: m.eta, phi2: m.phi) < 0.45)
            }
        }
        #expect(categories == [.chargedHadron, .neutralHadron, .photon, .pileup])
        // Non-prompt muons sit in b jets: more energy around them, by the PF isolation and by hard-scatter charged hadrons.
        let pf = s.particleFlowIsolation()
        func mean(_ v: [Double], _ cls: Double) -> Double {
            let x = zip(v, labels).filter { $0.1 == cls }.map(\.0)
            return x.reduce(0, +) / Double(x.count)
        }
        #expect(mean(pf, 0) > 2 * mean(pf, 1), "PF isolation non-prompt \(mean(pf, 0)) vs prompt \(mean(pf, 1))")
        let weights = try #require(s.weights)
        #expect(weights.allSatisfy { $0 > 0 && $0.isFinite })

        // The built-in generator orders the isolation variables as Pythia does: a small cone separates least, a wide
        // one more, the particle-flow isolation (pileup-corrected) most.
        var settings = MuonGeneratorSettings()
        settings.muons = 3000
        let builtin = try MuonGenerator.generate(settings)
        func aucs(_ sample: MuonSample) throws -> [Double] {
            let cones = sample.cones([0.1, 0.3])
            let y = try #require(sample.labels)
            return try (cones + [sample.particleFlowIsolation()]).map { try ROC.auc(scores: $0.map { -$0 }, labels: y) }
        }
        let p = try aucs(s), b = try aucs(builtin)
        #expect(p[0] < p[1] && p[1] < p[2], "Pythia AUCs (cone 0.1, cone 0.3, PF): \(p)")
        #expect(b[0] < b[1] && b[1] < b[2], "built-in AUCs (cone 0.1, cone 0.3, PF): \(b)")
    }

    @Test func dimuonSample() throws {
        let s = try Self.generate("""
            [sample]
            kind = "dimuon"
            muons = 12
            seed = 5
            [sample.dimuon]
            z_fraction = 1.0
            [sample.pythia]
            pool_size = 20
            chunk = 12
            """, "dimuon")
        #expect(s.count == 12)
        let mass = try #require(s.pairMass), charge = try #require(s.pairCharge)
        #expect(s.muons.allSatisfy { $0.pt > 25 && abs($0.eta) < 2.1 })
        #expect(mass.allSatisfy { $0 > 70 && $0 < 110 })
        #expect(charge.allSatisfy { $0 == -1 })   // Z -> mu+ mu-
    }
}
