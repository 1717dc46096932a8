extension ArgumentParser {
    /// The program's help: what it is, its commands and global options.
    func programHelp(overview: String) -> String {
        let width = commands.map(\.name.count).max() ?? 0
        var lines = [
            "OVERVIEW: \(overview)",
            "",
            "USAGE: \(programName) COMMAND [options]",
            "",
            "COMMANDS:",
        ]
        for command in commands {
            lines.append("  \(command.name.padding(to: width))  \(command.abstract)")
        }
        lines += [
            "",
            "OPTIONS:",
            "  -h, --help  Show help. '\(programName) COMMAND --help' shows a command's options.",
            "  --version   Show the version.",
        ]
        return lines.joined(separator: "\n")
    }

    /// A command's help: usage, discussion and every option with its environment variable and default.
    func help(for command: Command) -> String {
        let hasOptions = !command.options.isEmpty
        var lines = [
            "OVERVIEW: \(command.abstract)",
            "",
            "USAGE: \(programName) \(([command.name] + command.arguments).joined(separator: " "))"
                + (hasOptions ? " [options]" : ""),
        ]
        if !command.discussion.isEmpty {
            lines += ["", command.discussion]
        }
        lines += ["", "OPTIONS:"]
        let entries = command.options.map { ($0.synopsis, $0) } + [("-h, --help", nil)]
        let width = entries.map(\.0.count).max() ?? 0
        for (synopsis, option) in entries {
            guard let option else {
                lines.append("  \(synopsis.padding(to: width))  Show this help.")
                continue
            }
            var notes: [String] = []
            if let environment = option.environment { notes.append("env: \(environment)") }
            if let defaultDescription = option.defaultDescription { notes.append("default: \(defaultDescription)") }
            let indent = String(repeating: " ", count: width + 4)
            var text = wrap(option.help, width: helpWidth - indent.count)
            if !notes.isEmpty { text += wrap("(\(notes.joined(separator: "; ")))", width: helpWidth - indent.count) }
            for (index, line) in text.enumerated() {
                lines.append(index == 0 ? "  \(synopsis.padding(to: width))  \(line)" : indent + line)
            }
        }
        return lines.joined(separator: "\n")
    }

    /// The width help text is wrapped to.
    private var helpWidth: Int { 100 }

    /// `text` cut into lines of at most `width` characters, at spaces.
    private func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            if !current.isEmpty && current.count + 1 + word.count > max(width, 20) {
                lines.append(current)
                current = String(word)
            } else {
                current += current.isEmpty ? String(word) : " " + word
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}

extension String {
    /// The string followed by spaces up to `width` characters.
    fileprivate func padding(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
