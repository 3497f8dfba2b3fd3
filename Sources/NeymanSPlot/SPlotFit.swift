import NeymanCore
import NeymanStats

/// The model of an sPlot fit: a signal and a background shape of one discriminating variable on a range.
public struct SPlotModel: Sendable {
    public let signal: any ComponentPDF
    public let background: any ComponentPDF
    public let range: FitRange

    public init(signal: any ComponentPDF, background: any ComponentPDF, range: FitRange) {
        self.signal = signal
        self.background = background
        self.range = range
    }

    /// The model from command-line names (`voigt`, `chebyshev:3`, ...; see ``PDFCatalog``).
    public init(signal: String, background: String, range: FitRange) throws {
        self.init(signal: try PDFCatalog.make(signal, range: range, option: "signal"),
                  background: try PDFCatalog.make(background, range: range, option: "background"), range: range)
    }

    /// Full parameter names in fit order: `signal.yield`, `background.yield`, `signal.<shape>...`, `background.<shape>...`.
    public var parameterNames: [String] {
        ["signal.yield", "background.yield"] + signal.parameterNames(range: range).map { "signal.\($0)" }
            + background.parameterNames(range: range).map { "background.\($0)" }
    }
}

/// The outcome of ``SPlotFit/fit(masses:weights:model:fixed:start:options:)``.
public struct SPlotFitResult: Sendable {
    public let model: SPlotModel
    /// The minimiser's result over all parameters (``SPlotModel/parameterNames`` order).
    public let fit: FitResult
    /// Indices (into the input) of the events inside the range, the ones fitted.
    public let eventsInRange: [Int]
    /// The names of the parameters held fixed.
    public let fixedNames: [String]

    public var converged: Bool { fit.converged }
    /// `(N_s, N_b)`.
    public var yields: (signal: Double, background: Double) { (fit.values[0], fit.values[1]) }
    /// Hesse errors of the yields (NaN without a covariance).
    public var yieldErrors: (signal: Double, background: Double) { (fit.uncertainties[0], fit.uncertainties[1]) }
    /// The 2x2 covariance of `(N_s, N_b)` from the full fit, row-major, or `nil`.
    public var yieldCovariance: [Double]? {
        fit.covariance.map { c in let n = fit.names.count; return [c[0], c[1], c[n], c[n + 1]] }
    }
    /// The fitted shape parameters of the signal and the background.
    public var shapes: (signal: [Double], background: [Double]) {
        let ns = model.signal.parameters(range: model.range).count
        return (Array(fit.values[2..<(2 + ns)]), Array(fit.values[(2 + ns)...]))
    }
    /// The two pdfs normalised at the fitted shapes.
    public var normalizedPDFs: (signal: NormalizedPDF, background: NormalizedPDF) {
        let (ps, pb) = shapes
        return (NormalizedPDF(model.signal, parameters: ps, range: model.range),
                NormalizedPDF(model.background, parameters: pb, range: model.range))
    }
}

/// The extended maximum-likelihood fit of signal and background yields and shapes in one variable
/// (``ExtendedMassLikelihood``), by NeymanStats' ``Minimizer`` (BFGS with bounds, Hesse covariance, convergence flag).
///
/// Events outside the range take no part; their indices are absent from ``SPlotFitResult/eventsInRange``.
/// Starting values: yields and shapes from the data (``StartingValues``), each clamped into its bounds, then
/// overridden by `start`; `fixed` parameters are held at the given values.
///
/// A fit with more free parameters than events (of non-zero weight) in the range is never a unique minimum, whatever
/// the minimiser reports: its result is `converged == false` with ``tooFewEventsStatus(free:events:)`` as status.
/// So is a fit whose Hessian is not positive definite (``Minimizer``).
///
/// See also ``SWeights`` for what to do with the result, and ``ZBosonSample`` for a worked example.
public enum SPlotFit {
    /// The status of a fit with more free parameters than events.
    public static func tooFewEventsStatus(free: Int, events: Int) -> String {
        "not converged: \(free) free parameters but only \(events) event\(events == 1 ? "" : "s") in the range; "
            + "the parameters are not determined by the data (fix some of them)"
    }

    /// - Parameters:
    ///   - masses: the discriminating variable, one value per event (any events; out-of-range ones are skipped).
    ///   - weights: per-event weights, or `nil`.
    ///   - fixed: full parameter names (`signal.width`) -> value held fixed.
    ///   - start: full parameter names -> starting value.
    /// - Throws: ``NeymanError/invalidInput(_:_:)`` for an unknown parameter name or a value outside its bounds (naming
    ///   the parameter), non-finite masses or weights (naming the 1-based event), no events in the range, or
    ///   a non-positive total weight in the range.
    public static func fit(masses: [Double], weights: [Double]? = nil, model: SPlotModel, fixed: [String: Double] = [:],
                           start: [String: Double] = [:], options: MinimizerOptions = MinimizerOptions()) throws -> SPlotFitResult {
        if let w = weights, w.count != masses.count {
            throw NeymanError.invalid("\(w.count) weights for \(masses.count) events", parameter: "weights")
        }
        var inRange: [Int] = []
        for (i, m) in masses.enumerated() {
            guard m.isFinite else { throw NeymanError.invalid("event \(i + 1) has a non-finite mass \(m)", parameter: "mass") }
            if let w = weights, !w[i].isFinite { throw NeymanError.invalid("event \(i + 1) has a non-finite weight", parameter: "weights") }
            if model.range.contains(m) { inRange.append(i) }
        }
        guard !inRange.isEmpty else {
            throw NeymanError.invalid("no events inside the range [\(model.range.lo), \(model.range.hi)] (of \(masses.count))", parameter: "range")
        }
        let m = inRange.map { masses[$0] }
        let w = weights.map { ws in inRange.map { ws[$0] } }
        let total = w.map { $0.reduce(0, +) } ?? Double(m.count)
        guard total > 0 else { throw NeymanError.invalid("the total weight in the range is \(total); it must be positive", parameter: "weights") }

        let guess = StartingValues(masses: m, weights: w, range: model.range)
        var x0 = [guess.signalYield, guess.backgroundYield] + model.signal.startingValues(guess) + model.background.startingValues(guess)
        let names = model.parameterNames
        var likelihood = ExtendedMassLikelihood(signal: model.signal, background: model.background, range: model.range,
                                                masses: m, weights: w, start: x0)
        let pars = likelihood.parameters
        for k in pars.indices { x0[k] = min(max(x0[k], pars[k].lower), pars[k].upper) }
        func index(_ name: String, option: String) throws -> Int {
            guard let k = names.firstIndex(of: name) else {
                throw NeymanError.invalid("unknown parameter '\(name)' for --\(option); parameters: \(names.joined(separator: ", "))", parameter: name)
            }
            return k
        }
        func checked(_ name: String, _ value: Double, option: String) throws -> Int {
            let k = try index(name, option: option)
            guard value.isFinite, value >= pars[k].lower, value <= pars[k].upper else {
                throw NeymanError.invalid("value \(value) for --\(option) is outside the bounds [\(pars[k].lower), \(pars[k].upper)]", parameter: name)
            }
            return k
        }
        for (name, v) in start.sorted(by: { $0.key < $1.key }) { x0[try checked(name, v, option: "start")] = v }
        var fixedIndex: [Int: Double] = [:]
        for (name, v) in fixed.sorted(by: { $0.key < $1.key }) {
            let k = try checked(name, v, option: "fix")
            fixedIndex[k] = v
            x0[k] = v
        }
        for k in pars.indices { likelihood.parameters[k].initial = x0[k] }
        var result = try Minimizer(options: options).minimize(likelihood, start: x0, fixed: fixedIndex)
        let freeCount = pars.indices.filter { fixedIndex[$0] == nil }.count
        let eventCount = w.map { $0.filter { $0 != 0 }.count } ?? m.count
        if freeCount > eventCount {
            result = result.markedNotConverged(Self.tooFewEventsStatus(free: freeCount, events: eventCount))
        }
        return SPlotFitResult(model: model, fit: result, eventsInRange: inRange,
                              fixedNames: fixedIndex.keys.sorted().map { names[$0] })
    }
}
