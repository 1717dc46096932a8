import Foundation

/// Reads the shared `config` and `credentials` files and the SSO token cache, so the resolver can be tested without
/// touching the disk.
public struct AWSFileReader: Sendable {
    /// The text at an absolute path; `nil` when there is no such file; throws when it exists but cannot be read.
    let contents: @Sendable (_ path: String) throws -> String?

    public init(_ contents: @escaping @Sendable (String) throws -> String?) {
        self.contents = contents
    }

    /// The real file system. A path that does not exist or is not a regular file counts as no file, as in botocore;
    /// a file that exists but cannot be read (permissions) is an error rather than silently ignored.
    public static let fileSystem = AWSFileReader { path in
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            return nil
        }
        guard let text = String(bytes: try Data(contentsOf: URL(fileURLWithPath: path)), encoding: .utf8) else {
            throw AWSConfigurationError(.malformedFile, "\(path) is not UTF-8 text: fix or remove the file")
        }
        return text
    }

    /// Every other path does not exist.
    public static func inMemory(_ files: [String: String]) -> AWSFileReader {
        AWSFileReader { files[$0] }
    }
}
