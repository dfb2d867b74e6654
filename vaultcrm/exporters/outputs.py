"""Exports with their I/O: the calendar and the spreadsheet of an `Analysis`, where they
may be written, and the daemon's `ics` file. The formats themselves are `export`'s pure functions.

    data = ics_data(analysis, parse_duration("90d"))
    target = output_path(vault, "-o value", ".ics")   # refuses dot-folders of the vault, wrong suffix
    wrote = write_output(target, data)                 # atomic, and only when the bytes change
    refresh_ics(analysis)                              # the daemon: config `ics = "path"`
"""
from __future__ import annotations

import os
import re
import stat
from datetime import timedelta
from pathlib import Path

from vaultcrm.crm.analysis import Analysis
from vaultcrm.crm.rules import contact_reminders
from vaultcrm.durations import Duration, add_duration
from vaultcrm.errors import UsageError, file_error
from vaultcrm.exporters.calendar import calendar_items, ics_bytes
from vaultcrm.exporters.spreadsheet import csv_rows, csv_text
from vaultcrm.i18n import language
from vaultcrm.model import Reminder
from vaultcrm.writeback.atomic import contained_path, write_if_changed

DEFAULT_ICS_HORIZON = Duration(90, "d")


def all_reminders(analysis: Analysis) -> list[Reminder]:
    """Every reminder of the active, non-skipped contacts, however far ahead (the analysis's own
    list stops at the config's horizon)."""
    return [r for c in analysis.outcome.active if not c.skipped
            for r in contact_reminders(c, analysis.config, analysis.today)]


def vault_name(analysis: Analysis) -> str:
    return Path(analysis.vault).resolve().name


def ics_data(analysis: Analysis, horizon: Duration = DEFAULT_ICS_HORIZON) -> bytes:
    """The calendar: reminders due from today to today + horizon − 1 day, and yearly occasions."""
    end = add_duration(analysis.today, horizon) - timedelta(days=1)
    name = vault_name(analysis)
    items = calendar_items(all_reminders(analysis), analysis.index.contacts, today=analysis.today,
                           horizon_end=end, vault_name=name, dashboard=analysis.config.dashboard,
                           lang=language(analysis.config.language))
    return ics_bytes(items, vault_name=name, today=analysis.today)


def csv_data(analysis: Analysis) -> str:
    """The spreadsheet: one row per contact (inactive ones too); "Next due" however far ahead."""
    return csv_text(csv_rows(analysis.index.contacts, all_reminders(analysis)))


_DESCRIPTOR = re.compile(r"/dev/(?:std(out|err)|fd/(\d+))|/proc/self/fd/(\d+)")


def stream_output(given: str) -> int | str | None:
    """Where `-o given` is a stream to write into rather than a file to replace: the descriptor that
    `/dev/stdout`, `/dev/stderr` or `/dev/fd/N` names, or the path of a device or pipe (`/dev/full`,
    a FIFO); None for an ordinary file."""
    match = _DESCRIPTOR.fullmatch(given)
    if match:
        return {"out": 1, "err": 2}[match[1]] if match[1] else int(match[2] or match[3])
    try:
        mode = os.stat(given).st_mode
    except OSError:
        return None
    return given if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode) else None


def write_stream(stream: int | str, data: bytes) -> None:
    """Write `data` into a descriptor or a device, as it is (no temporary file, no comparison)."""
    name = stream if isinstance(stream, str) else f"file descriptor {stream}"
    try:
        fd = os.open(stream, os.O_WRONLY | getattr(os, "O_NOCTTY", 0)) if isinstance(stream, str) else stream
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            if isinstance(stream, str):
                os.close(fd)
    except OSError as exc:
        raise file_error(exc, name) from exc


def output_path(vault: Path, given: str, suffix: str) -> Path:
    """Where `-o given` writes. Inside the vault it must end in `suffix` and stay out of dot-folders
    (`.obsidian/`, `.vaultcrm/`, `.git/`); outside, any file path the user names is fine."""
    target = Path(given).expanduser()
    target = (target if target.is_absolute() else Path.cwd() / target).resolve()
    if target.is_dir():
        raise UsageError(f"-o {given}: that is a folder",
                         hint=f"name a file, e.g. {Path(given) / ('vaultcrm' + suffix)}")
    if not target.parent.is_dir():
        raise UsageError(f"-o {given}: the folder {target.parent} does not exist")
    root = vault.resolve()
    if target.is_relative_to(root):
        rel = target.relative_to(root)
        if any(part.startswith(".") for part in rel.parts[:-1]):
            raise UsageError(f"-o {given} is inside a hidden folder of the vault",
                             hint="vaultcrm never writes into .obsidian/, .vaultcrm/ or other dot-folders")
        if target.suffix.lower() != suffix:
            raise UsageError(f"-o {given} is inside the vault but does not end in {suffix}",
                             hint=f"name it like vaultcrm{suffix}, so that it is never taken for a note")
    return target


def write_output(target: Path, data: bytes) -> bool:
    """Atomic write-if-changed; True when written."""
    return write_if_changed(target, data)


def ics_target(vault: Path, setting: str) -> Path:
    """The file of the config's `ics` setting: absolute (or `~/…`) as given, else inside the vault
    (never through a symbolic link)."""
    path = Path(setting).expanduser()
    return path if path.is_absolute() else contained_path(vault, setting)


def refresh_ics(analysis: Analysis) -> bool | None:
    """Keep the config's `ics` file current (the daemon calls this after each sync): None when no
    `ics` is set, else whether the file was (re)written. Its folder is created when missing."""
    setting = analysis.config.ics
    if not setting:
        return None
    target = ics_target(Path(analysis.vault), setting)
    target.parent.mkdir(parents=True, exist_ok=True)
    return write_if_changed(target, ics_data(analysis))
