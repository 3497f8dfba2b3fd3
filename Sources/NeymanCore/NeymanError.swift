import Foundation

/// Where in the user's input a problem sits: any of file, row, column, key and parameter.
///
/// Rows are 1-based data rows as a person counts them in a spreadsheet (the header of a CSV file is row 1,
/// the first data row is row 2), so a message can be checked by opening the file.
public struct ErrorLocation: Sendable, Equatable, CustomStringConvertible {
    public var file: String?
    public var row: Int?
    public var column: String?
    public var key: String?
    public var parameter: String?

    public init(file: String? = nil, row: Int? = nil, column: String? = nil, key: String? = nil, parameter: String? = nil) {
        self.file = file
        self.row = row
        self.column = column
        self.key = key
        self.parameter = parameter
    }

    public var isEmpty: Bool { file == nil && row == nil && column == nil && key == nil && parameter == nil }

    public var description: String {
        var parts: [String] = []
        if let file { parts.append("file '\(file)'") }
        if let row { parts.append("row \(row)") }
        if let column { parts.append("column '\(column)'") }
        if let key { parts.append("key '\(key)'") }
        if let parameter { parts.append("parameter '\(parameter)'") }
        return parts.joined(separator: ", ")
    }
}

/// The one error type Neyman throws for anything a user supplied or a computation could not do.
///
/// Every case carries a message that says *what* is wrong and an ``ErrorLocation`` that says *where*.
/// The command line prints ``description`` on one line and exits with status 2 for ``invalidInput``
/// and ``io`` errors (the user's input is at fault) and 1 for ``numerical`` failures.
public enum NeymanError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The user's input (a file, an option, a parameter value) is not acceptable.
    case invalidInput(String, ErrorLocation)
    /// A file could not be read or written.
    case io(String, ErrorLocation)
    /// A numerical procedure failed (no convergence, singular matrix, no root in the bracket).
    case numerical(String, ErrorLocation)

    public static func invalid(_ message: String, file: String? = nil, row: Int? = nil, column: String? = nil,
                               key: String? = nil, parameter: String? = nil) -> NeymanError {
        .invalidInput(message, ErrorLocation(file: file, row: row, column: column, key: key, parameter: parameter))
    }

    public static func ioError(_ message: String, file: String? = nil) -> NeymanError {
        .io(message, ErrorLocation(file: file))
    }

    public static func numericalFailure(_ message: String, parameter: String? = nil) -> NeymanError {
        .numerical(message, ErrorLocation(parameter: parameter))
    }

    public var message: String {
        switch self {
        case .invalidInput(let m, _), .io(let m, _), .numerical(let m, _): return m
        }
    }

    public var location: ErrorLocation {
        switch self {
        case .invalidInput(_, let l), .io(_, let l), .numerical(_, let l): return l
        }
    }

    /// True when the user's input is at fault (CLI exit status 2).
    public var isUserError: Bool {
        switch self {
        case .invalidInput, .io: return true
        case .numerical: return false
        }
    }

    /// `"<location>: <message>"`, one line.
    public var description: String {
        let loc = location
        return loc.isEmpty ? message : "\(loc): \(message)"
    }

    /// The same error with its location completed by `file` (kept if already set).
    public func inFile(_ file: String) -> NeymanError {
        switch self {
        case .invalidInput(let m, var l): if l.file == nil { l.file = file }; return .invalidInput(m, l)
        case .io(let m, var l): if l.file == nil { l.file = file }; return .io(m, l)
        case .numerical(let m, var l): if l.file == nil { l.file = file }; return .numerical(m, l)
        }
    }
}

extension NeymanError: LocalizedError {
    public var errorDescription: String? { description }
}
