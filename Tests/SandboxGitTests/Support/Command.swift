import Foundation

/// A failed fixture command.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
}
