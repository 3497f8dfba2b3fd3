import Foundation
import Testing

/// The CLI test harness itself: it must not deadlock on a command that fills its stderr pipe before closing stdout
/// (reading stdout to its end first did: the child blocks on a full stderr pipe and never closes stdout).
@Suite("CLI test harness")
struct HarnessTests {
    @Test("a child writing 1 MB to stderr before its stdout is read to the end without deadlock")
    func chattyStderrDoesNotDeadlock() throws {
        let sh = URL(fileURLWithPath: "/bin/sh")
        let o = try CLI.run(program: sh, ["-c", "head -c 1000000 /dev/zero | tr '\\\\0' x >&2; echo done"])
        #expect(o.status == 0)
        #expect(o.stdout == "done\n")
        #expect(o.stderr.utf8.count == 1_000_000)
        #expect(!o.signalled)
    }

    @Test("a child killed by a signal is reported as signalled")
    func signalIsReported() throws {
        let o = try CLI.run(program: URL(fileURLWithPath: "/bin/sh"), ["-c", "kill -SEGV $$"])
        #expect(o.signalled)
    }
}
