import Foundation

/// How the fits of a ``BinnedModel`` treat its per-bin constrained gammas (`shapesys`, `staterror`).
///
/// The two give the same minimum (the profiled `-ln L` of a gamma alone in its bin is exact, see ``ConditionalGamma``):
/// the analytic one fits over the shared parameters only, far faster for toys; the numeric one is kept as a check and
/// for comparison.
public enum GammaProfiling: String, Sendable, CaseIterable {
    /// A gamma that is the only free constrained per-bin parameter in its bin is set to its conditional minimum in
    /// closed form at every evaluation, and the minimiser moves the other parameters alone (default).
    case analytic
    /// Every free parameter is a coordinate of the numerical minimisation (the full fit).
    case numeric
}

/// Which parameters of a ``BinnedModel`` can be profiled in closed form, found once per model.
///
/// A parameter is a *candidate* when it is free (not ``Parameter/isFixed``, finite bounds), has exactly one
/// constraint (Poisson or Gaussian), appears only in per-bin modifiers, all in one bin, and at most once per sample.
/// For a fit holding the parameters `held`, the gammas profiled are the candidates not held that are the *only* such
/// candidate in their bin: two gammas in one bin (a `shapesys` on two samples, or a `shapesys` and a `staterror`)
/// make that bin's stationarity a coupled system with no closed form, so both stay ordinary parameters of the
/// numerical fit (the other bins are still profiled; a model where every bin is like that is fitted in full).
struct GammaProfilingAnalysis: Sendable {
    /// Per parameter: the bin a candidate acts on, or -1.
    let candidateBin: [Int]
    /// Per parameter: the index of a candidate's constraint in ``CompiledBinnedModel/constraints``.
    let constraintIndex: [Int]
    /// Per bin: the candidates acting on it.
    let binCandidates: [[Int]]
    /// The plan when no parameter beyond the model's fixed ones is held (`nil`: nothing to profile).
    let unheldPlan: GammaProfilingPlan?

    init(samples: [BinnedModel.Sample], parameters: [Parameter], constraints: [BinnedModel.Constraint],
         compiled: CompiledBinnedModel) {
        let n = parameters.count
        var bin = [Int](repeating: -1, count: n)
        var excluded = [Bool](repeating: false, count: n)
        for s in samples {
            var inSample = Set<Int>()
            for m in s.modifiers {
                switch m {
                case .normfactor(let p), .lumi(let p), .normsys(let p, _), .histosys(let p, _, _):
                    excluded[p] = true
                case .perBin(let ps):
                    for (b, entry) in ps.enumerated() {
                        guard let p = entry else { continue }
                        if !inSample.insert(p).inserted { excluded[p] = true }
                        if bin[p] == -1 { bin[p] = b } else if bin[p] != b { excluded[p] = true }
                    }
                }
            }
        }
        var constraintCount = [Int](repeating: 0, count: n)
        var constraintIndex = [Int](repeating: -1, count: n)
        for (c, con) in constraints.enumerated() {
            constraintCount[con.parameter] += 1
            constraintIndex[con.parameter] = c
        }
        var binCandidates = [[Int]](repeating: [], count: compiled.binCount)
        for p in 0..<n {
            let par = parameters[p]
            let ok = !excluded[p] && bin[p] >= 0 && constraintCount[p] == 1 && !par.isFixed
                && par.lower.isFinite && par.upper.isFinite && par.lower < par.upper
            if ok { binCandidates[bin[p]].append(p) } else { bin[p] = -1 }
        }
        self.candidateBin = bin
        self.constraintIndex = constraintIndex
        self.binCandidates = binCandidates
        self.unheldPlan = Self.makePlan(binCandidates: binCandidates, constraintIndex: constraintIndex, parameters: parameters,
                                        compiled: compiled, held: [])
    }

    /// The plan for a fit holding `held` (parameter indices) fixed; `nil` when no gamma can be profiled.
    func plan(holding held: Set<Int>, parameters: [Parameter], compiled: CompiledBinnedModel) -> GammaProfilingPlan? {
        if held.allSatisfy({ !candidateBin.indices.contains($0) || candidateBin[$0] < 0 }) { return unheldPlan }
        return Self.makePlan(binCandidates: binCandidates, constraintIndex: constraintIndex, parameters: parameters,
                             compiled: compiled, held: held)
    }

    private static func makePlan(binCandidates: [[Int]], constraintIndex: [Int], parameters: [Parameter],
                                 compiled: CompiledBinnedModel, held: Set<Int>) -> GammaProfilingPlan? {
        var gammas: [GammaProfilingPlan.Gamma] = []
        var binGamma = [Int](repeating: -1, count: compiled.binCount)
        for (b, candidates) in binCandidates.enumerated() {
            let free = candidates.filter { !held.contains($0) }
            guard free.count == 1, let p = free.first else { continue }
            binGamma[b] = p
            gammas.append(.init(parameter: p, bin: b, constraint: constraintIndex[p],
                                lower: parameters[p].lower, upper: parameters[p].upper))
        }
        guard !gammas.isEmpty else { return nil }
        var termSlot = [Int](repeating: -1, count: compiled.termCount)
        for t in 0..<compiled.termCount {
            let p = binGamma[compiled.termBin[t]]
            guard p >= 0 else { continue }
            for j in compiled.termStart[t]..<compiled.termStart[t + 1]
            where compiled.modKind[j] == .multiply && compiled.modParameter[j] == p {
                termSlot[t] = j
            }
        }
        var profiled = [Bool](repeating: false, count: parameters.count)
        for g in gammas { profiled[g.parameter] = true }
        return GammaProfilingPlan(gammas: gammas, termSlot: termSlot, profiled: profiled)
    }
}

/// The gammas one fit profiles in closed form, and where each sits in the compiled model.
struct GammaProfilingPlan: Sendable {
    /// One profiled gamma: its parameter, its bin, its constraint (index into ``CompiledBinnedModel/constraints``)
    /// and its bounds.
    struct Gamma: Sendable {
        let parameter: Int
        let bin: Int
        let constraint: Int
        let lower: Double
        let upper: Double
    }

    let gammas: [Gamma]
    /// Per compiled term: the modifier-table index of the profiled gamma's factor in it, or -1 (the term is `A`).
    let termSlot: [Int]
    /// Per parameter: whether it is profiled.
    let profiled: [Bool]
}

extension CompiledBinnedModel {
    /// ``ConditionalGamma``'s split of every bin's expectation at `theta`: `scaled[b]` sums the terms that carry the
    /// bin's profiled gamma, evaluated without that factor (`B`); `rest[b]` the other terms (`A`).
    @inline(__always)
    func expectedSplit(_ theta: UnsafePointer<Double>, termSlot: UnsafePointer<Int>, rest: UnsafeMutablePointer<Double>,
                       scaled: UnsafeMutablePointer<Double>) {
        for b in 0..<binCount { rest[b] = 0; scaled[b] = 0 }
        withTables { tBin, tNom, tStart, mKind, mPar, mAux in
            for t in 0..<termCount {
                var base = tNom[t]
                var factor = 1.0
                let skip = termSlot[t]
                for j in tStart[t]..<tStart[t + 1] where j != skip {
                    let p = mPar[j]
                    switch mKind[j] {
                    case .multiply: factor *= theta[p]
                    case .normsys: factor *= normsys[mAux[j]].factor(theta[p])
                    case .histosys:
                        base += HistosysInterpolation.delta(theta[p], nominal: tNom[t], up: histoUp[mAux[j]], down: histoDown[mAux[j]])
                    }
                }
                if skip >= 0 { scaled[tBin[t]] += base * factor } else { rest[tBin[t]] += base * factor }
            }
        }
    }
}
