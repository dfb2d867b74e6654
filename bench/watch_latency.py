"""Save → dashboard latency of `vaultcrm watch` on a generated vault (default 10,000 notes).

    .venv/bin/python bench/watch_latency.py [--notes 10000] [--saves 30] [--debounce 0.3] [--poll]

It builds a realistic vault in a temporary folder (contacts, daily notes, meeting notes), starts the
real daemon (`python -m vaultcrm watch`) as a separate process, then saves one contact note the way
editors do (temporary file renamed over the note) so that the dashboard must change, `--saves` times.
This process watches the vault itself with watchdog, so each save yields two instants:

- floor: the save's own event reaching this process (what event delivery costs; no daemon involved);
- latency: the daemon's rename of the new dashboard reaching this process.

Reported: median and p90 of (latency − debounce) and of the floor, the daemon's own sync times (from
its log), and its CPU use while idle. Goal: ≤ 100 ms beyond the debounce at 10k notes; idle CPU ≈ 0.
"""
from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

SUBJECT = "People/Bench Subject.md"
DASHBOARD = "CRM/Due this week.md"
FIRST = ["Ada", "Ben", "Chloe", "Dev", "Eli", "Fatima", "Gus", "Hana", "Ivan", "Jun", "Kemi", "Lars", "Mina",
         "Noor", "Omar", "Pia", "Quinn", "Rosa", "Sami", "Tess", "Uma", "Viktor", "Wen", "Xavi", "Yara", "Zoe"]
LAST = ["Adams", "Baker", "Chen", "Diaz", "Evans", "Fischer", "Garcia", "Haddad", "Ito", "Jensen", "Kim",
        "Lopez", "Moreau", "Novak", "Okafor", "Patel", "Quist", "Rossi", "Singh", "Tanaka"]


def build_vault(root: Path, notes: int, today: date, seed: int = 7) -> None:
    """~10% contacts, ~85% daily notes (Journal/YYYY/), ~5% meeting notes; links and dated lines."""
    rng = random.Random(seed)
    (root / ".obsidian").mkdir(parents=True)
    contacts = max(50, notes // 10)
    meetings = max(10, notes // 20)
    dailies = max(0, notes - contacts - meetings - 1)
    names: list[str] = []
    for i in range(contacts):
        name = f"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST)) % len(LAST)]} {i // (len(FIRST) * len(LAST)) or ''}"
        name = name.strip()
        names.append(name)
        folder = root / "People" / ("Work" if i % 3 == 0 else "Friends")
        folder.mkdir(parents=True, exist_ok=True)
        last = today - timedelta(days=rng.randint(0, 400))
        body = [f"# {name}", "", "## Log"]
        for k in range(rng.randint(0, 4)):
            body.append(f"- {today - timedelta(days=rng.randint(0, 500))} talked about project {k} #give")
        (folder / f"{name}.md").write_text(
            f"---\ntype: person\ntier: {rng.choice('ABCD')}\nlast_contact: {last}\ncompany: Acme {i % 40}\n"
            f"birthday: 19{rng.randint(60, 99)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}\n---\n"
            + "\n".join(body) + "\n", encoding="utf-8")
    for i in range(dailies):
        day = today - timedelta(days=i % 3000)
        folder = root / "Journal" / f"{day.year}"
        folder.mkdir(parents=True, exist_ok=True)
        people = rng.sample(names, k=rng.randint(0, 3))
        lines = [f"# {day}", "", "## Notes"]
        lines += [f"- coffee with [[{p}]] about the roadmap" for p in people]
        lines += ["- [ ] write the weekly review", "Some paragraph text about the day. " * rng.randint(1, 6)]
        suffix = "" if i < 3000 else f" ({i // 3000})"
        (folder / f"{day}{suffix}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "Meetings").mkdir()
    for i in range(meetings):
        day = today - timedelta(days=rng.randint(0, 700))
        people = ", ".join('"[[' + p + ']]"' for p in rng.sample(names, k=rng.randint(1, 4)))
        (root / "Meetings" / f"{day} Meeting {i}.md").write_text(
            f"---\ndate: {day}\nattendees: [{people}]\n---\n# Meeting\n- agenda\n- decisions\n",
            encoding="utf-8")
    (root / SUBJECT).write_bytes(subject(root, today, overdue=True))


def subject(root: Path, today: date, *, overdue: bool) -> bytes:
    last = today - timedelta(days=60 if overdue else 0)
    return (f"---\ntype: person\ntier: A\nlast_contact: {last}\n---\n# Bench Subject\n").encode()


def save(root: Path, data: bytes) -> float:
    """An editor's atomic save; returns the instant the new content became visible."""
    target = root / SUBJECT
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.bench.tmp")
    tmp.write_bytes(data)
    t = time.perf_counter()
    os.replace(tmp, target)
    return t


class Probe(FileSystemEventHandler):
    def __init__(self, root: Path) -> None:
        self.root = str(root)
        self.cond = threading.Condition()
        self.note_at: float | None = None
        self.dash_at: float | None = None

    def on_any_event(self, event: FileSystemEvent) -> None:
        now = time.perf_counter()
        paths = {os.fsdecode(event.src_path), os.fsdecode(getattr(event, "dest_path", "") or "")}
        with self.cond:
            if os.path.join(self.root, SUBJECT) in paths and self.note_at is None:
                self.note_at = now
            if event.event_type == "moved" and os.fsdecode(event.dest_path) == os.path.join(self.root, DASHBOARD):
                self.dash_at = now
            self.cond.notify_all()

    def reset(self) -> None:
        with self.cond:
            self.note_at = self.dash_at = None

    def wait_dashboard(self, timeout: float) -> float | None:
        with self.cond:
            self.cond.wait_for(lambda: self.dash_at is not None, timeout)
            return self.dash_at


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--notes", type=int, default=10_000)
    ap.add_argument("--saves", type=int, default=30)
    ap.add_argument("--debounce", type=float, default=0.3)
    ap.add_argument("--poll", action="store_true", help="run the daemon with --poll")
    ap.add_argument("--idle", type=float, default=10.0, help="seconds of idle CPU measurement")
    ap.add_argument("--keep", action="store_true", help="keep the generated vault")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="vaultcrm-bench-"))
    vault, state, log = work / "vault", work / "state", work / "watch.log"
    today = date.today()
    t = time.perf_counter()
    build_vault(vault, args.notes, today)
    count = sum(1 for _ in vault.rglob("*.md"))
    print(f"vault: {count} notes, {sum(1 for p in vault.rglob('*') if p.is_dir())} folders "
          f"(built in {time.perf_counter() - t:.1f}s) at {vault}")

    env = {**os.environ, "VAULTCRM_STATE_DIR": str(state)}
    env.pop("VAULTCRM_TODAY", None)
    cmd = [sys.executable, "-m", "vaultcrm", "watch", "--vault", str(vault), "--debounce", str(args.debounce),
           "--log-file", str(log), *(["--poll"] if args.poll else [])]
    probe = Probe(vault)
    observer = Observer()
    (vault / "CRM").mkdir(exist_ok=True)
    observer.schedule(probe, str(vault / "People"), recursive=False)
    observer.schedule(probe, str(vault / "CRM"), recursive=False)
    observer.start()
    t = time.perf_counter()
    daemon = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE)
    try:
        if probe.wait_dashboard(600) is None:
            print("the daemon never rendered the dashboard", file=sys.stderr)
            return 1
        print(f"start: first dashboard {time.perf_counter() - t:.2f}s after launch (interpreter start included)")
        time.sleep(1.0)

        latencies, floors = [], []
        for i in range(args.saves):
            probe.reset()
            t0 = save(vault, subject(vault, today, overdue=i % 2 == 1))
            dash = probe.wait_dashboard(60)
            if dash is None:
                print(f"save {i}: no dashboard within 60 s", file=sys.stderr)
                continue
            latencies.append(dash - t0)
            if probe.note_at is not None:
                floors.append(probe.note_at - t0)
            time.sleep(args.debounce + 0.4)

        syncs = [int(m) for m in re.findall(r"Bench Subject\.md → .*\((\d+) ms\)", log.read_text())]
        before = cpu_seconds(daemon.pid)
        time.sleep(args.idle)
        idle_cpu = (cpu_seconds(daemon.pid) - before) / args.idle * 100

        beyond = [(x - args.debounce) * 1000 for x in latencies]
        floor_ms = [x * 1000 for x in floors]
        print(f"mode: {'polling' if args.poll else 'native events'}; debounce {args.debounce * 1000:.0f} ms; "
              f"{len(latencies)}/{args.saves} saves rendered")
        if beyond:
            print(f"latency beyond debounce: median {statistics.median(beyond):.0f} ms, p90 {pct(beyond, 0.9):.0f} ms "
                  f"(min {min(beyond):.0f}, max {max(beyond):.0f})")
        if floor_ms:
            print(f"floor (event delivery): median {statistics.median(floor_ms):.1f} ms, p90 {pct(floor_ms, 0.9):.1f} ms")
        if syncs:
            print(f"daemon sync time (its log): median {statistics.median(syncs):.0f} ms, p90 {pct(syncs, 0.9):.0f} ms")
        print(f"idle CPU over {args.idle:.0f} s: {idle_cpu:.2f}%")
    finally:
        daemon.terminate()
        try:
            code = daemon.wait(5)
        except subprocess.TimeoutExpired:
            daemon.kill()
            code = daemon.wait()
        observer.stop()
        observer.join()
        print(f"daemon exit code after SIGTERM: {code}")
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
