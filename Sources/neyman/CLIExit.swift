import ArgumentParser
import Foundation
import NeymanCore

/// Maps errors to the CLI contract: `--help` / `--version` print to stdout and exit 0; a ``NeymanError`` about
/// the user's input, or an option-parsing error, prints one line `neyman: error: ...` on stderr and exits 2;
/// a numerical failure exits 1.
enum CLIExit {
    static func report(_ error: Error) -> Int32 {
        if let e = error as? NeymanError {
            writeLine("neyman: error: \(e.description)")
            return e.isUserError ? 2 : 1
        }
        let code = NeymanCommand.exitCode(for: error)
        if code == .success {
            print(NeymanCommand.fullMessage(for: error))
            return 0
        }
        let message = NeymanCommand.message(for: error)
            .split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " ")
        writeLine("neyman: error: \(message) (see 'neyman help')")
        return 2
    }

    static func writeLine(_ s: String) {
        FileHandle.standardError.write(Data((s + "\n").utf8))
    }
}
