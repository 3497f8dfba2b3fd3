// The `neyman` command line. Exit status: 0 success, 2 bad input (one line on stderr), 1 numerical failure.
import Foundation
import NeymanCore

setvbuf(stdout, nil, _IOFBF, 1 << 16)
do {
    var command = try NeymanCommand.parseAsRoot()
    try command.run()
    fflush(stdout)
} catch {
    fflush(stdout)
    exit(CLIExit.report(error))
}
