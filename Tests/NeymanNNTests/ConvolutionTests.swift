import Foundation
import Testing
@testable import NeymanNN
import NeymanCore

/// Reference computations in Double, written as the textbook nested loops (channels-last `[n, H, W, C]`).
private enum ConvReference {
    /// `Y[b,h,w,f] = bias[f] + sum_{dy,dx,c} X[b, h+dy-ph, w+dx-pw, c] W[(dy*kw+dx)*C + c, f]`, together with the
    /// magnitude `|bias[f]| + sum |X W|` of each output (the scale of Float rounding in the sum).
    static func forward(_ conv: Conv2D, _ x: [Float], batch n: Int) -> (y: [Double], magnitude: [Double]) {
        let H = conv.height, W = conv.width, C = conv.channels, F = conv.filters
        let kh = conv.kernelHeight, kw = conv.kernelWidth, ph = (kh - 1) / 2, pw = (kw - 1) / 2
        let w = conv.weight.value.array, bias = conv.bias.value.array
        var y = [Double](repeating: 0, count: n * H * W * F), mag = y
        for b in 0..<n {
            for h in 0..<H {
                for ww in 0..<W {
                    for f in 0..<F {
                        var s = Double(bias[f]), m = abs(Double(bias[f]))
                        for dy in 0..<kh {
                            for dx in 0..<kw {
                                let yy = h + dy - ph, xx = ww + dx - pw
                                guard yy >= 0, yy < H, xx >= 0, xx < W else { continue }
                                for c in 0..<C {
                                    let t = Double(x[((b * H + yy) * W + xx) * C + c]) * Double(w[((dy * kw + dx) * C + c) * F + f])
                                    s += t; m += abs(t)
                                }
                            }
                        }
                        let o = ((b * H + h) * W + ww) * F + f
                        y[o] = s; mag[o] = m
                    }
                }
            }
        }
        return (y, mag)
    }

    /// The gradients of `L = sum dY * Y` by the chain rule on the loops above: `(dX, dW, dbias)`.
    static func backward(_ conv: Conv2D, _ x: [Float], _ g: [Float], batch n: Int) -> (dx: [Double], dw: [Double], db: [Double]) {
        let H = conv.height, W = conv.width, C = conv.channels, F = conv.filters
        let kh = conv.kernelHeight, kw = conv.kernelWidth, ph = (kh - 1) / 2, pw = (kw - 1) / 2
        let w = conv.weight.value.array
        var dx = [Double](repeating: 0, count: n * H * W * C)
        var dw = [Double](repeating: 0, count: w.count), db = [Double](repeating: 0, count: F)
        for b in 0..<n {
            for h in 0..<H {
                for ww in 0..<W {
                    for f in 0..<F {
                        let gy = Double(g[((b * H + h) * W + ww) * F + f])
                        db[f] += gy
                        for dy in 0..<kh {
                            for dxo in 0..<kw {
                                let yy = h + dy - ph, xx = ww + dxo - pw
                                guard yy >= 0, yy < H, xx >= 0, xx < W else { continue }
                                for c in 0..<C {
                                    let xi = ((b * H + yy) * W + xx) * C + c, wi = ((dy * kw + dxo) * C + c) * F + f
                                    dx[xi] += gy * Double(w[wi])
                                    dw[wi] += gy * Double(x[xi])
                                }
                            }
                        }
                    }
                }
            }
        }
        return (dx, dw, db)
    }
}

/// Layers run one after the other, as one ``Layer``: lets ``GradientCheck`` differentiate a whole CNN stack.
private final class Stack: Layer {
    let layers: [Layer]
    let kind = "stack"
    var parameters: [Parameter] { layers.flatMap(\.parameters) }
    var inputShape: [Int] { layers.first?.inputShape ?? [] }
    var outputShape: [Int] { layers.last?.outputShape ?? [] }
    init(_ layers: [Layer]) { self.layers = layers }
    func forward(_ input: Tensor, training: Bool) -> Tensor {
        var x = input
        for l in layers { x = l.forward(x, training: training) }
        return x
    }
    func backward(_ outputGradient: Tensor) -> Tensor {
        var g = outputGradient
        for l in layers.reversed() { g = l.backward(g) }
        return g
    }
}

@Suite("Convolution layers")
struct ConvolutionTests {
    /// A convolution with He-normal weights and a non-zero bias (fans as a Keras Conv2D has them).
    static func conv(_ h: Int, _ w: Int, _ c: Int, filters: Int, kh: Int, kw: Int, seed: UInt64) throws -> Conv2D {
        let layer = Conv2D(height: h, width: w, channels: c, filters: filters, kernelHeight: kh, kernelWidth: kw, name: "c")
        try Initializer.he.fill(layer.weight.value, fanIn: kh * kw * c, fanOut: kh * kw * filters, rng: RandomStream(seed: seed))
        for f in 0..<filters { layer.bias.value[f] = 0.1 * Float(f) - 0.15 }
        return layer
    }

    // MARK: Conv2D

    @Test func conv2DDescribesItself() {
        let c = Conv2D(height: 7, width: 5, channels: 2, filters: 4, kernel: 3, name: "3")
        #expect(c.kind == "conv2d")
        #expect(c.inputShape == [7, 5, 2] && c.outputShape == [7, 5, 4])
        #expect(c.weight.name == "3.weight" && c.weight.value.shape == [18, 4])
        #expect(c.bias.name == "3.bias" && c.bias.value.shape == [4])
        #expect(c.parameters.map(\.name) == ["3.weight", "3.bias"])
        #expect(c.configuration == ["kernel_h": 3, "kernel_w": 3, "filters": 4])
        #expect(c.weight.value.array.allSatisfy { $0 == 0 } && c.bias.value.array.allSatisfy { $0 == 0 })
    }

    /// Finite differences of the input, weights and bias; kernels 1, 3 and 5 (5 is wider than the 4-pixel image, so
    /// most taps hang over the border), and rectangular and even kernels.
    @Test(arguments: [(3, 3), (1, 1), (5, 5), (3, 1), (1, 5), (2, 2)])
    func conv2DGradients(_ kernel: (Int, Int)) throws {
        let layer = try Self.conv(5, 4, 2, filters: 3, kh: kernel.0, kw: kernel.1, seed: 11)
        #expect(GradientCheck.check(layer, batch: 2, seed: 12) <= 0, "kernel \(kernel)")
    }

    /// Forward against the direct convolution in Double, to 1e-5 of the magnitude `|b| + sum |x w|` of each sum.
    @Test(arguments: [(3, 3), (5, 5), (1, 1), (3, 5)])
    func conv2DForwardMatchesDirectConvolution(_ kernel: (Int, Int)) throws {
        let n = 3
        let layer = try Self.conv(6, 7, 3, filters: 5, kh: kernel.0, kw: kernel.1, seed: 21)
        let x = GradientCheck.randomTensor([n, 6, 7, 3], RandomStream(seed: 22))
        let y = layer.forward(x, training: false)
        #expect(y.shape == [n, 6, 7, 5])
        let ref = ConvReference.forward(layer, x.array, batch: n)
        var worst = 0.0
        for i in 0..<ref.y.count { worst = max(worst, abs(Double(y[i]) - ref.y[i]) / ref.magnitude[i]) }
        #expect(worst < 1e-5, "kernel \(kernel): worst relative error \(worst)")
        // A smaller batch afterwards reuses the buffers and must give the first image's outputs again.
        let first = Tensor(shape: [1, 6, 7, 3], values: Array(x.array[0..<(6 * 7 * 3)]))
        let y1 = layer.forward(first, training: false)
        #expect(y1.shape == [1, 6, 7, 5])
        for i in 0..<(6 * 7 * 5) { #expect(abs(Double(y1[i]) - ref.y[i]) <= 1e-5 * ref.magnitude[i]) }
    }

    /// Backward against the chain rule on the direct loops, in Double; gradients accumulate across calls, and a
    /// second backward without a new forward gives the same input gradient.
    @Test func conv2DBackwardMatchesDirectConvolution() throws {
        let n = 2
        let layer = try Self.conv(5, 6, 2, filters: 3, kh: 3, kw: 3, seed: 31)
        let rng = RandomStream(seed: 32)
        let x = GradientCheck.randomTensor([n, 5, 6, 2], rng)
        let g = GradientCheck.randomTensor([n, 5, 6, 3], rng)
        let ref = ConvReference.backward(layer, x.array, g.array, batch: n)
        for p in layer.parameters { p.gradient.fill(0) }
        _ = layer.forward(x, training: true)
        let dx = layer.backward(g).array
        #expect(layer.backward(g).shape == [n, 5, 6, 2])
        let dx2 = layer.backward(g).array
        func close(_ a: [Float], _ b: [Double], factor: Double = 1) -> Bool {
            a.count == b.count && zip(a, b).allSatisfy { abs(Double($0) - factor * $1) <= 1e-4 * (1 + abs(factor * $1)) }
        }
        #expect(close(dx, ref.dx))
        #expect(close(dx2, ref.dx))
        // Three backward calls: the parameter gradients hold three times the single-call gradient.
        #expect(close(layer.weight.gradient.array, ref.dw, factor: 3))
        #expect(close(layer.bias.gradient.array, ref.db, factor: 3))
    }

    /// A 3x3 kernel that is 1 only at the top-left tap (dy = dx = 0, i.e. offset (-1, -1)) maps channel c to filter c:
    /// `Y[h, w, c] = X[h-1, w-1, c]`, the image shifted down and right by one with zeros entering at the top and left.
    /// The bottom-right tap shifts the other way.
    @Test func samePaddingShiftsWithZerosEntering() {
        let H = 4, W = 5, C = 2
        let x = Tensor(shape: [1, H, W, C])
        for i in 0..<x.count { x[i] = Float(i + 1) }  // every input non-zero, so a zero can only come from padding
        for (tap, shift) in [(0, -1), (8, 1)] {
            let layer = Conv2D(height: H, width: W, channels: C, filters: C, kernel: 3, name: "s")
            for c in 0..<C { layer.weight.value[(tap * C + c) * C + c] = 1 }
            let y = layer.forward(x, training: false)
            for h in 0..<H {
                for w in 0..<W {
                    for c in 0..<C {
                        let sh = h + shift, sw = w + shift
                        let expected: Float = (sh >= 0 && sh < H && sw >= 0 && sw < W) ? x[(sh * W + sw) * C + c] : 0
                        #expect(y[(h * W + w) * C + c] == expected, "tap \(tap) at (\(h), \(w), \(c))")
                    }
                }
            }
        }
    }

    // MARK: MaxPool2D

    /// Hand-computed 4x4 single-channel example with ties, which go to the first maximum in row-major window order:
    /// bottom-left before bottom-right (4, 4 in the first window), all four equal (-1 in the third: top-left), and
    /// top-left before top-right (7, 7 in the last).
    @Test func maxPoolHandComputed() {
        let x = Tensor(shape: [1, 4, 4, 1], values: [
             1,  3, 2, 0,
             4,  4, 1, 5,
            -1, -1, 7, 7,
            -1, -1, 6, 5,
        ])
        let pool = MaxPool2D(height: 4, width: 4, channels: 1)
        #expect(pool.kind == "maxpool2d" && pool.outputShape == [2, 2, 1] && pool.parameters.isEmpty)
        let y = pool.forward(x, training: false)
        #expect(y.shape == [1, 2, 2, 1])
        #expect(y.array == [4, 5, -1, 7])
        let dx = pool.backward(Tensor(shape: [1, 2, 2, 1], values: [10, 20, 30, 40]))
        #expect(dx.shape == [1, 4, 4, 1])
        #expect(dx.array == [
             0, 0,  0,  0,
            10, 0,  0, 20,
            30, 0, 40,  0,
             0, 0,  0,  0,
        ])
    }

    /// Channels are pooled separately: channel 1 is the negated channel 0, so its maxima are channel 0's minima.
    /// An odd size drops the last row and column.
    @Test func maxPoolChannelsAndOddSizes() {
        let H = 5, W = 7
        let rng = RandomStream(seed: 41)
        let x = Tensor(shape: [2, H, W, 2])
        for i in stride(from: 0, to: x.count, by: 2) { let v = Float(rng.normal()); x[i] = v; x[i + 1] = -v }
        let pool = MaxPool2D(height: H, width: W, channels: 2)
        let y = pool.forward(x, training: false)
        #expect(y.shape == [2, 2, 3, 2])
        for b in 0..<2 {
            for i in 0..<2 {
                for j in 0..<3 {
                    let window = [(0, 0), (0, 1), (1, 0), (1, 1)].map { x[((b * H + 2 * i + $0.0) * W + 2 * j + $0.1) * 2] }
                    let o = ((b * 2 + i) * 3 + j) * 2
                    #expect(y[o] == window.max() && y[o + 1] == -(window.min() ?? 0))
                }
            }
        }
    }

    /// A NaN in a window is that window's output, and the gradient goes to it.
    @Test func maxPoolPropagatesNaN() {
        let pool = MaxPool2D(height: 2, width: 4, channels: 1)
        let y = pool.forward(Tensor(shape: [1, 2, 4, 1], values: [1, 2, 5, 6, .nan, 3, 7, 8]), training: false)
        #expect(y[0].isNaN && y[1] == 8)
        #expect(pool.backward(Tensor(shape: [1, 1, 2, 1], values: [1, 2])).array == [0, 0, 0, 0, 1, 0, 0, 2])
    }

    /// The smallest gap between a window's maximum and its other elements in the input `GradientCheck` draws for
    /// `seed`: above twice the step 1e-2, finite differences never move the argmax, so the check is exact.
    static func smallestArgmaxGap(_ pool: MaxPool2D, batch: Int, seed: UInt64) -> Float {
        let x = GradientCheck.randomTensor([batch] + pool.inputShape, RandomStream(seed: seed))
        let H = pool.height, W = pool.width, C = pool.channels
        var gap = Float.infinity
        for b in 0..<batch {
            for i in 0..<(H / 2) {
                for j in 0..<(W / 2) {
                    for c in 0..<C {
                        let v = [(0, 0), (0, 1), (1, 0), (1, 1)].map { x[((b * H + 2 * i + $0.0) * W + 2 * j + $0.1) * C + c] }.sorted()
                        gap = min(gap, v[3] - v[2])
                    }
                }
            }
        }
        return gap
    }

    @Test(arguments: [(4, 6, 2, UInt64(51)), (5, 5, 1, UInt64(52))])
    func maxPoolGradients(_ shape: (Int, Int, Int, UInt64)) {
        let pool = MaxPool2D(height: shape.0, width: shape.1, channels: shape.2)
        let gap = Self.smallestArgmaxGap(pool, batch: 2, seed: shape.3)
        #expect(gap > 0.02, "seed \(shape.3) gives a near-tie (\(gap)); pick another seed")
        #expect(GradientCheck.check(pool, batch: 2, seed: shape.3) <= 0)
    }

    /// The dropped trailing row and column of an odd image get exactly zero gradient.
    @Test func maxPoolOddEdgeGetsNoGradient() throws {
        let pool = MaxPool2D(height: 5, width: 5, channels: 1)
        let x = GradientCheck.randomTensor([1, 5, 5, 1], RandomStream(seed: 53))
        _ = pool.forward(x, training: true)
        let dx = pool.backward(Tensor(shape: [1, 2, 2, 1], values: [1, 1, 1, 1]))
        for k in 0..<5 { #expect(dx[4 * 5 + k] == 0 && dx[k * 5 + 4] == 0) }
        #expect(dx.array.reduce(0, +) == 4)
    }

    // MARK: Flatten

    @Test func flattenCopiesInRowMajorOrder() throws {
        let f = Flatten(height: 3, width: 2, channels: 4)
        #expect(f.kind == "flatten" && f.inputShape == [3, 2, 4] && f.outputShape == [24])
        let x = GradientCheck.randomTensor([2, 3, 2, 4], RandomStream(seed: 61))
        let y = f.forward(x, training: false)
        #expect(y.shape == [2, 24])
        #expect(y.array == x.array)
        let g = GradientCheck.randomTensor([2, 24], RandomStream(seed: 62))
        let dx = f.backward(g)
        #expect(dx.shape == [2, 3, 2, 4])
        #expect(dx.array == g.array)
        #expect(GradientCheck.check(f, batch: 3, seed: 63) <= 0)
    }

    // MARK: A small CNN

    /// conv -> tanh -> conv -> tanh -> pool -> flatten -> dense, differentiated end to end: the shapes the layers
    /// hand each other must agree for this to pass.
    @Test func cnnStackGradients() throws {
        let c1 = try Self.conv(6, 6, 1, filters: 3, kh: 3, kw: 3, seed: 71)
        let c2 = try Self.conv(6, 6, 3, filters: 2, kh: 3, kw: 3, seed: 72)
        let dense = Dense(inputs: 3 * 3 * 2, outputs: 2, name: "d")
        try Initializer.glorotNormal.fill(dense.weight.value, fanIn: 18, fanOut: 2, rng: RandomStream(seed: 73))
        let stack = Stack([c1, Activation(.tanh, shape: [6, 6, 3]), c2, Activation(.tanh, shape: [6, 6, 2]),
                           MaxPool2D(height: 6, width: 6, channels: 2), Flatten(height: 3, width: 3, channels: 2), dense])
        #expect(stack.outputShape == [2])
        #expect(GradientCheck.check(stack, batch: 2, seed: 74) <= 0)
    }
}
