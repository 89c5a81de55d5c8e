"""Which article files changed since the last build, as git knows them.

A plain ``build`` of an archive kept in git need not stat every file to
find what changed (18 s at a million articles): the last build recorded
the commit it read (``Mark``), and git names the files changed since —
committed (``git diff``) or not (``git status``) — which then take the
same path as ``build --changed``. Whatever git cannot vouch for (no git,
no recorded commit, a commit this clone lacks, a deleted file) falls back
to the scan, with a one-line note of why; the result is the same site.

Correctness rests on one invariant: a file whose content differs from what
the last build read is in ``git diff <mark.commit> HEAD``, or is not clean
now (``git status``), or was not clean then (``mark.dirty``). So a build
records the uncommitted files it read, not just the commit. (An article
file kept as a symbolic link to another file is the one case git cannot
vouch for: an edit of its target is not a change git names of the link.)
"""
from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable

from .format import archive_file

TIMEOUT = 300.0  # seconds: git status stats every tracked file, a few seconds at a million
MOST = 5000      # files named at most: beyond, reading them one by one costs more than the scan


@dataclass(frozen=True)
class Mark:
    """What a build read, in git's terms: the articles folder, HEAD's commit
    then, and the article files (relative to the folder) that were not as
    committed: edited, added, deleted, untracked or ignored."""

    articles: str
    commit: str
    dirty: tuple[str, ...]

    def naming(self, rels: Iterable[str]) -> Mark | None:
        """After a build told which files changed (``--changed``): those read
        as they were, whatever git says of them; None past ``MOST`` (the
        record read by every build stays small: the next plain build scans)."""
        dirty = {*self.dirty, *rels}
        return replace(self, dirty=tuple(sorted(dirty))) if len(dirty) <= MOST else None


@dataclass(frozen=True)
class Look:
    """What git says: the mark to record (None outside git), the article
    files changed since the last build's mark (None: scan them all), and
    why not, for the editor (one line)."""

    mark: Mark | None
    changed: tuple[str, ...] | None
    note: str | None = None


class GitError(Exception):
    pass


def look(articles_dir: Path, last: Mark | None, recorded: Callable[[str], bool]) -> Look:
    """The article files changed since ``last`` (``recorded``: whether the
    last build had a file, to tell a deletion from a file come and gone)."""
    if shutil.which("git") is None:
        return Look(None, None, "no git program found: scanning every article file for changes")
    try:
        top, head = _head(articles_dir)
        inside = _inside(articles_dir, top)
        spec = ":(top,literal)" + ("" if inside == "." else inside)
        dirty = _status(top, spec, inside)
        if len(dirty) > MOST:
            return Look(None, None, f"{len(dirty)} article files are not as committed (more than {MOST}): "
                                    "scanning every article file")
        mark = Mark(str(articles_dir), head, dirty)
        if last is None or last.articles != mark.articles:
            return Look(mark, None, "the last build recorded no git commit: scanning every article file for changes")
        if not _known(top, last.commit):
            return Look(mark, None, f"the last build's commit {last.commit[:12]} is not in this clone (a shallow "
                                    "clone: in CI, check out with fetch-depth: 0): scanning every article file")
        committed = _diff(top, spec, inside, last.commit, head) if last.commit != head else ()
    except NotAWorkTree:
        return Look(None, None, "not in a git work tree: scanning every article file for changes")
    except NoCommit:
        return Look(None, None, "the git work tree has no commit yet: scanning every article file for changes")
    except GitError as exc:
        return Look(None, None, f"git failed ({exc}): scanning every article file for changes")
    return _named(articles_dir, mark, {*committed, *dirty, *last.dirty}, recorded)


def _named(articles_dir: Path, mark: Mark, rels: set[str], recorded: Callable[[str], bool]) -> Look:
    """The changed files as ``build --changed`` takes them: those there,
    regular files; a file gone that the last build had is a deletion, which
    only the scan handles (as it always has)."""
    if len(rels) > MOST:
        return Look(mark, None, f"{len(rels)} article files changed since the last build (more than {MOST}): "
                                "scanning every article file")
    named, gone = [], 0
    for rel in sorted(rels):
        path = os.path.join(articles_dir, rel)
        if os.path.islink(path):
            return Look(mark, None, f"{rel}: a symbolic link changed: scanning every article file")
        if os.path.isfile(path):
            named.append(rel)
        elif recorded(rel):
            gone += 1
    if gone:
        return Look(mark, None, f"{gone} article file(s) deleted or renamed since the last build: "
                                "scanning every article file")
    return Look(mark, tuple(named))


class NotAWorkTree(GitError):
    pass


class NoCommit(GitError):
    pass


def _head(articles_dir: Path) -> tuple[Path, str]:
    """The work tree's top folder and HEAD's commit."""
    try:
        out = _git(articles_dir, "rev-parse", "--show-toplevel", "--verify", "HEAD^{commit}")
    except GitError as exc:
        if "not a git repository" in str(exc) or "must be run in a work tree" in str(exc):
            raise NotAWorkTree(str(exc)) from None
        if "Needed a single revision" in str(exc):
            raise NoCommit(str(exc)) from None
        raise
    top, head = os.fsdecode(out).splitlines()[:2]
    return Path(top).resolve(), head


def _inside(articles_dir: Path, top: Path) -> str:
    try:
        return articles_dir.relative_to(top).as_posix()
    except ValueError:  # (both are resolved: a folder git sees elsewhere than the build does)
        raise GitError(f"the work tree {top} does not hold {articles_dir}") from None


def _status(top: Path, spec: str, inside: str) -> tuple[str, ...]:
    """The article files not as committed, ignored ones too (the scan reads them)."""
    out = _git(top, "status", "--porcelain=v1", "-z", "--no-renames", "--untracked-files=all", "--ignored=traditional",
               "--", spec)
    rels = []
    for entry in out.split(b"\0"):
        if not entry:
            continue
        path = os.fsdecode(entry[3:])
        if path.endswith("/"):  # a repository inside the folder: git does not look in, the scan does
            raise GitError(f"{path} is a git repository of its own inside the articles folder")
        rels.append(path)
    return _articles(rels, inside)


def _diff(top: Path, spec: str, inside: str, since: str, head: str) -> tuple[str, ...]:
    out = _git(top, "diff", "--name-only", "-z", "--no-renames", "--no-ext-diff", since, head, "--", spec)
    return _articles((os.fsdecode(p) for p in out.split(b"\0") if p), inside)


def _known(top: Path, commit: str) -> bool:
    try:
        _git(top, "cat-file", "-e", f"{commit}^{{commit}}")
    except GitError:
        return False
    return True


def _articles(paths: Iterable[str], inside: str) -> tuple[str, ...]:
    """Paths relative to the top folder -> the article and page files' paths relative to the articles folder."""
    prefix = "" if inside == "." else inside + "/"
    return tuple(rel for p in paths if p.startswith(prefix) for rel in (p[len(prefix):],) if archive_file(rel))


def _git(cwd: Path, *args: str) -> bytes:
    # A list argv, no shell; no pager, no prompt; C locale so that the error tested for reads the same everywhere.
    env = {**os.environ, "LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat"}
    try:
        done = subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, timeout=TIMEOUT, env=env,
                              stdin=subprocess.DEVNULL, check=False)
    except subprocess.TimeoutExpired:
        raise GitError(f"git {args[0]} took more than {TIMEOUT:.0f} s") from None
    except OSError as exc:
        raise GitError(f"cannot run git: {exc.strerror or exc}") from None
    if done.returncode != 0:
        lines = os.fsdecode(done.stderr).strip().splitlines()
        raise GitError(f"git {args[0]}: {lines[0] if lines else f'exit status {done.returncode}'}")
    return done.stdout
