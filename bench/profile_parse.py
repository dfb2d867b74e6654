#!/usr/bin/env python3
"""Where `vaultcrm.cache.fast_parse.parse` spends its time on a vault's notes, in one process (no pool).

    .venv/bin/python bench/profile_parse.py VAULT [VAULT ...] [--repeat 3] [--top 30] [--json out.json]
    .venv/bin/python bench/profile_parse.py VAULT [VAULT ...] --quick     # only 1.

For each vault (its notes as `vaultcrm sync` finds them, read into memory first):

1. throughput: every note through `parse`, `--repeat` times, plain (no instrumentation): MB/s of
   one core (the median pass; markdown-it imported beforehand);
2. paths: the same notes once more with counters and timers wrapped around the parser's functions
   from the outside (vaultcrm/ is not changed): how many notes are skipped entirely (nothing an
   entry could come from), split by `simple_blocks`, or by markdown-it's block parser -- with the
   time and bytes of each, and why a body left the fast path;
   and for each block's text given to `_facts`: none needed (no `[`, no tag hint), read by `_scan`,
   or given to the full inline parser, and why (reference definitions in the note, the character
   `_scan` does not follow, or `_scan` declining);
3. cProfile of one pass: the functions with the most own time, and own time summed by module
   (markdown-it's block and inline rules one by one);
4. a leaner markdown-it: the texts that went to the full inline parser parsed again by an inline
   parser without the rules links do not need (emphasis, entities, the post-processing rules), the
   links compared; and the bodies that went to markdown-it's block parser split again by the block
   parser alone (no core rules), and with the block rules' logging calls made no-ops -- the time of
   each against the parser's own;
5. with --pyrs, markdown-it-pyrs (the Rust port) on every body: its speed, with and without visiting
   the tree from Python, and in how many notes the links read from its tree differ from vaultcrm's.

The timers add overhead (each wrapped call costs a few hundred nanoseconds); the shares are read
from the instrumented pass, the throughput from the plain one. Whole passes (throughput and the
trials) are timed in CPU time of this process (`time.process_time`), which other jobs sharing the
machine disturb less than wall time; the probe's shares use the wall clock.
"""
from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import re
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from vaultcrm.cache import fast_inline, fast_parse
from vaultcrm.config import load_config
from vaultcrm.vault import frontmatter, notes
from vaultcrm.vault.scan import scan
from vaultcrm.vault.text import link_target, markdown_target

now = time.perf_counter  # the probe's timers (shares within one pass)
cpu = time.process_time  # whole passes: CPU time, which other jobs on the machine disturb less


def load(vault: Path) -> list[tuple[str, bytes]]:
    config = load_config(vault)
    return [(f.path, (vault / f.path).read_bytes()) for f in scan(vault, config).files
            if f.size <= config.max_note_bytes]


def warm() -> None:
    notes.markdown()
    notes._block_markdown()
    fast_inline._target("a%20b.md")
    fast_inline._target("a:b")
    fast_parse.parse("x.md", b"---\na: [b]\n---\n| a | b |\n|---|---|\n| [[c]] | d |\n")


def throughput(data: list[tuple[str, bytes]], repeat: int) -> list[float]:
    times = []
    parse = fast_parse.parse
    for _ in range(repeat):
        started = cpu()
        for path, raw in data:
            parse(path, raw)
        times.append(cpu() - started)
    return times


# -- the reasons a body leaves simple_blocks ------------------------------------------------------

def declined_reasons(src: str) -> tuple[str, set[str]]:
    """(the first reason, every reason) simple_blocks returned None for `src`."""
    if "\0" in src:
        return "NUL", {"NUL"}
    reason = "a line that may open a reference definition (`[label]: destination`)"
    return reason, {reason}


def declined_why(src: str, line: int, tags: bool, references: dict[str, Any] | None = None) -> str:
    """Why fast_inline.scan gave a text to markdown-it's inline parser."""
    if tags and fast_inline._TAG_UNSAFE.search(src):
        return "tags, and emphasis, an escape or an entity"
    try:
        fast_inline._Scan(src, line, references).run(tags)
    except fast_inline._Declined as exc:
        return str(exc)
    return "?"


# -- the instrumented pass ------------------------------------------------------------------------

class Probe:
    """Counters and timers wrapped around the parser's functions (restored by `close`)."""

    def __init__(self) -> None:
        self.saved: list[tuple[Any, str, Any]] = []
        self.t: Counter[str] = Counter()  # seconds by part
        self.n: Counter[str] = Counter()  # calls by part
        self.note: dict[str, Any] = {}
        self.notes: list[dict[str, Any]] = []
        self.first_reason: Counter[str] = Counter()
        self.any_reason: Counter[str] = Counter()
        self.only_reason: Counter[str] = Counter()
        self.reason_bytes: Counter[str] = Counter()
        self.inline: Counter[str] = Counter()
        self.inline_t: Counter[str] = Counter()
        self.inline_bytes: Counter[str] = Counter()
        self.full_inline: list[tuple[str, int, dict[str, Any] | None, bool]] = []  # for the lean check
        self.full_blocks: list[str] = []
        self.scan_none = False
        self.scan_references: dict[str, Any] | None = None  # what the last scan was given
        self.kind_parts: dict[str, Counter[str]] = defaultdict(Counter)  # seconds by part, by path

    def patch(self, owner: Any, name: str, make: Any) -> None:
        original = getattr(owner, name)
        self.saved.append((owner, name, original))
        setattr(owner, name, make(original))

    def close(self) -> None:
        for owner, name, original in reversed(self.saved):
            setattr(owner, name, original)

    def timed(self, key: str):
        def make(original: Any) -> Any:
            def wrapper(*args: Any, **kwargs: Any) -> Any:
                started = now()
                try:
                    return original(*args, **kwargs)
                finally:
                    self.t[key] += now() - started
                    self.n[key] += 1
            return wrapper
        return make

    def install(self) -> None:
        probe = self
        self.patch(frontmatter, "read_text", self.timed("frontmatter.read_text"))
        self.patch(fast_parse, "blank_comments", self.timed("_blank_comments"))

        def maybe_useful(original: Any) -> Any:
            def wrapper(parser: Any, body: str) -> bool:
                started = now()
                result = original(parser, body)
                probe.t["_maybe_useful"] += now() - started
                probe.note["useful"] = result
                return result
            return wrapper
        self.patch(fast_parse.FastParser, "may_hold_entries", maybe_useful)

        def simple(original: Any) -> Any:
            def wrapper(src: str) -> Any:
                started = now()
                result = original(src)
                probe.t["simple_blocks"] += now() - started
                probe.note["simple"] = result is not None
                if result is None:
                    first, every = declined_reasons(src)
                    probe.first_reason[first] += 1
                    probe.reason_bytes[first] += len(src.encode())
                    for reason in every:
                        probe.any_reason[reason] += 1
                    if len(every) == 1:
                        probe.only_reason[first] += 1
                    probe.full_blocks.append(src)
                return result
            return wrapper
        self.patch(fast_parse, "simple_blocks", simple)

        block_md = notes._block_markdown()

        class TimedMd:
            def parse(self, src: str, env: dict[str, Any]) -> Any:
                started = now()
                try:
                    return block_md.parse(src, env)
                finally:
                    probe.t["markdown-it block parse"] += now() - started
                    probe.n["markdown-it block parse"] += 1

        timed_md = TimedMd()
        self.patch(notes, "_block_markdown", lambda original: (lambda: timed_md))

        def scan_(original: Any) -> Any:
            def wrapper(src: str, line: int, tags: bool, references: dict[str, Any] | None = None) -> Any:
                started = now()
                result = original(src, line, tags, references)
                probe.t["_scan"] += now() - started
                probe.scan_none = result is None
                probe.scan_references = references
                return result
            return wrapper
        self.patch(fast_parse, "scan", scan_)

        def inline_children(original: Any) -> Any:
            def wrapper(src: str, env: dict[str, Any]) -> Any:
                started = now()
                try:
                    return original(src, env)
                finally:
                    probe.t["full inline parse (_inline_children)"] += now() - started
            return wrapper
        self.patch(notes, "inline_children", inline_children)

        def facts(original: Any) -> Any:
            def wrapper(parser: Any, src: str, line: int, env: dict[str, Any] | None) -> Any:
                tags = ("#" in src or "&" in src) and fast_inline.TAG_HINT.search(src) is not None
                if "[" not in src and not tags:
                    kind = "no `[` and no tag hint: nothing parsed"
                elif env and "[" in src and fast_inline.references_matter(src, env["references"]):
                    kind = "scan, with reference definitions"
                else:
                    kind = "scan"
                probe.scan_none = False
                started = now()
                result = original(parser, src, line, env)
                spent = now() - started
                if kind.startswith("scan") and probe.scan_none:
                    kind = "full inline: scan declined: " + declined_why(src, line, tags, probe.scan_references)
                if kind.startswith("full"):
                    probe.full_inline.append((src, line, env, tags))
                probe.inline[kind] += 1
                probe.inline_t[kind] += spent
                probe.inline_bytes[kind] += len(src)
                probe.t["_facts (all)"] += spent
                return result
            return wrapper
        self.patch(fast_parse.FastParser, "facts", facts)

    def run(self, data: list[tuple[str, bytes]]) -> None:
        parse = fast_parse.parse
        for path, raw in data:
            self.note = {"useful": None, "simple": None}
            before = dict(self.t)
            started = now()
            parse(path, raw)
            spent = now() - started
            note = self.note
            if not note["useful"]:
                kind = "skipped (nothing an entry could come from)"
            elif note["simple"] is False:
                kind = "markdown-it block parser"
            else:
                kind = "simple_blocks (_Blocks)"
            self.notes.append({"kind": kind, "bytes": len(raw), "t": spent})
            parts = self.kind_parts[kind]
            for key, value in self.t.items():
                parts[key] += value - before.get(key, 0.0)
            parts["parse"] += spent


# -- the leaner markdown-it -----------------------------------------------------------------------

def lean_inline_md() -> Any:
    """markdown() without what links do not need: emphasis, entities, and the rules run after
    the inline rules (balance_pairs, emphasis, fragments_join)."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin

    md = MarkdownIt("commonmark", {"html": True}).enable("table").use(dollarmath_plugin, allow_space=False,
                                                                     allow_digits=False)
    md.inline.ruler.before("link", "wikilink", notes._wikilink_rule)
    md.inline.ruler.disable(["emphasis", "entity"])
    md.inline.ruler2.disable(["balance_pairs", "emphasis", "fragments_join"])
    return md


def lean_check(full_inline: list[tuple[str, int, dict[str, Any] | None, bool]]) -> dict[str, Any]:
    """The texts the full inline parser read, again: the parser's own way, and a lean inline parser
    (links only: the texts with a tag hint keep the full parser). Same links? How long?"""
    from markdown_it.token import Token

    md = lean_inline_md()
    link_only = [(src, line, env) for src, line, env, tags in full_inline if not tags]
    own = lean = 0.0
    differ = 0
    for src, line, env in link_only:
        started = cpu()
        expected = notes.children_facts(notes.inline_children(src, env or {}), line)[0]
        own += cpu() - started
        started = cpu()
        children: list[Token] = []
        md.inline.parse(src, md, env or {}, children)
        got = notes.children_facts(children, line)[0]
        lean += cpu() - started
        differ += got != expected
    return {"texts": len(full_inline), "links only (no tag hint)": len(link_only),
            "own s": round(own, 4), "lean s": round(lean, 4), "links differ": differ}


class _Quiet:
    """A logger whose debug() does nothing (markdown-it's block rules each log on entry)."""

    @staticmethod
    def debug(*args: Any, **kwargs: Any) -> None:
        return None


def block_check(bodies: list[str]) -> dict[str, Any]:
    """The bodies markdown-it's block parser split, again: `_block_markdown().parse` (core rules
    normalize, block, text_join; inline disabled) against `md.block.parse` alone, then also with
    the block rules' `LOGGER.debug` calls made no-ops."""
    import importlib
    import pkgutil

    import markdown_it.rules_block as rules_block

    md = notes._block_markdown()
    own = bare = quiet = 0.0
    same = True
    for src in bodies:
        env: dict[str, Any] = {}
        started = cpu()
        tokens = md.parse(src, env)
        own += cpu() - started
        env2: dict[str, Any] = {}
        started = cpu()
        tokens2: list[Any] = []
        md.block.parse(src, md, env2, tokens2)
        bare += cpu() - started
        same = same and [(t.type, t.map, t.content) for t in tokens] == [(t.type, t.map, t.content) for t in tokens2]
    modules = [importlib.import_module(f"markdown_it.rules_block.{m.name}") for m in pkgutil.iter_modules(rules_block.__path__)]
    saved = [(m, m.LOGGER) for m in modules if hasattr(m, "LOGGER")]
    try:
        for m, _ in saved:
            m.LOGGER = _Quiet  # type: ignore[attr-defined]
        for src in bodies:
            env3: dict[str, Any] = {}
            started = cpu()
            tokens3: list[Any] = []
            md.block.parse(src, md, env3, tokens3)
            quiet += cpu() - started
    finally:
        for m, logger in saved:
            m.LOGGER = logger  # type: ignore[attr-defined]
    return {"bodies": len(bodies), "core parse s": round(own, 4), "block.parse alone s": round(bare, 4),
            "same tokens": same, "block.parse, LOGGER.debug a no-op s": round(quiet, 4)}


# -- markdown-it-pyrs -----------------------------------------------------------------------------

_WIKI = re.compile(r"(!?)\[\[([^\[\]\n]*?)\]\]")


def pyrs_check(data: list[tuple[str, bytes]]) -> dict[str, Any]:
    """markdown-it-pyrs (Rust) on the same bodies: how fast is its tree, and how fast with every node
    visited from Python; and how often the note links one could read from that tree (link nodes,
    `[[...]]` found in text nodes by a regex, outside quotes, code and HTML; no dollar math or
    wikilink rule exists there) differ from what vaultcrm's parser finds."""
    from markdown_it_pyrs import MarkdownIt, __version__

    md = MarkdownIt("commonmark").enable("table")
    bodies = []
    for path, raw in data:
        text = notes.decode(raw).replace("\r\n", "\n")
        bodies.append((path, raw, notes.blank_comments(frontmatter.read_text(text)[1])))
    started = cpu()
    for _, _, body in bodies:
        md.tree(body)
    tree_s = cpu() - started
    started = cpu()
    found: list[Counter[str]] = []
    skip = {"blockquote", "code_block", "fence", "html_block", "html_inline", "code_inline", "image"}
    for _, _, body in bodies:
        targets: Counter[str] = Counter()
        stack = [md.tree(body)]
        while stack:
            node = stack.pop()
            name = node.name
            if name in skip:
                continue
            if name == "link":
                target = markdown_target(node.meta.get("url", ""))
                if target:
                    targets[target] += 1
            elif name == "text":
                for bang, inner in _WIKI.findall(node.meta.get("content", "")):
                    target = link_target(inner) if not bang else ""
                    if target:
                        targets[target] += 1
            stack.extend(node.children)
        found.append(targets)
    walk_s = cpu() - started
    differ = 0
    examples = []
    for (path, raw, _), targets in zip(bodies, found, strict=False):
        note = fast_parse.parse(path, raw)
        own = Counter(link.target for entry in note.entries for link in entry.links)
        # vaultcrm keeps only the links of entries (a paragraph without a link is no entry, but one with
        # a link is): both sides count every link outside quotes, code, comments and math
        if own != targets:
            differ += 1
            if len(examples) < 5:
                examples.append((path, sorted((own - targets).elements())[:3], sorted((targets - own).elements())[:3]))
    size = sum(len(raw) for _, raw, _ in bodies)
    return {"version": __version__, "tree s": round(tree_s, 3), "tree MB/s": round(size / tree_s / 1e6, 1),
            "tree + walk from Python s": round(walk_s, 3), "tree + walk MB/s": round(size / walk_s / 1e6, 1),
            "notes whose links differ": differ, "of": len(bodies), "examples (only vaultcrm, only pyrs)": examples}


# -- cProfile -------------------------------------------------------------------------------------

def profile(data: list[tuple[str, bytes]], top: int) -> tuple[list[str], dict[str, float], float]:
    prof = cProfile.Profile()
    parse = fast_parse.parse
    prof.enable()
    for path, raw in data:
        parse(path, raw)
    prof.disable()
    stats = pstats.Stats(prof)
    rows = []
    groups: Counter[str] = Counter()
    total = 0.0
    for (filename, lineno, func), (_cc, nc, tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        total += tt
        if "markdown_it" in filename:
            tail = filename.split("markdown_it/", 1)[1]
            group = "markdown-it " + tail[:-3]
        elif "mdit_py_plugins" in filename:
            group = "mdit_py_plugins " + filename.split("mdit_py_plugins/", 1)[1][:-3]
        elif "vaultcrm" in filename:
            group = "vaultcrm " + filename.rsplit("/", 1)[1][:-3] + f".{func}"
        elif filename.startswith("~"):
            group = "builtins " + func
        else:
            group = "other " + filename.rsplit("/", 1)[-1]
        groups[group] += tt
        rows.append((tt, ct, nc, f"{filename.rsplit('site-packages/', 1)[-1]}:{lineno}({func})"))
    rows.sort(reverse=True)
    lines = [f"{tt:8.3f} {ct:8.3f} {nc:9d}  {name}" for tt, ct, nc, name in rows[:top]]
    return lines, dict(groups.most_common()), total


# -- the report -----------------------------------------------------------------------------------

def pct(part: float, whole: float) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "   - "


def quick(vault: Path, repeat: int) -> dict[str, Any]:
    """Only the throughput: CPU time of each pass, MB/s of the median pass."""
    data = load(vault)
    size = sum(len(raw) for _, raw in data)
    warm()
    times = throughput(data, repeat)
    median = statistics.median(times)
    print(f"{vault.name}: {len(data):,} notes, {size / 1e6:.1f} MB; CPU s {', '.join(f'{t:.3f}' for t in times)}"
          f" -> {size / median / 1e6:.2f} MB/s")
    return {"vault": str(vault), "notes": len(data), "bytes": size, "parse s (each pass)": [round(t, 3) for t in times],
            "MB/s median": round(size / median / 1e6, 2)}


def study(vault: Path, repeat: int, top: int, pyrs: bool = False) -> dict[str, Any]:
    data = load(vault)
    size = sum(len(raw) for _, raw in data)
    warm()
    times = throughput(data, repeat)
    best, median = min(times), statistics.median(times)
    out: dict[str, Any] = {"vault": str(vault), "notes": len(data), "bytes": size,
                           "parse s (each pass)": [round(t, 3) for t in times],
                           "MB/s median": round(size / median / 1e6, 2), "MB/s best": round(size / best / 1e6, 2)}
    print(f"\n=== {vault}: {len(data):,} notes, {size / 1e6:.1f} MB")
    print(f"parse, one process, CPU time of each pass: {', '.join(f'{t:.2f}' for t in times)} s -> {size / median / 1e6:.2f} MB/s "
          f"(median pass), {size / best / 1e6:.2f} MB/s (best)")

    probe = Probe()
    probe.install()
    try:
        started = now()
        probe.run(data)
        instrumented = now() - started
    finally:
        probe.close()
    by_kind: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0.0])  # type: ignore[arg-type]
    for n in probe.notes:
        row = by_kind[n["kind"]]
        row[0] += 1
        row[1] += n["bytes"]
        row[2] += n["t"]
    parse_total = sum(n["t"] for n in probe.notes)
    print(f"\nnotes by path (instrumented pass: {instrumented:.2f} s)")
    print(f"  {'path':<58}{'notes':>7}{'share':>7}{'MB':>7}{'share':>7}{'time s':>8}{'share':>7}{'MB/s':>7}")
    for kind, (count, nbytes, spent) in sorted(by_kind.items(), key=lambda kv: -kv[1][2]):
        print(f"  {kind:<58}{count:>7}{pct(count, len(data)):>7}{nbytes / 1e6:>7.2f}{pct(nbytes, size):>7}"
              f"{spent:>8.2f}{pct(spent, parse_total):>7}{nbytes / spent / 1e6 if spent else 0:>7.1f}")
    out["paths"] = {k: {"notes": v[0], "bytes": v[1], "s": round(v[2], 3)} for k, v in by_kind.items()}
    print("\n  the parts of each path's time (s): frontmatter, _blank_comments, simple_blocks, markdown-it block,"
          " _scan, full inline, rest of _facts, everything else")
    for kind, parts in sorted(probe.kind_parts.items(), key=lambda kv: -kv[1]["parse"]):
        facts_rest = parts["_facts (all)"] - parts["_scan"] - parts["full inline parse (_inline_children)"]
        named = ["frontmatter.read_text", "_blank_comments", "simple_blocks", "markdown-it block parse"]
        other = parts["parse"] - sum(parts[k] for k in named) - parts["_facts (all)"] - parts["_maybe_useful"]
        cells = [parts[k] for k in named] + [parts["_scan"], parts["full inline parse (_inline_children)"], facts_rest, other]
        print(f"  {kind:<58}" + "".join(f"{c:7.2f}" for c in cells) + f"  = {parts['parse']:.2f}")
    out["path parts s"] = {k: {p: round(v, 3) for p, v in parts.items()} for k, parts in probe.kind_parts.items()}

    print("\ntime by part of the parser (instrumented; parts do not nest except where said)")
    parts = dict(probe.t)
    facts_all = parts.get("_facts (all)", 0.0)
    scan_t = parts.get("_scan", 0.0)
    inline_t = parts.get("full inline parse (_inline_children)", 0.0)
    shown = ["frontmatter.read_text", "_maybe_useful", "_blank_comments", "simple_blocks",
             "markdown-it block parse"]
    for key in shown:
        print(f"  {key:<58}{parts.get(key, 0.0):>8.2f}{pct(parts.get(key, 0.0), parse_total):>7}")
    print(f"  {'_facts: _scan':<58}{scan_t:>8.2f}{pct(scan_t, parse_total):>7}")
    print(f"  {'_facts: full inline parse (markdown-it inline rules)':<58}{inline_t:>8.2f}{pct(inline_t, parse_total):>7}")
    rest_facts = facts_all - scan_t - inline_t
    print(f"  {'_facts: the rest (checks, _children_facts)':<58}{rest_facts:>8.2f}{pct(rest_facts, parse_total):>7}")
    rest = parse_total - sum(parts.get(k, 0.0) for k in shown) - facts_all
    print(f"  {'everything else (decode, entries loop, dates, Note)':<58}{rest:>8.2f}{pct(rest, parse_total):>7}")
    out["parts s"] = {k: round(v, 3) for k, v in parts.items()}

    declined = sum(probe.first_reason.values())
    print(f"\nwhy {declined} bodies went to markdown-it's block parser "
          "(first: the construct met first; any: bodies holding it; only: the one reason)")
    print(f"  {'construct':<58}{'first':>7}{'MB':>7}{'any':>7}{'only':>7}")
    for reason, count in probe.any_reason.most_common():
        print(f"  {reason:<58}{probe.first_reason[reason]:>7}{probe.reason_bytes[reason] / 1e6:>7.2f}"
              f"{count:>7}{probe.only_reason[reason]:>7}")
    out["declined"] = {"first": dict(probe.first_reason), "any": dict(probe.any_reason), "only": dict(probe.only_reason)}

    calls = sum(probe.inline.values())
    print(f"\nblock texts given to _facts: {calls:,} ({facts_all:.2f} s)")
    print(f"  {'what reads it':<70}{'texts':>8}{'share':>7}{'KB':>8}{'time s':>8}{'share':>7}")
    for kind, count in probe.inline.most_common():
        print(f"  {kind:<70}{count:>8}{pct(count, calls):>7}{probe.inline_bytes[kind] / 1e3:>8.0f}"
              f"{probe.inline_t[kind]:>8.2f}{pct(probe.inline_t[kind], facts_all):>7}")
    out["inline"] = {k: {"texts": v, "bytes": probe.inline_bytes[k], "s": round(probe.inline_t[k], 3)}
                     for k, v in probe.inline.items()}

    lean = lean_check(probe.full_inline)
    print(f"\nleaner inline parser on the full-inline texts without a tag hint: {lean}")
    blk = block_check(probe.full_blocks)
    print(f"block parser without core rules, on the bodies markdown-it split: {blk}")
    out["lean inline"], out["lean block"] = lean, blk
    if pyrs:
        rs = pyrs_check(data)
        print(f"\nmarkdown-it-pyrs on every body: {rs}")
        out["pyrs"] = rs

    lines, groups, total = profile(data, top)
    print(f"\ncProfile, one pass (own time {total:.2f} s, profiler overhead included); top {top} functions by own time")
    print(f"  {'own s':>8} {'cum s':>8} {'calls':>9}  function")
    for line in lines:
        print("  " + line)
    print("\nown time by module (markdown-it rules one by one)")
    for group, spent in list(groups.items())[:top]:
        print(f"  {group:<60}{spent:>8.3f}{pct(spent, total):>7}")
    md_block = sum(v for k, v in groups.items() if k.startswith("markdown-it rules_block"))
    md_inline = sum(v for k, v in groups.items() if k.startswith("markdown-it rules_inline"))
    md_other = sum(v for k, v in groups.items() if k.startswith("markdown-it") and "rules_" not in k)
    plugins = sum(v for k, v in groups.items() if k.startswith("mdit_py_plugins"))
    print(f"  {'= markdown-it block rules':<60}{md_block:>8.3f}{pct(md_block, total):>7}")
    print(f"  {'= markdown-it inline rules':<60}{md_inline:>8.3f}{pct(md_inline, total):>7}")
    print(f"  {'= markdown-it state, ruler, token, utils':<60}{md_other:>8.3f}{pct(md_other, total):>7}")
    print(f"  {'= mdit_py_plugins (dollarmath)':<60}{plugins:>8.3f}{pct(plugins, total):>7}")
    out["cprofile"] = {"total s": round(total, 3), "groups": {k: round(v, 4) for k, v in groups.items()}}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("vaults", nargs="+")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--top", type=int, default=30)
    ap.add_argument("--json")
    ap.add_argument("--pyrs", action="store_true", help="also try markdown-it-pyrs (pip install markdown-it-pyrs)")
    ap.add_argument("--quick", action="store_true", help="only the throughput (1.)")
    args = ap.parse_args()
    results = [quick(Path(v), args.repeat) if args.quick else study(Path(v), args.repeat, args.top, args.pyrs)
               for v in args.vaults]
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    sys.setrecursionlimit(10_000)
    main()
