#!/usr/bin/env python3
"""Reports every function body in the Swift sources that is longer than the project's limit.

The rule: no `func`, `init`, `deinit` or `subscript` in SandboxCore or SandboxRuntime is over 80 lines,
counting from the line of its keyword to the line of its closing brace, both included. Closures are not
counted on their own; a nested function is counted on its own and also as part of the one around it.

The Swift sources are tokenised first so that braces inside comments (`//`, nested `/* */`) and string
literals (`"…"`, multi-line `\"\"\"…\"\"\"`, raw `#"…"#`, interpolations `\\(…)`) and extended regex
literals (`#/…/#`) are not mistaken for code.

Usage: Scripts/check-function-length.py [--max N] [DIRECTORY|FILE ...]
Without paths it checks Sources/SandboxCore and Sources/SandboxRuntime. Prints one line per function over
the limit (`path:line: ...`) and exits 1 if there is any; otherwise prints one summary line and exits 0.
"""

import os
import sys

DEFAULT_MAX = 80
DEFAULT_PATHS = ["Sources/SandboxCore", "Sources/SandboxRuntime"]

FUNCTION_KEYWORDS = {"func", "init", "deinit", "subscript"}
# A token that, outside parentheses, ends a signature that has no body (a protocol requirement).
DECLARATION_STARTERS = {
    "func", "init", "deinit", "subscript", "var", "let", "case", "struct", "class", "enum", "protocol",
    "extension", "typealias", "associatedtype", "import", "actor", "macro", "operator", "precedencegroup",
    "private", "fileprivate", "internal", "public", "package", "open", "static", "mutating", "nonmutating",
    "override", "final", "nonisolated", "required", "convenience", "lazy", "weak", "unowned", "indirect",
}
WORD_CHARACTERS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$")
OPERATOR_CHARACTERS = set("/=-+!*%<>&|^~?.")


class SwiftSyntaxError(Exception):
    """The file could not be tokenised (for example an unterminated comment or string)."""


class Lexer:
    """Turns Swift source text into (text, line) code tokens, dropping comments and literal text."""

    def __init__(self, text):
        self.text = text
        self.position = 0
        self.line = 1
        self.tokens = []

    def tokenize(self):
        self.lex_code(until_close_paren=False)
        return self.tokens

    def peek(self, offset=0):
        index = self.position + offset
        return self.text[index] if index < len(self.text) else ""

    def starts_with(self, prefix):
        return self.text.startswith(prefix, self.position)

    def advance(self, count=1):
        for _ in range(count):
            if self.position >= len(self.text):
                return
            if self.text[self.position] == "\n":
                self.line += 1
            self.position += 1

    def emit(self, token, line):
        self.tokens.append((token, line))

    def lex_code(self, until_close_paren):
        """Lexes code; inside an interpolation, stops after the `)` that closes it."""
        depth = 0
        while self.position < len(self.text):
            character = self.peek()
            if character == "\n" or character.isspace():
                self.advance()
            elif self.starts_with("//"):
                self.skip_line_comment()
            elif self.starts_with("/*"):
                self.skip_block_comment()
            elif character == '"' or (character == "#" and self.raw_string_starts_here()):
                self.skip_string()
            elif character == "#" and self.extended_regex_starts_here():
                self.skip_extended_regex()
            elif character == "`":
                self.lex_backtick_identifier()
            elif character in WORD_CHARACTERS or (character == "#" and self.peek(1) in WORD_CHARACTERS):
                self.lex_word()
            elif character in OPERATOR_CHARACTERS:
                self.lex_operator()
            else:
                if until_close_paren:
                    if character == "(":
                        depth += 1
                    elif character == ")":
                        if depth == 0:
                            self.advance()
                            return
                        depth -= 1
                self.emit(character, self.line)
                self.advance()
        if until_close_paren:
            raise SwiftSyntaxError(f"unterminated string interpolation at end of file (line {self.line})")

    def skip_line_comment(self):
        while self.position < len(self.text) and self.peek() != "\n":
            self.advance()

    def skip_block_comment(self):
        start_line = self.line
        depth = 0
        while self.position < len(self.text):
            if self.starts_with("/*"):
                depth += 1
                self.advance(2)
            elif self.starts_with("*/"):
                depth -= 1
                self.advance(2)
                if depth == 0:
                    return
            else:
                self.advance()
        raise SwiftSyntaxError(f"unterminated /* comment starting on line {start_line}")

    def raw_string_starts_here(self):
        index = self.position
        while index < len(self.text) and self.text[index] == "#":
            index += 1
        return index < len(self.text) and self.text[index] == '"'

    def extended_regex_starts_here(self):
        index = self.position
        while index < len(self.text) and self.text[index] == "#":
            index += 1
        return index < len(self.text) and self.text[index] == "/"

    def skip_string(self):
        start_line = self.line
        hashes = 0
        while self.peek() == "#":
            hashes += 1
            self.advance()
        multiline = self.starts_with('"""')
        quote = '"""' if multiline else '"'
        self.advance(len(quote))
        closing = quote + "#" * hashes
        escape = "\\" + "#" * hashes
        while self.position < len(self.text):
            if self.starts_with(escape):
                self.advance(len(escape))
                if self.peek() == "(":
                    self.emit("(", self.line)
                    self.advance()
                    self.lex_code(until_close_paren=True)
                    self.emit(")", self.line)
                else:
                    self.advance()
            elif self.starts_with(closing):
                self.advance(len(closing))
                self.emit("<string>", start_line)
                return
            elif self.peek() == "\n" and not multiline:
                raise SwiftSyntaxError(f"unterminated string literal on line {start_line}")
            else:
                self.advance()
        raise SwiftSyntaxError(f"unterminated string literal starting on line {start_line}")

    def skip_extended_regex(self):
        start_line = self.line
        hashes = 0
        while self.peek() == "#":
            hashes += 1
            self.advance()
        self.advance()
        closing = "/" + "#" * hashes
        while self.position < len(self.text):
            if self.peek() == "\\":
                self.advance(2)
            elif self.starts_with(closing):
                self.advance(len(closing))
                self.emit("<regex>", start_line)
                return
            else:
                self.advance()
        raise SwiftSyntaxError(f"unterminated regex literal starting on line {start_line}")

    def lex_backtick_identifier(self):
        start = self.position
        line = self.line
        self.advance()
        while self.position < len(self.text) and self.peek() not in "`\n":
            self.advance()
        self.advance()
        self.emit(self.text[start:self.position], line)

    def lex_word(self):
        start = self.position
        self.advance()
        while self.peek() and self.peek() in WORD_CHARACTERS:
            self.advance()
        self.emit(self.text[start:self.position], self.line)

    def lex_operator(self):
        start = self.position
        while self.peek() and self.peek() in OPERATOR_CHARACTERS:
            if self.position > start and (self.starts_with("//") or self.starts_with("/*")):
                break
            self.advance()
        self.emit(self.text[start:self.position], self.line)


def matching_brace(tokens, open_index):
    """Index of the `}` closing the `{` at open_index, or None if the file ends first."""
    depth = 0
    for index in range(open_index, len(tokens)):
        token = tokens[index][0]
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
            if depth == 0:
                return index
    return None


def body_start(tokens, keyword_index):
    """Index of the `{` opening the body of the declaration at keyword_index, or None if it has none."""
    depth = 0
    # A function's name may be any identifier, `open` included, so the scan starts after it.
    first = keyword_index + 2 if tokens[keyword_index][0] == "func" else keyword_index + 1
    for index in range(first, len(tokens)):
        token = tokens[index][0]
        if token in ("(", "["):
            depth += 1
        elif token in (")", "]"):
            depth -= 1
        elif depth > 0:
            if token == "{":
                depth += 1
            elif token == "}":
                depth -= 1
        elif token == "{":
            return index
        elif token in ("}", ";") or token.startswith("#") or is_declaration_start(tokens, index):
            return None
    return None


def is_keyword(tokens, index):
    """Whether the token at index is the keyword itself, not a member such as `.init` or `Self.init`, nor an
    argument label such as `init` in `func make(init value: Int)`."""
    if index > 0 and tokens[index - 1][0].endswith("."):
        return False
    token = tokens[index][0]
    following = tokens[index + 1][0] if index + 1 < len(tokens) else ""
    if token in ("init", "subscript"):
        return following in ("(", "<") or following[:1] in ("?", "!")
    if token == "deinit":
        return following == "{"
    return True


def is_declaration_start(tokens, index):
    token = tokens[index][0]
    return token in DECLARATION_STARTERS and (token != "init" or is_keyword(tokens, index))


def function_name(tokens, keyword_index):
    keyword = tokens[keyword_index][0]
    if keyword == "func" and keyword_index + 1 < len(tokens):
        return "func " + tokens[keyword_index + 1][0]
    return keyword


def long_functions(path, maximum):
    """(line, name, length) for every function in the file whose body is longer than maximum lines."""
    with open(path, encoding="utf-8") as handle:
        tokens = Lexer(handle.read()).tokenize()
    found = []
    for index, (token, line) in enumerate(tokens):
        if token not in FUNCTION_KEYWORDS or not is_keyword(tokens, index):
            continue
        open_index = body_start(tokens, index)
        if open_index is None:
            continue
        close_index = matching_brace(tokens, open_index)
        if close_index is None:
            raise SwiftSyntaxError(f"unbalanced braces in the body starting on line {tokens[open_index][1]}")
        length = tokens[close_index][1] - line + 1
        found.append((line, function_name(tokens, index), length))
    return [entry for entry in found if entry[2] > maximum], len(found)


def swift_files(paths):
    for path in paths:
        if os.path.isfile(path):
            yield path
            continue
        if not os.path.isdir(path):
            raise FileNotFoundError(f"no such file or directory: {path}")
        for directory, subdirectories, files in os.walk(path):
            subdirectories.sort()
            for name in sorted(files):
                if name.endswith(".swift"):
                    yield os.path.join(directory, name)


def main(arguments):
    maximum = DEFAULT_MAX
    paths = []
    iterator = iter(arguments)
    for argument in iterator:
        if argument == "--max":
            maximum = int(next(iterator))
        elif argument.startswith("--max="):
            maximum = int(argument.split("=", 1)[1])
        elif argument in ("-h", "--help"):
            print(__doc__.strip())
            return 0
        else:
            paths.append(argument)
    if not paths:
        os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
        paths = DEFAULT_PATHS

    offenders = 0
    checked = 0
    files = 0
    failed = False
    missing = [path for path in paths if not os.path.exists(path)]
    if missing:
        print(f"check-function-length: no such file or directory: {', '.join(missing)}", file=sys.stderr)
        return 2
    for path in swift_files(paths):
        files += 1
        try:
            long, count = long_functions(path, maximum)
        except SwiftSyntaxError as error:
            print(f"{path}: cannot check: {error}", file=sys.stderr)
            failed = True
            continue
        checked += count
        for line, name, length in long:
            print(f"{path}:{line}: {name} is {length} lines (limit {maximum})")
            offenders += 1

    if offenders:
        print(f"check-function-length: {offenders} of {checked} functions in {files} files are over {maximum} lines")
        return 1
    if failed:
        return 1
    print(f"check-function-length: all {checked} functions in {files} files are at most {maximum} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
