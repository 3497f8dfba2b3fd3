// `baseAddress` is nil for an empty buffer, so `buffer.firstAddress` traps on empty input. `firstAddress` is the
// address of the first element, or for an empty buffer a non-null, suitably aligned address that is never read (there
// is nothing to read: every loop over the buffer runs zero times). Code that hands a buffer's address to C (BLAS,
// GSL) or to pointer arithmetic uses it instead of the force-unwrap.

extension UnsafeBufferPointer {
    /// The first element's address; for an empty buffer an aligned non-null address that must not be dereferenced.
    @inlinable public var firstAddress: UnsafePointer<Element> {
        baseAddress ?? UnsafePointer(bitPattern: MemoryLayout<Element>.alignment).unsafelyUnwrapped
    }
}

extension UnsafeMutableBufferPointer {
    /// The first element's address; for an empty buffer an aligned non-null address that must not be dereferenced.
    @inlinable public var firstAddress: UnsafeMutablePointer<Element> {
        baseAddress ?? UnsafeMutablePointer(bitPattern: MemoryLayout<Element>.alignment).unsafelyUnwrapped
    }
}

extension UnsafeRawBufferPointer {
    /// The first byte's address; for an empty buffer a non-null address that must not be dereferenced.
    @inlinable public var firstAddress: UnsafeRawPointer {
        baseAddress ?? UnsafeRawPointer(bitPattern: 16).unsafelyUnwrapped
    }
}

extension UnsafeMutableRawBufferPointer {
    /// The first byte's address; for an empty buffer a non-null address that must not be dereferenced.
    @inlinable public var firstAddress: UnsafeMutableRawPointer {
        baseAddress ?? UnsafeMutableRawPointer(bitPattern: 16).unsafelyUnwrapped
    }
}
