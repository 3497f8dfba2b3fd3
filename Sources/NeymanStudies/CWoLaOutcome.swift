import Foundation
import NeymanCore
import NeymanNN
import NeymanReport
import NeymanStats

/// The AUCs and ratio curves of one toy.
struct CWoLaOutcome {
    var toy: CWoLaToy
    var exactOnTest: AUCPlacements
    var supervised: AUCPlacements
    var supervisedNetwork: TrainedNetwork
    var cwola: [AUCPlacements]
    var cwolaNetworks: [TrainedNetwork]
    /// Back-converted `L_{S/B}` of each CWoLa network along the line.
    var cwolaRatio: [[Double]]
    /// Largest `|L^/L - 1|` in the bulk: each CWoLa network (back-converted) and the supervised one.
    var cwolaDeviation: [Double]
    var supervisedDeviation: Double

    init(toy: CWoLaToy, exactOnTest: AUCPlacements, supervised: AUCPlacements, supervisedNetwork: TrainedNetwork,
         cwola: [AUCPlacements], cwolaNetworks: [TrainedNetwork], pairs: [CWoLaFractions]) {
        self.toy = toy
        self.exactOnTest = exactOnTest
        self.supervised = supervised
        self.supervisedNetwork = supervisedNetwork
        self.cwola = cwola
        self.cwolaNetworks = cwolaNetworks
        cwolaRatio = zip(cwolaNetworks, pairs).map { net, p in net.curveRatio.map { p.signalRatio(mixedRatio: $0) } }
        cwolaDeviation = cwolaRatio.map { CWoLaOutcome.maxDeviation($0, toy: toy) }
        supervisedDeviation = CWoLaOutcome.maxDeviation(supervisedNetwork.curveRatio, toy: toy)
    }

    /// `max |learned / exact - 1|` over the line's points in the bulk (`+inf` if a learned value is infinite).
    static func maxDeviation(_ learned: [Double], toy: CWoLaToy) -> Double {
        var worst = 0.0
        for i in toy.curveX.indices where abs(toy.curveX[i]) <= toy.bulkHalfWidth {
            let d = abs(learned[i] / toy.curveExact[i] - 1)
            worst = d.isNaN ? .infinity : max(worst, d)
        }
        return worst
    }

    func json(pairs: [CWoLaFractions]) -> JSONValue {
        let rows: [JSONValue] = pairs.indices.map { i in
            .object([("f1", .number(pairs[i].f1)), ("f2", .number(pairs[i].f2)), ("difference", .number(pairs[i].f1 - pairs[i].f2)),
                     ("auc", .number(cwola[i].auc)), ("auc_error", .number(cwola[i].error)),
                     ("auc_minus_supervised", .number(cwola[i].auc - supervised.auc)),
                     ("auc_minus_supervised_error", .number(cwola[i].differenceError(supervised))),
                     ("max_relative_deviation_bulk", .number(cwolaDeviation[i])),
                     ("training_epochs", .integer(cwolaNetworks[i].epochs))])
        }
        return .object([
            ("feature_count", .integer(toy.featureCount)),
            ("auc_optimal", .number(toy.optimalAUC)),
            ("auc_optimal_formula", .string(toy.optimalAUCMethod)),
            ("auc_exact_ratio_on_test", .number(exactOnTest.auc)),
            ("auc_exact_ratio_on_test_error", .number(exactOnTest.error)),
            ("auc_supervised", .number(supervised.auc)),
            ("auc_supervised_error", .number(supervised.error)),
            ("auc_supervised_minus_exact_ratio_on_test", .number(supervised.auc - exactOnTest.auc)),
            ("auc_supervised_minus_exact_ratio_on_test_error", .number(supervised.differenceError(exactOnTest))),
            ("supervised_training_epochs", .integer(supervisedNetwork.epochs)),
            ("bulk", .object([("definition", .string(toy.bulkDefinition)), ("half_width", .number(toy.bulkHalfWidth)),
                              ("probability_equal_mixture", .number(toy.bulkProbability))])),
            ("supervised_max_relative_deviation_bulk", .number(supervisedDeviation)),
            ("cwola", .array(rows)),
        ])
    }

    func tables(pairs: [CWoLaFractions]) -> [StudyTable] {
        var curves: [(String, [Double])] = [(toy.key == "bumphunt" ? "y" : "t", toy.curveX), ("lsb_exact", toy.curveExact),
                                            ("lsb_supervised", supervisedNetwork.curveRatio)]
        for (i, p) in pairs.enumerated() {
            let tag = "f1_\(fmt(p.f1))_f2_\(fmt(p.f2))"
            curves.append(("lm_exact_\(tag)", toy.curveExact.map { p.mixedRatio(signalRatio: $0) }))
            curves.append(("lm_cwola_\(tag)", cwolaNetworks[i].curveRatio))
            curves.append(("lsb_cwola_\(tag)", cwolaRatio[i]))
        }
        return [
            StudyTable(name: "auc_\(toy.key)", columns: [
                ("difference", pairs.map { $0.f1 - $0.f2 }), ("f1", pairs.map(\.f1)), ("f2", pairs.map(\.f2)),
                ("auc_cwola", cwola.map(\.auc)), ("auc_cwola_error", cwola.map(\.error)),
                ("auc_cwola_minus_supervised", cwola.map { $0.auc - supervised.auc }),
                ("auc_cwola_minus_supervised_error", cwola.map { $0.differenceError(supervised) }),
                ("max_relative_deviation_bulk", cwolaDeviation),
                ("auc_supervised", pairs.map { _ in supervised.auc }), ("auc_optimal", pairs.map { _ in toy.optimalAUC }),
            ]),
            StudyTable(name: "ratio_curves_\(toy.key)", columns: curves),
        ]
    }

    func tableRows(pairs: [CWoLaFractions]) -> [[String]] {
        var rows = pairs.indices.map { i in
            [fmt(pairs[i].f1 - pairs[i].f2), fmt(pairs[i].f1), fmt(pairs[i].f2),
             String(format: "%.4f ± %.4f", cwola[i].auc, cwola[i].error),
             String(format: "%+.5f ± %.5f", cwola[i].auc - supervised.auc, cwola[i].differenceError(supervised)),
             percent(cwolaDeviation[i]), String(cwolaNetworks[i].epochs)]
        }
        rows.append(["supervised", "1", "0", String(format: "%.4f ± %.4f", supervised.auc, supervised.error), "0",
                     percent(supervisedDeviation), String(supervisedNetwork.epochs)])
        rows.append(["exact ratio", "", "", String(format: "%.4f ± %.4f", exactOnTest.auc, exactOnTest.error),
                     String(format: "%+.5f ± %.5f", exactOnTest.auc - supervised.auc, exactOnTest.differenceError(supervised)), "—", ""])
        return rows
    }

    private func percent(_ x: Double) -> String { x.isFinite ? String(format: "%.1f %%", 100 * x) : "∞" }

    // MARK: Figures

    func aucPlot(pairs: [CWoLaFractions]) -> Plot {
        let ds = pairs.map { $0.f1 - $0.f2 }
        let lo = 0.0, hi = 1.0
        var plot = Plot(title: "\(toy.title): AUC on S vs B test events", xLabel: "f1 − f2", yLabel: "AUC")
        plot.xRange = lo...hi
        plot.legend = .bottomRight
        plot.add(.line("optimal, \(toy.optimalAUCMethod)", x: [lo, hi], y: [toy.optimalAUC, toy.optimalAUC], color: "#000000"))
        plot.add(.line("exact ratio on the test events", x: [lo, hi], y: [exactOnTest.auc, exactOnTest.auc], color: "#000000", dashed: true))
        plot.add(.line("supervised network (S vs B)", x: [lo, hi], y: [supervised.auc, supervised.auc], color: "#D55E00", dashed: true))
        plot.add(.points("CWoLa network (M1 vs M2)", x: ds, y: cwola.map(\.auc), yError: cwola.map(\.error), color: "#0072B2"))
        let all = cwola.map { $0.auc - $0.error } + [toy.optimalAUC, supervised.auc, exactOnTest.auc]
        let top = max(toy.optimalAUC, exactOnTest.auc + exactOnTest.error, supervised.auc)
        let bottom = min(all.min() ?? top, top - 0.01)
        plot.yRange = (bottom - 0.25 * (top - bottom))...(top + 0.15 * (top - bottom))
        return plot
    }

    func aucCaption(pairs: [CWoLaFractions]) -> String {
        let worst = cwola.indices.max { abs(cwola[$0].auc - supervised.auc) < abs(cwola[$1].auc - supervised.auc) } ?? 0
        return String(format: "AUC of each CWoLa network (points, DeLong errors) against f1 − f2, the supervised network trained on the same "
                      + "number of events (dashed), the exact ratio on the same test events (black dashed) and the optimal AUC %@ = %.4f "
                      + "(black). Supervised: %.4f ± %.4f. Largest |CWoLa − supervised|: %.5f ± %.5f at f1 − f2 = %@ (paired error).",
                      toy.optimalAUCMethod, toy.optimalAUC, supervised.auc, supervised.error,
                      abs(cwola[worst].auc - supervised.auc), cwola[worst].differenceError(supervised), fmt(pairs[worst].f1 - pairs[worst].f2))
    }

    func ratioPlot(pairs: [CWoLaFractions]) -> Plot {
        var plot = Plot(title: "\(toy.title): back-converted L_{S/B} along the line", xLabel: toy.curveXLabel, yLabel: "L_{S/B}")
        plot.logY = true
        plot.legend = toy.key == "bumphunt" ? .topRight : .topLeft
        plot.xRange = toy.curveX[0]...toy.curveX[toy.curveX.count - 1]
        let exactMax = toy.curveExact.max() ?? 1, exactMin = toy.curveExact.filter { $0 > 0 }.min() ?? 1e-3
        plot.yRange = max(exactMin, exactMax * 1e-4)...(exactMax * 3)
        plot.add(.line("exact", x: toy.curveX, y: toy.curveExact, color: "#000000"))
        plot.add(.line("supervised s/(1−s)·W_B/W_S", x: toy.curveX, y: supervisedNetwork.curveRatio, color: "#D55E00", dashed: true))
        for (i, p) in pairs.enumerated() {
            plot.add(.line("CWoLa f1 = \(fmt(p.f1)), f2 = \(fmt(p.f2))", x: toy.curveX, y: cwolaRatio[i],
                           color: CWoLaOutcome.colors[i % CWoLaOutcome.colors.count]))
        }
        plot.add(.vertical(-toy.bulkHalfWidth))
        plot.add(.vertical(toy.bulkHalfWidth))
        return plot
    }

    func ratioCaption(pairs: [CWoLaFractions]) -> String {
        "The exact L_{S/B} along the line (black), the supervised network's ratio (dashed) and each CWoLa network's L_M = "
            + "s/(1−s)·W_M2/W_M1 converted back with its f1, f2. Where the learned L_M reaches f1/f2 (or (1−f1)/(1−f2)) the "
            + "conversion gives ∞ (or 0) and the curve stops. Dotted lines: the bulk, \(toy.bulkDefinition) "
            + String(format: "(%.0f %% of the S+B probability for equal amounts of S and B).", 100 * toy.bulkProbability)
    }

    func deviationPlot(pairs: [CWoLaFractions]) -> Plot {
        var plot = Plot(title: "\(toy.title): relative deviation from the exact L_{S/B}", xLabel: toy.curveXLabel, yLabel: "L̂/L − 1")
        plot.xRange = toy.curveX[0]...toy.curveX[toy.curveX.count - 1]
        plot.yRange = -0.5...0.5
        plot.legend = .bottomRight
        plot.add(.horizontal(0))
        plot.add(.line("supervised", x: toy.curveX, y: zip(supervisedNetwork.curveRatio, toy.curveExact).map { $0 / $1 - 1 },
                       color: "#D55E00", dashed: true))
        for (i, p) in pairs.enumerated() {
            plot.add(.line("CWoLa f1 − f2 = \(fmt(p.f1 - p.f2))", x: toy.curveX, y: zip(cwolaRatio[i], toy.curveExact).map { $0 / $1 - 1 },
                           color: CWoLaOutcome.colors[i % CWoLaOutcome.colors.count]))
        }
        plot.add(.vertical(-toy.bulkHalfWidth))
        plot.add(.vertical(toy.bulkHalfWidth))
        return plot
    }

    func deviationCaption(pairs: [CWoLaFractions]) -> String {
        let list = pairs.indices.map { "\(percent(cwolaDeviation[$0])) at f1 − f2 = \(fmt(pairs[$0].f1 - pairs[$0].f2))" }
        return "Relative deviation of the back-converted CWoLa ratios and of the supervised ratio from the exact L_{S/B} (y axis "
            + "clipped to ±50 %). The largest |L̂/L − 1| in the bulk (\(toy.bulkDefinition)): \(list.joined(separator: ", ")); "
            + "supervised \(percent(supervisedDeviation)). The conversion multiplies an error of L_M by (f1 − f2)/(f1 − f2 L_M)² "
            + "(1/(f1 − f2) at L = 1, more towards the edges of the bulk); the AUC does not need the conversion at all."
    }

    static let colors = ["#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442"]
}
