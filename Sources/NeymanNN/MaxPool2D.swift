import Foundation

/// 2x2 max pooling with stride 2, channels-last, each channel pooled separately.
///
/// Input `[H, W, C]` (element `(b, h, w, c)` at `((b*H + h)*W + w)*C + c`), output `[H/2, W/2, C]` with floor
/// division: an odd trailing row or column is dropped (it receives zero gradient), and an image smaller than 2 in
/// either direction gives an empty output.
///
/// ```
///   Y[b, i, j, c] = max(X[b, 2i, 2j, c], X[b, 2i, 2j+1, c], X[b, 2i+1, 2j, c], X[b, 2i+1, 2j+1, c])
///   dX[b, h, w, c] = sum of dY[b, i, j, c] over the windows whose argmax is (h, w)   (0 elsewhere)
/// ```
///
/// The forward pass records, for every output, the flat input index of its maximum; the backward pass routes the
/// gradient there. Ties go to the first maximal element in row-major window order (top-left, top-right,
/// bottom-left, bottom-right). A NaN in a window propagates: the first NaN is the window's output and argmax.
public final class MaxPool2D: Layer {
    /// `"maxpool2d"`.
    public let kind = "maxpool2d"
    /// Input height `H`, width `W` and channels `C`.
    public let height: Int
    public let width: Int
    public let channels: Int
    /// `[H, W, C]`.
    public var inputShape: [Int] { [height, width, channels] }
    /// `[H/2, W/2, C]` (floor division).
    public var outputShape: [Int] { [height / 2, width / 2, channels] }

    private let output = Tensor(shape: [1, 1])
    private let inputGradient = Tensor(shape: [1, 1])
    /// Flat input index (within the batch) of the maximum of each output element of the last forward.
    private var argmax: [Int] = []
    private var lastBatch = 0
    private var hasForward = false

    /// A pooling layer for `[height, width, channels]` images (negative sizes become 0).
    public init(height: Int, width: Int, channels: Int) {
        self.height = max(0, height)
        self.width = max(0, width)
        self.channels = max(0, channels)
    }

    /// Returns the `[n, H/2, W/2, C]` window maxima (the layer's own tensor, reused) and records their positions.
    /// The batch size is `input.shape[0]`; the input must hold `n*H*W*C` values in the layout above.
    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        let n = input.shape.first ?? 0
        let H = height, W = width, C = channels, Ho = H / 2, Wo = W / 2
        let outCount = n * Ho * Wo * C
        lastBatch = n
        hasForward = true
        output.reshape([n, Ho, Wo, C])
        if argmax.count < outCount { argmax.append(contentsOf: repeatElement(0, count: outCount - argmax.count)) }
        let x = input.storage, y = output.storage
        // Offsets of the four window elements from the top-left one, in row-major window order.
        let offsets = (0, C, W * C, W * C + C)
        argmax.withUnsafeMutableBufferPointer { am in
            for b in 0..<n {
                for i in 0..<Ho {
                    for j in 0..<Wo {
                        let top = ((b * H + 2 * i) * W + 2 * j) * C
                        let o = ((b * Ho + i) * Wo + j) * C
                        for c in 0..<C {
                            let base = top + c
                            var best = base, v = x[base]
                            // Strict > keeps the first of equal maxima; a NaN, once taken, is never replaced.
                            for k in 1..<4 where !v.isNaN {
                                let idx = base + (k == 1 ? offsets.1 : k == 2 ? offsets.2 : offsets.3)
                                let u = x[idx]
                                if u > v || u.isNaN { best = idx; v = u }
                            }
                            y[o + c] = v
                            am[o + c] = best
                        }
                    }
                }
            }
        }
        return output
    }

    /// Given `dL/dY` (`[n, H/2, W/2, C]`) for the last forward, returns `dL/dX` (`[n, H, W, C]`, the layer's own
    /// tensor): each output gradient added at its window's argmax, zeros elsewhere. Before any forward it returns
    /// zeros of the incoming batch size.
    public func backward(_ outputGradient: Tensor) -> Tensor {
        let n = hasForward ? lastBatch : (outputGradient.shape.first ?? 0)
        let outCount = n * (height / 2) * (width / 2) * channels
        inputGradient.reshape([n, height, width, channels])
        inputGradient.fill(0)
        guard hasForward else { return inputGradient }
        let dy = outputGradient.storage, dx = inputGradient.storage
        argmax.withUnsafeBufferPointer { am in
            for k in 0..<outCount { dx[am[k]] += dy[k] }
        }
        return inputGradient
    }
}
