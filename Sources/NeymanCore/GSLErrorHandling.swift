@preconcurrency import CGSL

/// GSL's default error handler calls `abort()`. Neyman turns it off once, process-wide, and checks the status codes
/// GSL returns instead, so that a bad input becomes a `NeymanError`, never a crash.
public enum GSLErrorHandling {
    private static let disabled: Void = {
        _ = gsl_set_error_handler_off()
    }()

    /// Make sure GSL returns error codes instead of aborting. Cheap after the first call; thread-safe.
    @inline(__always) public static func ensureDisabled() { _ = disabled }
}
