// The `neyman` command line. Exit status: 0 success, 2 bad input (one line on stderr), 1 numerical failure.
import Foundation
import CNeymanSystem
import NeymanCore

// OpenBLAS falls back to its slowest kernels on CPUs it does not recognise (some virtual machines): re-launch with
// the best kernel family the CPU supports (BLASKernel).
BLASKernel.relaunchIfBLASFellBack(arguments: CommandLine.arguments)
neyman_stdout_full_buffering(1 << 16)
do {
    var command = try NeymanCommand.parseAsRoot()
    try command.run()
    neyman_stdout_flush()
} catch {
    neyman_stdout_flush()
    exit(CLIExit.report(error))
}
