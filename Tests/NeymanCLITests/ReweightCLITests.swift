import Foundation
import Testing

/// `neyman reweight`: hand-computed flattening weights per overflow policy, the documented keys, the written CSV,
/// histogram matching, the KDE method (sum rule, Scott factor, direction, thread independence), bad input.
@Suite("neyman reweight", .serialized)
struct ReweightCLITests {
    func temporary(_ name: String, _ text: String? = nil) throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("neyman-reweight-\(getpid())-\(UUID().uuidString)-\(name)").path
        if let text { try text.write(toFile: path, atomically: true, encoding: .utf8) }
        return path
    }

    /// Columns of a CSV file written by the command (header, then numbers).
    func readCSV(_ path: String) throws -> [String: [Double]] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        let header = lines[0].split(separator: ",").map(String.init)
        var out = [String: [Double]]()
        for h in header { out[h] = [] }
        for line in lines.dropFirst() {
            for (h, v) in zip(header, line.split(separator: ",")) { out[h]?.append(Double(v) ?? .nan) }
        }
        return out
    }

    func number(_ j: [String: Any], _ k: String) -> Double { (j[k] as? NSNumber)?.doubleValue ?? .nan }

    func csv(_ names: [String], _ columns: [[Double]]) -> String {
        var s = names.joined(separator: ",") + "\n"
        for i in columns[0].indices { s += columns.map { "\($0[i])" }.joined(separator: ",") + "\n" }
        return s
    }

    /// A deterministic 2-D sample (quasi-random, no generator needed): falling "pt" in [5, 80), "eta" in (-2.5, 2.5).
    func sample(_ n: Int, shift: Double = 0) -> (pt: [Double], eta: [Double]) {
        var pt = [Double](), eta = [Double]()
        for i in 0..<n {
            let u = (Double(i) * 0.6180339887498949).truncatingRemainder(dividingBy: 1)
            let v = (Double(i) * 0.7548776662466927).truncatingRemainder(dividingBy: 1)
            pt.append(5 + 75 * u * u + shift)
            eta.append(-2.5 + 5 * v)
        }
        return (pt, eta)
    }

    // MARK: Flattening, hand-computed

    @Test func flattenOverflowPolicies() throws {
        // Bins [0,1), [1,2), [2,3]; events 0.5 | 1.5, 1.6 | 2.5, and 3.5 (above), -1 (below): H = (1, 2, 1).
        let input = try temporary("in.csv", "x,id\n0.5,0\n1.5,1\n1.6,2\n2.5,3\n3.5,4\n-1,5\n")
        let out = try temporary("out.csv")
        let o = try CLI.run(["reweight", "--input", input, "--columns", "x", "--flatten", "--bins", "3", "--range", "0:3",
                             "--out", out, "--format", "json"])
        #expect(o.status == 0, "\(o.stderr)")
        #expect(o.stdout.split(separator: "\n").count == 1)
        let j = try #require(o.json)
        for k in ["n", "sum_weights", "effective_n", "method", "out", "columns", "weight_name", "input_weight", "bins",
                  "out_of_range", "overflow"] { #expect(j[k] != nil, "missing \(k)") }
        #expect(j["n"] as? Int == 6 && j["method"] as? String == "flatten" && j["out"] as? String == out)
        #expect(j["out_of_range"] as? Int == 2 && j["overflow"] as? String == "clamp")
        #expect(abs(number(j, "sum_weights") - 6) < 1e-12)
        // Clamp: raw (1, .5, .5, 1, 1, 1), c = 6/5.
        let written = try readCSV(out)
        #expect(written["x"] == [0.5, 1.5, 1.6, 2.5, 3.5, -1] && written["id"] == [0, 1, 2, 3, 4, 5])
        let w = try #require(written["weight"])
        let expected = [1.2, 0.6, 0.6, 1.2, 1.2, 1.2]
        for i in 0..<6 { #expect(abs(w[i] - expected[i]) < 1e-15, "event \(i): \(w[i])") }
        #expect(abs(number(j, "effective_n") - 36 / (4 * 1.44 + 2 * 0.36)) < 1e-12)

        let zero = try CLI.run(["reweight", "--input", input, "--columns", "x", "--flatten", "--bins", "3", "--range", "0:3",
                                "--overflow", "zero", "--weight-name", "w_flat", "--out", out])
        #expect(zero.status == 0, "\(zero.stderr)")
        #expect(try readCSV(out)["w_flat"] == [2, 1, 1, 2, 0, 0])

        let error = try CLI.run(["reweight", "--input", input, "--columns", "x", "--flatten", "--bins", "3", "--range", "0:3",
                                 "--overflow", "error", "--out", out])
        #expect(error.status == 2)
        #expect(error.stderr.contains("event 4 (0-based)") && error.stderr.contains("'x'") && error.stderr.contains(input),
                "\(error.stderr)")
        #expect(error.stderr.split(separator: "\n").count == 1)
    }

    // MARK: 2-D flattening with edges and input weights

    @Test func flatten2DWithEdgesAndWeights() throws {
        let s = sample(3000)
        let w = s.pt.indices.map { 0.5 + Double($0 % 4) * 0.5 }
        let input = try temporary("in2.csv", csv(["pt", "eta", "w"], [s.pt, s.eta, w]))
        let out = try temporary("out2.csv")
        let ptEdges = [5.0, 10, 20, 40, 80], etaEdges = [-2.5, -1, 0, 1, 2.5]
        let o = try CLI.run(["reweight", "--input", input, "--columns", "pt,eta", "--flatten",
                             "--edges", "5,10,20,40,80;-2.5,-1,0,1,2.5", "--weight", "w", "--out", out, "--format", "json"])
        #expect(o.status == 0, "\(o.stderr)")
        let j = try #require(o.json)
        #expect(j["input_weight"] as? String == "w" && (j["bins"] as? [Int]) == [4, 4])
        #expect(abs(number(j, "sum_weights") - w.reduce(0, +)) < 1e-9)
        let new = try #require(try readCSV(out)["weight"])
        // Weighted density per bin, from the written weights: all equal.
        var h = [Double](repeating: 0, count: 16)
        for i in new.indices {
            guard let a = ptEdges.indices.dropLast().last(where: { ptEdges[$0] <= s.pt[i] }),
                  let b = etaEdges.indices.dropLast().last(where: { etaEdges[$0] <= s.eta[i] }) else { continue }
            h[a * 4 + b] += new[i] / ((ptEdges[a + 1] - ptEdges[a]) * (etaEdges[b + 1] - etaEdges[b]))
        }
        for k in h.indices { #expect(abs(h[k] / h[0] - 1) < 1e-12, "bin \(k): \(h[k]) vs \(h[0])") }
    }

    // MARK: Matching a target

    @Test func histogramMatchingReproducesTargetHistogram() throws {
        let p = sample(2000), q = sample(1500, shift: 3)
        let input = try temporary("p.csv", csv(["pt"], [p.pt]))
        let target = try temporary("q.csv", csv(["pt"], [q.pt]))
        let out = try temporary("pq.csv")
        let o = try CLI.run(["reweight", "--input", input, "--columns", "pt", "--target", target, "--method", "histogram",
                             "--bins", "5", "--range", "8:80", "--overflow", "zero", "--out", out, "--format", "json"])
        #expect(o.status == 0, "\(o.stderr)")
        let j = try #require(o.json)
        #expect(j["method"] as? String == "histogram" && number(j, "unmatched_target_fraction") == 0)
        let w = try #require(try readCSV(out)["weight"])
        var hp = [Double](repeating: 0, count: 5), hq = hp
        func bin(_ x: Double) -> Int? { x < 8 || x > 80 ? nil : min(4, Int((x - 8) / 14.4)) }
        for i in p.pt.indices { if let b = bin(p.pt[i]) { hp[b] += w[i] } }
        for x in q.pt { if let b = bin(x) { hq[b] += 1 } }
        // Reweighted input histogram = target histogram * (2000 / target events in range).
        let scale = 2000 / hq.reduce(0, +)
        for b in 0..<5 { #expect(abs(hp[b] / (scale * hq[b]) - 1) < 1e-10, "bin \(b): \(hp[b]) vs \(scale * hq[b])") }
    }

    @Test func kdeMethodSumRuleDirectionAndThreads() throws {
        let p = sample(600), q = sample(500, shift: 4)
        let input = try temporary("kp.csv", csv(["pt", "eta"], [p.pt, p.eta]))
        let target = try temporary("kq.csv", csv(["pt", "eta"], [q.pt, q.eta]))
        let out1 = try temporary("k1.csv"), out2 = try temporary("k2.csv")
        let base = ["reweight", "--input", input, "--columns", "pt,eta", "--target", target, "--method", "kde", "--format", "json"]
        let o1 = try CLI.run(base + ["--out", out1, "--threads", "1"])
        let o2 = try CLI.run(base + ["--out", out2, "--threads", "2"])
        #expect(o1.status == 0 && o2.status == 0, "\(o1.stderr)\(o2.stderr)")
        let j = try #require(o1.json)
        for k in ["n", "sum_weights", "effective_n", "method", "out", "bandwidth_factor", "cutoff_radius"] { #expect(j[k] != nil, "missing \(k)") }
        #expect(j["method"] as? String == "kde" && abs(number(j, "sum_weights") - 600) < 1e-9)
        // Scott's factor in 2-D: n^(-1/6); 600^(-1/6) = exp(-ln(600)/6) = exp(-6.396930/6) = exp(-1.066155) = 0.344330.
        let factors = try #require(j["bandwidth_factor"] as? [String: Any])
        #expect(abs(number(factors, "input") - pow(600, -1.0 / 6)) < 1e-14)
        #expect(abs(number(factors, "target") - pow(500, -1.0 / 6)) < 1e-14)
        #expect(abs(number(factors, "input") - 0.344330) < 1e-6)
        // Identical files whatever the thread count.
        #expect(try String(contentsOfFile: out1, encoding: .utf8) == String(contentsOfFile: out2, encoding: .utf8))
        // The target is shifted up by 4 in pt: the weighted mean of the input moves up, towards it.
        let w = try #require(try readCSV(out1)["weight"])
        let mean = zip(w, p.pt).map { $0 * $1 }.reduce(0, +) / w.reduce(0, +)
        let pMean = p.pt.reduce(0, +) / 600, qMean = q.pt.reduce(0, +) / 500
        #expect(mean > pMean + 2 && mean < qMean + 1, "\(pMean) -> \(mean), target \(qMean)")
        let silverman = try CLI.run(base + ["--out", out1, "--bandwidth", "0.5"])
        let f = try #require(silverman.json?["bandwidth_factor"] as? [String: Any])
        #expect(number(f, "input") == 0.5)
    }

    // MARK: Bad input

    @Test func badInputExitsWithStatus2() throws {
        let good = try temporary("g.csv", "pt,eta,w,weight\n10,0.1,1,1\n20,-0.3,2,1\n30,1.2,1,1\n40,0.5,1,1\n")
        let negative = try temporary("n.csv", "pt,w\n10,1\n20,-1\n30,1\n")
        let out = try temporary("o.csv")
        let cases: [([String], [String])] = [
            (["--input", good, "--columns", "pt", "--bins", "3", "--out", out], ["--flatten"]),
            (["--input", good, "--columns", "pt", "--flatten", "--weight-name", "x", "--out", out], ["--bins"]),
            (["--input", good, "--columns", "pt", "--flatten", "--bins", "3", "--weight-name", "weight", "--out", out],
             ["'weight'", good]),
            (["--input", good, "--columns", "pt", "--flatten", "--bins", "3", "--weight-name", "eta", "--out", out], ["'eta'"]),
            (["--input", good, "--columns", "mass", "--flatten", "--bins", "3", "--weight-name", "x", "--out", out], ["'mass'"]),
            (["--input", negative, "--columns", "pt", "--flatten", "--bins", "3", "--weight", "w", "--weight-name", "x",
              "--out", out], ["row 3", "'w'"]),
            (["--input", good, "--columns", "pt", "--flatten", "--bins", "3", "--range", "5", "--weight-name", "x", "--out", out],
             ["range"]),
            (["--input", good, "--columns", "pt", "--flatten", "--bins", "3", "--overflow", "wrap", "--weight-name", "x",
              "--out", out], ["overflow"]),
            (["--input", good, "--columns", "pt", "--target", good, "--weight-name", "x", "--out", out], ["--method"]),
            (["--input", good, "--columns", "pt", "--target", good, "--method", "kde", "--bins", "4", "--weight-name", "x",
              "--out", out], ["kde"]),
            (["--input", good, "--columns", "pt,eta,w", "--flatten", "--bins", "3", "--weight-name", "x", "--out", out],
             ["columns"]),
            (["--input", good, "--columns", "pt", "--flatten", "--bins", "3", "--weight-name", "x", "--out", "o.txt"], [".csv"]),
            (["--input", good, "--columns", "pt", "--target", good, "--method", "kde", "--bandwidth", "wide", "--weight-name", "x",
              "--out", out], ["bandwidth"]),
        ]
        for (args, mentions) in cases {
            let o = try CLI.run(["reweight"] + args)
            #expect(o.status == 2, "\(args): status \(o.status), \(o.stderr)")
            #expect(o.stderr.split(separator: "\n").count == 1, "\(o.stderr)")
            for m in mentions { #expect(o.stderr.contains(m), "\(args): \(o.stderr)") }
            #expect(o.stdout.isEmpty)
        }
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
