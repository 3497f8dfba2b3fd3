import Foundation
import Testing
@testable import NeymanCore

@Suite("CSV writer")
struct CSVWriterTests {

    @Test("exact text: header quoting, shortest round-trip numbers, non-finite spellings")
    func exactText() throws {
        let data = try CSVWriter.encode([
            ("x", [1, -0.5, 1e-5]),
            ("a,b", [0.1, 1e300, -0.0]),
            ("say \"hi\"", [.nan, .infinity, -.infinity]),
            (" padded", [123456789, .leastNonzeroMagnitude, 2]),
        ])
        let expected = """
            x,"a,b","say ""hi""\",\" padded"
            1.0,0.1,nan,123456789.0
            -0.5,1e+300,inf,5e-324
            1e-05,-0.0,-inf,2.0

            """
        #expect(String(decoding: data, as: UTF8.self) == expected)
    }

    @Test("write then read gives identical columns, bit for bit")
    func roundTrip() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let rng = RandomStream(seed: 3, task: 1)
        let n = 5_000
        let columns: [(String, [Double])] = [
            ("uniform", (0..<n).map { _ in rng.uniform() }),
            ("wide", (0..<n).map { _ in rng.normal() * Foundation.pow(10, rng.uniform(-300, 300)) }),
            ("counts", (0..<n).map { _ in rng.poisson(mean: 4) }),
            ("tiny", (0..<n).map { _ in Double.leastNonzeroMagnitude * Double(rng.integer(below: 1000)) }),
        ]
        let path = dir.file("round.csv")
        try CSVWriter.write(columns, to: path)
        let back = try CSVReader.read(path: path)
        #expect(back.columnNames == columns.map(\.0))
        for (name, values) in columns {
            let read = try back.column(name)
            #expect(read.map(\.bitPattern) == values.map(\.bitPattern), "column \(name)")
        }
        #expect(try dir.contents() == ["round.csv"])
    }

    @Test("non-finite values round-trip with allowNonFinite")
    func nonFiniteRoundTrip() throws {
        let data = try CSVWriter.encode([("v", [.nan, .infinity, -.infinity, 1])])
        let back = try CSVReader.parse(data, allowNonFinite: true).column("v")
        #expect(back[0].isNaN && back[1] == .infinity && back[2] == -.infinity && back[3] == 1)
    }

    @Test("ragged, duplicate and missing columns are rejected, naming the file; nothing is written")
    func errors() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("out.csv")
        let ragged = #expect(throws: NeymanError.self) { try CSVWriter.write([("a", [1, 2]), ("b", [1])], to: path) }
        #expect(ragged?.location == ErrorLocation(file: path, column: "b"))
        let dup = #expect(throws: NeymanError.self) { try CSVWriter.write([("a", [1]), ("a", [1])], to: path) }
        #expect(dup?.location == ErrorLocation(file: path, column: "a"))
        #expect(throws: NeymanError.self) { try CSVWriter.write([], to: path) }
        #expect(try dir.contents().isEmpty)
    }
}
