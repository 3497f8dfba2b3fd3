import Foundation
import Testing
@testable import NeymanStats
import NeymanCore

/// Fits with the per-bin gammas profiled in closed form (``GammaProfiling/analytic``) against the full numerical fit
/// (``GammaProfiling/numeric``) on every reference workspace with `shapesys` or `staterror`, and on two more: shared
/// parameters of every kind next to the gammas, and bins where two gammas meet (those stay numerical).
@Suite("Analytic per-bin gamma profiling")
struct AnalyticGammaProfilingTests {
    /// The fits of toys and calculators, as the command line runs them.
    static let fast = Minimizer(options: .fast)
    /// Fits converged far below the default tolerance, so that differences measure the profiling, not where two
    /// minimisers stop (EDM 1e-10 leaves `q` uncertain by ~1e-7).
    static let tight = Minimizer(options: MinimizerOptions(edmTolerance: 1e-18, computeCovariance: false))

    /// A model and its observed data, with the number of gammas the analytic fit must profile (no held parameters).
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let model: BinnedModel
        let data: BinnedData
        let profiled: Int
        var testDescription: String { name }
    }

    static func workspace(_ name: String, _ relative: String, profiled: Int) throws -> Case {
        let ws = try HistFactoryWorkspace.load(path: Fixtures.root.appendingPathComponent(relative).path)
        return Case(name: name, model: ws.model, data: ws.data, profiled: profiled)
    }

    static func inline(_ name: String, _ json: String, profiled: Int) throws -> Case {
        let ws = try HistFactoryWorkspace.parse(Data(json.utf8))
        return Case(name: name, model: ws.model, data: ws.data, profiled: profiled)
    }

    static func cases() throws -> [Case] {
        let readme = try BinnedModel.uncorrelatedBackground(signal: [12, 11], background: [50, 52], uncertainty: [3, 7])
        let gaussian = try BinnedModel.uncorrelatedBackground(signal: [12, 11], background: [50, 52], uncertainty: [3, 7],
                                                              constraint: .gaussian)
        return [
            try workspace("a_onebin_shapesys", "pyhf/a_onebin_shapesys.workspace.json", profiled: 1),
            try workspace("shapesys_masked_bin", "../generated/shapesys_masked_bin.workspace.json", profiled: 2),
            try workspace("staterror_fourbin", "../generated/staterror_fourbin.workspace.json", profiled: 4),
            try workspace("staterror_masked_bin", "../generated/staterror_masked_bin.workspace.json", profiled: 2),
            Case(name: "pyhf README (shapesys)", model: readme, data: try readme.data(observed: [51, 48]), profiled: 2),
            Case(name: "pyhf README (Gaussian)", model: gaussian, data: try gaussian.data(observed: [51, 48]), profiled: 2),
            try inline("shared parameters", Self.sharedParameters, profiled: 5),
            try inline("coupled bins", Self.coupledBins, profiled: 1),
        ]
    }

    /// shapesys next to normsys and histosys on the same sample, a staterror over two samples in a control region
    /// that shares the normsys.
    static let sharedParameters = """
    {"channels":[
     {"name":"sr","samples":[
      {"name":"signal","data":[6.0,9.0,4.0],"modifiers":[{"name":"mu","type":"normfactor","data":null},
        {"name":"sig_eff","type":"normsys","data":{"hi":1.1,"lo":0.92}}]},
      {"name":"background","data":[40.0,30.0,12.0],"modifiers":[{"name":"bkg_unc","type":"shapesys","data":[4.0,5.0,3.0]},
        {"name":"bkg_norm","type":"normsys","data":{"hi":1.05,"lo":0.95}},
        {"name":"bkg_shape","type":"histosys","data":{"hi_data":[42.0,31.0,11.0],"lo_data":[38.0,29.5,13.0]}}]}]},
     {"name":"cr","samples":[
      {"name":"background","data":[100.0,80.0],"modifiers":[{"name":"bkg_norm","type":"normsys","data":{"hi":1.05,"lo":0.95}},
        {"name":"stat_cr","type":"staterror","data":[5.0,6.0]}]},
      {"name":"other","data":[10.0,20.0],"modifiers":[{"name":"stat_cr","type":"staterror","data":[2.0,3.0]}]}]}],
     "observations":[{"name":"sr","data":[50.0,37.0,20.0]},{"name":"cr","data":[104.0,95.0]}],
     "measurements":[{"name":"m","config":{"poi":"mu","parameters":[]}}],"version":"1.0.0"}
    """

    /// Bin 0: shapesys on both samples; bin 2: a shapesys and a staterror; only bin 1's background gamma is alone.
    static let coupledBins = """
    {"channels":[{"name":"sr","samples":[
      {"name":"signal","data":[5.0,8.0,3.0],"modifiers":[{"name":"mu","type":"normfactor","data":null},
        {"name":"sig_unc","type":"shapesys","data":[1.0,0.0,0.5]}]},
      {"name":"background","data":[30.0,25.0,10.0],"modifiers":[{"name":"bkg_unc","type":"shapesys","data":[3.0,4.0,0.0]},
        {"name":"stat","type":"staterror","data":[0.0,0.0,1.5]}]}]}],
     "observations":[{"name":"sr","data":[37.0,30.0,15.0]}],
     "measurements":[{"name":"m","config":{"poi":"mu","parameters":[]}}],"version":"1.0.0"}
    """

    func numeric(_ m: BinnedModel) -> BinnedModel {
        var n = m
        n.gammaProfiling = .numeric
        return n
    }

    @Test(arguments: try cases())
    func profilesTheGammasThatAreAloneInTheirBins(_ c: Case) throws {
        let plan = try #require(c.model.gammaAnalysis.unheldPlan)
        #expect(plan.gammas.count == c.profiled, "\(c.name)")
        let l = try BinnedLikelihood(model: c.model, data: c.data)
        #expect(l.analyticallyProfiled(holding: []) != nil)
        #expect(try BinnedLikelihood(model: numeric(c.model), data: c.data).analyticallyProfiled(holding: []) == nil)
        // Holding a profiled gamma takes it out of the plan.
        let first = plan.gammas[0].parameter
        let heldPlan = c.model.gammaAnalysis.plan(holding: [first], parameters: c.model.parameters, compiled: c.model.compiled)
        #expect((heldPlan?.gammas.count ?? 0) == c.profiled - 1)
        #expect(heldPlan?.profiled[first] != true)
    }

    /// Newton's method on the analytic gradient of `l` in the parameters `free`, from `x` (the Hessian by central
    /// differences of that gradient), while the step shrinks: the stationary point to rounding (`|g| ~ 1e-13`), far
    /// below where a minimiser's EDM criterion stops. Makes two fits comparable to 1e-8 and better.
    func polish(_ l: any Likelihood, _ x: [Double], free: [Int]) -> [Double] {
        var x = x
        let n = x.count, m = free.count
        guard m > 0 else { return x }
        var g = [Double](repeating: 0, count: n), gp = g, gm = g
        var lastStep = Double.infinity
        for _ in 0..<20 {
            _ = l.negativeLogLikelihood(x, gradient: &g)
            var h = [Double](repeating: 0, count: m * m)
            for (j, k) in free.enumerated() {
                let step = 1e-6 * max(1, abs(x[k]))
                var xs = x
                xs[k] = x[k] + step
                _ = l.negativeLogLikelihood(xs, gradient: &gp)
                xs[k] = x[k] - step
                _ = l.negativeLogLikelihood(xs, gradient: &gm)
                for (i, kk) in free.enumerated() { h[i * m + j] = (gp[kk] - gm[kk]) / (2 * step) }
            }
            guard let d = SymmetricMatrix.solve(SymmetricMatrix.symmetrized(h, n: m), free.map { -g[$0] }, n: m) else { break }
            let size = d.map(abs).max() ?? 0
            guard size < lastStep else { break }
            lastStep = size
            for (i, k) in free.enumerated() { x[k] += d[i] }
            if size < 1e-15 { break }
        }
        return x
    }

    /// The free parameters of a fit that ended at `x`, except those on a bound (they stay there).
    func interior(_ parameters: [Parameter], _ x: [Double], fixed: [Int: Double]) -> [Int] {
        parameters.indices.filter { k in
            let p = parameters[k], margin = 1e-6 * (p.upper - p.lower)
            return fixed[k] == nil && !p.isFixed && x[k] - p.lower > margin && p.upper - x[k] > margin
        }
    }

    /// The free fit and the fits at mu = 0, 1, 2.5 reach the same point: the analytic fit polished on the profiled
    /// `-ln L` (with its envelope gradient), the full fit polished on the full gradient; `-ln L`, mu_hat and every
    /// parameter (the gammas completed from the profiled ones) agree to 1e-8, and so does `t_mu` made from them. The
    /// fits as returned (EDM 1e-10) agree in `-ln L` to 1e-8.
    @Test(arguments: try cases())
    func minimaAgreeWithTheFullFit(_ c: Case) throws {
        let la = try BinnedLikelihood(model: c.model, data: c.data)
        let lf = try BinnedLikelihood(model: numeric(c.model), data: c.data)
        var nll: [(Double, Double)] = []
        for mu in [nil, 0.0, 1.0, 2.5] as [Double?] {
            let fixed = mu.map { [c.model.poiIndex: $0] } ?? [:]
            let context = "\(c.name), " + (mu.map { "fit at mu = \($0)" } ?? "free fit")
            let a = try Self.fast.minimize(la, fixed: fixed), f = try Self.fast.minimize(lf, fixed: fixed)
            #expect(a.converged && f.converged, "\(context): \(a.status) / \(f.status)")
            #expect(abs(a.nll - f.nll) < 1e-8, "\(context): fitted NLL \(a.nll) vs \(f.nll)")
            let view = try #require(la.analyticallyProfiled(holding: Set(fixed.keys)))
            let xa = view.completed(polish(view, a.values, free: interior(view.parameters, a.values, fixed: fixed)))
            let xf = polish(lf, f.values, free: interior(lf.parameters, f.values, fixed: fixed))
            let na = lf.negativeLogLikelihood(xa), nf = lf.negativeLogLikelihood(xf)
            #expect(abs(na - nf) < 1e-8, "\(context): NLL \(na) vs \(nf)")
            #expect(xa.count == xf.count && !xa.isEmpty)
            for (k, (u, v)) in zip(xa, xf).enumerated() {
                #expect(abs(u - v) < 1e-8, "\(context): \(c.model.parameters[k].name) \(u) vs \(v)")
            }
            nll.append((na, nf))
        }
        #expect(nll.count == 4)
        for k in 1...3 {
            let qa = 2 * (nll[k].0 - nll[0].0), qf = 2 * (nll[k].1 - nll[0].1)
            #expect(abs(qa - qf) < 1e-8, "\(c.name): t_mu \(qa) vs \(qf)")
        }
    }

    /// The test statistics and CLs as the calculators compute them (fits converged to EDM 1e-18) agree with the full fit's.
    @Test(arguments: try cases())
    func statisticsAndCLsAgreeWithTheFullFit(_ c: Case) throws {
        let analytic = ProfileLikelihood(model: c.model, minimizer: Self.tight)
        let full = ProfileLikelihood(model: numeric(c.model), minimizer: Self.tight)
        for statistic in [TestStatistic.qmu, .qmuTilde, .q0] {
            let a = try analytic.evaluate(statistic, mu: 1, data: c.data)
            let f = try full.evaluate(statistic, mu: 1, data: c.data)
            #expect(a.converged && f.converged)
            #expect(abs(a.value - f.value) < 1e-8, "\(c.name) \(statistic): \(a.value) vs \(f.value)")
        }
        for statistic in [TestStatistic.qmu, .qmuTilde] {
            let a = try AsymptoticCalculator(model: c.model, data: c.data, statistic: statistic, minimizer: Self.tight).test(mu: 1)
            let f = try AsymptoticCalculator(model: numeric(c.model), data: c.data, statistic: statistic, minimizer: Self.tight).test(mu: 1)
            #expect(abs(a.cls - f.cls) < 1e-8, "\(c.name) \(statistic): CLs \(a.cls) vs \(f.cls)")
            expectAllClose(a.clsExpected, f.clsExpected, rel: 1e-8, "\(c.name) expected CLs")
        }
    }

    /// Toy CLs: every pseudo-experiment's statistic agrees, hence the CLs.
    @Test(arguments: try cases())
    func toyStatisticsAgreeWithTheFullFit(_ c: Case) throws {
        let a = try ToyCalculator(model: c.model, data: c.data, toys: 100, seed: 11, threads: 2, minimizer: Self.tight)
        let f = try ToyCalculator(model: numeric(c.model), data: c.data, toys: 100, seed: 11, threads: 2, minimizer: Self.tight)
        let da = try a.distributions(mu: 1), df = try f.distributions(mu: 1)
        #expect(da.signalPlusBackground.count == 100 && df.signalPlusBackground.count == 100)
        #expect(da.convergedCount == 200 && df.convergedCount == 200, "\(c.name): \(da.convergedCount), \(df.convergedCount) fits converged")
        for (x, y) in zip(da.signalPlusBackground + da.backgroundOnly, df.signalPlusBackground + df.backgroundOnly) {
            #expect(abs(x - y) < 1e-8, "\(c.name): toy q \(x) vs \(y)")
        }
        let ra = try a.test(mu: 1), rf = try f.test(mu: 1)
        #expect(abs(ra.cls - rf.cls) < 1e-8 && ra.clsb == rf.clsb && ra.clb == rf.clb, "\(c.name): CLs \(ra.cls) vs \(rf.cls)")
    }

    /// With a covariance requested, every parameter (the profiled gammas too) gets the Hesse error of the full fit.
    @Test(arguments: try cases())
    func uncertaintiesOfEveryParameterAgree(_ c: Case) throws {
        let a = try ProfileLikelihood(model: c.model).fit(c.data)
        let f = try ProfileLikelihood(model: numeric(c.model)).fit(c.data)
        #expect(a.converged && f.converged)
        #expect(a.uncertainties.count == f.uncertainties.count && !a.uncertainties.isEmpty)
        for (k, (x, y)) in zip(a.uncertainties, f.uncertainties).enumerated() {
            #expect(abs(x - y) <= 1e-4 * max(y, 1e-3), "\(c.name): error of \(a.names[k]) \(x) vs \(y)")
        }
    }

    /// The envelope theorem: the profiled view's analytic gradient is the derivative of its value.
    @Test(arguments: try cases())
    func profiledGradientIsTheDerivativeOfTheProfiledValue(_ c: Case) throws {
        let l = try BinnedLikelihood(model: c.model, data: c.data)
        let view = try #require(l.analyticallyProfiled(holding: []))
        let rng = RandomStream(seed: 3)
        let points = (0..<5).map { _ in
            c.model.parameters.map { p in p.isFixed ? p.initial : p.initial + 0.2 * (rng.uniform() - 0.5) * min(1, p.upper - p.lower) }
        }
        expectGradientMatchesFiniteDifferences(view, at: points, tolerance: 1e-5)
    }

    /// Brute force: at random parameters and data, each profiled gamma is the minimum of the full `-ln L` over that
    /// gamma found by GSL's Brent minimiser.
    @Test(arguments: try cases())
    func eachProfiledGammaIsTheOneDimensionalMinimum(_ c: Case) throws {
        let plan = try #require(c.model.gammaAnalysis.unheldPlan)
        let rng = RandomStream(seed: 19)
        var checked = 0
        for trial in 0..<20 {
            var theta = c.model.parameters.map { p in
                p.isFixed ? p.initial : min(p.upper, max(p.lower, p.initial + (rng.uniform() - 0.5) * (trial % 2 == 0 ? 0.4 : 2)))
            }
            theta[c.model.poiIndex] = rng.uniform(0, 3)
            let data = c.model.sample(theta, rng: rng)
            let full = try BinnedLikelihood(model: c.model, data: data)
            let view = try #require(full.analyticallyProfiled(holding: []))
            let completed = view.completed(theta)
            for g in plan.gammas {
                var x = completed
                let p = c.model.parameters[g.parameter]
                let brent = try Minimization1D.brent(lo: p.lower, hi: p.upper, gridPoints: 401, absoluteTolerance: 1e-12,
                                                     relativeTolerance: 1e-10) { v in
                    x[g.parameter] = v
                    return full.negativeLogLikelihood(x)
                }
                let analytic = completed[g.parameter]
                #expect(full.negativeLogLikelihood(completed) <= brent.value + 1e-12 * max(1, abs(brent.value)),
                        "\(c.name) \(p.name): NLL at the analytic gamma above Brent's")
                #expect(abs(analytic - brent.x) < 1e-6 * max(1, abs(brent.x)), "\(c.name) \(p.name): \(analytic) vs Brent \(brent.x)")
                checked += 1
            }
        }
        #expect(checked == 20 * plan.gammas.count)
    }
}

/// ``ConditionalGamma`` on its own, over random bins and the edge cases (no events, no auxiliary count, no other
/// samples, a gamma scaling nothing, a negative rest that sends it to bisection, a constraint below the Taylor floor,
/// a minimum beyond a bound): never worse than GSL's Brent minimiser on `f`, and at the same gamma where `f` is curved.
@Suite("Conditional gamma: closed form against Brent")
struct ConditionalGammaTests {
    /// `f(gamma)` as ``BinnedLikelihood`` evaluates it, and its curvature (away from the Taylor floor).
    func f(_ g: Double, _ a: Double, _ b: Double, _ n: Double, _ c: ConditionalGamma.Constraint) -> Double {
        let main = BinnedLikelihood.poissonTerm(a + g * b, n).0
        switch c {
        case .poisson(let tau, let aux): return main + BinnedLikelihood.poissonTerm(g * tau, aux).0
        case .gaussian(let sigma, let aux): return main + (g - aux) * (g - aux) / (2 * sigma * sigma)
        }
    }

    func curvature(_ g: Double, _ a: Double, _ b: Double, _ n: Double, _ c: ConditionalGamma.Constraint) -> Double {
        let lambda = a + g * b
        let main = lambda > 0 ? n * b * b / (lambda * lambda) : 0
        switch c {
        case .poisson(_, let aux): return main + aux / (g * g)
        case .gaussian(let sigma, _): return main + 1 / (sigma * sigma)
        }
    }

    @Test func closedFormIsTheMinimum() throws {
        let lo = 1e-10, hi = 10.0
        var bins: [(Double, Double, Double, ConditionalGamma.Constraint)] = [
            (40, 50, 51, .poisson(tau: 277.8, aux: 277.8)), (40, 50, 0, .poisson(tau: 277.8, aux: 250)),
            (40, 50, 51, .poisson(tau: 55.2, aux: 0)), (0, 50, 48, .poisson(tau: 55.2, aux: 60)),
            (12, 0, 15, .poisson(tau: 30, aux: 33)), (-5, 20, 10, .poisson(tau: 16, aux: 16)),
            (3, 2, 4, .poisson(tau: 1e-13, aux: 1)), (0, 10, 1000, .poisson(tau: 1, aux: 1)),
            (40, 50, 51, .gaussian(sigma: 0.06, aux: 1)), (40, 50, 0, .gaussian(sigma: 0.06, aux: 1)),
            (0, 50, 48, .gaussian(sigma: 0.2, aux: 1.1)), (12, 0, 15, .gaussian(sigma: 0.1, aux: 0.9)),
            (-5, 20, 10, .gaussian(sigma: 0.3, aux: 1)), (0, 10, 1000, .gaussian(sigma: 5, aux: 1)),
            (30, 0.5, 0, .gaussian(sigma: 3, aux: 0.2)),
        ]
        let rng = RandomStream(seed: 23)
        for k in 0..<300 {
            let a = rng.uniform() < 0.2 ? 0 : rng.uniform(0, 100), b = rng.uniform() < 0.05 ? 0 : rng.uniform(0, 100)
            let n = rng.poisson(mean: a + b * rng.uniform(0, 2))
            let c: ConditionalGamma.Constraint = k % 2 == 0
                ? { let tau = rng.uniform(0.5, 500); return .poisson(tau: tau, aux: rng.poisson(mean: tau * rng.uniform(0.5, 1.5))) }()
                : .gaussian(sigma: rng.uniform(0.01, 1), aux: rng.normal(mean: 1, sigma: 0.2))
            bins.append((a, b, n, c))
        }
        for (a, b, n, c) in bins {
            let g = ConditionalGamma.minimum(rest: a, scaled: b, observed: n, constraint: c, lower: lo, upper: hi)
            #expect(g >= lo && g <= hi)
            let brent = try Minimization1D.brent(lo: lo, hi: hi, gridPoints: 2001, absoluteTolerance: 1e-13,
                                                 relativeTolerance: 1e-11) { f($0, a, b, n, c) }
            let fa = f(g, a, b, n, c)
            #expect(fa <= brent.value + 1e-12 * max(1, abs(brent.value)), "A \(a) B \(b) n \(n) \(c): f(\(g)) = \(fa) vs Brent f(\(brent.x)) = \(brent.value)")
            if curvature(brent.x, a, b, n, c) > 1 {
                #expect(abs(g - brent.x) < 1e-5 * max(1, brent.x), "A \(a) B \(b) n \(n) \(c): \(g) vs Brent \(brent.x)")
            }
        }
    }
}
