/// Turns a ``DesiredStateSnapshot`` into a ``DesiredState``, applying every rule of docs/behaviour.md §2.
///
/// Pure: it reads nothing from disk. Every problem of every file is collected as a ``Diagnostic``
/// whose path starts with the directory as the user named it. Then:
/// - a missing or bad `pool.json` makes ``DesiredState/pool`` `nil`;
/// - a bad request file makes its entry ``RequestEntry/invalid(_:)``, and affects no other request;
///   a file whose name is not a valid request id is reported but has no entry;
/// - files whose name starts with `.` are ignored (`.gitkeep`); any other file in `requests/` that
///   is not `<request-id>.json`, any symbolic link, anything that is not a regular file, a file over
///   64 KiB and invalid UTF-8 are errors;
/// - two valid request files with the same requester (compared case-insensitively) give a warning
///   on the later one by file name (it is rejected at run time, docs/behaviour.md §5);
/// - a missing `requests/` is not an error (``DesiredState/requestsDirectoryExists`` is `false`),
///   and neither is a missing `templates/`; a template named after no event is an error.
///
/// Diagnostics come in a stable order: the directory, `pool.json`, request files by name, templates by name.
public enum DesiredStateParser {
    /// Parses a snapshot of the desired-state directory.
    public static func parse(_ snapshot: DesiredStateSnapshot) -> DesiredState {
        var state = DesiredState(
            pool: nil,
            requestsDirectoryExists: false,
            repositoryPathPrefix: snapshot.repositoryPathPrefix
        )
        if let message = directoryProblem(snapshot.directory, what: "desired-state directory", required: true) {
            state.diagnostics.append(Diagnostic(path: snapshot.displayPath, message: message))
            return state
        }

        let poolPath = snapshot.displayPath(for: "pool.json")
        switch snapshot.poolFile {
        case nil:
            state.diagnostics.append(
                Diagnostic(path: poolPath, message: "file not found; create it (see README \"pool.json\")")
            )
        case .bytes(let bytes):
            let result = PoolFileParser.parse(bytes, path: poolPath)
            state.pool = result.value
            state.diagnostics += result.diagnostics
        case let content?:
            state.diagnostics.append(Diagnostic(path: poolPath, message: contentProblem(content)!))
        }

        parseRequests(snapshot, into: &state)
        parseTemplates(snapshot, into: &state)
        return state
    }

    private static func parseRequests(_ snapshot: DesiredStateSnapshot, into state: inout DesiredState) {
        let directoryPath = snapshot.displayPath(for: "requests")
        if let message = directoryProblem(snapshot.requestsDirectory, what: "requests directory", required: false) {
            state.diagnostics.append(Diagnostic(path: directoryPath, message: message))
            return
        }
        state.requestsDirectoryExists = snapshot.requestsDirectory == .present
        var firstFileOfRequester: [String: String] = [:]
        for file in snapshot.requestFiles.sorted(by: { $0.name < $1.name }) where !file.name.hasPrefix(".") {
            let path = snapshot.displayPath(for: "requests/\(file.name)")
            guard file.name.hasSuffix(".json") else {
                let isDirectory = file.content == .notRegularFile(kind: "a directory")
                state.diagnostics.append(notRequestFileDiagnostic(path: path, isDirectory: isDirectory))
                continue
            }
            let name = String(file.name.dropLast(".json".count))
            guard let id = RequestID(name) else {
                state.diagnostics.append(invalidIDDiagnostic(name, path: path))
                continue
            }
            let (entry, diagnostics) = requestEntry(file.content, id: id, path: path, pool: state.pool)
            state.diagnostics += diagnostics
            guard let spec = entry.spec else {
                state.requests[id] = entry
                continue
            }
            state.requests[id] = .valid(spec)
            let login = GitHubLogin.normalized(spec.requester)
            if let first = firstFileOfRequester[login] {
                state.diagnostics.append(
                    Diagnostic(
                        .warning,
                        path: path,
                        field: "requester",
                        message: "\(JSONValue.quoted(spec.requester)) also asks in requests/\(first); one requester"
                            + " has one live sandbox at a time, so this request will be rejected while that one is"
                            + " live:"
                            + " remove one of the two files"
                    )
                )
            } else {
                firstFileOfRequester[login] = file.name
            }
        }
    }

    /// One request file's entry, read exactly as ``parse(_:)`` reads it in `requests/` (the size limit,
    /// the content's kind, the file's rules against `pool`): also what a forecast reads a pull request's
    /// version of a file with (docs/behaviour.md §6.9).
    /// - Parameters:
    ///   - content: The file as read.
    ///   - id: The request id its name gives.
    ///   - path: The path shown in diagnostics.
    ///   - pool: The pool the file is checked against (`maxLease`); `nil` while `pool.json` is invalid.
    /// - Returns: `.valid` with the spec, or `.invalid` with every diagnostic and what could be recovered;
    ///   and every diagnostic of the file (a valid file's warnings too).
    public static func requestEntry(
        _ content: FileContent,
        id: RequestID,
        path: String,
        pool: PoolConfiguration?
    ) -> (entry: RequestEntry, diagnostics: [Diagnostic]) {
        guard case .bytes(let bytes) = content else {
            let problems = [Diagnostic(path: path, message: contentProblem(content)!)]
            return (.invalid(problems, recovered: nil), problems)
        }
        guard bytes.count <= DesiredStateLimits.maximumFileSize else {
            let problems = [Diagnostic(path: path, message: tooLargeMessage(size: bytes.count))]
            return (.invalid(problems, recovered: nil), problems)
        }
        let result = RequestFileParser.parse(bytes, id: id, path: path, pool: pool)
        guard let spec = result.value else {
            return (.invalid(result.diagnostics, recovered: RequestFileParser.recover(bytes)), result.diagnostics)
        }
        return (.valid(spec), result.diagnostics)
    }

    /// The error for an entry of `requests/` that is not a `.json` file.
    public static func notRequestFileDiagnostic(path: String, isDirectory: Bool = false) -> Diagnostic {
        let message =
            isDirectory
            ? "this is a directory; requests/ holds only <request-id>.json files: move it out"
            : "not a .json file; requests/ holds only <request-id>.json files: rename or move it"
                + " (files starting with '.' are ignored)"
        return Diagnostic(path: path, message: message)
    }

    /// The error for a file in `requests/` whose name is no request id.
    public static func invalidIDDiagnostic(_ name: String, path: String) -> Diagnostic {
        Diagnostic(
            path: path,
            message: "\(JSONValue.quoted(name)) is not a valid request id; name the file with 1 to 63"
                + " lowercase letters, digits or hyphens, starting with a letter or digit"
                + " (e.g. requests/alice-metaflow.json)"
        )
    }

    private static func parseTemplates(_ snapshot: DesiredStateSnapshot, into state: inout DesiredState) {
        let directoryPath = snapshot.displayPath(for: "templates")
        if let message = directoryProblem(snapshot.templatesDirectory, what: "templates directory", required: false) {
            state.diagnostics.append(Diagnostic(path: directoryPath, message: message))
            return
        }
        let names = NotificationEvent.allCases.map { "\($0.rawValue).md" }.joined(separator: ", ")
        for file in snapshot.templateFiles.sorted(by: { $0.name < $1.name }) where !file.name.hasPrefix(".") {
            let path = snapshot.displayPath(for: "templates/\(file.name)")
            guard file.name.hasSuffix(".md"), let event = NotificationEvent(rawValue: String(file.name.dropLast(3)))
            else {
                state.diagnostics.append(
                    Diagnostic(
                        path: path,
                        message: "unknown template \(JSONValue.quoted(file.name)); a template is named after its event"
                            + " (\(names)): rename or remove it"
                    )
                )
                continue
            }
            guard case .bytes(let bytes) = file.content else {
                state.diagnostics.append(Diagnostic(path: path, message: contentProblem(file.content)!))
                continue
            }
            let result = TemplateFileParser.parse(bytes, path: path)
            state.diagnostics += result.diagnostics
            guard let text = result.value else { continue }
            let unlisted = unlistedOutputs(in: text, pool: state.pool)
            guard unlisted.isEmpty else {
                state.diagnostics += unlisted.map { unlistedOutputDiagnostic($0, path: path) }
                continue
            }
            state.templates[event] = text
        }
    }

    /// The `{{outputs.KEY}}` keys of `template` that `pool.json`'s `outputs` does not list (docs/behaviour.md
    /// §6.6): such a placeholder could only ever render as `—`. None when the pool lists no `outputs` (every
    /// output is shown) or could not be read.
    static func unlistedOutputs(in template: String, pool: PoolConfiguration?) -> [String] {
        guard let listed = pool?.outputs else { return [] }
        var unlisted: [String] = []
        for occurrence in Placeholders.occurrences(in: template) {
            var name = Substring(occurrence.name)
            while name.first == " " { name.removeFirst() }
            while name.last == " " { name.removeLast() }
            guard name.hasPrefix("outputs.") else { continue }
            let key = String(name.dropFirst("outputs.".count))
            if !listed.contains(key), !unlisted.contains(key) { unlisted.append(key) }
        }
        return unlisted
    }

    private static func unlistedOutputDiagnostic(_ key: String, path: String) -> Diagnostic {
        Diagnostic(
            path: path,
            message: "{{outputs.\(key)}} names output \(JSONValue.quoted(key)), which pool.json's \"outputs\" does not"
                + " list, so it would always render as \(NotificationRenderer.absentValue): add \(JSONValue.quoted(key))"
                + " to \"outputs\" in pool.json, or remove the placeholder"
        )
    }

    /// The message for a file over the size limit.
    static func tooLargeMessage(size: Int) -> String {
        "the file is \(size) bytes, over the limit of 64 KiB (\(DesiredStateLimits.maximumFileSize) bytes);"
            + " make it smaller"
    }

    /// What is wrong with a file that is not plain bytes, or `nil` when it is.
    static func contentProblem(_ content: FileContent) -> String? {
        switch content {
        case .bytes: return nil
        case .symbolicLink:
            return
                "the file is a symbolic link; sandboxd never follows links in the desired state: commit a regular file"
        case .notRegularFile(let kind):
            return "this is \(kind), not a regular file; replace it with a regular file or remove it"
        case .tooLarge(let size):
            return tooLargeMessage(size: size)
        case .unreadable(let reason):
            return "the file cannot be read (\(reason)); check its permissions"
        }
    }

    private static func directoryProblem(_ status: DirectoryStatus, what: String, required: Bool) -> String? {
        switch status {
        case .present: return nil
        case .missing:
            return required
                ? "\(what) not found; create it, or name it with --desired-state DIR or SANDBOXD_DESIRED_STATE" : nil
        case .symbolicLink:
            return "the \(what) is a symbolic link; sandboxd never follows links inside the desired state:"
                + " commit a real directory"
        case .notADirectory:
            return "not a directory; the \(what) must be a directory"
        case .unreadable(let reason):
            return "the \(what) cannot be read (\(reason)); check its permissions"
        }
    }
}

extension DesiredState {
    /// The path of a request's file as GitHub lists it in a pull request: `<prefix>/requests/<id>.json`
    /// (or `requests/<id>.json` when the desired state is the root of its work tree, `prefix` empty).
    public func repositoryPath(for id: RequestID) -> String {
        let file = "requests/\(id.rawValue).json"
        return repositoryPathPrefix.isEmpty ? file : "\(repositoryPathPrefix)/\(file)"
    }
}
