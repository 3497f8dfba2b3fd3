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
        // dlsym on the global scope finds what every caller (GSL included) binds to.
        let handle = dlopen(nil, RTLD_NOW)
        defer { if handle != nil { dlclose(handle) } }
        let address = try #require(dlsym(handle, symbol))
        var info = Dl_info()
        #expect(dladdr(address, &info) != 0)
        let library = info.dli_fname.map { String(cString: $0) } ?? ""
        #expect(library.contains("openblas"), "\(symbol) resolves to \(library)")
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
