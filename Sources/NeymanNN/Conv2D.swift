import CBLAS
import Foundation

/// A 2-D convolution with stride 1 and "same" zero padding, channels-last, computed as im2col + one `cblas_sgemm`.
///
/// Layout: an input row is an image `[H, W, C]` and a batch is `[n, H, W, C]`, row-major, so element `(b, h, w, c)`
/// is at `((b*H + h)*W + w)*C + c`. The output is `[n, H, W, F]` in the same layout. The kernel is stored as the
/// weight matrix `W[(dy*kw + dx)*C + c, f]` of shape `[kh*kw*C, F]`, and the bias as `[F]`:
///
/// ```
///   Y[b, h, w, f] = bias[f] + sum_{dy < kh, dx < kw, c < C} X[b, h + dy - ph, w + dx - pw, c] W[(dy*kw + dx)*C + c, f]
///   ph = (kh - 1) / 2,  pw = (kw - 1) / 2   (integer division; X outside the image is 0)
/// ```
///
/// This is cross-correlation (no kernel flip), as in Keras/PyTorch `Conv2D`. With `cols[(b*H + h)*W + w, :]` the
/// `kh*kw*C` input values under the kernel at `(b, h, w)` (zeros where the kernel hangs over the border):
///
/// ```
///   forward:   Y[nHW, F] = cols[nHW, K] W[K, F] + 1 bias            (K = kh*kw*C)
///   backward:  dW += cols^T dY,   dbias += column sums of dY,   dCols = dY W^T,   dX = col2im(dCols)
/// ```
///
/// where col2im adds each entry of `dCols` back onto the input pixel it was copied from (pixels under several kernel
/// positions receive the sum). Kernel sizes are meant to be odd, which centres the kernel on the output pixel; an
/// even size is accepted and is padded like TensorFlow's `"same"` (one more zero row/column after than before).
/// Sizes below 1 are treated as 1.
///
/// Memory: the layer owns one `[n*H*W, kh*kw*C]` Float buffer (grown to the largest batch seen, never shrunk); the
/// backward pass reuses it for `dCols` once `dW` has been accumulated, and a second backward without a new forward
/// rebuilds the columns from the last input (which, as for ``Dense``, must not have changed in between).
public final class Conv2D: Layer {
    /// `"conv2d"`.
    public let kind = "conv2d"
    /// Image height `H`, width `W`, input channels `C` and number of filters `F` (output channels).
    public let height: Int
    public let width: Int
    public let channels: Int
    public let filters: Int
    /// Kernel height `kh` and width `kw` (at least 1; odd sizes centre the kernel).
    public let kernelHeight: Int
    public let kernelWidth: Int
    /// The kernel as a matrix `[kh*kw*C, F]`, row `(dy*kw + dx)*C + c`; named `<name>.weight`. Starts at zero.
    public let weight: Parameter
    /// The per-filter bias `[F]`, named `<name>.bias`. Starts at zero.
    public let bias: Parameter
    /// `[weight, bias]`.
    public var parameters: [Parameter] { [weight, bias] }
    /// `[H, W, C]`.
    public var inputShape: [Int] { [height, width, channels] }
    /// `[H, W, F]` (same padding keeps the image size).
    public var outputShape: [Int] { [height, width, filters] }
    /// `["kernel_h": kh, "kernel_w": kw, "filters": F]`, saved with the model.
    public var configuration: [String: Double] {
        ["kernel_h": Double(kernelHeight), "kernel_w": Double(kernelWidth), "filters": Double(filters)]
    }
    /// Number of rows of the weight matrix, `kh*kw*C` (the fan-in of one output value).
    public var patchSize: Int { kernelHeight * kernelWidth * channels }

    private let output = Tensor(shape: [1, 1])
    private let inputGradient = Tensor(shape: [1, 1])
    /// im2col of the last input, `[n*H*W, K]`; after a backward pass it holds `dCols` instead.
    private let cols = Tensor(shape: [1, 1])
    private var colsHoldLastInput = false
    private var lastInput: Tensor?
    private var lastBatch = 0

    /// A square `kernel x kernel` convolution with zero weights and bias; fill the weights with an ``Initializer``
    /// using `fanIn = kernel*kernel*channels`, `fanOut = kernel*kernel*filters`.
    public convenience init(height: Int, width: Int, channels: Int, filters: Int, kernel: Int = 3, name: String = "conv2d") {
        self.init(height: height, width: width, channels: channels, filters: filters,
                  kernelHeight: kernel, kernelWidth: kernel, name: name)
    }

    /// A `kernelHeight x kernelWidth` convolution with zero weights and bias (sizes below 1 become 1; negative image
    /// sizes or channel counts become 0).
    public init(height: Int, width: Int, channels: Int, filters: Int, kernelHeight: Int, kernelWidth: Int,
                name: String = "conv2d") {
        self.height = max(0, height)
        self.width = max(0, width)
        self.channels = max(0, channels)
        self.filters = max(0, filters)
        self.kernelHeight = max(1, kernelHeight)
        self.kernelWidth = max(1, kernelWidth)
        let k = self.kernelHeight * self.kernelWidth * self.channels
        weight = Parameter(name: "\(name).weight", shape: [k, self.filters])
        bias = Parameter(name: "\(name).bias", shape: [self.filters])
    }

    /// The kernel columns `dx` in `lo..<hi` whose input column `w + dx - pw` lies inside the image (for output column
    /// `w`); the inputs they read are contiguous in memory, `(hi - lo) * C` floats.
    @inline(__always) private func validColumns(_ w: Int, _ pw: Int) -> (lo: Int, hi: Int) {
        let lo = max(0, pw - w), hi = min(kernelWidth, width + pw - w)
        return (lo, max(lo, hi))
    }

    /// Fills ``cols`` with the patches of `input` (`[n, H, W, C]`), zeros where the kernel leaves the image.
    private func im2col(_ input: Tensor, batch n: Int) {
        let H = height, W = width, C = channels, kh = kernelHeight, kw = kernelWidth, K = patchSize
        let ph = (kh - 1) / 2, pw = (kw - 1) / 2
        cols.reshape([n * H * W, K])
        let x = input.storage, dst = cols.storage
        for b in 0..<n {
            for h in 0..<H {
                for w in 0..<W {
                    let (lo, hi) = validColumns(w, pw)
                    var p = dst + ((b * H + h) * W + w) * K
                    for dy in 0..<kh {
                        let y = h + dy - ph
                        if y < 0 || y >= H || hi == lo {
                            p.update(repeating: 0, count: kw * C)
                        } else {
                            if lo > 0 { p.update(repeating: 0, count: lo * C) }
                            (p + lo * C).update(from: x + ((b * H + y) * W + w + lo - pw) * C, count: (hi - lo) * C)
                            if hi < kw { (p + hi * C).update(repeating: 0, count: (kw - hi) * C) }
                        }
                        p += kw * C
                    }
                }
            }
        }
        colsHoldLastInput = true
    }

    /// Adds the `[n*H*W, K]` column gradients in ``cols`` back onto the pixels they came from, into `dx` (zeroed first).
    private func col2im(batch n: Int, into dx: UnsafeMutablePointer<Float>) {
        let H = height, W = width, C = channels, kh = kernelHeight, kw = kernelWidth, K = patchSize
        let ph = (kh - 1) / 2, pw = (kw - 1) / 2
        dx.update(repeating: 0, count: n * H * W * C)
        let src = cols.storage
        for b in 0..<n {
            for h in 0..<H {
                for w in 0..<W {
                    let (lo, hi) = validColumns(w, pw)
                    let p = src + ((b * H + h) * W + w) * K
                    for dy in 0..<kh {
                        let y = h + dy - ph
                        if y < 0 || y >= H { continue }
                        let q = p + (dy * kw + lo) * C
                        let t = dx + ((b * H + y) * W + w + lo - pw) * C
                        for i in 0..<((hi - lo) * C) { t[i] += q[i] }
                    }
                }
            }
        }
    }

    /// `Y = im2col(X) W + bias`: returns the layer's `[n, H, W, F]` output (reused across calls). The batch size is
    /// `input.shape[0]`; the input must hold `n*H*W*C` values in the layout above (a flat `[n, H*W*C]` is accepted).
    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        let n = input.shape.first ?? 0
        lastInput = input
        lastBatch = n
        let rows = n * height * width, F = filters, K = patchSize
        im2col(input, batch: n)
        output.reshape([n, height, width, F])
        let y = output.storage, b = bias.value.storage
        for r in 0..<rows { (y + r * F).update(from: b, count: F) }
        if rows > 0 && F > 0 && K > 0 {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(rows), Int32(F), Int32(K),
                        1, cols.storage, Int32(K), weight.value.storage, Int32(F), 1, y, Int32(F))
        }
        return output
    }

    /// Given `dL/dY` (`[n, H, W, F]`) for the last forward, adds `cols^T dY` to the weight gradient and the column
    /// sums of `dY` to the bias gradient, and returns `dL/dX = col2im(dY W^T)` as `[n, H, W, C]` (owned by the
    /// layer). Before any forward it returns an all-zero gradient of the incoming batch size.
    public func backward(_ outputGradient: Tensor) -> Tensor {
        let F = filters, K = patchSize
        guard let x = lastInput else {
            let n = outputGradient.shape.first ?? 0
            inputGradient.reshape([n, height, width, channels])
            inputGradient.fill(0)
            return inputGradient
        }
        let n = lastBatch, rows = n * height * width
        if !colsHoldLastInput { im2col(x, batch: n) }
        let dy = outputGradient.storage
        if rows > 0 && F > 0 && K > 0 {
            // dW[K, F] += cols^T dY
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(K), Int32(F), Int32(rows),
                        1, cols.storage, Int32(K), dy, Int32(F), 1, weight.gradient.storage, Int32(F))
        }
        // dbias[f] += sum over all batch rows and pixels of dY[., f]
        let db = bias.gradient.storage
        for r in 0..<rows {
            let row = dy + r * F
            for f in 0..<F { db[f] += row[f] }
        }
        // dCols[nHW, K] = dY W^T, written over the columns (no longer needed), then scattered back onto the pixels.
        if rows > 0 && K > 0 {
            if F > 0 {
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(K), Int32(F),
                            1, dy, Int32(F), weight.value.storage, Int32(F), 0, cols.storage, Int32(K))
            } else {
                cols.fill(0)
            }
        }
        colsHoldLastInput = false
        inputGradient.reshape([n, height, width, channels])
        col2im(batch: n, into: inputGradient.storage)
        return inputGradient
    }
}
