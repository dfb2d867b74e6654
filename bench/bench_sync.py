#!/usr/bin/env python3
"""How fast is `vaultcrm sync`, against what the machine can do at best?

    .venv/bin/python bench/bench_sync.py                       # 1k, 10k and 100k notes
    .venv/bin/python bench/bench_sync.py --sizes 1000,10000 --rounds 7
    .venv/bin/python bench/bench_sync.py --sizes 10000 --realistic          # realistic notes (gen_vault.py --realistic)
    .venv/bin/python bench/bench_sync.py --sizes 10000 --realistic also     # both kinds at each size
    .venv/bin/python bench/bench_sync.py --sizes 10000 --russian            # realistic notes in Russian
    .venv/bin/python bench/bench_sync.py --vault ~/Notes --rounds 3         # any folder (only it, without --sizes)
    .venv/bin/python bench/bench_sync.py --sizes 10000 --realistic also --vault ~/Notes   # all three in one run

For each vault size it builds a vault with bench/gen_vault.py (kept in --workdir between runs); each
`--vault PATH` (may be repeated) is copied into --workdir afresh (without `.git`), and only the copy
is measured and written to. Then it runs interleaved rounds -- every measurement once per round, so
a noisy moment hits them all alike -- each a whole new process, page cache warm, and reports medians:

  stat floor   a Python process that walks the vault and stats every note
  read floor   a Python process that walks the vault and reads every byte of every note
  cold         `vaultcrm sync` with no cache (the state folder removed first)
  one changed  `vaultcrm sync` after appending a dated line to one contact note (for a --vault, the
               middle note, by path, of the first folder named like a contact folder -- People,
               Contacts, any depth -- that holds notes, else the middle note of the vault)
  no change    `vaultcrm sync` again, nothing changed since the last sync (which ran after the
               note had aged past the 2 s racy window, see vaultcrm/cache/changes.py)

and peak memory (max RSS of the sync process, from wait4; pool workers are separate processes,
forked from it, and smaller). It prints each against its floor and the goals (a cold sync: 10× the
read floor for the generator's simple notes, 25× for its realistic ones and for a real vault), and
the cold sync's CPU time (its own and its pool workers', from wait4), which other jobs on the machine
disturb less than the wall time.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TODAY = "2026-11-22"

WALK = r"""
import os, sys
READ = sys.argv[2] == "read"
def walk(folder):
    n = 0
    for entry in os.scandir(folder):
        if entry.name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False):
            n += walk(entry.path)
        elif entry.name.endswith(".md"):
            entry.stat()
            if READ:
                with open(entry.path, "rb") as handle:
                    handle.read()
            n += 1
    return n
print(walk(sys.argv[1]))
"""

GOALS = {  # measurement: (floor, max ratio) per size, for the generator's vaults; memory in MiB
    "cold": ("read", {10_000: 10, 100_000: 10}),
    "no change": ("stat", {10_000: 3, 100_000: 3}),
    "one changed": ("stat", {10_000: 4}),
}
COLD_GOAL_REAL = 25  # cold, the generator's realistic notes and real vaults, at any size
MEMORY_GOALS = {10_000: 100, 100_000: 400}


def run(argv: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """(seconds, 0, stdout) of one whole process."""
    started = time.perf_counter()
    proc = subprocess.run(argv, env=env, capture_output=True)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}):\n{proc.stderr.decode(errors='replace')}")
    return elapsed, 0.0, proc.stdout.decode(errors="replace")


def run_measured(argv: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Like run(), but reaps the child with wait4 to read its own peak RSS (and its CPU time, with
    that of the pool workers it waited for, in `last_cpu`)."""
    global last_cpu
    started = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read() if proc.stderr else b""
    if proc.stderr:
        proc.stderr.close()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}):\n{err.decode(errors='replace')}")
    last_cpu = usage.ru_utime + usage.ru_stime
    return elapsed, usage.ru_maxrss / 1024, err.decode(errors="replace")


last_cpu = 0.0


def vaultcrm_argv() -> list[str]:
    script = Path(sys.executable).with_name("vaultcrm")
    return [str(script)] if script.exists() else [sys.executable, "-m", "vaultcrm"]


KINDS = {"generated": ("", []), "realistic": ("_realistic", ["--realistic"]),
         "russian": ("_realistic_ru", ["--realistic", "--russian"])}  # kind: (folder suffix, gen_vault.py options)


def make_vault(workdir: Path, size: int, seed: int, kind: str = "generated") -> Path:
    suffix, options = KINDS[kind]
    vault = workdir / f"vault_{size}_{seed}{suffix}"
    manifest = Path(f"{vault}.manifest.json")
    if vault.is_dir() and manifest.exists():
        return vault
    print(f"generating {size} {kind} notes in {vault} ...", file=sys.stderr, flush=True)
    subprocess.run([sys.executable, str(HERE / "gen_vault.py"), "-n", str(size), "-o", str(vault),
                    "--seed", str(seed), "--force", *options], check=True, stdout=subprocess.DEVNULL)
    return vault


def copy_vault(workdir: Path, source: Path) -> Path:
    """A fresh copy of a folder to measure, so the original is never written to (`.git` left out:
    no vault reads it, and vaultcrm skips dot-folders)."""
    if not source.is_dir():
        raise SystemExit(f"--vault {source}: not a folder")
    name = "".join(c if c.isalnum() or c in "-_." else "_" for c in source.resolve().name) or "vault"
    copy = workdir / f"copy_{name}"
    if copy.resolve() == source.resolve():
        raise SystemExit(f"--vault {source} is the copy this script would make: pass the original")
    print(f"copying {source} to {copy} ...", file=sys.stderr, flush=True)
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(source, copy, symlinks=True, ignore=shutil.ignore_patterns(".git"))
    return copy


def notes_of(vault: Path) -> list[Path]:
    """The vault's notes as the floors see them (`.md` files outside dot-folders), sorted by path."""
    found = []
    for folder, dirs, files in os.walk(vault):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found += [Path(folder, f) for f in files if f.endswith(".md") and not f.startswith(".")]
    return sorted(found)


def folder_manifest(vault: Path) -> dict[str, Any]:
    notes = notes_of(vault)
    sizes = sorted(p.stat().st_size for p in notes)
    return {"notes": len(notes), "md_bytes": sum(sizes), "folders": len({p.parent for p in notes}),
            "median_bytes": sizes[len(sizes) // 2] if sizes else 0, "max_bytes": sizes[-1] if sizes else 0}


def pick_contact(vault: Path) -> Path:
    """The note the one-changed edit appends to: the middle one of the first contact-like folder
    (People, Contacts, Люди, Контакты, at any depth; generated vaults have `People/` or `Люди/`), else of
    the whole vault."""
    notes = [p for p in notes_of(vault) if "templates" not in (part.lower() for part in p.relative_to(vault).parts[:-1])]
    if not notes:
        raise SystemExit(f"{vault} holds no note (.md file)")
    folders = sorted({Path(vault, *p.relative_to(vault).parts[:k + 1]) for p in notes
                      for k, part in enumerate(p.relative_to(vault).parts[:-1]) if part.lower() in ("people", "contacts", "люди", "контакты")},
                     key=lambda f: (len(f.relative_to(vault).parts), str(f)))
    if folders:  # (for a generated vault: the middle of People/*/*.md, the note the benchmark always edited)
        notes = [p for p in notes if folders[0] in p.parents]
    return notes[len(notes) // 2]


def measure(vault: Path, rounds: int, workdir: Path) -> dict[str, list[float]]:
    state = workdir / f"state_{vault.name}"
    env = {**os.environ, "VAULTCRM_STATE_DIR": str(state), "VAULTCRM_TODAY": TODAY}
    env.pop("VAULTCRM_NO_CACHE", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as on a user's machine (see compile_package)
    sync = [*vaultcrm_argv(), "--vault", str(vault), "sync"]
    note = pick_contact(vault)
    original = note.read_bytes()
    newline = b"" if not original or original.endswith(b"\n") else b"\n"
    print(f"  the one-changed edit appends to {note.relative_to(vault)}", file=sys.stderr, flush=True)
    results: dict[str, list[float]] = {k: [] for k in
                                       ("stat", "read", "cold", "one changed", "no change",
                                        "cold MiB", "one changed MiB", "no change MiB", "cold CPU")}
    run([sys.executable, "-c", WALK, str(vault), "read"], env)  # warm the page cache
    run(sync, env)
    try:
        for number in range(rounds):
            results["stat"].append(run([sys.executable, "-c", WALK, str(vault), "stat"], env)[0])
            results["read"].append(run([sys.executable, "-c", WALK, str(vault), "read"], env)[0])
            shutil.rmtree(state, ignore_errors=True)
            seconds, mib, _ = run_measured(sync, env)
            results["cold"].append(seconds)
            results["cold MiB"].append(mib)
            results["cold CPU"].append(last_cpu)
            note.write_bytes(original + newline + f"- {TODAY}: bench round {number} [[{note.stem}]]\n".encode())
            edited = time.monotonic()
            seconds, mib, _ = run_measured(sync, env)
            results["one changed"].append(seconds)
            results["one changed MiB"].append(mib)
            time.sleep(max(0.0, 2.2 - (time.monotonic() - edited)))  # let the edit leave the racy window
            run(sync, env)  # the sync that follows an edit re-checks it; the next one is "no change"
            seconds, mib, _ = run_measured(sync, env)
            results["no change"].append(seconds)
            results["no change MiB"].append(mib)
    finally:
        note.write_bytes(original)
    return results


def machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{platform.system()} {platform.release()}, {model}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}")


def report(size: int, res: dict[str, list[float]], manifest: dict[str, object], label: str = "",
           kind: str = "generated") -> list[str]:
    """The figures of one vault against its floors and goals (`kind`: one of KINDS, or folder)."""
    med = {k: statistics.median(v) for k, v in res.items() if v}
    lines = [f"\n{label + ': ' if label else ''}{size:,} notes ({manifest.get('md_bytes', 0) / 1e6:.1f} MB of Markdown, "
             f"median note {manifest.get('median_bytes', 0):,} bytes, {manifest.get('folders', '?')} folders), "
             f"median of {len(res['stat'])} rounds",
             f"  {'measurement':<14}{'seconds':>9}{'ratio':>16}{'goal':>8}  {'peak MiB':>8}"]
    lines.append(f"  {'stat floor':<14}{med['stat']:>9.3f}")
    lines.append(f"  {'read floor':<14}{med['read']:>9.3f}")
    for name in ("cold", "one changed", "no change"):
        floor, goal_of = GOALS[name]
        ratio = med[name] / med[floor]
        goal = goal_of.get(size) if kind != "folder" else None
        if name == "cold" and kind != "generated":
            goal = COLD_GOAL_REAL
        verdict = "" if goal is None else (f"≤{goal}× " + ("ok" if ratio <= goal else "MISS"))
        mib = med[f"{name} MiB"]
        mem_goal = MEMORY_GOALS.get(size) if name == "cold" and kind != "folder" else None
        mem = f"{mib:8.0f}"
        if mem_goal is not None:
            mem += f" (≤{mem_goal} {'ok' if mib <= mem_goal else 'MISS'})"
        lines.append(f"  {name:<14}{med[name]:>9.3f}{ratio:>10.1f}× {floor:<4}{verdict:>9}  {mem}")
    if "cold CPU" in med:  # CPU time is less disturbed than wall time by other jobs on the machine
        mb = float(manifest.get("md_bytes", 0)) / 1e6  # type: ignore[arg-type]
        lines.append(f"  {'cold CPU':<14}{med['cold CPU']:>9.3f} s of CPU (the sync and its pool workers): "
                     f"{mb / med['cold CPU']:.1f} MB of Markdown per CPU second; fastest cold round "
                     f"{min(res['cold']):.3f} s")
    return lines


def compile_package() -> None:
    """Byte-compile vaultcrm, as `pip install` does: with PYTHONDONTWRITEBYTECODE set (some shells
    and containers set it) a source checkout would otherwise compile every module in every run."""
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("vaultcrm")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        compileall.compile_dir(folder, quiet=1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", help="comma-separated note counts (default 1000,10000,100000, or none "
                    "when --vault is given)")
    ap.add_argument("--realistic", nargs="?", const="only", choices=["only", "also"],
                    help="generate realistic vaults (gen_vault.py --realistic) at --sizes: instead of the "
                    "default kind, or `also` both kinds")
    ap.add_argument("--russian", action="store_true",
                    help="also (or, without --realistic, only) realistic vaults in Russian (gen_vault.py --russian)")
    ap.add_argument("--vault", action="append", default=[], metavar="PATH",
                    help="also measure a copy of this folder (repeatable); the original is never written to")
    ap.add_argument("--rounds", type=int, default=5, help="rounds per size (100k: at most 3)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--workdir", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "vaultcrm-bench"),
                    help="where vaults are generated and kept between runs")
    ap.add_argument("--json", help="also write the raw figures to this file")
    args = ap.parse_args()
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    compile_package()
    out = [f"vaultcrm sync benchmark — {machine()}"]
    raw = {}
    sizes = args.sizes if args.sizes is not None else ("" if args.vault else "1000,10000,100000")
    kinds = {None: [] if args.russian else ["generated"], "only": ["realistic"],
             "also": ["generated", "realistic"]}[args.realistic] + (["russian"] if args.russian else [])
    targets: list[tuple[str, int, Path, dict[str, Any], str]] = []  # label, notes, vault, manifest, kind
    for size in (int(s) for s in sizes.split(",") if s.strip()):
        for kind in kinds:
            vault = make_vault(workdir, size, args.seed, kind)
            manifest = json.loads(Path(f"{vault}.manifest.json").read_text())
            targets.append((f"{kind} {size}", size, vault, manifest, kind))
    for source in args.vault:
        copy = copy_vault(workdir, Path(source).expanduser())
        manifest = folder_manifest(copy)
        targets.append((f"folder {source}", manifest["notes"], copy, manifest, "folder"))
    for label, size, vault, manifest, kind in targets:
        rounds = min(args.rounds, 3) if size >= 100_000 else args.rounds
        print(f"measuring {label} ({size} notes), {rounds} rounds ...", file=sys.stderr, flush=True)
        res = measure(vault, rounds, workdir)
        raw[str(size) if label.startswith("generated") else label] = res  # (keyed by size as before)
        block = report(size, res, manifest, label, kind)
        out += block
        print("\n".join(block[1:]), file=sys.stderr, flush=True)
    print("\n".join(out))
    if args.json:
        Path(args.json).write_text(json.dumps({"machine": machine(), "results": raw}, indent=1))


if __name__ == "__main__":
    main()
