"""Publishing a build: one build at a time per output folder, and a swap that
never leaves the published folder missing.

**The lock.** ``build`` and ``serve`` (whose rebuilds are the same
``build_site``) take an exclusive ``fcntl.flock`` on ``.<out>.lock`` next to
the output folder, and on ``lock`` in the build cache, which builds into
other folders of the same site share. The kernel drops the lock when its
holder exits, however it exits (kill -9 included), so a stale lock cannot
outlive a crash. The file itself is never deleted: removing a lock file
another process has open would let a third take a lock on a new file.

**The swap.** The new site is written to ``<out>.partial``; on Linux one
``renameat2(RENAME_EXCHANGE)`` call swaps it with ``<out>``, so at every
instant ``<out>`` is a complete site, the old or the new one. A symlink
flipped with one rename would do the same, but would make ``build/`` a link:
rsync, ``upload-pages-artifact`` and editors' file managers would then treat
it differently than the folder it has always been. Where the exchange is
not available (another kernel, a file system without it) the swap falls back
to two renames, with a moment in between when ``<out>`` is missing.
"""
from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import shutil
from contextlib import ExitStack
from pathlib import Path
from typing import Callable

RENAME_EXCHANGE = 2
_AT_FDCWD = -100
_UNSUPPORTED = {errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV}


class Busy(Exception):
    """Another build holds the lock and the caller would not wait."""


def lock_path(out_dir: Path) -> Path:
    return out_dir.with_name(f".{out_dir.name}.lock")


def _holder(fd: int) -> str:
    try:
        pid = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        pid = ""
    return f" (process {pid})" if pid.isdigit() else ""


def _take(path: Path, what: str, wait: bool, on_wait: Callable[[str], None]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            busy = f"another build of {what} is running{_holder(fd)}"
            if not wait:
                raise Busy(f"{busy}; not waiting for it (--no-wait)") from None
            on_wait(f"{busy}; waiting for it to finish ...")
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    except BaseException:
        os.close(fd)
        raise
    return fd


def build_lock(out_dir: Path, cache_dir: Path, *, wait: bool = True,
               on_wait: Callable[[str], None] = print) -> ExitStack:
    """Hold the output folder's lock, then the cache's, until the stack closes.
    Always in that order, so two builds never wait for each other in a circle."""
    stack = ExitStack()
    try:
        for path, what in ((lock_path(out_dir), str(out_dir)), (cache_dir / "lock", f"this site (cache {cache_dir})")):
            fd = _take(path, what, wait, on_wait)
            stack.callback(os.close, fd)  # closing the descriptor releases the lock
    except BaseException:
        stack.close()
        raise
    return stack


def _renameat2() -> Callable[..., int] | None:
    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return None
    fn.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
    fn.restype = ctypes.c_int
    return fn


_RENAMEAT2 = _renameat2()


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step; False where the system cannot (nothing moved then)."""
    if _RENAMEAT2 is None:
        return False
    if _RENAMEAT2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in _UNSUPPORTED:
        return False
    raise OSError(err, os.strerror(err), str(a), None, str(b))


def swap(partial: Path, out_dir: Path, spare: Path | None = None) -> None:
    """Put the new site in place of the old one; the old one is kept until then,
    and afterwards as ``spare`` (the next build's starting point) if given."""
    old = spare or out_dir.with_name(out_dir.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if out_dir.exists() and exchange(partial, out_dir):
        os.rename(partial, old)  # partial now holds the old site
    else:
        if out_dir.exists():
            os.rename(out_dir, old)
        try:
            os.rename(partial, out_dir)
        except OSError:
            if old.exists():
                os.rename(old, out_dir)
            raise
    if spare is None:
        shutil.rmtree(old, ignore_errors=True)
