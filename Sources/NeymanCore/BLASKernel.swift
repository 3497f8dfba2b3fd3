import CBLAS
import Foundation

/// Which OpenBLAS kernels run, and the fix for virtual machines whose CPU OpenBLAS does not recognise.
///
/// Debian's OpenBLAS is built with `DYNAMIC_ARCH`: when the library loads, it reads the CPU model and picks a kernel
/// family (Haswell, SkylakeX, Zen, ...). On a virtual machine that reports a generic model (seen here: "Intel(R)
/// Xeon(R) Processor" with AVX-512) it falls back to `Prescott`, its SSE3 kernels, although the CPU could run far
/// faster ones. Measured on such a machine (one epoch of the dense 11-197-197-1 benchmark, 1 thread): Prescott 0.95 s,
/// Haswell 0.50 s, SkylakeX 0.33 s. The environment variable `OPENBLAS_CORETYPE` overrides the choice, but only when
/// the library loads, so the `neyman` command re-launches itself with it set (``relaunchIfBLASFellBack(arguments:)``).
///
/// The choice is made from the instruction sets the CPU reports (`/proc/cpuinfo` flags), never from its name:
/// ```
///   SkylakeX  needs avx512f, avx512cd, avx512bw, avx512dq, avx512vl (and everything Haswell needs)
///   Haswell   needs avx2, fma, f16c, movbe, bmi1 (bmi), bmi2
/// ```
/// Different kernels round differently, so a network trained with another kernel family differs in its last bits
/// (results stay identical for the same kernel, seed and thread count).
public enum BLASKernel {
    /// The kernel family OpenBLAS chose when it loaded (e.g. `"Haswell"`, `"Prescott"`).
    public static var coreName: String { String(cString: openblas_get_corename()) }

    /// The fastest of the families above that a CPU with these flags can run, or `nil`.
    public static func supportedCoreType(cpuFlags flags: Set<String>) -> String? {
        let haswell: Set<String> = ["avx2", "fma", "f16c", "movbe", "bmi1", "bmi2"]
        guard haswell.isSubset(of: flags) else { return nil }
        let skylakeX: Set<String> = ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]
        return skylakeX.isSubset(of: flags) ? "SkylakeX" : "Haswell"
    }

    /// The flags of the first CPU in `/proc/cpuinfo` (`bmi` is reported as `bmi1` too); empty if unreadable.
    public static func cpuFlags(cpuinfo path: String = "/proc/cpuinfo") -> Set<String> {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        for line in text.split(separator: "\n") where line.hasPrefix("flags") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            var flags = Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
            if flags.contains("bmi") { flags.insert("bmi1") }
            return flags
        }
        return []
    }

    /// The core type to re-launch with: when OpenBLAS fell back to `Prescott` on a CPU that can run Haswell or
    /// SkylakeX kernels and nobody chose a core type (`OPENBLAS_CORETYPE` unset) or asked for no re-launch
    /// (`NEYMAN_BLAS_RELAUNCH=0`); otherwise `nil`.
    public static func relaunchCoreType(environment: [String: String], coreName: String, cpuFlags: Set<String>) -> String? {
        guard environment["OPENBLAS_CORETYPE"] == nil, environment["NEYMAN_BLAS_RELAUNCH"] != "0",
              coreName == "Prescott" else { return nil }
        return supportedCoreType(cpuFlags: cpuFlags)
    }

    /// Re-executes the running program (`/proc/self/exe`) with the same arguments and `OPENBLAS_CORETYPE` set, when
    /// ``relaunchCoreType(environment:coreName:cpuFlags:)`` says so. Call it first thing in `main`, before any
    /// output: on success it does not return. If the re-execution fails, the program goes on with the kernels it has.
    public static func relaunchIfBLASFellBack(arguments: [String]) {
        #if os(Linux)
        let env = ProcessInfo.processInfo.environment
        guard let core = relaunchCoreType(environment: env, coreName: coreName, cpuFlags: cpuFlags()) else { return }
        setenv("OPENBLAS_CORETYPE", core, 1)
        setenv("NEYMAN_BLAS_RELAUNCH", "0", 1)  // never twice
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
        argv.append(nil)
        execv("/proc/self/exe", argv)
        // Only reached if execv failed: keep going with the kernels OpenBLAS chose.
        for p in argv { free(p) }
        unsetenv("OPENBLAS_CORETYPE")
        #endif
    }
}
