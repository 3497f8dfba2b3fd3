import NeymanCore

/// The check that sWeights rest on: within each species, the discriminating variable `m` and a control variable `c`
/// are independent. A weighted Kendall tau (``WeightedKendallTau``) of `(m, c)` with the species' sWeights as weights,
/// centred on the mean it has when the hypothesis holds.
///
/// Why centring is needed: sWeights reproduce a species' distribution of functions of `c` alone. The pair statistic
/// `Gamma = sum_{i != j} w_i w_j sgn(m_i - m_j) sgn(c_i - c_j)` mixes `m` and `c`, and its expectation under
/// species-wise independence, with `N_k` yields and `f_k` the fitted shapes, is
/// ```
///   E0[Gamma] = sum_{k != l} N_k N_l M_kl d_kl = 2 N_s N_b M_sb d_sb
///   M_sb = integral integral w(m1) w(m2) sgn(m1 - m2) f_s(m1) f_b(m2)    (the sWeight function w of the species tested)
///   d_sb = E[sgn(c1 - c2) | c1 from signal, c2 from background]
/// ```
/// which is not zero when the species' `c` distributions differ (`d_sb != 0`). Both factors are estimated from the
/// events, each in O(n log n): `M_sb` as `sum_{i != j} w_i w_j sgn(m_i - m_j) (f_s/D)_i (f_b/D)_j` (an event sum of
/// `phi(m) f_k(m)/D(m)` estimates `integral phi f_k`, since the events' density is `D = sum_k N_k f_k`), and `d_sb` as
/// `sum_{i != j} sw_s(i) sw_b(j) sgn(c_i - c_j) / (N_s N_b)` (a function of `c` alone, where sWeights are valid).
///
/// The p-value is then `2 Q(|Gamma - E0| / sqrt(Var))` with the permutation variance of ``WeightedKendallTau`` — an
/// approximation (it ignores the variance of the estimated `E0` and the difference between the permutation null and
/// species-wise independence), adequate for flagging a clear dependence. The `tau` reported is the uncentred one.
public enum SPlotIndependence {
    /// One result per species, signal first.
    /// - Parameters:
    ///   - masses, control: all events (those outside the fit range are skipped).
    /// - Throws: as ``WeightedKendallTau/test(x:y:weights:nullMean:)``.
    public static func test(masses: [Double], control: [Double], fit: SPlotFitResult, sweights: SWeightsResult)
        throws -> (signal: KendallTauResult, background: KendallTauResult) {
        guard control.count == masses.count else {
            throw NeymanError.invalid("the control column has \(control.count) values for \(masses.count) events", parameter: "control")
        }
        let (fs, fb) = fit.normalizedPDFs
        let (ns, nb) = sweights.yields
        let rows = masses.indices.filter { fit.model.range.contains(masses[$0]) }
        let m = rows.map { masses[$0] }, c = rows.map { control[$0] }
        let ws = rows.map { sweights.signal[$0] }, wb = rows.map { sweights.background[$0] }
        var ps = [Double](), pb = [Double]()
        for x in m {
            let a = fs.value(x), b = fb.value(x), d = ns * a + nb * b
            ps.append(a / d); pb.append(b / d)
        }
        let dSB = signedCross(key: c, ws, wb) / (ns * nb)
        func result(_ w: [Double]) throws -> KendallTauResult {
            let mSB = signedCross(key: m, zip(w, ps).map { $0 * $1 }, zip(w, pb).map { $0 * $1 })
            return try WeightedKendallTau.test(x: m, y: c, weights: w, nullMean: 2 * ns * nb * mSB * dSB)
        }
        return (try result(ws), try result(wb))
    }

    /// `sum_{i != j} a_i b_j sgn(key_i - key_j)` in O(n log n) (ties contribute 0).
    static func signedCross(key: [Double], _ a: [Double], _ b: [Double]) -> Double {
        let order = key.indices.sorted { key[$0] < key[$1] }
        let totalB = b.reduce(0, +)
        var below = 0.0, sum = 0.0
        var k = 0
        while k < order.count {
            var e = k, groupB = 0.0
            while e < order.count && key[order[e]] == key[order[k]] { groupB += b[order[e]]; e += 1 }
            let above = totalB - below - groupB
            for q in k..<e { sum += a[order[q]] * (below - above) }
            below += groupB
            k = e
        }
        return sum
    }
}
