import Foundation
import Testing
@testable import NeymanCore

@Suite("CSV reader")
struct CSVReaderTests {

    // MARK: Accepted input

    @Test("header, CRLF, blanks around cells, quoted header names, no final newline")
    func tolerantParsing() throws {
        let text = "a, \"b c\" ,\"d,\"\"e\"\"\"\r\n1, 2.5 ,-3\r\n\t4e2,.5,-0.125"
        let d = try CSVReader.parse(text)
        #expect(d.columnNames == ["a", "b c", "d,\"e\""])
        #expect(d.count == 2)
        #expect(try d.column("a") == [1, 400])
        #expect(try d.column("b c") == [2.5, 0.5])
        #expect(try d.column("d,\"e\"") == [-3, -0.125])
        #expect(d.weights == nil)
    }

    @Test("byte-order mark, blank lines and a trailing newline are ignored")
    func bomAndBlankLines() throws {
        let text = "\u{FEFF}x,y\n1,2\n\n   \n3,4\n"
        let d = try CSVReader.parse(text)
        #expect(d.columnNames == ["x", "y"])
        #expect(try d.column("x") == [1, 3])
        #expect(try d.column("y") == [2, 4])
    }

    @Test("a lone CR ends a row; a quoted data cell is a number")
    func crAndQuotedCells() throws {
        let d = try CSVReader.parse("x,y\r1,\"2.5\"\r3, \" 4 \" \r")
        #expect(try d.column("x") == [1, 3])
        #expect(try d.column("y") == [2.5, 4])
    }

    @Test("files with lone-CR line ends (old Mac) of any length read every row, within the row buffer")
    func loneCRFilesOfAnyLength() throws {
        // The row buffer was once sized by counting LF only: a CR-only file of 3 rows wrote past it.
        for rows in [1, 2, 3, 17, 1000] {
            let text = "a,b\r" + (0..<rows).map { "\($0),\(2 * $0)" }.joined(separator: "\r")
            for ending in ["", "\r", "\r\r\r"] {
                let d = try CSVReader.parse(text + ending)
                #expect(d.count == rows)
                #expect(try d.column("a") == (0..<rows).map(Double.init))
                #expect(try d.column("b") == (0..<rows).map { 2 * Double($0) })
            }
        }
        // Mixed line ends in one file: LF, CRLF and CR.
        let mixed = try CSVReader.parse("x\n1\r\n2\r3\n4\r\r5")
        #expect(try mixed.column("x") == [1, 2, 3, 4, 5])
        #expect(CSVReader.countLineEnds("a\r\nb\rc\nd\r", 9) == 4)
    }

    @Test("a NUL byte inside a cell and hexadecimal floats are not numbers")
    func strictNumberGrammar() throws {
        for cell in ["3\u{0}999", "\u{0}", "0x1p-2", "0x10", "1_000", "1e", "--1", "\"3\u{0}9\""] {
            #expect(throws: NeymanError.self, "cell \(cell.debugDescription)") {
                try CSVReader.parse("v\n1\n\(cell)\n")
            }
            do {
                _ = try CSVReader.parse("v\n1\n\(cell)\n", source: "f.csv")
            } catch let e as NeymanError {
                #expect(e.location.row == 3 && e.location.column == "v", "\(e)")
            }
        }
    }

    @Test("numbers convert to the correctly rounded Double")
    func exactNumbers() throws {
        let cases: [(String, Double)] = [
            ("0.1", 0.1), ("-2.5", -2.5), ("1e-5", 1e-5), ("1E+3", 1000), ("+7", 7), ("3.", 3),
            ("6.02214076e23", 6.02214076e23), ("1e23", 1e23), ("2.2250738585072014e-308", 2.2250738585072014e-308),
            ("4.9e-324", .leastNonzeroMagnitude), ("1.7976931348623157e308", 1.7976931348623157e308),
            ("3.14159265358979323846264338327950288", Double.pi), ("9007199254740993", 9007199254740992),
            ("123456789012345678901234567890", 1.2345678901234568e29),
            ("0.000000000000000000000000001", 1e-27), ("1e-400", 0),
        ]
        let text = "v\n" + cases.map(\.0).joined(separator: "\n")
        let values = try CSVReader.parse(text).column("v")
        for (k, (input, expected)) in cases.enumerated() {
            #expect(values[k].bitPattern == expected.bitPattern, "\(input) -> \(values[k]), expected \(expected)")
        }
        let negativeZero = try CSVReader.parse("v\n-0\n-0.0\n").column("v")
        #expect(negativeZero.allSatisfy { $0 == 0 && $0.sign == .minus })
    }

    @Test("random doubles survive description and %.17g text exactly (fast and slow paths agree with Double(_:))")
    func randomRoundTrip() throws {
        let rng = RandomStream(seed: 7, task: 0)
        var texts: [String] = []
        var expected: [Double] = []
        for k in 0..<20_000 {
            let magnitude = rng.uniform(-30, 30)
            let v = (rng.uniform() - 0.5) * Foundation.pow(10, magnitude)
            let text: String
            switch k % 3 {
            case 0: text = v.description
            case 1: text = String(format: "%.17g", v)
            default: text = String(format: "%.6f", v)   // short decimals: the fast path
            }
            texts.append(text)
            expected.append(Double(text) ?? .nan)
        }
        let values = try CSVReader.parse("v\n" + texts.joined(separator: "\n")).column("v")
        #expect(values.count == texts.count)
        let mismatches = zip(values, expected).filter { $0.bitPattern != $1.bitPattern }.count
        #expect(mismatches == 0)
    }

    @Test("column selection reads only the named columns, in the requested order, skipping text columns")
    func columnSelection() throws {
        let text = "label,x,y\nsignal,1,2\n\"bkg, hard\",3,4\n"
        let d = try CSVReader.parse(text, columns: ["y", "x"])
        #expect(d.columnNames == ["y", "x"])
        #expect(try d.column("y") == [2, 4])
        #expect(try d.column("x") == [1, 3])

        let error = #expect(throws: NeymanError.self) {
            try CSVReader.parse(text, source: "t.csv", columns: ["x", "z"])
        }
        #expect(error?.location == ErrorLocation(file: "t.csv", column: "z"))
        #expect(error?.message.contains("available columns: 'label', 'x', 'y'") == true)
    }

    @Test("non-finite values are rejected by default and accepted on request")
    func nonFinite() throws {
        let text = "a,b\n1,2\n3,nan\n-inf,Infinity\n"
        let error = #expect(throws: NeymanError.self) { try CSVReader.parse(text, source: "f.csv") }
        #expect(error?.location == ErrorLocation(file: "f.csv", row: 3, column: "b"))
        #expect(error?.message.contains("'nan'") == true)

        let overflow = #expect(throws: NeymanError.self) { try CSVReader.parse("a\n1e999\n", source: "f.csv") }
        #expect(overflow?.location == ErrorLocation(file: "f.csv", row: 2, column: "a"))

        let d = try CSVReader.parse(text, allowNonFinite: true)
        let a = try d.column("a"), b = try d.column("b")
        #expect(a[0] == 1 && a[1] == 3 && a[2] == -Double.infinity)
        #expect(b[0] == 2 && b[1].isNaN && b[2] == Double.infinity)
    }

    // MARK: Errors and their locations

    private func csvError(_ text: String, file: String = "data.csv") -> NeymanError? {
        #expect(throws: NeymanError.self) { try CSVReader.parse(text, source: file) }
    }

    @Test("an empty file is an error naming the file")
    func emptyFile() {
        for text in ["", "\n\n", "  \r\n"] {
            let e = csvError(text)
            #expect(e?.location == ErrorLocation(file: "data.csv"))
            #expect(e?.message.contains("empty") == true)
        }
    }

    @Test("a header without data rows is an error")
    func headerOnly() {
        for text in ["a,b", "a,b\n", "a,b\r\n\r\n"] {
            let e = csvError(text)
            #expect(e?.location == ErrorLocation(file: "data.csv"))
            #expect(e?.message.contains("no data rows") == true)
        }
    }

    @Test("duplicate and empty column names are errors on row 1")
    func badHeaders() {
        let dup = csvError("a,b,a\n1,2,3\n")
        #expect(dup?.location == ErrorLocation(file: "data.csv", row: 1, column: "a"))
        #expect(dup?.message == "duplicate column name 'a' (header cells 1 and 3)")
        let quotedDup = csvError("\"a\", a \n1,2\n")
        #expect(quotedDup?.location == ErrorLocation(file: "data.csv", row: 1, column: "a"))
        let empty = csvError("a,,b\n1,2,3\n")
        #expect(empty?.location == ErrorLocation(file: "data.csv", row: 1))
        #expect(empty?.message.contains("header cell 2 is empty") == true)
    }

    @Test("ragged rows give the expected and found cell counts and the row number")
    func raggedRows() {
        let short = csvError("a,b,c\n1,2,3\n4,5\n")
        #expect(short?.location == ErrorLocation(file: "data.csv", row: 3))
        #expect(short?.message == "expected 3 cells (one per header column), found 2")
        let long = csvError("a,b\r\n1,2\r\n\r\n3,4\r\n5,6,7,8\r\n")
        #expect(long?.location == ErrorLocation(file: "data.csv", row: 5))
        #expect(long?.message == "expected 2 cells (one per header column), found 4")
        let trailingComma = csvError("a,b\n1,2,\n")
        #expect(trailingComma?.location == ErrorLocation(file: "data.csv", row: 2))
        #expect(trailingComma?.message == "expected 2 cells (one per header column), found 3")
    }

    @Test("a non-numeric cell is quoted with its row and column name")
    func nonNumeric() {
        let e = csvError("x,y\n1,2\n3,4\n5, abc \n")
        #expect(e?.location == ErrorLocation(file: "data.csv", row: 4, column: "y"))
        #expect(e?.message == "non-numeric cell 'abc'")
        let partial = csvError("x,y\n1.5.2,2\n")
        #expect(partial?.location == ErrorLocation(file: "data.csv", row: 2, column: "x"))
        #expect(partial?.message == "non-numeric cell '1.5.2'")
        let empty = csvError("x,y\n1,2\n ,3\n")
        #expect(empty?.location == ErrorLocation(file: "data.csv", row: 3, column: "x"))
        #expect(empty?.message == "empty cell")
        let lastEmpty = csvError("x,y\n1,\n2,3\n")
        #expect(lastEmpty?.location == ErrorLocation(file: "data.csv", row: 2, column: "y"))
        #expect(lastEmpty?.message == "empty cell")
    }

    @Test("errors carry the path when reading from a file; a missing file is an I/O error")
    func fileErrors() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("bad.csv")
        try writeFixture("a,b\n1,2\n3,x\n", to: path)
        let e = #expect(throws: NeymanError.self) { try CSVReader.read(path: path) }
        #expect(e?.location == ErrorLocation(file: path, row: 3, column: "b"))
        #expect(e?.description == "file '\(path)', row 3, column 'b': non-numeric cell 'x'")

        let missing = #expect(throws: NeymanError.self) { try CSVReader.read(path: dir.file("nope.csv")) }
        if case .io(_, let location)? = missing {
            #expect(location.file == dir.file("nope.csv"))
        } else {
            Issue.record("expected an I/O error, got \(String(describing: missing))")
        }
        let directory = #expect(throws: NeymanError.self) { try CSVReader.read(path: dir.path) }
        #expect(directory?.location.file == dir.path)
    }

    /// A large file round-trips exactly (speed is measured in `make bench`, never asserted in a test).
    @Test("a 2 x 10^5 x 5 file written by CSVWriter reads back bit for bit")
    func largeFile() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let rows = 200_000
        let rng = RandomStream(seed: 11, task: 0)
        var cols: [(String, [Double])] = []
        for name in ["pt", "eta", "phi", "iso", "score"] {
            cols.append((name, (0..<rows).map { _ in rng.normal(mean: 0, sigma: 50) }))
        }
        let path = dir.file("big.csv")
        try CSVWriter.write(cols, to: path)
        let d = try CSVReader.read(path: path)
        #expect(d.count == rows)
        for (name, values) in cols { #expect(try d.column(name) == values, "\(name)") }
    }
}
