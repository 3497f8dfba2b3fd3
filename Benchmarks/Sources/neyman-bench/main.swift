// neyman-bench: times Neyman's statistics in-process (no process start-up in the numbers) and prints one JSON
// object per job on stdout. Used by bench/run.sh next to the Python peers.
//
//   neyman-bench asymptotic [CALLS]   asymptotic q~ hypotest (fits, Asimov, CLs, band) on the pyhf README model
//   neyman-bench fit [CALLS]          one maximum-likelihood fit of the same model
import Foundation
import NeymanCore
import NeymanStats

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) * 1e-9 }

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
    default:
        FileHandle.standardError.write(Data("neyman-bench: unknown job '\(job)' (asymptotic, fit)\n".utf8))
        exit(2)
    }
} catch {
    FileHandle.standardError.write(Data("neyman-bench: \(error)\n".utf8))
    exit(1)
}
