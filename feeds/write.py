"""Atomic, change-only file writes: readers never see a half-written feed, and an
unchanged feed keeps its bytes, mtime and so its HTTP validators."""

from __future__ import annotations

import os
import tempfile
from contextlib import suppress
from pathlib import Path
from typing import BinaryIO

from feeds.errors import OutputDirError

FILE_MODE = 0o644


def ensure_output_dir(out_dir: str | Path) -> Path:
    """The output directory, created if needed; a named error when that is impossible."""
    path = Path(out_dir)
    if path.exists() and not path.is_dir():
        raise OutputDirError(f"{path}: is a file, not a directory: give --out a directory")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        reason = exc.strerror or exc
        raise OutputDirError(f"{path}: cannot create output directory: {reason}") from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise OutputDirError(f"{path}: output directory is not writable")
    return path


def write_if_changed(path: Path, data: bytes) -> bool:
    """Replace `path` with `data` atomically unless it already holds those bytes.

    Returns True when the file was written. The bytes go to a temporary file in
    the same directory, are fsynced, then renamed over the old file, so a crash
    at any point leaves either the old or the new file, never a mix.
    """
    if _current_bytes(path) == data:
        return False
    try:
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise OutputDirError(f"{path}: cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            _write_bytes(handle, data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, FILE_MODE)
        os.replace(tmp_name, path)
    except BaseException as exc:
        with suppress(OSError):
            os.unlink(tmp_name)
        if isinstance(exc, OSError):
            raise OutputDirError(f"{path}: cannot write: {exc.strerror or exc}") from None
        raise
    _fsync_dir(path.parent)
    return True


def _write_bytes(handle: BinaryIO, data: bytes) -> None:
    handle.write(data)


def _current_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise OutputDirError(f"{path}: cannot read existing file: {exc.strerror or exc}") from None


def _fsync_dir(directory: Path) -> None:
    """Make the rename durable; some platforms cannot open directories, which is fine."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        with suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)
