#!/usr/bin/env python3
"""Lines per function and per file over kdna's C++ sources.

House rule (BRIEF, DESIGN.md): no function over ~80 lines without a reason written next to
it, and no file of thousands of lines. This prints the functions and files over the limits,
longest first, so a review (or a before/after table in an issue's closing note) can see them.

It reads the sources as text: comments, strings and preprocessor lines are blanked, then
braces are followed by depth. A brace opened at namespace or class scope after a header with
a parameter list is a function body (constructors' initialiser braces `m_x{...}` included in
the header); its length is the lines from the header's first line to the closing brace.
Lambdas and local classes count as part of the function that holds them.

    tools/function_lengths.py [--function-limit 80] [--file-limit 800] [dirs...]
"""

import argparse
import os
import re
import sys

SOURCE_ENDINGS = (".cpp", ".h", ".hpp", ".cc")
SCOPE_WORDS = re.compile(r"\b(namespace|class|struct|union|extern)\b")
ENUM_WORD = re.compile(r"\benum\b")
CONTROL_WORDS = {"if", "for", "while", "switch", "catch", "return", "sizeof", "decltype"}


def blank_comments_and_strings(text):
    """The text with comments, string and character literals and preprocessor lines replaced
    by spaces (newlines kept), so braces inside them do not count."""
    out = []
    i, n = 0, len(text)
    at_line_start = True
    while i < n:
        c = text[i]
        if at_line_start and c == "#":
            # A preprocessor line, with its continuations.
            while i < n and text[i] != "\n":
                if text[i] == "\\" and i + 1 < n and text[i + 1] == "\n":
                    out.append(" \n")
                    i += 2
                    continue
                out.append(" ")
                i += 1
            continue
        if c == "/" and text.startswith("//", i):
            while i < n and text[i] != "\n":
                out.append(" ")
                i += 1
            continue
        if c == "/" and text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append(re.sub(r"[^\n]", " ", text[i:end]))
            i = end
            continue
        if c == "R" and text.startswith('R"', i):
            m = re.match(r'R"([^(\s]*)\(', text[i:])
            if m:
                close = ")" + m.group(1) + '"'
                end = text.find(close, i + len(m.group(0)))
                end = n if end < 0 else end + len(close)
                out.append(re.sub(r"[^\n]", " ", text[i:end]))
                i = end
                continue
        if c in "\"'":
            # A digit separator (1'000) is not a character literal.
            if c == "'" and i > 0 and text[i - 1].isalnum():
                out.append(" ")
                i += 1
                continue
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(c + " " * (min(j, n) - i - 1) + (c if j < n else ""))
            i = j + 1
            continue
        out.append(c)
        if c == "\n":
            at_line_start = True
        elif not c.isspace():
            at_line_start = False
        i += 1
    return "".join(out)


def matching_brace(text, open_at):
    depth = 0
    for k in range(open_at, len(text)):
        if text[k] == "{":
            depth += 1
        elif text[k] == "}":
            depth -= 1
            if depth == 0:
                return k
    return len(text) - 1


def function_name(header):
    """The name before the parameter list at depth 0 of a function header, or None when the
    header is not a function's (a control statement, an initialiser)."""
    h = " ".join(header.split())
    m = re.search(r"(operator\s*(\(\)|[^\s(]+)|~?[A-Za-z_]\w*(::~?[A-Za-z_]\w*)*)\s*(<[^()]*>)?\s*\(", h)
    if not m:
        return None
    name = m.group(1)
    if name.split("::")[-1] in CONTROL_WORDS:
        return None
    before = h[: m.start()]
    # `T x = {`, `auto f = [](...) {`: an initialiser, not a definition.
    if re.search(r"(?<![=!<>])=(?!=)", before.replace("operator=", "")):
        return None
    qualified = re.search(r"((?:[A-Za-z_]\w*::)+)$", before.strip())
    return (qualified.group(1) if qualified else "") + name


def functions_in(text):
    """(name, first line, last line) of every function body at namespace or class scope."""
    found = []
    line_of = []
    line = 1
    for ch in text:
        line_of.append(line)
        if ch == "\n":
            line += 1

    def scan(start, end):
        header_start = start
        k = start
        while k < end:
            c = text[k]
            if c in ";}":
                header_start = k + 1
            elif c == "{":
                header = text[header_start:k]
                close = matching_brace(text, k)
                if ENUM_WORD.search(header):
                    pass
                elif SCOPE_WORDS.search(header) and "(" not in header.split(SCOPE_WORDS.search(header).group(1))[-1].split(":")[0]:
                    scan(k + 1, close)
                else:
                    name = function_name(header)
                    if name:
                        # An initialiser brace in a constructor's list: the body comes later.
                        rest = text[close + 1 : close + 200].lstrip()
                        if rest[:1] in (",", "{"):
                            k = close + 1
                            continue
                        first = header_start + (len(header) - len(header.lstrip()))
                        found.append((name, line_of[first], line_of[close]))
                header_start = close + 1
                k = close
            k += 1

    scan(0, len(text))
    return found


def sources(roots):
    for root in roots:
        for folder, _, names in os.walk(root):
            for name in sorted(names):
                if name.endswith(SOURCE_ENDINGS):
                    yield os.path.join(folder, name)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("roots", nargs="*", default=["core", "ui", "app"])
    parser.add_argument("--function-limit", type=int, default=80)
    parser.add_argument("--file-limit", type=int, default=800)
    args = parser.parse_args()

    long_functions = []
    long_files = []
    for path in sources(args.roots):
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        lines = text.count("\n") + (0 if text.endswith("\n") else 1)
        if lines > args.file_limit:
            long_files.append((lines, path))
        for name, first, last in functions_in(blank_comments_and_strings(text)):
            length = last - first + 1
            if length > args.function_limit:
                long_functions.append((length, f"{path}:{first}", name))

    print(f"functions over {args.function_limit} lines: {len(long_functions)}")
    print("| lines | where | function |\n| ---: | --- | --- |")
    for length, where, name in sorted(long_functions, reverse=True):
        print(f"| {length} | {where} | `{name}` |")
    print(f"\nfiles over {args.file_limit} lines: {len(long_files)}")
    print("| lines | file |\n| ---: | --- |")
    for lines, path in sorted(long_files, reverse=True):
        print(f"| {lines} | {path} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
