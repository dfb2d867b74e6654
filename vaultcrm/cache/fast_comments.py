"""`%% comments %%` blanked as vault/notes.py's `blank_comments` blanks them, by jumps with `str.find`
instead of one step per character (tests/cache/test_parse_equivalence.py holds the two equal)."""
from __future__ import annotations

from vaultcrm.vault.notes import _FENCE


def blank_comments(body: str) -> str:
    """notes.blank_comments: comments become spaces, lines stay in place; `%%` in fenced or inline
    code is literal."""
    if "%%" not in body:
        return body
    lines = body.split("\n")
    fenced = "```" in body or "~~~" in body
    fence: str | None = None
    in_comment = False
    for number, line in enumerate(lines):
        if not in_comment:
            if fenced:
                opener = _FENCE.match(line)
                if fence is not None:
                    if (opener and opener[1][0] == fence[0] and len(opener[1]) >= len(fence)
                            and not line.strip(" \t`~")):
                        fence = None
                    continue
                if opener:
                    fence = opener[1]
                    continue
            if "%%" not in line:
                continue
        lines[number], in_comment = _blank_line(line, in_comment)
    return "\n".join(lines)


def _blank_line(line: str, in_comment: bool) -> tuple[str, bool]:
    """notes._blank_line: the line with its comments blanked, and whether a comment is still open."""
    size = len(line)
    pieces: list[str] = []
    pos = start = 0  # line[start:pos] is kept as it is
    while pos < size:
        if in_comment:
            end = line.find("%%", pos)
            stop = size if end < 0 else end + 2
            pieces += (line[start:pos], " " * (stop - pos))
            pos = start = stop
            in_comment = end < 0
            continue
        percent = line.find("%%", pos)
        if percent < 0:
            break
        tick = line.find("`", pos, percent)
        if tick >= 0:
            rest = line[tick:]
            run = len(rest) - len(rest.lstrip("`"))
            close = line.find("`" * run, tick + run)
            pos = tick + run if close < 0 else close + run
            continue
        pieces += (line[start:percent], "  ")
        pos = start = percent + 2
        in_comment = True
    pieces.append(line[start:])
    return "".join(pieces), in_comment
