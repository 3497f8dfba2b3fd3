import Foundation
import Testing
import CBLAS

/// GSL ships a slow reference CBLAS (libgslcblas). Neyman links GSL against OpenBLAS instead
/// (shared/refs/swift-with-c-libraries.md, pitfall 2). These tests prove the binding: the `cblas_*` symbols that
/// both Neyman and GSL call resolve to OpenBLAS, never to libgslcblas.
@Suite("BLAS linkage")
struct BLASLinkageTests {
    @Test func openBLASIsLinked() {
        let config = String(cString: openblas_get_config())
        #expect(config.contains("OpenBLAS"), "\(config)")
        #expect(openblas_get_num_threads() >= 1)
    }

    @Test(arguments: ["cblas_dgemm", "cblas_sgemm", "cblas_ddot"])
    func cblasSymbolsResolveToOpenBLAS(_ symbol: String) throws {
        // dlsym on the global scope finds what every caller (GSL included) binds to; /proc/self/maps says which
        // shared library holds that address.
        let handle = try #require(dlopen(nil, RTLD_NOW))
        defer { dlclose(handle) }
        let address = UInt(bitPattern: try #require(dlsym(handle, symbol)))
        // /proc files report size 0: read to the end instead of trusting the size.
        let file = try #require(FileHandle(forReadingAtPath: "/proc/self/maps"))
        let maps = String(decoding: file.readDataToEndOfFile(), as: UTF8.self)
        try file.close()
        var library = ""
        for line in maps.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 6 else { continue }
            let range = fields[0].split(separator: "-")
            guard range.count == 2, let lo = UInt(range[0], radix: 16), let hi = UInt(range[1], radix: 16) else { continue }
            if address >= lo && address < hi { library = String(fields[5]); break }
        }
        #expect(library.contains("openblas"), "\(symbol) resolves to '\(library)'")
        #expect(!library.contains("gslcblas"))
    }

    /// A 2x2 product through cblas_dgemm, checked by hand.
    @Test func dgemmComputes() {
        let a: [Double] = [1, 2, 3, 4], b: [Double] = [5, 6, 7, 8]
        var c = [Double](repeating: 0, count: 4)
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 2, 2, 2, 1, a, 2, b, 2, 0, &c, 2)
        #expect(c == [19, 22, 43, 50])
    }
}
