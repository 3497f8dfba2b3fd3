import ArgumentParser
import NeymanSPlot
import NeymanStats
import NeymanStudies

// Options that take one of a fixed set of words are enums the argument parser validates: a wrong word exits 2 with
// the list of accepted words (CLIExit), before any work starts. `neyman VERB --help` lists them.

/// `--calculator`: how p-values are obtained.
enum Calculator: String, CaseIterable, ExpressibleByArgument {
    /// The asymptotic formulae of Cowan, Cranmer, Gross, Vitells (arXiv:1007.1727), docs/formulas.md §3.
    case asymptotic
    /// Pseudo-experiments (toys) under each hypothesis.
    case toys
}

/// `--test-stat` of `cls` and `upper-limit`: the one-sided test statistics for limits (q0 is `significance`'s own).
enum LimitTestStatistic: String, CaseIterable, ExpressibleByArgument {
    /// `q~_mu`, with `mu_hat` constrained to be >= 0 (pyhf's default).
    case qtilde
    /// `q_mu`.
    case q

    /// The statistic NeymanStats computes.
    var statistic: TestStatistic { self == .qtilde ? .qmuTilde : .qmu }
}

// The library enums (same package, so no retroactive conformance) whose raw values are the CLI's words: `--constraint`, `--overflow`, `sweights --method`, `--scale`.
extension BackgroundConstraint: ExpressibleByArgument {}
extension GammaProfiling: ExpressibleByArgument {}
extension HistogramReweighting.OverflowPolicy: ExpressibleByArgument {}
extension SWeightsMethod: ExpressibleByArgument {}
extension StudyScale: ExpressibleByArgument {}
