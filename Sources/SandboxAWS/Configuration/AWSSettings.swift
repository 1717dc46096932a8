/// The shared `config` and `credentials` files, loaded and combined the way botocore combines them.
///
/// - ``profiles`` is botocore's `session.full_config['profiles']`: `[default]` and `[profile NAME]` sections of the
///   config file, then every section of the credentials file merged over them (credentials-file keys win). Region,
///   endpoint, assume-role and web-identity settings are read from here, so they work in either file.
/// - ``configFileProfiles`` and ``credentialsFileSections`` are each file alone: static keys are looked up in them
///   separately, credentials file first.
struct AWSSharedConfiguration: Sendable {
    typealias Profile = [String: AWSINIValue]

    /// The config file path after expansion.
    var configFilePath: String
    /// The credentials file path after expansion.
    var credentialsFilePath: String
    /// Profiles from both files, merged.
    var profiles: [String: Profile] = [:]
    /// Profiles from the config file only (`[default]`, `[profile NAME]`).
    var configFileProfiles: [String: Profile] = [:]
    /// Sections of the credentials file, by their literal name (`[NAME]`).
    var credentialsFileSections: [String: Profile] = [:]
    /// `[services NAME]` sections of the config file.
    var services: [String: Profile] = [:]

    /// Builds the combined view from the two parsed files (either may be absent).
    init(configFile: AWSINIFile?, configFilePath: String, credentialsFile: AWSINIFile?, credentialsFilePath: String) {
        self.configFilePath = configFilePath
        self.credentialsFilePath = credentialsFilePath
        for section in configFile?.sections ?? [] {
            // botocore.configloader.build_profile_map: prefix match, then shlex-split into exactly two words.
            if section.name.hasPrefix("profile") {
                if let name = Self.secondWord(of: section.name) { configFileProfiles[name] = section.values }
            } else if section.name.hasPrefix("sso-session") {
                continue
            } else if section.name.hasPrefix("services") {
                if let name = Self.secondWord(of: section.name) { services[name] = section.values }
            } else if section.name == "default" {
                configFileProfiles["default"] = section.values
            }
        }
        profiles = configFileProfiles
        for section in credentialsFile?.sections ?? [] {
            credentialsFileSections[section.name] = section.values
            profiles[section.name, default: [:]].merge(section.values) { _, credentialsValue in credentialsValue }
        }
    }

    /// The merged profile, or an empty one.
    func profile(_ name: String) -> Profile {
        profiles[name] ?? [:]
    }

    /// `parts[1]` of `shlex.split(header)` when it has exactly two parts (`profile "my name"` → `my name`).
    static func secondWord(of header: String) -> String? {
        guard let words = shellWords(header), words.count == 2 else { return nil }
        return words[1]
    }

    /// Python's `shlex.split` (POSIX mode, no comments): whitespace separates words, single quotes are literal,
    /// double quotes allow `\"` and `\\`, a backslash outside quotes escapes the next character. Returns `nil` for
    /// an unclosed quote or a trailing backslash, which botocore treats as "not a profile".
    static func shellWords(_ text: String) -> [String]? {
        var words: [String] = []
        var word = ""
        var inWord = false
        var quote: Character?
        var iterator = Array(text).makeIterator()
        while let character = iterator.next() {
            switch (quote, character) {
            case ("'", "'"), ("\"", "\""):
                quote = nil
            case ("\"", "\\"):
                guard let next = iterator.next() else { return nil }
                if next != "\"" && next != "\\" { word.append("\\") }
                word.append(next)
            case (.some, _):
                word.append(character)
            case (nil, "'"), (nil, "\""):
                quote = character
                inWord = true
            case (nil, "\\"):
                guard let next = iterator.next() else { return nil }
                word.append(next)
                inWord = true
            case (nil, " "), (nil, "\t"), (nil, "\n"), (nil, "\r"):
                if inWord {
                    words.append(word)
                    word = ""
                    inWord = false
                }
            case (nil, _):
                word.append(character)
                inWord = true
            }
        }
        guard quote == nil else { return nil }
        if inWord { words.append(word) }
        return words
    }
}

extension Dictionary where Key == String, Value == AWSINIValue {
    /// A plain-string setting; nested blocks count as absent.
    func string(_ key: String) -> String? {
        self[key]?.string
    }
}
