import CLibFuzzer
import Foundation
import NeymanCore

/// Helpers shared by the fuzz targets.
public enum Fuzz {
    /// The signature of a fuzz target: one input of `size` bytes; returns 0.
    public typealias Target = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

    /// Run libFuzzer's driver on `target` with this process's command line (`-runs=N corpus/ ...`, see
    /// `-help=1`) and return its exit status.
    public static func run(_ target: Target) -> CInt {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        return LLVMFuzzerRunDriver(&argc, &argv, target)
    }

    /// The fuzzer's input as `Data` (a copy: the reader may keep it), given as a slice of a larger buffer whose
    /// `startIndex` is 1, not 0: a reader that indexes `Data` from 0 instead of `startIndex` traps or misreads here.
    public static func data(_ bytes: UnsafePointer<UInt8>?, _ size: Int) -> Data {
        var buffer = Data([0xA5])
        if let bytes, size > 0 { buffer.append(bytes, count: size) }
        return buffer[1...]
    }

    /// Run a reader on one input: a thrown error is the expected outcome for malformed input and is ignored, but it
    /// must be a ``NeymanError`` (the readers promise one) with a non-empty message.
    /// Anything else aborts, which libFuzzer reports as a crash with the input that caused it.
    public static func expectNeymanErrors(_ body: () throws -> Void) {
        do {
            try body()
        } catch let e as NeymanError {
            check(!e.message.isEmpty, "a NeymanError with an empty message")
        } catch {
            check(false, "a reader threw \(type(of: error)), not a NeymanError: \(error)")
        }
    }

    /// Abort with `message` on stderr when `condition` fails (a property the harness checks, reported by libFuzzer
    /// as a crash).
    public static func check(_ condition: Bool, _ message: @autoclosure () -> String) {
        if !condition {
            FileHandle.standardError.write(Data(("fuzz check failed: " + message() + "\n").utf8))
            abort()
        }
    }
}
