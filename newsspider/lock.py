"""One run at a time per database: an advisory lock file beside it, `<db>.lock`.

The lock is `fcntl.flock` on that file, which the kernel releases when the holder
dies, even by SIGKILL: a lock left by a killed run is simply free again, and the
pid, host and start time written in the file let the next run say it took it over.
A run that finds the lock held exits at once with `EXIT_LOCKED`, touching nothing.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import socket
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from newsspider.errors import DatabaseError, NewsspiderError

EXIT_LOCKED = 4
logger = logging.getLogger(__name__)


class RunLockedError(NewsspiderError):
    """Another run holds the database's lock."""

    exit_status = EXIT_LOCKED


def lock_path(db_path: str | Path) -> Path:
    return Path(f"{db_path}.lock")


class RunLock:
    """`with RunLock(db):` holds the database for one run or raises `RunLockedError`."""

    def __init__(self, db_path: str | Path):
        self.path = lock_path(db_path)
        self.fd: int | None = None
        self.previous: dict[str, Any] = {}

    def acquire(self) -> RunLock:
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise DatabaseError(
                f"{self.path}: cannot create the run lock beside the database "
                f"(does its directory exist and is it writable?): {exc.strerror}"
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _describe(_read(fd))
            os.close(fd)
            raise RunLockedError(
                f"another newsspider run holds {self.path} ({holder}); not starting"
            ) from None
        self.fd = fd
        self.previous = _read(fd)
        if self.previous:
            logger.warning("took over a stale lock (%s)", _describe(self.previous))
        _write(fd, {"pid": os.getpid(), "host": socket.gethostname(), "started": _now()})
        return self

    def release(self) -> None:
        if self.fd is None:
            return
        os.ftruncate(self.fd, 0)  # an empty file: the run ended cleanly
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)
        self.fd = None

    def __enter__(self) -> RunLock:
        return self.acquire()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()


def _read(fd: int) -> dict[str, Any]:
    os.lseek(fd, 0, os.SEEK_SET)
    text = os.read(fd, 4096).decode("utf-8", "replace").strip()
    try:
        holder = json.loads(text) if text else {}
    except json.JSONDecodeError:
        return {"unreadable": text[:80]}
    return holder if isinstance(holder, dict) else {}


def _write(fd: int, holder: dict[str, Any]) -> None:
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, json.dumps(holder).encode("utf-8"))
    os.fsync(fd)


def _describe(holder: dict[str, Any]) -> str:
    if not holder:
        return "holder unknown"
    return (
        f"pid {holder.get('pid', '?')} on {holder.get('host', '?')} "
        f"since {holder.get('started', '?')}"
    )


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
