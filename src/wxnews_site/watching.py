"""What changed under the preview's watched folders since it last asked.

Two watchers answer alike (``take``: the paths changed since the last take):

* ``Events``: the system's file events (watchdog: inotify, FSEvents,
  ReadDirectoryChangesW). A change costs what the change is: the event names
  the file, whatever the archive's size. Polling a million articles walks a
  million files (seconds of a core's time, every few seconds) before it sees
  one save, and holds every file's mtime in memory.
* ``Polling``: every file's size and mtime, compared with the last walk. It
  needs nothing from the system, so it also works where events do not reach:
  network and container file systems (``serve --poll``), a kernel whose watch
  limit is reached, an install without watchdog.

Hidden files and folders (editors' swap files, ``.git``), ``__pycache__`` and
half-written ``*.partial`` files are never changes. A folder created or moved
in is taken as the files in it, so a new day's issue copied in is still a
list of article files the build can read alone; a folder removed or moved
away is taken as its path ending in the separator (its files are not known).
"""
from __future__ import annotations

import contextlib
import os
import threading
import time
from pathlib import Path
from typing import Protocol

POLL_SECONDS = 0.5
# Event types that change a file's content, name or presence ("opened" and
# "closed_no_write" are the build reading the articles; a folder's "modified"
# is its entries changing, which the entries' own events say).
_CHANGES = frozenset({"created", "deleted", "modified", "moved", "closed", "attrib"})


def _hidden(name: str) -> bool:
    """A file or folder whose changes are none: an editor's swap file, .git, a bytecode cache."""
    return name.startswith(".") or name == "__pycache__"


def ignored(path: str, root: str) -> bool:
    """Not a change: a hidden or cache part below the root, or a half-written file."""
    parts = os.path.relpath(path, root).split(os.sep)
    return any(_hidden(p) for p in parts if p not in (".", "..")) or path.endswith(".partial")


def fingerprint(roots: list[Path]) -> dict[str, tuple[int, int]]:
    """(mtime, size) of every file under roots: any edit, addition or removal changes it."""
    out: dict[str, tuple[int, int]] = {}
    for root in roots:
        if root.is_file():
            try:
                st = root.stat()
            except OSError:
                continue
            out[str(root)] = (st.st_mtime_ns, st.st_size)
            continue
        for dirpath, dirs, names in os.walk(root):
            dirs[:] = [d for d in dirs if not _hidden(d)]
            for n in names:
                if _hidden(n) or n.endswith(".partial"):
                    continue  # editors' swap files and half-written files are not changes yet
                p = os.path.join(dirpath, n)
                try:
                    st = os.stat(p)
                except OSError:  # gone since the walk, or a link that leads nowhere (a loop)
                    continue
                out[p] = (st.st_mtime_ns, st.st_size)
    return out


class Watcher(Protocol):
    kind: str  # "events" or "polling", for the editor to read

    def wait(self, stop: threading.Event) -> bool:
        """Block until something may have changed (True) or stop is set (False)."""
        ...

    def take(self) -> set[str] | None:
        """The paths changed since the last take; None when the watcher lost track (all may have)."""
        ...

    def close(self) -> None:
        ...


class Polling:
    """Walk every watched file; a change is a difference from the last walk."""

    kind = "polling"

    def __init__(self, roots: list[Path], every: float = POLL_SECONDS):
        self._roots, self._every, self._wait = roots, every, every
        self._seen = fingerprint(self._existing())

    def _existing(self) -> list[Path]:
        return [r for r in self._roots if r.exists()]

    def wait(self, stop: threading.Event) -> bool:
        return not stop.wait(self._wait)

    def take(self) -> set[str] | None:
        started = time.perf_counter()
        now = fingerprint(self._existing())
        # On a very large archive a walk itself takes a while: keep the watcher
        # under about a fifth of one core rather than polling back to back.
        self._wait = max(self._every, 4 * (time.perf_counter() - started))
        changed = {path for path, _ in set(now.items()) ^ set(self._seen.items())}
        self._seen = now
        return changed

    def close(self) -> None:
        pass


class Events:
    """The system's file events for the roots (folders recursively, files alone).

    A root that does not exist yet (a project's own templates/ folder) is
    watched for in its parent, and watched itself from when it appears.
    Raises OSError when the system refuses the watches (the inotify limit)
    and ImportError without watchdog: the caller then polls."""

    kind = "events"

    def __init__(self, roots: list[Path]):
        from watchdog.events import FileSystemEventHandler
        from watchdog.observers import Observer

        roots = [Path(os.path.abspath(r)) for r in roots]  # (events name paths as their watch was given)
        self._roots = [str(r) for r in roots]
        self._lock = threading.Lock()
        self._paths: set[str] = set()
        self._lost = False
        self._woken = threading.Event()
        self._observer = Observer()
        self._watches: dict[tuple[str, bool], object] = {}
        watcher = self

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event) -> None:  # type: ignore[no-untyped-def]
                watcher._event(event)

        self._handler = Handler()
        try:
            for root in roots:
                self._watch(root)
            self._observer.start()
        except BaseException:
            self.close()
            raise

    def _watch(self, root: Path) -> None:
        # The parent too: it sees a file root saved, and a folder root
        # created, removed or created again (a removed folder's own watch ends).
        if root.parent.is_dir():
            self._schedule(str(root.parent), recursive=False)
        if root.is_dir():
            self._schedule(str(root), recursive=True)

    def _schedule(self, folder: str, recursive: bool) -> None:
        if (folder, recursive) not in self._watches:
            self._watches[(folder, recursive)] = self._observer.schedule(self._handler, folder, recursive=recursive)

    def _unschedule(self, folder: str) -> None:
        watch = self._watches.pop((folder, True), None)
        if watch is not None:
            with contextlib.suppress(KeyError, OSError):
                self._observer.unschedule(watch)  # type: ignore[arg-type]

    def _root_of(self, path: str) -> str | None:
        for root in self._roots:
            if path == root or path.startswith(root + os.sep):
                return root
        return None

    def _event(self, event) -> None:  # type: ignore[no-untyped-def]
        kind = event.event_type
        if kind == "events_lost":
            with self._lock:
                self._lost = True
            self._woken.set()
            return
        if kind not in _CHANGES or kind in ("modified", "attrib") and event.is_directory:
            return
        paths = [os.fsdecode(event.src_path)]
        if kind == "moved":
            paths.append(os.fsdecode(event.dest_path))
        taken: list[str] = []
        for path in paths:
            root = self._root_of(path)
            if root is None or ignored(path, root):
                continue
            # (a root removed and made again: its old watch's own "deleted" may come after
            # the parent's "created", and must not end the new folder's watch)
            if path == root and kind in ("deleted", "moved") and not os.path.isdir(path):
                self._unschedule(path)
            if event.is_directory and kind in ("deleted", "moved") and path == paths[0]:
                taken.append(path + os.sep)  # a folder gone, with whatever was in it: ends in the separator
            if event.is_directory and kind in ("created", "moved") and os.path.isdir(path):
                if path == root:  # a root that has just appeared: watched anew, not by a watch of its removed self
                    self._unschedule(path)
                    self._schedule(path, recursive=True)
                taken.extend(p for p in fingerprint([Path(path)]) if not ignored(p, root))
            taken.append(path)
        if taken:
            with self._lock:
                self._paths.update(taken)
            self._woken.set()

    def wait(self, stop: threading.Event) -> bool:
        while not stop.is_set():
            if self._woken.wait(0.2):
                return True
        return False

    def take(self) -> set[str] | None:
        with self._lock:
            paths, lost = self._paths, self._lost
            self._paths, self._lost = set(), False
            self._woken.clear()
        return None if lost else paths

    def close(self) -> None:
        if self._observer.is_alive():
            self._observer.stop()
            self._observer.join(timeout=5)


def watcher(roots: list[Path], poll: bool = False) -> tuple[Watcher, str | None]:
    """Events where the system gives them, else polling; and why not events (None: events, or asked to poll)."""
    if not poll:
        try:
            return Events(roots), None
        except ImportError:
            return Polling(roots), "watchdog is not installed"
        except OSError as exc:
            return Polling(roots), exc.strerror or str(exc)
    return Polling(roots), None
