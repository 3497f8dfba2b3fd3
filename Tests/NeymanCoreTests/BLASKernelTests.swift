import Foundation
import Testing
@testable import NeymanCore

@Suite("OpenBLAS kernel choice")
struct BLASKernelTests {
    static let haswell: Set<String> = ["sse2", "avx", "avx2", "fma", "f16c", "movbe", "bmi1", "bmi2"]

    @Test func familyFollowsTheInstructionSets() {
        #expect(BLASKernel.supportedCoreType(cpuFlags: Self.haswell) == "Haswell")
        let skx = Self.haswell.union(["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"])
        #expect(BLASKernel.supportedCoreType(cpuFlags: skx) == "SkylakeX")
        // AVX-512 foundation alone is not SkylakeX's set.
        #expect(BLASKernel.supportedCoreType(cpuFlags: Self.haswell.union(["avx512f"])) == "Haswell")
        #expect(BLASKernel.supportedCoreType(cpuFlags: Self.haswell.subtracting(["fma"])) == nil)
        #expect(BLASKernel.supportedCoreType(cpuFlags: []) == nil)
    }

    @Test func relaunchOnlyWhenOpenBLASFellBackAndNobodyChose() {
        #expect(BLASKernel.relaunchCoreType(environment: [:], coreName: "Prescott", cpuFlags: Self.haswell) == "Haswell")
        #expect(BLASKernel.relaunchCoreType(environment: [:], coreName: "Zen", cpuFlags: Self.haswell) == nil)
        #expect(BLASKernel.relaunchCoreType(environment: ["OPENBLAS_CORETYPE": "Prescott"], coreName: "Prescott", cpuFlags: Self.haswell) == nil)
        #expect(BLASKernel.relaunchCoreType(environment: ["NEYMAN_BLAS_RELAUNCH": "0"], coreName: "Prescott", cpuFlags: Self.haswell) == nil)
        #expect(BLASKernel.relaunchCoreType(environment: [:], coreName: "Prescott", cpuFlags: ["sse2", "sse3"]) == nil)
    }

    @Test func flagsAreReadFromCpuinfo() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cpuinfo-\(getpid())").path
        try "processor\t: 0\nmodel name\t: Some CPU\nflags\t\t: fpu sse2 avx2 fma bmi bmi2\n\nprocessor\t: 1\nflags\t\t: other\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        #expect(BLASKernel.cpuFlags(cpuinfo: path) == ["fpu", "sse2", "avx2", "fma", "bmi", "bmi1", "bmi2"])
        #expect(BLASKernel.cpuFlags(cpuinfo: "/nonexistent/cpuinfo").isEmpty)
    }

    /// The test run's own kernel: the Makefile pins Haswell on CPUs with AVX2 + FMA (BLAS_PIN).
    @Test func pinnedKernelIsTheOneRunning() {
        if let pinned = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"], pinned == "Haswell" {
            #expect(BLASKernel.coreName == "Haswell")
        }
        #expect(!BLASKernel.coreName.isEmpty)
    }
}
