// neyman-bench: times Neyman's statistics in-process (no process start-up in the numbers) and prints one JSON
// object per job on stdout. Used by bench/run.sh next to the Python peers.
//
//   neyman-bench asymptotic [CALLS]   asymptotic q~ hypotest (fits, Asimov, CLs, band) on the pyhf README model
//   neyman-bench fit [CALLS]          one maximum-likelihood fit of the same model
//   neyman-bench epoch-dense [THREADS] one training epoch, dense 11-197-197-1 (ReLU), 10^5 events, batch 128, Adam;
//                                      THREADS data-parallel workers (one BLAS thread each; --blas-threads: one
//                                      training with THREADS OpenBLAS threads instead), the same for epoch-pfn
//   neyman-bench epoch-pfn [THREADS] [--fill F]  one training epoch, PFN (Phi 3x100, F 3x100, ReLU), 10^5 events x
//                                      <= 64 particles x (z, eta, phi), batch 128, Adam (data as bench/torch_epoch.py:
//                                      8 ... 64 real particles per event); with --fill F every event has round(64 F)
//                                      real particles (0 < F <= 1), the rest padding, so the ragged gain shows
//   neyman-bench sweights [EVENTS]    extended fit (Voigt with Gamma fixed + exponential) and summation sWeights
//                                      on a Z -> mu mu-like sample of EVENTS (default 10^5; as bench/sweights_peer.py)
//   neyman-bench auc [EVENTS]         weighted AUC of EVENTS (default 10^7) labelled events (as bench/auc_peer.py)
//   neyman-bench efp EVENTS THREADS CSV  all connected EFPs with d <= 5 (beta = 1, kappa = 1; 54 graphs with the dot) on
//                                      EVENTS events of 20 to 100 particles (below), written to CSV for bench/efp_peer.py
//   neyman-bench toys [TOYS] [THREADS] [analytic|numeric]  toy-based q~ CLs at mu = 1 on the pyhf README model (observed
//                                      [51, 48]), TOYS pseudo-experiments per hypothesis (default 10^4) on THREADS threads
//                                      (default 2), gammas profiled analytically (default) or fitted numerically; also
//                                      the time of generating the pseudo-data alone
//   neyman-bench dcor [N]              distance correlation (V-statistic, O(n log n)) of N = 10^6 univariate events,
//                                      the data of bench/dcor_peer.py (splitmix64, bit-identical); median of 3 runs
import CBLAS
import Foundation
import NeymanCore
import NeymanHEP
import NeymanNN
import NeymanSPlot
import NeymanStats

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) * 1e-9 }

// The same kernel family as the `neyman` command (BLASKernel): the best the CPU supports.
BLASKernel.relaunchIfBLASFellBack(arguments: CommandLine.arguments)
let args = CommandLine.arguments
let job = args.count > 1 ? args[1] : "asymptotic"
let calls = args.count > 2 ? max(1, Int(args[2]) ?? 1000) : 1000

do {
    let model = try BinnedModel.uncorrelatedBackground(signal: [12, 11], background: [50, 52], uncertainty: [3, 7])
    let data = try model.data(observed: [51, 48])
    switch job {
    case "asymptotic":
        var cls = 0.0
        _ = try AsymptoticCalculator(model: model, data: data).test(mu: 1)  // warm-up
        let t0 = now()
        for _ in 0..<calls {
            // A fresh calculator each call: the Asimov fit is part of every hypotest, as in pyhf.
            cls = try AsymptoticCalculator(model: model, data: data).test(mu: 1).cls
        }
        let dt = (now() - t0) / Double(calls)
        print("{\"job\":\"asymptotic\",\"calls\":\(calls),\"seconds_per_call\":\(dt),\"cls\":\(cls)}")
    case "fit":
        let profile = ProfileLikelihood(model: model)
        var nll = 0.0
        let t0 = now()
        for _ in 0..<calls { nll = try profile.fit(data).twiceNLL }
        let dt = (now() - t0) / Double(calls)
        print("{\"job\":\"fit\",\"calls\":\(calls),\"seconds_per_call\":\(dt),\"twice_nll\":\(nll)}")
    case "sweights":
        let n = args.count > 2 ? max(100, Int(args[2]) ?? 100_000) : 100_000
        let sample = try ZBosonSample.generate(events: n, seed: 7)
        let model = try SPlotModel(signal: "voigt", background: "exponential", range: FitRange(70, 110))
        let t0 = now()
        let fit = try SPlotFit.fit(masses: sample.mass, model: model, fixed: ["signal.width": 2.4952])
        let sw = try SWeights.compute(fit: fit, masses: sample.mass)
        let dt = now() - t0
        print("{\"job\":\"sweights\",\"events\":\(n),\"seconds\":\(dt),\"signal_yield\":\(fit.yields.signal),\"sum_w_signal\":\(sw.sums.signal),\"converged\":\(fit.converged),\"evaluations\":\(fit.fit.evaluations)}")
    case "auc":
        let n = args.count > 2 ? max(100, Int(args[2]) ?? 10_000_000) : 10_000_000
        let rng = RandomStream(seed: 7)
        var labels = [Double](repeating: 0, count: n), scores = labels, weights = labels
        for i in 0..<n {
            labels[i] = rng.uniform() < 0.4 ? 1 : 0
            scores[i] = rng.normal(mean: labels[i])
            weights[i] = rng.uniform(0.1, 3)
        }
        let t0 = now()
        let auc = try ROC.auc(scores: scores, labels: labels, weights: weights)
        let dt = now() - t0
        print("{\"job\":\"auc\",\"events\":\(n),\"seconds\":\(dt),\"auc\":\(auc)}")
    case "efp":
        // Events like jets or muon surroundings: n ~ U{20..100} particles; a third in a collinear core (pt 5 +
        // Exp(20), Gaussian offsets 0.05 from an axis), the rest soft (pt U(0.2, 3)) in a disc of 0.45; seeded.
        let n = args.count > 2 ? max(1, Int(args[2]) ?? 10_000) : 10_000
        let threads = args.count > 3 ? max(1, Int(args[3]) ?? 1) : 1
        let csv = args.count > 4 ? args[4] : ""
        BLASThreads.setOnceAtStartup(1)
        var events: [ParticleEvent] = []
        for e in 0..<n {
            let rng = RandomStream(seed: 9, task: UInt64(e))
            let m = 20 + rng.integer(below: 81), core = m / 3
            var ev = ParticleEvent(pt: [], eta: [], phi: [])
            let axisEta = rng.uniform(-2, 2), axisPhi = rng.uniform(-Double.pi, Double.pi)
            for k in 0..<m {
                if k < core {
                    ev.pt.append(5 + rng.exponential(mean: 20)); ev.eta.append(axisEta + rng.normal(sigma: 0.05))
                    ev.phi.append(axisPhi + rng.normal(sigma: 0.05))
                } else {
                    let r = 0.45 * rng.uniform().squareRoot(), a = rng.uniform(-Double.pi, Double.pi)
                    ev.pt.append(rng.uniform(0.2, 3)); ev.eta.append(axisEta + r * cos(a)); ev.phi.append(axisPhi + r * sin(a))
                }
            }
            events.append(ev)
        }
        if !csv.isEmpty {
            var text = "event,pt,eta,phi\n"
            for (e, ev) in events.enumerated() {
                for k in ev.pt.indices { text += "\(e),\(ev.pt[k]),\(ev.eta[k]),\(ev.phi[k])\n" }
            }
            try AtomicFile.write(text, to: csv)
        }
        let efp = try EnergyFlowPolynomials(graphs: try Multigraph.connected(maxEdges: 5), kappa: 1, beta: 1)
        _ = try efp.values(events: Array(events.prefix(50)), threads: threads)   // warm-up
        let t0 = now()
        let values = try efp.values(events: events, threads: threads)
        let dt = now() - t0
        let checksum = values.reduce(0) { $0 + $1.reduce(0, +) }
        print("{\"job\":\"efp\",\"events\":\(n),\"threads\":\(threads),\"graphs\":\(efp.graphs.count),\"seconds\":\(dt),\"checksum\":\(checksum)}")
    case "epoch-dense":
        let threads = args.count > 2 ? max(1, Int(args[2]) ?? 1) : 1
        // THREADS workers of data-parallel training (TrainerSettings.threads, one BLAS thread each, as `neyman train`
        // with [training] threads); --blas-threads instead gives one training THREADS OpenBLAS threads.
        let blasThreads = args.contains("--blas-threads")
        if blasThreads { BLASThreads.setOnceAtStartup(threads) }
        // 11 standard-normal features; label from a fixed random linear rule plus noise (as bench/torch_epoch.py).
        let n = 100_000, k = 11
        let rng = RandomStream(seed: 7)
        let rule = (0..<k).map { _ in rng.normal() }
        var x = [Float](repeating: 0, count: n * k), y = [Float](repeating: 0, count: n)
        for i in 0..<n {
            var t = 0.0
            for j in 0..<k { let v = rng.normal(); x[i * k + j] = Float(v); t += rule[j] * v }
            y[i] = t + rng.normal() > 0 ? 1 : 0
        }
        let data = try LabelledEvents(features: x, labels: y, featureCount: k)
        let warm = data.subset(Array(0..<1000))
        let net = try Network.dense(inputs: k, hidden: [197, 197], activation: .relu, seed: 1)
        var o = TrainerSettings()
        o.epochs = 1; o.batchSize = 128; o.learningRate = 1e-3; o.validationFraction = 0; o.patience = 0
        o.learningRateDecayPatience = 0; o.standardize = false
        o.threads = blasThreads ? 1 : threads
        try Trainer(network: net, options: o).train(warm)
        let t0 = now()
        let h = try Trainer(network: net, options: o).train(data)
        let dt = now() - t0
        print("{\"job\":\"epoch-dense\",\"threads\":\(threads),\"events\":\(n),\"seconds_per_epoch\":\(dt),\"final_loss\":\(h.last?.loss ?? .nan)}")
    case "epoch-pfn":
        let threads = args.count > 2 ? max(1, Int(args[2]) ?? 1) : 1
        // THREADS workers of data-parallel training (TrainerSettings.threads, one BLAS thread each, as `neyman train`
        // with [training] threads); --blas-threads instead gives one training THREADS OpenBLAS threads.
        let blasThreads = args.contains("--blas-threads")
        if blasThreads { BLASThreads.setOnceAtStartup(threads) }
        let n = 100_000, p = 64, f = 3
        var fill: Double? = nil
        if let k = args.firstIndex(of: "--fill") {
            guard k + 1 < args.count, let v = Double(args[k + 1]), v > 0, v <= 1 else {
                FileHandle.standardError.write(Data("neyman-bench: --fill needs a fraction in (0, 1]\n".utf8))
                exit(2)
            }
            fill = v
        }
        let rng = RandomStream(seed: 8)
        var x = [Float](repeating: 0, count: n * p * f), y = [Float](repeating: 0, count: n)
        for i in 0..<n {
            let drawn = 8 + rng.integer(below: 57)
            let mult = fill.map { max(1, min(p, Int((Double(p) * $0).rounded()))) } ?? drawn
            var z = (0..<mult).map { _ in rng.exponential(mean: 1) + 1e-3 }
            let sum = z.reduce(0, +)
            z = z.map { $0 / sum }
            for q in 0..<mult {
                let base = (i * p + q) * f
                x[base] = Float(z[q]); x[base + 1] = Float(rng.normal()); x[base + 2] = Float(rng.normal())
            }
            y[i] = Double(fill == nil ? mult : drawn) + rng.normal(sigma: 8) > 36 ? 1 : 0
        }
        let data = try LabelledEvents(features: x, labels: y, featureCount: p * f)
        let net = try Network.pfn(particles: p, features: f, phi: [100, 100, 100], f: [100, 100, 100], seed: 1)
        var o = TrainerSettings()
        o.epochs = 1; o.batchSize = 128; o.learningRate = 1e-3; o.validationFraction = 0; o.patience = 0
        o.learningRateDecayPatience = 0; o.standardize = false
        o.threads = blasThreads ? 1 : threads
        try Trainer(network: net, options: o).train(data.subset(Array(0..<1000)))
        let t0 = now()
        let h = try Trainer(network: net, options: o).train(data)
        let dt = now() - t0
        let real = data.features.count / f - stride(from: 0, to: data.features.count, by: f).filter { q in (0..<f).allSatisfy { data.features[q + $0] == 0 } }.count
        print("{\"job\":\"epoch-pfn\",\"threads\":\(threads),\"events\":\(n),\"fill\":\(Double(real) / Double(n * p)),\"seconds_per_epoch\":\(dt),\"final_loss\":\(h.last?.loss ?? .nan)}")
    case "toys":
        let toys = args.count > 2 ? max(100, Int(args[2]) ?? 10_000) : 10_000
        let threads = args.count > 3 ? max(1, Int(args[3]) ?? 2) : 2
        let way = args.count > 4 ? GammaProfiling(rawValue: args[4]) ?? .analytic : .analytic
        var configured = model
        configured.gammaProfiling = way
        let m = configured
        let calc = try ToyCalculator(model: m, data: data, toys: toys, seed: 7, threads: threads)
        _ = try ToyCalculator(model: m, data: data, toys: 100, seed: 1, threads: threads).test(mu: 1)  // warm-up
        let t0 = now()
        let r = try calc.test(mu: 1)
        let dt = now() - t0
        // The pseudo-data alone (two per toy, each from its own seeded stream), to separate generation from fitting.
        let theta = m.initialValues
        let t1 = now()
        let sums = deterministicParallelMap(count: toys, threads: threads) { i -> Double in
            let a = m.sample(theta, rng: RandomStream(seed: 7, task: UInt64(2 * i)))
            let b = m.sample(theta, rng: RandomStream(seed: 7, task: UInt64(2 * i + 1)))
            return a.main[0] + b.main[0]
        }
        let generation = now() - t1
        print("{\"job\":\"toys\",\"toys\":\(toys),\"threads\":\(threads),\"gammas\":\"\(way.rawValue)\",\"seconds\":\(dt),"
              + "\"generation_seconds\":\(generation),\"cls\":\(r.cls),\"checksum\":\(sums.reduce(0, +))}")
    case "dcor":
        let n = args.count > 2 ? max(4, Int(args[2]) ?? 1_000_000) : 1_000_000
        let (x, y) = dcorBenchData(n)
        _ = try DistanceCorrelation.univariate(x: Array(x.prefix(1000)), y: Array(y.prefix(1000)))  // warm-up
        var times: [Double] = [], value = 0.0
        for _ in 0..<3 {
            let t0 = now()
            value = try DistanceCorrelation.univariate(x: x, y: y).dCor
            times.append(now() - t0)
        }
        let median = times.sorted()[1]
        print("{\"job\":\"dcor\",\"n\":\(n),\"seconds\":\(median),\"dcor\":\(value)}")
    default:
        FileHandle.standardError.write(Data("neyman-bench: unknown job '\(job)' (asymptotic, fit, toys, epoch-dense, epoch-pfn, dcor)\n".utf8))
        exit(2)
    }
} catch {
    FileHandle.standardError.write(Data("neyman-bench: \(error)\n".utf8))
    exit(1)
}

/// The distance-correlation benchmark's data, bit-identical to bench/dcor_peer.py: `u_k = (splitmix64(k) >> 11) 2^-53`
/// with `splitmix64(k)` the output for state `(k + 1) * 0x9E3779B97F4A7C15`; `x_i = 2 u_{2i} - 1`,
/// `y_i = x_i² + 0.3 (u_{2i+1} - 0.5)` (a dependence that linear correlation misses).
func dcorBenchData(_ n: Int) -> ([Double], [Double]) {
    func u(_ k: Int) -> Double {
        var z = (UInt64(k) &+ 1) &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) * 0x1p-53
    }
    var x = [Double](repeating: 0, count: n), y = x
    for i in 0..<n {
        x[i] = 2 * u(2 * i) - 1
        let q = x[i] * x[i]
        y[i] = q + 0.3 * (u(2 * i + 1) - 0.5)
    }
    return (x, y)
}
