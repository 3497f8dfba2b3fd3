import CBLAS
import Foundation
import NeymanCore

/// The buffers of one worker evaluating an ``EFPContractionPlan`` event by event: one dense factor per step
/// (`M^arity` doubles for `M` particles), reused across events.
struct EFPWorkspace {
    let plan: EFPContractionPlan
    private var buffers: [[Double]]
    private var scratch: [Double] = []
    private var weights: [Double] = []

    init(plan: EFPContractionPlan) {
        self.plan = plan
        buffers = [[Double]](repeating: [], count: plan.steps.count)
    }

    /// Every graph's value on one event.
    mutating func evaluate(pt: [Double], eta: [Double], phi: [Double], kappa: Double, beta: Double) throws(NeymanError) -> [Double] {
        guard pt.count == eta.count, pt.count == phi.count else {
            throw NeymanError.invalid("pt, eta and phi differ in length (\(pt.count), \(eta.count), \(phi.count))")
        }
        var keep: [Int] = []
        keep.reserveCapacity(pt.count)
        var total = 0.0
        for i in pt.indices {
            guard pt[i].isFinite, pt[i] >= 0 else { throw NeymanError.invalid("particle \(i) has pt \(pt[i]); it must be finite and >= 0") }
            guard eta[i].isFinite, phi[i].isFinite else { throw NeymanError.invalid("particle \(i) has a non-finite eta or phi") }
            if pt[i] > 0 { keep.append(i); total += pt[i] }
        }
        guard !keep.isEmpty else { throw NeymanError.invalid("the event has no particle with pt > 0") }
        let m = keep.count
        for (s, step) in plan.steps.enumerated() {
            let size = step.arity == 0 ? 1 : (step.arity == 1 ? m : (step.arity == 2 ? m * m : m * m * m))
            if buffers[s].count != size { buffers[s] = [Double](repeating: 0, count: size) }
            switch step.operation {
            case .energies:
                for (k, i) in keep.enumerated() { buffers[s][k] = kappa == 1 ? pt[i] / total : pow(pt[i] / total, kappa) }
            case .anglePower(let power):
                fillAngles(into: s, keep: keep, eta: eta, phi: phi, exponent: beta * Double(power) / 2, m: m)
            case .eliminate(let inputs, let arity):
                eliminate(into: s, inputs: inputs, arity: arity, m: m)
            }
        }
        return plan.outputs.map { buffers[$0][0] }
    }

    /// `theta_ij^power = (d_eta^2 + d_phi^2)^exponent`, zero on the diagonal.
    private mutating func fillAngles(into s: Int, keep: [Int], eta: [Double], phi: [Double], exponent: Double, m: Int) {
        buffers[s].withUnsafeMutableBufferPointer { out in
            for a in 0..<m {
                out[a * m + a] = 0
                for b in stride(from: a + 1, to: m, by: 1) {
                    let de = eta[keep[a]] - eta[keep[b]], dp = deltaPhi(phi[keep[a]], phi[keep[b]])
                    let d2 = de * de + dp * dp
                    let v = exponent == 0.5 ? d2.squareRoot() : (exponent == 1 ? d2 : pow(d2, exponent))
                    out[a * m + b] = v
                    out[b * m + a] = v
                }
            }
        }
    }

    /// One variable elimination: `R[result indices] = sum_v prod_inputs F[...]`.
    private mutating func eliminate(into s: Int, inputs: [EFPContractionPlan.Input], arity: Int, m: Int) {
        // The product of the inputs that depend on v alone.
        if weights.count != m { weights = [Double](repeating: 1, count: m) }
        for v in 0..<m { weights[v] = 1 }
        var others: [EFPContractionPlan.Input] = []
        for input in inputs {
            if input.roles == [-1] {
                buffers[input.step].withUnsafeBufferPointer { f in for v in 0..<m { weights[v] *= f[v] } }
            } else {
                others.append(input)
            }
        }
        switch arity {
        case 0:
            var sum = 0.0
            for v in 0..<m { sum += weights[v] }   // inputs over v alone: all of them are in weights
            buffers[s][0] = sum
        case 1 where others.allSatisfy({ $0.roles.count == 2 }):
            // R(a) = sum_v G(a, v) w(v). One input: its buffer as stored, transposed by BLAS when it is (v, a);
            // several: their elementwise product, laid out (a, v).
            let w = weights
            let (g, transpose) = leftMatrix(others, m: m)
            g.withUnsafeBufferPointer { gp in
                w.withUnsafeBufferPointer { wp in
                    buffers[s].withUnsafeMutableBufferPointer { out in
                        cblas_dgemv(CblasRowMajor, transpose ? CblasTrans : CblasNoTrans, Int32(m), Int32(m), 1, gp.firstAddress,
                                    Int32(m), wp.firstAddress, 1, 0, out.firstAddress, 1)
                    }
                }
            }
        case 2 where others.allSatisfy({ $0.roles.count == 2 }):
            // R(a, b) = sum_v G(a, v) w(v) H(v, b): H scaled by w row by row (laid out (v, b)), then one matrix
            // product with G as stored (transposed by BLAS when it is (v, a)) or the product of several G inputs.
            let gInputs = others.filter { $0.roles.contains(0) }, hInputs = others.filter { $0.roles.contains(1) }
            var h = twoIndexProduct(hInputs, m: m, vMajor: true)
            for v in 0..<m {
                let wv = weights[v]
                for b in 0..<m { h[v * m + b] *= wv }
            }
            let (g, transpose) = leftMatrix(gInputs, m: m)
            g.withUnsafeBufferPointer { gp in
                h.withUnsafeBufferPointer { hp in
                    buffers[s].withUnsafeMutableBufferPointer { out in
                        cblas_dgemm(CblasRowMajor, transpose ? CblasTrans : CblasNoTrans, CblasNoTrans, Int32(m), Int32(m), Int32(m), 1,
                                    gp.firstAddress, Int32(m), hp.firstAddress, Int32(m), 0, out.firstAddress, Int32(m))
                    }
                }
            }
        default:
            genericEliminate(into: s, inputs: others, arity: arity, m: m)
        }
    }

    /// The left matrix G(a, v) of a contraction and whether BLAS must transpose it: a single input as stored (transposed
    /// when it is laid out (v, a)), or the elementwise product of several, laid out (a, v).
    private func leftMatrix(_ inputs: [EFPContractionPlan.Input], m: Int) -> (matrix: [Double], transpose: Bool) {
        if inputs.count == 1 { return (buffers[inputs[0].step], inputs[0].roles[0] == -1) }
        return (twoIndexProduct(inputs, m: m, vMajor: false), false)
    }

    /// The elementwise product of two-index inputs each over {v, role}, as an `m x m` matrix indexed (role, v), or
    /// (v, role) when `vMajor`. An input is stored in the order of its roles: (role, v) for `[k, -1]`, (v, role) for
    /// `[-1, k]`; the loops run along the stored rows.
    private func twoIndexProduct(_ inputs: [EFPContractionPlan.Input], m: Int, vMajor: Bool) -> [Double] {
        var out = [Double](repeating: 1, count: m * m)
        out.withUnsafeMutableBufferPointer { o in
            for input in inputs {
                let sameLayout = (input.roles[0] == -1) == vMajor
                buffers[input.step].withUnsafeBufferPointer { f in
                    if sameLayout {
                        for i in 0..<(m * m) { o[i] *= f[i] }
                    } else {
                        for r in 0..<m { for c in 0..<m { o[c * m + r] *= f[r * m + c] } }
                    }
                }
            }
        }
        return out
    }

    /// Any elimination (inputs over up to 3 indices, a result over up to 3) by direct summation:
    /// `M^(arity + 1)` terms. Reached only by graphs with three-index factors (none with d <= 5).
    private mutating func genericEliminate(into s: Int, inputs: [EFPContractionPlan.Input], arity: Int, m: Int) {
        // Strides of each input for v and for each result position.
        let strides: [(v: Int, r: [Int])] = inputs.map { input in
            var v = 0, r = [Int](repeating: 0, count: 3)
            let n = input.roles.count
            for (k, role) in input.roles.enumerated() {
                var stride = 1
                for _ in 0..<(n - 1 - k) { stride *= m }
                if role == -1 { v += stride } else { r[role] += stride }
            }
            return (v, r)
        }
        let extent = [arity > 0 ? m : 1, arity > 1 ? m : 1, arity > 2 ? m : 1]
        let factors = inputs.map { buffers[$0.step] }
        var result = [Double](repeating: 0, count: buffers[s].count)
        for r0 in 0..<extent[0] {
            for r1 in 0..<extent[1] {
                for r2 in 0..<extent[2] {
                    let bases = strides.map { r0 * $0.r[0] + r1 * $0.r[1] + r2 * $0.r[2] }
                    var sum = 0.0
                    for v in 0..<m {
                        var p = weights[v]
                        for k in factors.indices { p *= factors[k][bases[k] + v * strides[k].v] }
                        sum += p
                    }
                    result[(r0 * extent[1] + r1) * extent[2] + r2] = sum
                }
            }
        }
        buffers[s] = result
    }
}
