import Foundation

/// Reads the shared `config` and `credentials` files, so the resolver can be tested without touching the disk.
public struct AWSFileReader: Sendable {
    private let read: @Sendable (String) throws -> String?

    /// Creates a reader from a function that returns a file's text, `nil` when there is no such file, and throws
    /// when the file exists but cannot be read.
    ///
    /// - Parameter read: The function, given an absolute path after `~` and `$VAR` expansion.
    public init(_ read: @escaping @Sendable (String) throws -> String?) {
        self.read = read
    }

    /// Returns a file's text.
    ///
    /// - Parameter path: The absolute path.
    /// - Returns: The text, or `nil` if the file does not exist.
    public func contents(ofFile path: String) throws -> String? {
        try read(path)
    }

    /// Reads the real file system. A path that does not exist or is not a regular file counts as no file, as in
    /// botocore; a file that exists but cannot be read (permissions) is an error rather than silently ignored.
    public static let fileSystem = AWSFileReader { path in
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            return nil
        }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        guard let text = String(bytes: data, encoding: .utf8) else {
            throw AWSConfigurationError(.malformedFile, "\(path) is not UTF-8 text: fix or remove the file")
        }
        return text
    }

    /// Serves files from memory, keyed by absolute path; every other path does not exist.
    ///
    /// - Parameter files: The files' texts by path.
    /// - Returns: The reader.
    public static func inMemory(_ files: [String: String]) -> AWSFileReader {
        AWSFileReader { files[$0] }
    }
}
