import Foundation
import NeymanCore

/// A binned model in the HistFactory form used by pyhf and RooStats: samples with nominal yields per bin,
/// modified by parameters, plus constraint terms for the nuisance parameters.
///
/// ```
///   lambda_b(theta) = sum_s [ nominal_sb + sum_h Delta_h,sb(alpha_h) ] * prod_m f_m,sb(theta)
///   -ln L = sum_b [ lambda_b - n_b ln lambda_b + ln Gamma(n_b + 1) ] + sum_c (constraint terms)
/// ```
/// Multiplicative modifiers `f`: `normfactor` (`mu`), `lumi`, `normsys` (interpolation code 4), and the per-bin
/// `shapesys` / `staterror` / `shapefactor` gammas. Additive: `histosys` (interpolation code 4p).
/// Constraints: Gaussian (`aux ~ N(theta, sigma)`) and Poisson (`aux ~ Pois(gamma tau)`, pyhf's `shapesys`
/// with `tau = (b/delta_b)^2`).
///
/// The model is a specification; evaluate it with ``BinnedLikelihood`` on a ``BinnedData``. It is a value type
/// and safe to share across threads.
public struct BinnedModel: Sendable {
    /// A modifier of one sample. Parameter indices refer to ``parameters``.
    public enum Modifier: Sendable {
        /// Free normalisation `f = theta` (pyhf `normfactor`).
        case normfactor(parameter: Int)
        /// Luminosity `f = theta` (constrained by a Gaussian in ``constraints``).
        case lumi(parameter: Int)
        /// Normalisation systematic, interpolation code 4 (see ``NormsysInterpolation``).
        case normsys(parameter: Int, interpolation: NormsysInterpolation)
        /// Shape systematic, interpolation code 4p, additive: per-bin `up` and `down` templates.
        case histosys(parameter: Int, up: [Double], down: [Double])
        /// A per-bin multiplicative gamma (`shapesys`, `staterror`, `shapefactor`): one parameter index per bin,
        /// `nil` for bins it does not touch.
        case perBin(parameters: [Int?])
    }

    /// A constraint term on one nuisance parameter, with its auxiliary measurement at ``auxIndex``.
    public enum Constraint: Sendable {
        /// `aux ~ N(theta, sigma^2)`: `-ln p = (theta - aux)^2 / (2 sigma^2) + ln(sigma sqrt(2 pi))`.
        case gaussian(parameter: Int, auxIndex: Int, sigma: Double)
        /// `aux ~ Pois(gamma tau)` (continuous): `-ln p = gamma tau - aux ln(gamma tau) + ln Gamma(aux + 1)`.
        case poisson(parameter: Int, auxIndex: Int, tau: Double)

        public var parameter: Int {
            switch self { case .gaussian(let p, _, _), .poisson(let p, _, _): return p }
        }
        public var auxIndex: Int {
            switch self { case .gaussian(_, let a, _), .poisson(_, let a, _): return a }
        }
    }

    /// One sample (a process): its name, nominal yields per bin, and modifiers.
    public struct Sample: Sendable {
        public var name: String
        public var nominal: [Double]
        public var modifiers: [Modifier]

        public init(name: String, nominal: [Double], modifiers: [Modifier]) {
            self.name = name
            self.nominal = nominal
            self.modifiers = modifiers
        }
    }

    /// A named block of consecutive bins (a channel / region).
    public struct Channel: Sendable, Equatable {
        public var name: String
        public var bins: Range<Int>
        public init(name: String, bins: Range<Int>) { self.name = name; self.bins = bins }
    }

    public let channels: [Channel]
    public let samples: [Sample]
    public let parameters: [Parameter]
    public let poiIndex: Int
    public let constraints: [Constraint]
    /// The nominal auxiliary data (constraint centres), one per constraint, indexed by ``Constraint/auxIndex``.
    public let nominalAuxiliary: [Double]
    /// The flat tables the likelihood evaluates (built once per model, shared by every likelihood of it).
    let compiled: CompiledBinnedModel
    /// The gammas that fits can profile in closed form (built once per model).
    let gammaAnalysis: GammaProfilingAnalysis
    /// Whether fits profile the per-bin gammas in closed form (``GammaProfiling/analytic``, the default) or move every
    /// parameter numerically (``GammaProfiling/numeric``). Both reach the same minimum; see ``GammaProfilingAnalysis``
    /// for which gammas qualify.
    public var gammaProfiling: GammaProfiling = .analytic

    /// Total number of bins over all channels.
    public var binCount: Int { channels.last?.bins.upperBound ?? 0 }

    /// Builds a model and checks its consistency (lengths, indices, positive sigmas and taus).
    public init(channels: [Channel], samples: [Sample], parameters: [Parameter], poiIndex: Int,
                constraints: [Constraint], nominalAuxiliary: [Double]) throws {
        let nBins = channels.last?.bins.upperBound ?? 0
        guard nBins > 0 else { throw NeymanError.invalid("the model has no bins") }
        guard parameters.indices.contains(poiIndex) else {
            throw NeymanError.invalid("parameter of interest index \(poiIndex) out of range")
        }
        for s in samples {
            guard s.nominal.count == nBins else {
                throw NeymanError.invalid("sample '\(s.name)' has \(s.nominal.count) bins, the model has \(nBins)")
            }
            for m in s.modifiers {
                switch m {
                case .normfactor(let p), .lumi(let p), .normsys(let p, _):
                    guard parameters.indices.contains(p) else { throw NeymanError.invalid("modifier parameter index \(p) out of range") }
                case .histosys(let p, let up, let down):
                    guard parameters.indices.contains(p), up.count == nBins, down.count == nBins else {
                        throw NeymanError.invalid("histosys of sample '\(s.name)' is inconsistent")
                    }
                case .perBin(let ps):
                    guard ps.count == nBins, ps.allSatisfy({ $0.map { parameters.indices.contains($0) } ?? true }) else {
                        throw NeymanError.invalid("per-bin modifier of sample '\(s.name)' is inconsistent")
                    }
                }
            }
        }
        for c in constraints {
            guard parameters.indices.contains(c.parameter), nominalAuxiliary.indices.contains(c.auxIndex) else {
                throw NeymanError.invalid("constraint indices out of range")
            }
            switch c {
            case .gaussian(_, _, let sigma):
                guard sigma > 0, sigma.isFinite else {
                    throw NeymanError.invalid("Gaussian constraint width must be positive", parameter: parameters[c.parameter].name)
                }
            case .poisson(_, _, let tau):
                guard tau > 0, tau.isFinite else {
                    throw NeymanError.invalid("Poisson constraint tau must be positive", parameter: parameters[c.parameter].name)
                }
            }
        }
        self.channels = channels
        self.samples = samples
        self.parameters = parameters
        self.poiIndex = poiIndex
        self.constraints = constraints
        self.nominalAuxiliary = nominalAuxiliary
        self.compiled = CompiledBinnedModel(channels: channels, samples: samples, constraints: constraints)
        self.gammaAnalysis = GammaProfilingAnalysis(samples: samples, parameters: parameters, constraints: constraints,
                                                    compiled: compiled)
    }

    /// The parameters' initial values (pyhf's `suggested_init`).
    public var initialValues: [Double] { parameters.map(\.initial) }

    /// The same model with the parameter of interest given new bounds (e.g. unbounded below for `q_mu`).
    public func withPOIBounds(lower: Double, upper: Double) -> BinnedModel {
        if parameters[poiIndex].lower == lower && parameters[poiIndex].upper == upper { return self }
        var pars = parameters
        pars[poiIndex].lower = lower
        pars[poiIndex].upper = upper
        // Cannot fail: only bounds changed.
        guard var m = try? BinnedModel(channels: channels, samples: samples, parameters: pars, poiIndex: poiIndex,
                                       constraints: constraints, nominalAuxiliary: nominalAuxiliary) else { return self }
        m.gammaProfiling = gammaProfiling
        return m
    }

    // MARK: Expected data

    /// `lambda_b(theta)` for every bin (the same compiled tables the likelihood evaluates).
    public func expectedMain(_ theta: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: binCount)
        theta.withUnsafeBufferPointer { th in
            out.withUnsafeMutableBufferPointer { o in compiled.expected(th.firstAddress, into: o.firstAddress) }
        }
        return out
    }

    /// Expected auxiliary data at `theta`: `theta` for Gaussian constraints, `gamma tau` for Poisson ones.
    public func expectedAuxiliary(_ theta: [Double]) -> [Double] {
        var aux = nominalAuxiliary
        for c in constraints {
            switch c {
            case .gaussian(let p, let a, _): aux[a] = theta[p]
            case .poisson(let p, let a, let tau): aux[a] = theta[p] * tau
            }
        }
        return aux
    }

    /// The Asimov data set at `theta`: main and auxiliary data replaced by their expectations (CCGV section 3.2).
    public func asimovData(_ theta: [Double]) -> BinnedData {
        BinnedData(main: expectedMain(theta), auxiliary: expectedAuxiliary(theta))
    }

    /// A pseudo-experiment at `theta`: `n_b ~ Pois(lambda_b)`, and every auxiliary measurement fluctuated
    /// (`N(theta, sigma)` for Gaussian constraints, `Pois(gamma tau)` for Poisson ones), as RooStats and pyhf do.
    public func sample(_ theta: [Double], rng: RandomStream) -> BinnedData {
        let lambda = expectedMain(theta)
        var main = [Double](repeating: 0, count: lambda.count)
        for b in 0..<lambda.count { main[b] = rng.poisson(mean: max(lambda[b], 0)) }
        var aux = nominalAuxiliary
        for c in constraints {
            switch c {
            case .gaussian(let p, let a, let sigma): aux[a] = rng.normal(mean: theta[p], sigma: sigma)
            case .poisson(let p, let a, let tau): aux[a] = rng.poisson(mean: max(theta[p] * tau, 0))
            }
        }
        return BinnedData(main: main, auxiliary: aux)
    }

    /// Checks observed data against the model: one count per bin, counts finite and `>= 0`, one auxiliary value
    /// per constraint.
    public func validate(_ data: BinnedData) throws {
        guard data.main.count == binCount else {
            throw NeymanError.invalid("the data have \(data.main.count) bins, the model has \(binCount)")
        }
        for (b, n) in data.main.enumerated() where !(n.isFinite && n >= 0) {
            throw NeymanError.invalid("observed count \(n) in bin \(b) must be finite and >= 0")
        }
        guard data.auxiliary.count == nominalAuxiliary.count else {
            throw NeymanError.invalid("the data have \(data.auxiliary.count) auxiliary values, the model has \(nominalAuxiliary.count)")
        }
    }
}

extension BinnedModel {
    /// The largest count, yield or template value a test accepts: `1e12`. Beyond it the rounding of `-ln L` (about
    /// `1e-16 * n ln n` per bin) reaches `1e-3` and the test statistic, a difference of two such values, is no longer
    /// accurate; no physical bin comes near it (and `b = 1e300` would make every `mu` look the same).
    public static let maximumCount = 1e12

    /// Where bin `b` sits, for messages: `"bin 3"`, or `"channel 'sr' bin 1"` for a named channel.
    public func binDescription(_ b: Int) -> String {
        guard let c = channels.first(where: { $0.bins.contains(b) }), channels.count > 1 || c.name != "singlechannel" else {
            return "bin \(b)"
        }
        return "channel '\(c.name)' bin \(b - c.bins.lowerBound)"
    }

    /// Checks that a test of `mu` on `data` means something, before any fit:
    /// - the yields are not all 0, and every nominal yield, template value and observed count is at most
    ///   ``maximumCount`` in size;
    /// - `mu` changes the expected counts in some bin (`lambda(mu = 1) != lambda(mu = 0)` with the other parameters at
    ///   their initial values): otherwise the data say nothing about `mu`;
    /// - every bin with observed events has some sample that can contribute to it (otherwise `-ln L` is infinite for
    ///   every parameter value).
    ///
    /// - Throws: ``NeymanError/invalidInput(_:_:)`` naming the sample and bin (or the parameter of interest).
    public func checkTestable(_ data: BinnedData) throws {
        try validate(data)
        let poiName = parameters[poiIndex].name
        for sample in samples {
            var values = sample.nominal.enumerated().map { ($0.offset, $0.element, "nominal yield") }
            for m in sample.modifiers {
                if case .histosys(_, let up, let down) = m {
                    values += up.enumerated().map { ($0.offset, $0.element, "histosys up template") }
                    values += down.enumerated().map { ($0.offset, $0.element, "histosys down template") }
                }
            }
            for (b, v, what) in values where !(abs(v) <= Self.maximumCount) {
                throw NeymanError.invalid("the \(what) of sample '\(sample.name)' in \(binDescription(b)) is \(v); "
                                          + "values must be finite and at most \(String(format: "%g", Self.maximumCount)) in size", key: sample.name)
            }
        }
        for (b, n) in data.main.enumerated() where n > Self.maximumCount {
            throw NeymanError.invalid("the observed count in \(binDescription(b)) is \(n); counts must be at most \(String(format: "%g", Self.maximumCount))")
        }
        guard samples.contains(where: { s in s.nominal.contains { $0 != 0 } }) else {
            throw NeymanError.invalid("every sample's yield is 0 in every bin: the model predicts no events", parameter: poiName)
        }
        var theta = initialValues
        theta[poiIndex] = 1
        let atOne = expectedMain(theta)
        theta[poiIndex] = 0
        let atZero = expectedMain(theta)
        guard atOne != atZero else {
            throw NeymanError.invalid("the parameter of interest '\(poiName)' does not change the expected counts in any bin "
                                      + "(the samples it scales have zero yield): the data cannot measure it", parameter: poiName)
        }
        var reachable = [Bool](repeating: false, count: binCount)
        for bin in compiled.termBin { reachable[bin] = true }
        for (b, n) in data.main.enumerated() where n > 0 && !reachable[b] {
            throw NeymanError.invalid("\(binDescription(b)) has \(n) observed events but no sample contributes to it "
                                      + "(every yield there is 0): the likelihood is 0 for any parameters")
        }
    }
}

/// Observed (or pseudo-) data of a ``BinnedModel``: main-measurement counts per bin and the auxiliary
/// measurements of the constraints (pyhf's `data = observations + model.config.auxdata`).
public struct BinnedData: Sendable, Equatable {
    public var main: [Double]
    public var auxiliary: [Double]

    public init(main: [Double], auxiliary: [Double]) {
        self.main = main
        self.auxiliary = auxiliary
    }

    /// Main then auxiliary, pyhf's flat layout.
    public var flattened: [Double] { main + auxiliary }
}
