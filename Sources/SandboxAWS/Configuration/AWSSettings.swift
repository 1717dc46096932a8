import Foundation

/// What botocore's session reads for one profile: the environment, then the shared `config` and `credentials` files
/// combined the way botocore combines them.
///
/// - ``profiles`` is botocore's `session.full_config['profiles']`: `[default]` and `[profile NAME]` sections of the
///   config file, then every section of the credentials file merged over them (credentials-file keys win). Region,
///   endpoint, assume-role and web-identity settings are read from here, so they work in either file.
/// - ``configFileProfiles`` and ``credentialsFileSections`` are each file alone: static keys are looked up in them
///   separately, credentials file first.
struct AWSSettings: Sendable {
    typealias Profile = [String: AWSINIValue]

    var environment: [String: String]
    var profileName: String
    var configFilePath: String
    var credentialsFilePath: String
    var profiles: [String: Profile] = [:]
    var configFileProfiles: [String: Profile] = [:]
    /// By their literal name (`[NAME]`).
    var credentialsFileSections: [String: Profile] = [:]
    /// The config file's `[services NAME]` and `[sso-session NAME]` sections.
    var services: [String: Profile] = [:]
    var ssoSessions: [String: Profile] = [:]

    init(
        environment: [String: String] = [:],
        profileName: String = "default",
        configFile: AWSINIFile,
        credentialsFile: AWSINIFile
    ) {
        (self.environment, self.profileName) = (environment, profileName)
        (configFilePath, credentialsFilePath) = (configFile.path, credentialsFile.path)
        for section in configFile.sections {
            // botocore.configloader.build_profile_map: prefix match, then shlex-split into exactly two words.
            let name = Self.shellWords(section.name).flatMap { $0.count == 2 ? $0[1] : nil }
            if section.name == "default" {
                configFileProfiles["default"] = section.values
            } else if section.name.hasPrefix("profile") {
                if let name { configFileProfiles[name] = section.values }
            } else if let name {
                if section.name.hasPrefix("sso-session") { ssoSessions[name] = section.values }
                if section.name.hasPrefix("services") { services[name] = section.values }
            }
        }
        profiles = configFileProfiles
        for section in credentialsFile.sections {
            credentialsFileSections[section.name] = section.values
            profiles[section.name, default: [:]].merge(section.values) { _, credentialsValue in credentialsValue }
        }
    }

    func profile(_ name: String) -> Profile {
        profiles[name] ?? [:]
    }

    /// A setting's value and where it came from (a variable, a profile key), for messages.
    struct Setting {
        var value: String
        var origin: String

        /// `ORIGIN is "VALUE"` and `problem`: how every message about a bad setting begins.
        func invalid(_ problem: String, _ code: AWSConfigurationError.Code = .invalidValue) -> AWSConfigurationError {
            AWSConfigurationError(code, "\(origin) is \"\(value)\"\(problem)")
        }

        /// botocore's `is_valid_endpoint_url`, roughly: an http(s) URL with a host and no whitespace.
        var url: URL? {
            guard !value.contains(where: \.isWhitespace), let url = URL(string: value),
                let components = URLComponents(url: url, resolvingAgainstBaseURL: false),
                ["http", "https"].contains(components.scheme?.lowercased()), components.host?.isEmpty == false
            else { return nil }
            return url
        }
    }

    func value(_ variable: String) -> String? { environment[variable].nonEmpty }

    /// The first of these environment variables that is set.
    func variable(_ names: [String]) -> Setting? {
        names.lazy.compactMap { name in value(name).map { Setting(value: $0, origin: name) } }.first
    }

    /// The first of `variables` set (by default `AWS_` + the key in upper case, as botocore names nearly all), else
    /// the key in the profile (by default the chosen one); empty values count as unset.
    func setting(_ key: String, variables: [String]? = nil, profile name: String? = nil) -> Setting? {
        if let found = variable(variables ?? ["AWS_" + key.uppercased()]) { return found }
        let name = name ?? profileName
        guard let value = profile(name).string(key).nonEmpty else { return nil }
        return Setting(value: value, origin: "\(key) in profile \(name)")
    }

    /// botocore's `ensure_boolean`: true only for `true` in any case.
    func boolean(_ key: String) -> Bool {
        setting(key)?.value.lowercased() == "true"
    }

    func integer(_ key: String, meaning: String) throws(AWSConfigurationError) -> Int? {
        guard let setting = setting(key) else { return nil }
        guard let number = Int(setting.value.trimmingPythonWhitespace()), number >= 1 else {
            throw setting.invalid(": use \(meaning), at least 1")
        }
        return number
    }

    /// Python's `shlex.split` (POSIX mode, no comments): whitespace separates words, single quotes are literal,
    /// double quotes allow `\"` and `\\`, a backslash outside quotes escapes the next character. Returns `nil` for
    /// an unclosed quote or a trailing backslash, where shlex raises. botocore splits section headers and
    /// `credential_process` command lines with it.
    static func shellWords(_ text: String) -> [String]? {
        var words: [String] = []
        var word: String?  // nil between words
        var quote: Character?
        var characters = Array(text).makeIterator()
        while let character = characters.next() {
            switch (quote, character) {
            case ("'", "'"), ("\"", "\""):
                quote = nil
            case ("\"", "\\"):
                guard let next = characters.next() else { return nil }
                word! += (next == "\"" || next == "\\" ? "" : "\\") + String(next)
            case (.some, _):
                word!.append(character)
            case (nil, "'"), (nil, "\""):
                quote = character
                word = word ?? ""
            case (nil, "\\"):
                guard let next = characters.next() else { return nil }
                word = (word ?? "") + String(next)
            case (nil, " "), (nil, "\t"), (nil, "\n"), (nil, "\r"):
                if let word { words.append(word) }
                word = nil
            case (nil, _):
                word = (word ?? "") + String(character)
            }
        }
        guard quote == nil else { return nil }
        return words + (word.map { [$0] } ?? [])
    }
}

extension Dictionary where Key == String, Value == AWSINIValue {
    /// Nested blocks count as absent.
    func string(_ key: String) -> String? { self[key]?.string }
}
