import Foundation
import NeymanCore

/// How the per-bin background uncertainty of ``BinnedModel/uncorrelatedBackground(signal:background:uncertainty:constraint:)``
/// is constrained.
public enum BackgroundConstraint: String, Sendable, CaseIterable {
    /// pyhf `shapesys`: `aux ~ Pois(gamma tau)`, `tau = (b / delta_b)^2` (a Gamma-distributed prior on gamma).
    case poisson
    /// pyhf `staterror`-like: `aux = 1 ~ N(gamma, delta_b / b)`.
    case gaussian
}

extension BinnedModel {
    /// The model of pyhf's `simplemodels.uncorrelated_background`: a signal scaled by `mu` (bounds `[0, 10]`,
    /// start 1) over a background whose yield in bin `b` is scaled by its own `gamma_b` (bounds `[1e-10, 10]`,
    /// start 1), constrained by an auxiliary measurement with relative width `delta_b / b`.
    ///
    /// Parameter names follow pyhf: `mu`, `uncorr_bkguncrt[0]`, `uncorr_bkguncrt[1]`, ...
    /// Without `uncertainty` the background is known exactly and `mu` is the only parameter (a counting
    /// experiment per bin).
    ///
    /// - Throws: ``NeymanError`` naming the option at fault: mismatched bin counts, negative signal, background
    ///   `<= 0`, uncertainty `<= 0`, non-finite values.
    public static func uncorrelatedBackground(signal: [Double], background: [Double], uncertainty: [Double]?,
                                              constraint: BackgroundConstraint = .poisson) throws -> BinnedModel {
        let n = signal.count
        guard n > 0 else { throw NeymanError.invalid("no bins given", parameter: "s") }
        guard background.count == n else {
            throw NeymanError.invalid("\(background.count) background values for \(n) signal bins", parameter: "b")
        }
        for (i, s) in signal.enumerated() where !(s.isFinite && s >= 0) {
            throw NeymanError.invalid("signal in bin \(i) is \(s); it must be finite and >= 0", parameter: "s")
        }
        guard signal.contains(where: { $0 > 0 }) else {
            throw NeymanError.invalid("the signal is zero in every bin: mu cannot be measured", parameter: "s")
        }
        for (i, b) in background.enumerated() where !(b.isFinite && b > 0) {
            throw NeymanError.invalid("background in bin \(i) is \(b); it must be finite and > 0", parameter: "b")
        }
        var parameters = [Parameter("mu", initial: 1, lower: 0, upper: 10)]
        let channel = Channel(name: "singlechannel", bins: 0..<n)
        let signalSample = Sample(name: "signal", nominal: signal, modifiers: [.normfactor(parameter: 0)])
        guard let uncertainty else {
            return try BinnedModel(channels: [channel],
                                   samples: [signalSample, Sample(name: "background", nominal: background, modifiers: [])],
                                   parameters: parameters, poiIndex: 0, constraints: [], nominalAuxiliary: [])
        }
        guard uncertainty.count == n else {
            throw NeymanError.invalid("\(uncertainty.count) background uncertainties for \(n) bins", parameter: "b-uncertainty")
        }
        for (i, u) in uncertainty.enumerated() where !(u.isFinite && u > 0) {
            throw NeymanError.invalid("background uncertainty in bin \(i) is \(u); it must be finite and > 0", parameter: "b-uncertainty")
        }
        var gammas: [Int?] = []
        var constraints: [Constraint] = []
        var aux: [Double] = []
        for i in 0..<n {
            parameters.append(Parameter("uncorr_bkguncrt[\(i)]", initial: 1, lower: 1e-10, upper: 10))
            gammas.append(i + 1)
            let rel = uncertainty[i] / background[i]
            switch constraint {
            case .poisson:
                // pyhf: tau = b^2 / delta_b^2, computed in this order so the auxiliary data are bit-identical.
                let tau = (background[i] * background[i]) / (uncertainty[i] * uncertainty[i])
                constraints.append(.poisson(parameter: i + 1, auxIndex: i, tau: tau))
                aux.append(tau)
            case .gaussian:
                constraints.append(.gaussian(parameter: i + 1, auxIndex: i, sigma: rel))
                aux.append(1)
            }
        }
        let bkg = Sample(name: "background", nominal: background, modifiers: [.perBin(parameters: gammas)])
        return try BinnedModel(channels: [channel], samples: [signalSample, bkg], parameters: parameters, poiIndex: 0,
                               constraints: constraints, nominalAuxiliary: aux)
    }

    /// Observed counts plus the nominal auxiliary data: pyhf's `observations + model.config.auxdata`.
    public func data(observed: [Double]) throws -> BinnedData {
        let d = BinnedData(main: observed, auxiliary: nominalAuxiliary)
        do { try validate(d) } catch let e as NeymanError {
            throw NeymanError.invalid(e.message, parameter: "n")
        }
        return d
    }
}
