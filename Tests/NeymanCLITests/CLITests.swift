import Foundation
import Testing

/// Runs the built `neyman` executable as a user would and checks the CLI contract:
/// one JSON object on stdout with the documented keys, exit status 2 with one line on stderr for bad input,
/// and results independent of `--threads`.
enum CLI {
    static var executable: URL {
        // The test bundle sits next to the product in .build/<triple>/<config>/.
        let bundle = Bundle.main.bundleURL
        var dir = bundle
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("neyman")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/release/neyman")
    }

    struct Output {
        let status: Int32
        let stdout: String
        let stderr: String
        /// True when the process ended by a signal (a crash, a trap, an abort), whatever `status` says.
        var signalled: Bool = false
        var json: [String: Any]? {
            (try? JSONSerialization.jsonObject(with: Data(stdout.utf8))) as? [String: Any]
        }
    }

    /// Runs `neyman args...` (with `environment` added to this process's), reading stdout and stderr concurrently:
    /// reading one to its end before the other deadlocks once a chatty command fills the other pipe's buffer.
    static func run(_ args: [String], environment: [String: String] = [:]) throws -> Output {
        try run(program: executable, args, environment: environment)
    }

    /// ``run(_:environment:)`` for any program (the harness's own test runs `/bin/sh`).
    static func run(program: URL, _ args: [String], environment: [String: String] = [:]) throws -> Output {
        let p = Process()
        p.executableURL = program
        p.arguments = args
        if !environment.isEmpty {
            p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let e = LockedValue(Data())
        let stderrReader = Thread {
            e.set(err.fileHandleForReading.readDataToEndOfFile())
        }
        stderrReader.start()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        while !stderrReader.isFinished { usleep(500) }
        let errData = e.get()
        return Output(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self),
                      signalled: p.terminationReason == .uncaughtSignal)
    }
}

@Suite("neyman command line", .serialized)
struct CLITests {
    let model = ["--n", "51,48", "--s", "12,11", "--b", "50,52", "--b-uncertainty", "3,7"]

    @Test func clsJSONHasDocumentedKeys() throws {
        let o = try CLI.run(["cls"] + model + ["--format", "json"])
        #expect(o.status == 0, "\(o.stderr)")
        let j = try #require(o.json)
        for k in ["cls", "clsb", "clb", "cls_expected", "mu", "test_stat", "calculator"] { #expect(j[k] != nil, "missing \(k)") }
        #expect((j["cls_expected"] as? [Double])?.count == 5)
        #expect(abs((j["cls"] as? Double ?? 0) - 0.05251497) < 5e-6)
        #expect(o.stdout.split(separator: "\n").count == 1)
    }

    @Test func upperLimitSignificanceAndFitKeys() throws {
        let ul = try CLI.run(["upper-limit"] + model + ["--format", "json"])
        #expect(ul.status == 0, "\(ul.stderr)")
        let u = try #require(ul.json)
        for k in ["upper_limit", "upper_limit_expected", "cl"] { #expect(u[k] != nil, "missing \(k)") }
        #expect((u["upper_limit_expected"] as? [Double])?.count == 5)

        let sig = try CLI.run(["significance"] + model + ["--format", "json"])
        let s = try #require(sig.json)
        for k in ["z", "p0", "q0"] { #expect(s[k] != nil, "missing \(k)") }

        let fit = try CLI.run(["fit"] + model + ["--format", "json"])
        let f = try #require(fit.json)
        for k in ["mu_hat", "mu_uncertainty", "parameters", "uncertainties", "twice_nll", "converged"] { #expect(f[k] != nil, "missing \(k)") }
        #expect((f["parameters"] as? [String: Double])?["uncorr_bkguncrt[1]"] != nil)
    }

    /// The same seed gives the identical JSON with 1 and 2 threads.
    @Test func toysAreIndependentOfThreadCount() throws {
        let args = ["cls"] + model + ["--calculator", "toys", "--toys", "300", "--seed", "7", "--format", "json"]
        let one = try CLI.run(args + ["--threads", "1"])
        let two = try CLI.run(args + ["--threads", "2"])
        #expect(one.status == 0 && two.status == 0)
        #expect(one.stdout == two.stdout)
        #expect(!one.stdout.isEmpty)
        let other = try CLI.run(["cls"] + model + ["--calculator", "toys", "--toys", "300", "--seed", "8", "--format", "json"])
        #expect(other.stdout != one.stdout, "a different seed must give different toys")
    }

    @Test(arguments: [
        (["cls", "--n", "-1", "--s", "5", "--b", "50"], "n"),
        (["cls", "--n", "51,48", "--s", "12", "--b", "50,52"], "n"),
        (["cls", "--n", "51", "--s", "12", "--b", "0"], "b"),
        (["cls", "--n", "51", "--s", "12", "--b", "50", "--b-uncertainty", "3,4"], "b-uncertainty"),
        (["upper-limit", "--n", "51", "--s", "12", "--b", "50", "--cl", "1.5"], "cl"),
        (["cls", "--n", "51", "--s", "12", "--b", "50", "--bogus"], "bogus"),
        (["cls", "--n", "5x", "--s", "12", "--b", "50"], "5x"),
        (["cls", "--n", "51", "--s", "12", "--b", "50", "--calculator", "magic"], "calculator"),
        (["fit", "--n", "51", "--s", "12", "--b", "50", "--mu-bounds", "3,1"], "mu-bounds"),
    ])
    func badInputExitsWithStatus2(args: [String], mentions: String) throws {
        let o = try CLI.run(args)
        #expect(o.status == 2, "\(args): status \(o.status), stderr \(o.stderr)")
        let lines = o.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(o.stderr)")
        #expect(o.stderr.contains(mentions), "\(o.stderr)")
        #expect(o.stdout.isEmpty)
    }

    @Test func helpExitsZero() throws {
        let o = try CLI.run(["cls", "--help"])
        #expect(o.status == 0)
        #expect(o.stdout.contains("--b-uncertainty"))
    }
}

/// A value shared between threads of a test, read and written only under its lock (hence `@unchecked Sendable`).
final class LockedValue<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: T
    init(_ value: T) { self.value = value }
    func get() -> T { lock.lock(); defer { lock.unlock() }; return value }
    func set(_ v: T) { lock.lock(); value = v; lock.unlock() }
    func update(_ f: (inout T) -> Void) { lock.lock(); f(&value); lock.unlock() }
}
