import Foundation
import Testing
@testable import NeymanCore

@Suite("Dataset")
struct DatasetTests {

    static func sample() throws -> Dataset {
        try Dataset(columns: [("pt", [10, 20, 30, 40]), ("eta", [0.1, -0.2, 0.3, -0.4])], weights: [1, 0.5, 2, -1])
    }

    // MARK: Construction and access

    @Test("columns keep their order and values; count and weights")
    func basics() throws {
        let d = try Self.sample()
        #expect(d.columnNames == ["pt", "eta"])
        #expect(d.count == 4)
        #expect(d.columnCount == 2)
        #expect(try d.column("eta") == [0.1, -0.2, 0.3, -0.4])
        #expect(try d.columns(["eta", "pt"]) == [[0.1, -0.2, 0.3, -0.4], [10, 20, 30, 40]])
        #expect(d.weights == [1, 0.5, 2, -1])
        #expect(try Dataset(columns: [("a", [1, 2])]).weightsOrOnes == [1, 1])
        #expect(try Dataset(columns: []).count == 0)
    }

    @Test("ragged columns, duplicate or empty names and mismatched weights are rejected")
    func invalidConstruction() {
        let ragged = #expect(throws: NeymanError.self) { try Dataset(columns: [("a", [1, 2]), ("b", [1, 2, 3])]) }
        #expect(ragged?.message == "ragged columns: 'b' has 3 values but 'a' has 2")
        #expect(ragged?.location == ErrorLocation(column: "b"))
        let dup = #expect(throws: NeymanError.self) { try Dataset(columns: [("a", [1]), ("a", [2])]) }
        #expect(dup?.location == ErrorLocation(column: "a"))
        #expect(throws: NeymanError.self) { try Dataset(columns: [("", [1])]) }
        let w = #expect(throws: NeymanError.self) { try Dataset(columns: [("a", [1, 2])], weights: [1]) }
        #expect(w?.message == "weights have 1 values but the columns have 2 rows")
    }

    @Test("a missing column is named, with the available ones listed")
    func missingColumn() throws {
        let d = try Self.sample()
        let e = #expect(throws: NeymanError.self) { try d.column("phi") }
        #expect(e?.location == ErrorLocation(column: "phi"))
        #expect(e?.message == "no column named 'phi'; available columns: 'pt', 'eta'")
        let e2 = #expect(throws: NeymanError.self) { try d.columns(["pt", "mass"]) }
        #expect(e2?.location.column == "mass")
    }

    // MARK: Transformations

    @Test("subset picks rows in the given order, repeats allowed, weights follow; bad indices are errors")
    func subset() throws {
        let d = try Self.sample()
        let s = try d.subset(rows: [3, 0, 0])
        #expect(s.count == 3)
        #expect(try s.column("pt") == [40, 10, 10])
        #expect(try s.column("eta") == [-0.4, 0.1, 0.1])
        #expect(s.weights == [-1, 1, 1])
        #expect(try d.subset(rows: []).count == 0)
        let e = #expect(throws: NeymanError.self) { try d.subset(rows: [0, 4]) }
        #expect(e?.message == "row index 4 is outside 0..<4")
        #expect(throws: NeymanError.self) { try d.subset(rows: [-1]) }
    }

    @Test("appending and removing columns")
    func appendingAndRemoving() throws {
        let d = try Self.sample()
        let e = try d.appending(column: "phi", values: [1, 2, 3, 4])
        #expect(e.columnNames == ["pt", "eta", "phi"])
        #expect(try e.column("phi") == [1, 2, 3, 4])
        #expect(e.weights == d.weights)
        #expect(d.columnNames == ["pt", "eta"])   // value semantics
        #expect(throws: NeymanError.self) { try d.appending(column: "pt", values: [1, 2, 3, 4]) }
        let short = #expect(throws: NeymanError.self) { try d.appending(column: "phi", values: [1]) }
        #expect(short?.message == "column 'phi' has 1 values but the dataset has 4 rows")
        let first = try Dataset(columns: []).appending(column: "x", values: [5, 6])
        #expect(first.count == 2)
        #expect(try e.removing(column: "pt").columnNames == ["eta", "phi"])
        #expect(throws: NeymanError.self) { try e.removing(column: "nope") }
    }

    @Test("withWeights(fromColumn:) moves a column into the weights")
    func weightsFromColumn() throws {
        let d = try Dataset(columns: [("x", [1, 2, 3]), ("weight", [0.5, 1.5, -2])])
        #expect(d.weights == nil)
        let moved = try d.withWeights(fromColumn: "weight")
        #expect(moved.columnNames == ["x"])
        #expect(moved.weights == [0.5, 1.5, -2])
        let kept = try d.withWeights(fromColumn: "weight", removingColumn: false)
        #expect(kept.columnNames == ["x", "weight"])
        #expect(kept.weights == [0.5, 1.5, -2])
        #expect(throws: NeymanError.self) { try d.withWeights(fromColumn: "w") }
        #expect(try moved.withWeights(nil).weights == nil)
        #expect(throws: NeymanError.self) { try d.withWeights([1]) }
    }

    // MARK: Files

    @Test("load dispatches on the extension: CSV, NPY 1-D and 2-D, NPZ")
    func loadDispatch() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try writeFixture("a,weight\n1,2\n3,4\n", to: dir.file("t.CSV"))
        let csv = try Dataset.load(path: dir.file("t.CSV"))
        #expect(csv.columnNames == ["a", "weight"])
        #expect(csv.weights == nil)

        try NPYFormat.write(NPYArray([1, 2, 3]), to: dir.file("mu_hat.npy"))
        let vector = try Dataset.load(path: dir.file("mu_hat.npy"))
        #expect(vector.columnNames == ["mu_hat"])
        #expect(try vector.column("mu_hat") == [1, 2, 3])

        try NPYFormat.write(try NPYArray(shape: [3, 2], values: [1, 2, 3, 4, 5, 6]), to: dir.file("m.npy"))
        let matrix = try Dataset.load(path: dir.file("m.npy"))
        #expect(matrix.columnNames == ["x0", "x1"])
        #expect(try matrix.column("x0") == [1, 3, 5])
        #expect(try matrix.column("x1") == [2, 4, 6])

        try NPZArchive.write([("s", NPYArray([0.1, 0.9])), ("weights", NPYArray([1, 2]))], to: dir.file("z.npz"))
        let npz = try Dataset.load(path: dir.file("z.npz"))
        #expect(npz.columnNames == ["s", "weights"])
        #expect(npz.weights == nil)
        #expect(try npz.column("weights") == [1, 2])

        let unknown = #expect(throws: NeymanError.self) { try Dataset.load(path: dir.file("t.txt")) }
        #expect(unknown?.location == ErrorLocation(file: dir.file("t.txt")))
        #expect(unknown?.message == "unsupported file extension .txt; expected .csv, .npy or .npz")
    }

    @Test("load rejects ragged or 2-D NPZ members and non-finite NPY values, naming file and column")
    func loadErrors() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let ragged = dir.file("ragged.npz")
        try NPZArchive.write([("a", NPYArray([1, 2])), ("b", NPYArray([1, 2, 3]))], to: ragged)
        let e1 = #expect(throws: NeymanError.self) { try Dataset.load(path: ragged) }
        #expect(e1?.location == ErrorLocation(file: ragged, column: "b"))
        #expect(e1?.message == "member 'b' has 3 values but 'a' has 2")

        let matrix = dir.file("matrix.npz")
        try NPZArchive.write([("m", try NPYArray(shape: [2, 2], values: [1, 2, 3, 4]))], to: matrix)
        let e2 = #expect(throws: NeymanError.self) { try Dataset.load(path: matrix) }
        #expect(e2?.location == ErrorLocation(file: matrix, column: "m"))

        let nan = dir.file("v.npy")
        try NPYFormat.write(NPYArray([1, .nan]), to: nan)
        let e3 = #expect(throws: NeymanError.self) { try Dataset.load(path: nan) }
        #expect(e3?.location == ErrorLocation(file: nan, column: "v"))
        #expect(e3?.message.contains("element index 1") == true)
        #expect(try Dataset.load(path: nan, allowNonFinite: true).column("v")[1].isNaN)

        let csv = dir.file("inf.csv")
        try writeFixture("x\n1\ninf\n", to: csv)
        let e4 = #expect(throws: NeymanError.self) { try Dataset.load(path: csv) }
        #expect(e4?.location == ErrorLocation(file: csv, row: 3, column: "x"))
    }

    @Test("load(columns:) keeps the named columns in order; only those are checked")
    func loadSelectedColumns() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try writeFixture("id,x,y\nevt-1,1,2\nevt-2,3,nan\n", to: dir.file("t.csv"))
        let csv = try Dataset.load(path: dir.file("t.csv"), columns: ["x"])
        #expect(csv.columnNames == ["x"])
        #expect(try csv.column("x") == [1, 3])

        let z = dir.file("z.npz")
        try NPZArchive.write([
            ("image", try NPYArray(shape: [2, 2], values: [1, 2, 3, 4])),
            ("s", NPYArray([0.5, 0.25, 0.125])),
            ("label", NPYArray([1, 0, 1])),
            ("meta", NPYArray([7])),
        ], to: z)
        let npz = try Dataset.load(path: z, columns: ["label", "s"])
        #expect(npz.columnNames == ["label", "s"])
        #expect(try npz.column("s") == [0.5, 0.25, 0.125])
        let missing = #expect(throws: NeymanError.self) { try Dataset.load(path: z, columns: ["q"]) }
        #expect(missing?.location == ErrorLocation(file: z, column: "q"))
        #expect(missing?.message == "no column named 'q'; available columns: 'image', 's', 'label', 'meta'")
        let all = #expect(throws: NeymanError.self) { try Dataset.load(path: z) }
        #expect(all?.location == ErrorLocation(file: z, column: "image"))
        #expect(all?.message == "member 'image' has shape (2, 2); a dataset column must be 1-D")

        try NPYFormat.write(try NPYArray(shape: [2, 3], values: [1, 2, 3, 4, 5, 6]), to: dir.file("m.npy"))
        let picked = try Dataset.load(path: dir.file("m.npy"), columns: ["x2", "x0"])
        #expect(picked.columnNames == ["x2", "x0"])
        #expect(try picked.columns(["x2", "x0"]) == [[3, 6], [1, 4]])
    }

    @Test("write(csv:) and write(npz:) round-trip, weights as a named column")
    func writeAndLoad() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let d = try Self.sample()
        try d.write(csv: dir.file("d.csv"))
        try d.write(npz: dir.file("d.npz"), compressed: true)
        for name in ["d.csv", "d.npz"] {
            let raw = try Dataset.load(path: dir.file(name))
            #expect(raw.columnNames == ["pt", "eta", "weight"], "\(name)")
            #expect(try raw.withWeights(fromColumn: "weight") == d, "\(name)")
        }
        try d.write(csv: dir.file("w.csv"), weightsColumn: "w")
        #expect(try Dataset.load(path: dir.file("w.csv")).columnNames == ["pt", "eta", "w"])
        let clash = #expect(throws: NeymanError.self) { try d.write(csv: dir.file("x.csv"), weightsColumn: "pt") }
        #expect(clash?.location == ErrorLocation(file: dir.file("x.csv"), column: "pt"))
        #expect(try dir.contents() == ["d.csv", "d.npz", "w.csv"])
    }
}
