import Foundation

/// A Float buffer with a shape, owned by one layer or optimiser: the unit of storage of NeymanNN.
///
/// Row-major (C order), like numpy and PyTorch: a batch of `n` rows of `k` features is `[n, k]`, element `(i, j)` at
/// `i * k + j`. Storage is allocated once and reused across batches (``resize(rows:)`` only reallocates when a larger
/// batch arrives), so the training loop allocates nothing per step. Not thread-safe; not copy-on-write (a class).
public final class Tensor {
    /// The shape; the first dimension is the batch for activations.
    public private(set) var shape: [Int]
    /// Raw storage with at least ``count`` elements.
    public private(set) var storage: UnsafeMutablePointer<Float>
    private var capacity: Int

    /// Number of elements, the product of ``shape``.
    public var count: Int { shape.reduce(1, *) }

    /// A zero-filled tensor.
    public init(shape: [Int]) {
        self.shape = shape
        capacity = max(1, shape.reduce(1, *))
        storage = .allocate(capacity: capacity)
        storage.initialize(repeating: 0, count: capacity)
    }

    /// A tensor holding `values` (which must have `shape.reduce(1, *)` elements; extra values are ignored, missing
    /// ones are zero).
    public convenience init(shape: [Int], values: [Float]) {
        self.init(shape: shape)
        for i in 0..<min(values.count, count) { storage[i] = values[i] }
    }

    deinit { storage.deallocate() }

    /// Sets the first dimension to `rows`, growing the storage if needed (contents are then unspecified).
    public func resize(rows: Int) {
        var s = shape
        s[0] = rows
        reshape(s)
    }

    /// Changes the shape, growing the storage if needed (contents are then unspecified).
    public func reshape(_ newShape: [Int]) {
        let n = max(1, newShape.reduce(1, *))
        if n > capacity {
            storage.deallocate()
            storage = .allocate(capacity: n)
            storage.initialize(repeating: 0, count: n)
            capacity = n
        }
        shape = newShape
    }

    /// Sets every element to `value`.
    public func fill(_ value: Float) { storage.update(repeating: value, count: count) }

    /// The elements as an array (a copy).
    public var array: [Float] { Array(UnsafeBufferPointer(start: storage, count: count)) }

    /// Copies `other`'s shape and elements.
    public func copy(from other: Tensor) {
        reshape(other.shape)
        storage.update(from: other.storage, count: other.count)
    }

    /// Element `i` of the flat storage.
    @inlinable public subscript(i: Int) -> Float {
        get { storage[i] }
        set { storage[i] = newValue }
    }
}
