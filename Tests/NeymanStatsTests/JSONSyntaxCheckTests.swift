import Foundation
import Testing
@testable import NeymanStats
import NeymanCore

@Suite("JSON syntax check")
struct JSONSyntaxCheckTests {
    static func accepts(_ s: String) -> Bool {
        (try? JSONSyntaxCheck.check(Data(s.utf8), requireObject: false)) != nil
    }

    /// On documents where RFC 8259 is unambiguous the scan agrees with Foundation's parser (an independent one).
    @Test func agreesWithFoundationOnValidAndInvalidDocuments() {
        let documents = [
            #"{}"#, #"[]"#, #"{"a": [1, -0, 0.5, 1E+2, 2.5e-3, -1.25e10, true, false, null, "x"]}"#,
            #"{"é": "\u00e9\ud83d\ude00\n\t\"\\\/"}"#, "  \n\t{ \"a\" : { \"b\" : [ [ ] , { } ] } }\r\n", #""just a string""#, "12",
            #"[1 2]"#, #"{"a" 1}"#, #"{a: 1}"#, #"[01]"#, #"[1.]"#, #"[.5]"#, #"[1e]"#, #"[+1]"#, #"[-]"#,
            #"["\x"]"#, #"["\u12"]"#, "[\"a\u{01}b\"]", #"[tru]"#, #"[nul]"#, #"{"a": [1]"#, #"[1]]"#, "", "   ", #"{"a":"b"} {}"#,
        ]
        for d in documents {
            let foundation = (try? JSONSerialization.jsonObject(with: Data(d.utf8), options: .fragmentsAllowed)) != nil
            #expect(Self.accepts(d) == foundation, "\(d.debugDescription): scan \(Self.accepts(d)), Foundation \(foundation)")
        }
    }

    /// Stricter than Foundation, on purpose: a trailing comma in an object (Foundation on Linux accepts it; RFC 8259
    /// and Python's json do not), duplicate keys, numbers that do not fit a double, lone surrogates, invalid UTF-8,
    /// too deep nesting.
    @Test func rejectsWhatFoundationWouldMisread() {
        #expect(!Self.accepts(#"{"a": 1,}"#))
        #expect(!Self.accepts(#"[1,]"#))
        #expect(!Self.accepts(#"{"a": 1, "a": 2}"#))
        #expect(Self.accepts(#"{"a": {"a": 1}}"#))
        #expect(!Self.accepts("[1e999]"))
        #expect(!Self.accepts("[-1e999]"))
        #expect(!Self.accepts("[4e-330]"))
        #expect(Self.accepts("[0e-400, 0.000, 1e-310, 1.7976931348623157e308]"))
        #expect(!Self.accepts(#"["\udc00"]"#))
        #expect(!Self.accepts(#"["\ud800x"]"#))
        #expect((try? JSONSyntaxCheck.check(Data([0x5B, 0x22, 0xC0, 0xAF, 0x22, 0x5D]), requireObject: false)) == nil)  // overlong '/'
        #expect((try? JSONSyntaxCheck.check(Data([0x5B, 0x22, 0xED, 0xA0, 0x80, 0x22, 0x5D]), requireObject: false)) == nil)  // encoded surrogate
        #expect((try? JSONSyntaxCheck.check(Data([0xEF, 0xBB, 0xBF] + Array("{}".utf8)), requireObject: true)) != nil)  // BOM skipped
        let depth = JSONSyntaxCheck.maxDepth
        #expect(Self.accepts(String(repeating: "[", count: depth) + String(repeating: "]", count: depth)))
        #expect(!Self.accepts(String(repeating: "[", count: depth + 1) + String(repeating: "]", count: depth + 1)))
        // Hostile depth never reaches the stack limit: the scan stops at maxDepth.
        #expect(!Self.accepts(String(repeating: "[", count: 1_000_000)))
    }

    @Test func reportsLineColumnAndPath() {
        func error(_ s: String) -> NeymanError? {
            do { try JSONSyntaxCheck.check(Data(s.utf8), requireObject: true); return nil } catch { return error as? NeymanError }
        }
        let e1 = error("{\n  \"a\": [1,\n        2,\n        x]\n}")
        #expect(e1?.message.hasPrefix("invalid JSON at line 4, column 9: expected a value") == true, "\(String(describing: e1))")
        #expect(e1?.location.key == "a[2]")
        let e2 = error("{\"a b\": {\"c\": \"\u{1F600}\u{1F600}\", \"d\": tru}}")
        #expect(e2?.message.contains("line 1, column 26") == true, "\(String(describing: e2))")
        #expect(e2?.location.key == #"["a b"].d"#)
        let e3 = error("{\"a\": 1}\r\r\n\r  ]")
        #expect(e3?.message.contains("line 4, column 3") == true, "\(String(describing: e3))")
        #expect(e3?.location.key == "$")
        #expect(error("[1]")?.message.contains("not a JSON object") == true)
    }

    @Test func pathsReadAsWritten() {
        let p = JSONPath([.key("channels"), .index(1), .key("samples"), .index(0), .key("data"), .index(3)])
        #expect(p.description == "channels[1].samples[0].data[3]")
        #expect(JSONPath().description == "$")
        #expect(JSONPath([.index(0), .key("x y"), .key("q\"")]).description == #"[0]["x y"]["q\""]"#)
    }
}
