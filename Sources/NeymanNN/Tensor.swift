import Foundation
import NeymanCore

/// A Float buffer with a shape, owned by one layer or optimiser: the unit of storage of NeymanNN.
///
/// Row-major (C order), like numpy and PyTorch: a batch of `n` rows of `k` features is `[n, k]`, element `(i, j)` at
/// `i * k + j`. Storage is allocated once and reused across batches (``resize(rows:)`` only reallocates when a larger
/// batch arrives), so the training loop allocates nothing per step. Not thread-safe; not copy-on-write (a class).
///
/// The raw storage is not public: ``reshape(_:)`` may free and replace it, so a pointer kept across a reshape would
/// dangle. Outside the module, elements are read through the subscript, ``array`` and the scoped
/// ``withUnsafeMutablePointer(_:)`` / ``withUnsafePointer(_:)``, whose pointer is valid only inside the closure.
///
/// Invariants (checked by `_checkInvariants()` in debug builds after every change of shape):
/// `count == product of shape`, every dimension `>= 0`, `1 <= max(count, 1) <= capacity`.
public final class Tensor {
    /// The shape; the first dimension is the batch for activations.
    public private(set) var shape: [Int]
    /// Raw storage with at least ``count`` elements. Module-internal: ``reshape(_:)`` may replace it.
    @usableFromInline private(set) var storage: UnsafeMutablePointer<Float>
    private var capacity: Int
    /// Number of elements, the product of ``shape``.
    public private(set) var count: Int

    /// A zero-filled tensor. Shapes come from code that has already checked the sizes a user gave against memory
    /// (``NetworkMemory``); a shape whose element count overflows `Int` is a programming error.
    public init(shape: [Int]) {
        guard let n = MemoryBudget.product(shape) else {
            fatalError("Tensor shape \(shape) has a negative dimension or more elements than Int can count")
        }
        self.shape = shape
        count = n
        capacity = max(1, n)
        storage = .allocate(capacity: capacity)
        storage.initialize(repeating: 0, count: capacity)
        _checkInvariants()
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

    /// Changes the shape, growing the storage if needed (contents are then unspecified). Growing frees the old
    /// storage: no pointer obtained before a reshape may be used after it.
    public func reshape(_ newShape: [Int]) {
        guard let n = MemoryBudget.product(newShape) else {
            fatalError("Tensor shape \(newShape) has a negative dimension or more elements than Int can count")
        }
        if n > capacity {
            storage.deallocate()
            storage = .allocate(capacity: n)
            storage.initialize(repeating: 0, count: n)
            capacity = n
        }
        shape = newShape
        count = n
        _checkInvariants()
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

    /// Calls `body` with a pointer to the ``count`` elements, valid only during the call (do not reshape the tensor
    /// inside `body`, and do not keep the pointer).
    public func withUnsafeMutablePointer<R>(_ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows -> R {
        try body(storage)
    }

    /// Calls `body` with a read-only pointer to the ``count`` elements, valid only during the call.
    public func withUnsafePointer<R>(_ body: (UnsafePointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafePointer(storage))
    }

    /// Element `i` of the flat storage (`0 <= i < count`, not checked in release builds).
    @inlinable public subscript(i: Int) -> Float {
        get { storage[i] }
        set { storage[i] = newValue }
    }

    #if DEBUG
    /// Checks the type's invariants (debug builds; a no-op in release builds), in the manner of swift-collections'
    /// `_checkInvariants()`.
    @inline(never)
    func _checkInvariants() {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative dimension in \(shape)")
        precondition(MemoryBudget.product(shape) == count, "Tensor: count \(count) is not the product of \(shape)")
        precondition(capacity >= max(count, 1), "Tensor: capacity \(capacity) below count \(count)")
    }
    #else
    /// Checks the type's invariants (debug builds only; here a no-op).
    @inline(__always)
    func _checkInvariants() {}
    #endif
}
