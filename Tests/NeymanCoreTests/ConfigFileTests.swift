import Foundation
import Testing
@testable import NeymanCore

@Suite("TOML configuration files")
struct ConfigFileTests {

    @Test("a table header that does not start with a key is an error naming the line and column, not an abort")
    func badTableHeaders() throws {
        // Found by fuzz/ (fuzz-toml): toml++ 3.4 (inside TOMLKit) fails an assertion, which aborts the process,
        // on `[.training]`: `neyman study` crashed on such a config instead of reporting it.
        let cases: [(text: String, line: Int, column: Int)] = [
            ("name = \"x\"\n[.training]\nepochs = 2\n", 2, 2),
            ("[[ [a]]\n", 1, 4),
            ("a = 1\n  [\t+b]\n", 2, 5),
            ("[\n", 1, 2),
            ("[", 1, 2),
            ("x = 1\r\n[é]\r\n", 2, 2),
        ]
        for (text, line, column) in cases {
            let error = #expect(throws: NeymanError.self, "\(text.debugDescription)") {
                try ConfigFile.parse(text, file: "bad.toml")
            }
            #expect(error?.message == "TOML syntax error: a table header must start with a key (a letter, digit, "
                + "'-', '_' or a quote) at line \(line), column \(column)", "\(text.debugDescription)")
            #expect(error?.location == ErrorLocation(file: "bad.toml"))
        }
    }

    @Test("a '}' where an array expects a value, or a Unicode line separator, is an error, not an abort")
    func badArrayValues() throws {
        // Found by fuzz/ (fuzz-toml): toml++'s parse_value() asserts that its first character is not a value
        // terminator; in an array, a '}' and the line separators U+0085, U+2028 and U+2029 reached it.
        let array = "expected a value or ']' in an array"
        let separator = "a Unicode line separator outside a string or comment"
        let cases: [(text: String, message: String, line: Int, column: Int)] = [
            ("bins = [0.0, }\n", array, 1, 14),
            ("x = [ # a comment\n\n  }]\n", array, 3, 3),
            ("x = [[1], [}]]\n", array, 1, 12),
            ("x = [\u{2028}1]\n", separator, 1, 6),
            ("x = [1,\u{85}]\n", separator, 1, 8),
            ("\u{2029}", separator, 1, 1),
        ]
        for (text, message, line, column) in cases {
            let error = #expect(throws: NeymanError.self, "\(text.debugDescription)") {
                try ConfigFile.parse(text, file: "bad.toml")
            }
            #expect(error?.message == "TOML syntax error: \(message) at line \(line), column \(column)",
                    "\(text.debugDescription)")
        }
        // Inside strings and comments the separators are ordinary characters.
        let root = try ConfigFile.parse("s = \"a\u{2028}b\" # \u{2029}\nx = [1, # }\n]\n", file: "ok.toml")
        #expect(try root.string("s") == "a\u{2028}b")
        #expect(try root.ints("x") == [1])
    }

    @Test("a date-time with no time after its 'T' is an error, not an abort; a key of that shape is fine")
    func dateTimeWithoutTime() throws {
        // Found by fuzz/ (fuzz-toml): toml++'s parse_time() asserts that it starts on a digit; after the 'T' of
        // `1979-05-27T/7:32:00Z` it did not.
        let message = "expected a time (HH:MM:SS) after the 'T' of a date-time"
        let cases: [(text: String, line: Int, column: Int)] = [
            ("x = 1979-05-27T/7:32:00Z\n", 1, 16),
            ("x = [1979-05-27t:00:00Z]\n", 1, 17),
            ("t = { a =1979-05-27T }\n", 1, 21),
        ]
        for (text, line, column) in cases {
            let error = #expect(throws: NeymanError.self, "\(text.debugDescription)") {
                try ConfigFile.parse(text, file: "bad.toml")
            }
            #expect(error?.message == "TOML syntax error: \(message) at line \(line), column \(column)",
                    "\(text.debugDescription)")
        }
        // Also found by fuzz-toml: a date, a space and one digit (`1979-05-2= 1#`: toml++'s look-ahead for
        // `YYYY-MM-DD HH:MM` asserts that a second digit follows).
        let spaced: [(text: String, column: Int)] = [
            ("x = 1979-05-27 1#\n", 17), ("x = [1_979-05-27 1, 2]\n", 19), ("x = 1979-05-2= 1 \n", 17),
        ]
        for (text, column) in spaced {
            let error = #expect(throws: NeymanError.self, "\(text.debugDescription)") {
                try ConfigFile.parse(text, file: "bad.toml")
            }
            #expect(error?.message == "TOML syntax error: expected a time (HH:MM:SS) after the date of a date-time "
                + "at line 1, column \(column)", "\(text.debugDescription)")
        }
        let nonASCII = #expect(throws: NeymanError.self) { try ConfigFile.parse("x = 1979-05-2é 1\n", file: "b") }
        #expect(nonASCII?.message
            == "TOML syntax error: a non-ASCII character in a number, date or time at line 1, column 14")
        let root = try ConfigFile.parse(
            "1979-05-27Tx = 1\nd = 1979-05-27T07:32:00Z\ne = 1979-05-27 07:32:00\nf = 1979-05-27 # c\ng = 1_000\n",
            file: "ok.toml")
        #expect(try root.int("1979-05-27Tx") == 1)
        #expect(try root.int("g") == 1000)
        #expect(root.contains("d") && root.contains("e") && root.contains("f"))
    }

    @Test("a NUL byte is an error, not the silent end of the document")
    func nulByte() throws {
        let error = #expect(throws: NeymanError.self) {
            try ConfigFile.parse("a = 1\n# ok\u{0}\nb = [\n", file: "nul.toml")
        }
        #expect(error?.message == "TOML syntax error: a NUL byte, which TOML does not allow at line 2, column 5")
    }

    @Test("brackets at the start of a line inside arrays and strings are not table headers")
    func bracketsInsideValues() throws {
        let text = """
            \u{FEFF}x = [
              [+1, 2],   # an inner array: not a header [
              [ -3 ],
            ]
            s = \"\"\"
            [.not a header]
            \\\"\"\"  \"\"\"\"
            t = '''
            [ also not ]'''
            "q[" = 1
              [ "quoted ]" . key ]   # a header with a quoted key
            y = 2
            [[arr]]
            z = [ { a = "]" } ]
            """
        let root = try ConfigFile.parse(text, file: "ok.toml")
        #expect(root.contains("x"))
        #expect(try root.string("s") == "[.not a header]\n\"\"\"  \"")
        #expect(try root.string("t") == "[ also not ]")
        #expect(try root.int("q[") == 1)
        let quoted = try #require(try root.table("quoted ]"))
        let key = try #require(try quoted.table("key"))
        #expect(try key.int("y") == 2)
        #expect(TOMLPreflight.check(text) == nil)
    }

    @Test("syntax errors from the TOML parser name the line and column")
    func parserErrors() throws {
        let error = #expect(throws: NeymanError.self) { try ConfigFile.parse("a = \n", file: "e.toml") }
        #expect(error?.message.hasPrefix("TOML syntax error: ") == true)
        #expect(error?.message.contains("line 1") == true)
        #expect(error?.location == ErrorLocation(file: "e.toml"))
    }
}
