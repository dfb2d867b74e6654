#!/usr/bin/env python3
"""How fast are the warm commands -- `due`, `touch`, completion, a sync after an edit -- against
start-up and the stat floor?

    .venv/bin/python bench/bench_warm.py                                  # 10k notes, 9 rounds
    .venv/bin/python bench/bench_warm.py --sizes 10000,100000 --rounds 7
    .venv/bin/python bench/bench_warm.py --base /tmp/base-venv/bin/python # A/B against another install
    .venv/bin/python bench/bench_warm.py --sizes 10000,100000 --cold 3    # and peak memory, cold

Each measurement is a whole new process, page cache warm, run once per round in interleaved rounds
(with `--base`, each variant's run follows the other's, and which goes first alternates from round to
round), and reported as the median wall time and the median CPU time (user + system, from wait4:
other jobs on the machine disturb it less):

  start-up     `python -c pass` with the same interpreter
  stat floor   a Python process that walks the vault and stats every note (bench_sync.py's)
  due          `vaultcrm due`, and `due --json`, nothing changed since the last sync
  touch        `vaultcrm touch NAME --dry-run` (NAME: the note bench_sync.py's edit appends to)
  completion   bash completion of `vaultcrm touch` and the first two letters of that name
  one changed  `vaultcrm sync` after appending a dated line to that note, where the last sync saw
               another line of the same day (nothing the dashboard shows changes, as with most edits)
  one changed, shown   the same, where the last sync saw an undated line: the day's touch is new
  due, one changed   `vaultcrm due` after appending another
  no change    `vaultcrm sync` again, after a sync once the edit left the racy window (2 s)

`--cold N` adds N rounds of a cold sync (the state folder removed first) for its peak memory (max
RSS from wait4; pool workers are separate, smaller processes). Vaults come from bench_sync.py's
generator and work folder. The script byte-compiles each variant's vaultcrm and clears
`PYTHONDONTWRITEBYTECODE` for the runs, as an installed vaultcrm has its `.pyc` files.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench_sync import TODAY, WALK, machine, make_vault, pick_contact

GOALS = {  # measurement: (what it is compared with, the most it may be) at 10k notes
    "due": ("ms", 150), "due --json": ("ms", 150), "touch": ("ms", 150), "completion": ("ms", 150),
    "one changed": ("stat", 4), "one changed, shown": ("stat", 4), "no change": ("stat", 3),
}
MEMORY_GOALS = {10_000: 100, 100_000: 400}  # MiB, cold sync
SETTLED = ("due", "due --json", "touch", "completion")


def timed(argv: list[str], env: dict[str, str], check: bool = True) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak MiB) of one whole process, reaped with wait4."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    err = proc.stderr.read() if proc.stderr else b""
    if proc.stderr:
        proc.stderr.close()
    if check and os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(argv)} failed:\n{err.decode(errors='replace')}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


class Variant:
    """One install of vaultcrm (its interpreter), with a state folder of its own."""

    def __init__(self, label: str, python: str, workdir: Path, vault: Path) -> None:
        self.label, self.python = label, python
        self.state = workdir / f"state_warm_{label}_{vault.name}"
        self.env = {**os.environ, "VAULTCRM_STATE_DIR": str(self.state), "VAULTCRM_TODAY": TODAY}
        for name in ("VAULTCRM_NO_CACHE", "PYTHONDONTWRITEBYTECODE", "VAULTCRM_VAULT"):
            self.env.pop(name, None)
        script = Path(python).with_name("vaultcrm")
        self.vaultcrm = [str(script)] if script.exists() else [python, "-m", "vaultcrm"]
        self.vault = vault
        subprocess.run([python, "-c", "import compileall, importlib.util as u; "
                        "[compileall.compile_dir(f, quiet=1) for f in u.find_spec('vaultcrm').submodule_search_locations]"],
                       env=self.env, check=True)

    def command(self, *args: str) -> list[str]:
        return [*self.vaultcrm, "--vault", str(self.vault), *args]

    def completion(self, prefix: str) -> tuple[list[str], dict[str, str]]:
        env = {**self.env, "_VAULTCRM_COMPLETE": "bash_complete", "COMP_WORDS": f"vaultcrm touch {prefix}",
               "COMP_CWORD": "2", "VAULTCRM_VAULT": str(self.vault)}
        return self.vaultcrm, env


def measure(vault: Path, variants: list[Variant], rounds: int, cold: int) -> dict[str, dict[str, list[float]]]:
    note = pick_contact(vault)
    name = note.stem
    original = note.read_bytes()
    newline = b"" if not original or original.endswith(b"\n") else b"\n"
    print(f"  edits append to {note.relative_to(vault)}; touch {name!r}", file=sys.stderr, flush=True)
    out: dict[str, dict[str, list[float]]] = {v.label: {} for v in variants}

    def keep(variant: Variant, what: str, figures: tuple[float, float, float]) -> None:
        for suffix, value in zip(("", " CPU", " MiB"), figures, strict=True):
            out[variant.label].setdefault(what + suffix, []).append(value)

    def edit(text: str) -> None:
        note.write_bytes(original + newline + f"- {TODAY}: {text} [[{note.stem}]]\n".encode())

    for v in variants:
        shutil.rmtree(v.state, ignore_errors=True)
        timed(v.command("sync"), v.env)
    try:
        for number in range(rounds):
            turn = variants if number % 2 == 0 else variants[::-1]  # (which goes first alternates)
            for v in turn:
                keep(v, "start-up", timed([v.python, "-c", "pass"], v.env))
                keep(v, "stat floor", timed([v.python, "-c", WALK, str(vault), "stat"], v.env))
            for v in turn:
                keep(v, "due", timed(v.command("due"), v.env))
            for v in turn:
                keep(v, "due --json", timed(v.command("due", "--json"), v.env))
            for v in turn:
                keep(v, "touch", timed(v.command("touch", name, "--dry-run"), v.env))
            for v in turn:
                keep(v, "completion", timed(*v.completion(name[:2])))
            for v in turn:
                note.write_bytes(original + newline + f"- bench round {number}, {v.label}, no date\n".encode())
                timed(v.command("sync"), v.env)  # without the day's touch
                edit(f"bench round {number}, {v.label}, shown")  # the day's touch: the dashboard changes
                keep(v, "one changed, shown", timed(v.command("sync"), v.env))
                edit(f"bench round {number}, {v.label}, sync")  # another text: nothing the dashboard shows
                keep(v, "one changed", timed(v.command("sync"), v.env))
                edit(f"bench round {number}, {v.label}, due")
                keep(v, "due, one changed", timed(v.command("due"), v.env))
            time.sleep(2.2)  # the last edit leaves the racy window
            for v in turn:
                timed(v.command("sync"), v.env)  # confirms the edited note; the next one is "no change"
            for v in turn:
                keep(v, "no change", timed(v.command("sync"), v.env))
        for _ in range(cold):
            for v in variants:
                shutil.rmtree(v.state, ignore_errors=True)
                keep(v, "cold", timed(v.command("sync"), v.env))
    finally:
        note.write_bytes(original)
    return out


def report(size: int, results: dict[str, dict[str, list[float]]]) -> list[str]:
    labels = list(results)
    lines = [f"\n{size:,} notes, medians of {len(next(iter(results.values()))['due'])} rounds: "
             "wall ms (CPU ms)" + ("; " + " vs ".join(labels) if len(labels) > 1 else "")]
    names = [k for k in next(iter(results.values())) if not k.endswith((" CPU", " MiB"))]
    for what in names:
        cells = []
        for label in labels:
            res = {k: statistics.median(v) for k, v in results[label].items()}
            text = f"{res[what] * 1000:6.0f} ({res[what + ' CPU'] * 1000:4.0f})"
            goal = GOALS.get(what) if size == 10_000 else None
            if what in ("one changed", "one changed, shown", "no change"):
                ratio = res[what] / res["stat floor"]
                text += f" {ratio:4.1f}× stat"
                if goal:
                    text += f" ≤{goal[1]}× {'ok' if ratio <= goal[1] else 'MISS'}"
            elif goal:
                text += f" ≤{goal[1]} ms {'ok' if res[what] * 1000 <= goal[1] else 'MISS'}"
            if what == "cold":
                mib = res["cold MiB"]
                text += f" peak {mib:.0f} MiB"
                if size in MEMORY_GOALS:
                    text += f" ≤{MEMORY_GOALS[size]} {'ok' if mib <= MEMORY_GOALS[size] else 'MISS'}"
            cells.append(text)
        lines.append(f"  {what:<18}" + "   |  ".join(cells))
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000", help="comma-separated note counts (default 10000)")
    ap.add_argument("--rounds", type=int, default=9)
    ap.add_argument("--cold", type=int, default=0, metavar="N", help="also N rounds of a cold sync, for peak memory")
    ap.add_argument("--base", metavar="PYTHON", help="also measure the vaultcrm installed with this interpreter")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--workdir", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "vaultcrm-bench"),
                    help="where vaults are generated and kept between runs (bench_sync.py's by default)")
    ap.add_argument("--json", help="also write the raw figures to this file")
    args = ap.parse_args()
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    out, raw = [f"vaultcrm warm-command benchmark — {machine()}"], {}
    for size in (int(s) for s in args.sizes.split(",") if s.strip()):
        vault = make_vault(workdir, size, args.seed)
        variants = [Variant("this", sys.executable, workdir, vault)]
        if args.base:
            variants.append(Variant("base", args.base, workdir, vault))
        print(f"measuring {size} notes, {args.rounds} rounds ...", file=sys.stderr, flush=True)
        results = measure(vault, variants, args.rounds, args.cold)
        raw[str(size)] = results
        block = report(size, results)
        out += block
        print("\n".join(block), file=sys.stderr, flush=True)
    print("\n".join(out))
    if args.json:
        Path(args.json).write_text(json.dumps({"machine": machine(), "results": raw}, indent=1))


if __name__ == "__main__":
    main()
