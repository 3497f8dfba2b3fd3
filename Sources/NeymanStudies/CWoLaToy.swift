import Foundation
import NeymanCore
import NeymanNN
import NeymanReport
import NeymanStats

/// A toy model of the CWoLa study: a generator, the exact ratio, the optimal AUC, and the line along which ratio
/// curves are compared, with its bulk.
struct CWoLaToy: Sendable {
    /// Key in `results.json` and in table names.
    var key: String
    var title: String
    var description: String
    var featureCount: Int
    /// `n` events of one class, row-major `[n, featureCount]`.
    var generate: @Sendable (Int, Bool, RandomStream) -> [Double]
    /// The exact `L_{S/B}` of one event's features.
    var exactRatio: @Sendable (ArraySlice<Double>) -> Double
    /// The optimal AUC and how it was obtained.
    var optimalAUC: Double
    var optimalAUCMethod: String
    /// The line: its coordinate, the feature rows along it (row-major) and the exact ratio on it.
    var curveX: [Double]
    var curveFeatures: [Double]
    var curveExact: [Double]
    var curveXLabel: String
    /// `|x| <= bulkHalfWidth` on the line is the bulk; what that means, and the S+B probability it holds.
    var bulkHalfWidth: Double
    var bulkDefinition: String
    var bulkProbability: Double

    /// The 2-D (or d-D) Gaussian pair; the line is the one through both means, `t in [-3, 3]` from the midpoint.
    static func gaussian(_ model: GaussianPairModel, bulk: Double) -> CWoLaToy {
        let ts = (0...240).map { -3 + 6 * Double($0) / 240 }
        let d = model.separation
        let means = "μ_S = (\(model.signalMean.map(fmt).joined(separator: ", "))), μ_B = (\(model.backgroundMean.map(fmt).joined(separator: ", ")))"
        return CWoLaToy(
            key: "gaussian_\(model.dimension)d", title: "\(model.dimension)-D Gaussians",
            description: "S ~ N(μ_S, I), B ~ N(μ_B, I) with \(means), |Δμ| = \(fmt(d)). Exact L_{S/B}(x) = exp(Δμ·(x − m)), "
                + "m the midpoint; optimal AUC Φ(|Δμ|/√2) = \(String(format: "%.4f", model.optimalAUC)). The line is the one "
                + "through both means, t the signed distance from the midpoint (the means at t = ±\(fmt(d / 2))).",
            featureCount: model.dimension,
            generate: { n, s, rng in model.events(n, signal: s, rng: rng) },
            exactRatio: { model.ratio($0) },
            optimalAUC: model.optimalAUC, optimalAUCMethod: "Φ(|Δμ|/√2)",
            curveX: ts, curveFeatures: ts.flatMap { model.point(t: $0) }, curveExact: ts.map { exp(d * $0) },
            curveXLabel: "t along the line through μ_B and μ_S (midpoint at 0)",
            bulkHalfWidth: bulk, bulkDefinition: "|t| ≤ \(fmt(bulk)) on the line through the means",
            bulkProbability: model.slabProbability(halfWidth: bulk))
    }

    /// The bump-hunt model (docs/formulas.md §2) at one global sigma, features `y` and optionally `d = Y0 - Y1`; the line is
    /// `y in [-0.5, 0.5]` at `d = 0`. Optimal AUC: the exact ratio decreases with `|y|` and `|y|` of the background is
    /// uniform on [0, 0.5], so `AUC = P(|y_S| < |y_B|) = 1 - 2 E_S|y| = 1 - 4 int_0^0.5 y WN(y; sqrt 2 sigma) dy` (GSL QAG).
    static func bumpHunt(sigma: Double, features: [String], bulk: Double) throws -> CWoLaToy {
        let model = try BumpHuntModel(resolution: .global(sigma))
        let w = 2.0.squareRoot() * sigma
        let meanAbsY = 2 * (try Quadrature.integrate({ y in y * WrappedNormal.density(y, width: w) }, over: 0...0.5, relativeTolerance: 1e-12))
        let ys = (0...400).map { -0.5 + Double($0) / 400 }
        let half = min(bulk * w, 0.5)
        let withD = features.contains("d")
        let order = features
        let yColumn = features.firstIndex(of: "y") ?? 0
        return CWoLaToy(
            key: "bumphunt", title: "Bump hunt (σ = \(fmt(sigma)))",
            description: "The bump-hunt model of docs/formulas.md §2 at one global σ = \(fmt(sigma)), features (\(features.map { $0 == "d" ? "Y0 − Y1" : "y = Y0 + Y1" }.joined(separator: ", "))). "
                + "Exact L_{S/B}(y) = WN(y; √2σ)\(withD ? " (Y0 − Y1 carries no S/B information)" : ""); optimal AUC "
                + "1 − 2 E_S|y| = \(String(format: "%.4f", 1 - 2 * meanAbsY)) (quadrature). The line is y ∈ [−0.5, 0.5]\(withD ? " at Y0 − Y1 = 0" : "").",
            featureCount: features.count,
            generate: { n, s, rng in
                model.events(n, signal: s, rng: rng).flatMap { e in order.map { $0 == "y" ? e.y : e.d } }
            },
            exactRatio: { row in BumpHuntModel.ratio(y: row[row.startIndex + yColumn], sigma: sigma) },
            optimalAUC: 1 - 2 * meanAbsY, optimalAUCMethod: "1 − 2 E_S|y|",
            curveX: ys, curveFeatures: ys.flatMap { y in order.map { $0 == "y" ? y : 0 } },
            curveExact: ys.map { BumpHuntModel.ratio(y: $0, sigma: sigma) },
            curveXLabel: "y = Y0 + Y1 (mod 1)\(withD ? ", Y0 − Y1 = 0" : "")",
            bulkHalfWidth: half, bulkDefinition: "|y| ≤ \(fmt(bulk))·√2σ = \(String(format: "%.3f", half))",
            bulkProbability: 0.5 * (WrappedNormal.cdf(half, width: w) - WrappedNormal.cdf(-half, width: w)) + 0.5 * (2 * half))
    }
}
