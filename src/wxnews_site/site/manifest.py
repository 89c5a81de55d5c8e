"""Content-hash manifest for incremental builds (Lektor style, not mtimes).

Each page's digest is a hash of the data it shows — its template name and
context, where a ``Story`` counts by its precomputed key and a full
``Article`` by its fields — combined with the hash of every template and of
the configuration. A page whose digest is unchanged since the last build is
linked from the previous output instead of rendered. Modification times are
never used: a CI checkout resets them all.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import pickle
from pathlib import Path
from typing import Any

from .. import __version__
from ..format import ParseCache, atomic_write
from ..model import Article
from .pages import Page, Story

VERSION = 2


_FIELDS: dict[type, tuple[str, ...]] = {}


def _walk(obj: Any, out: list[str], files: dict[str, str]) -> None:
    # Dispatch on the exact type first: this runs some 300,000 times a build.
    t = type(obj)
    if t is str:
        out.append(repr(obj))
    elif t is Story:
        out.append(obj.key)
    elif t is Article:
        # An article is what its file's bytes parse to (the parser's own code
        # is in the salt), so the file's content hash stands for all of it.
        known = files.get(obj.path) if obj.path else None
        out.append(known if known is not None else hashlib.sha1(repr(obj).encode("utf-8")).hexdigest())
    elif t is dict:
        out.append("{")
        for k in sorted(obj):
            out.append(k)
            _walk(obj[k], out, files)
        out.append("}")
    elif t is tuple or t is list:
        out.append("[")
        for x in obj:
            _walk(x, out, files)
        out.append("]")
    elif obj is None or t is int or t is float or t is bool or isinstance(obj, dt.date):
        out.append(repr(obj))
    elif isinstance(obj, Story):
        out.append(obj.key)
    elif isinstance(obj, Article):
        out.append(hashlib.sha1(repr(obj).encode("utf-8")).hexdigest())
    elif dataclasses.is_dataclass(obj):
        names = _FIELDS.get(t)
        if names is None:
            names = _FIELDS[t] = tuple(f.name for f in dataclasses.fields(obj))
        out.append(t.__name__)
        for name in names:
            _walk(getattr(obj, name), out, files)
    else:
        out.append(repr(obj))


def digest(page: Page, salt: str, files: dict[str, str] | None = None) -> str:
    """Hash of everything the page shows; salt covers templates, config and code.

    ``files`` maps an article file's path to its content hash (see
    format.Scan.files): the cheap stand-in for the parsed article.
    """
    parts = [salt, page.template, page.root or ""]
    _walk(page.context, parts, files or {})
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()


@dataclasses.dataclass(frozen=True)
class Plan:
    """What a rebuild after body edits needs of the last build's plan.

    ``files`` holds the content hash of every article and page file the site
    was built from, ``shapes`` each article file's planning hash
    (pages.shape), ``contexts`` each article file's page path and page
    context without the article itself (pickled; unpickled only for the
    pages rendered again), ``sitemap`` the sitemap's bytes and ``feeds`` each
    feed's digest of what it shows, bytes, FeedSpec and article files. When
    only bodies changed, the plan is the same: the build renders the edited
    articles' pages and the feeds that show them, and takes the rest from here
    without reading the other articles at all.
    """

    salt: str
    files: dict[str, str]
    shapes: dict[str, str]
    contexts: dict[str, tuple[str, bytes]]
    sitemap: bytes
    feeds: dict[str, tuple[str, bytes, Any, tuple[str, ...]]]


@dataclasses.dataclass(frozen=True)
class Manifest:
    out_dir: str
    pages: dict[str, str]
    spare: dict[str, str] = dataclasses.field(default_factory=dict)  # the pages of the site before, kept aside
    # Recorded with the digests in one file, so that the two always describe the same build.
    plan: Plan | None = None

    def unchanged(self, out_dir: Path, path: str, page_digest: str) -> bool:
        return self.out_dir == str(out_dir) and self.pages.get(path) == page_digest


MANIFEST = "manifest.pickle"


def load(cache_dir: Path) -> Manifest:
    """The last successful build's manifest; an empty one when missing or unreadable."""
    try:
        # A pickle, not JSON: a rebuild loads and saves some 15,000 digests.
        with open(cache_dir / MANIFEST, "rb") as fh:
            data = pickle.load(fh)
        if data.get("version") == (VERSION, __version__):
            return Manifest(data["out_dir"], data["pages"], data["spare"], data["plan"])
    except Exception:  # noqa: BLE001 - a damaged cache only costs a full build
        pass
    return Manifest("", {})


def forget(cache_dir: Path) -> None:
    (cache_dir / MANIFEST).unlink(missing_ok=True)
    (cache_dir / "manifest.json").unlink(missing_ok=True)  # written by earlier versions


def save(cache_dir: Path, manifest: Manifest) -> None:
    data = {"version": (VERSION, __version__), "out_dir": manifest.out_dir, "pages": manifest.pages,
            "spare": manifest.spare, "plan": manifest.plan}
    atomic_write(cache_dir / MANIFEST, pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))


# Parsed article and page files by path and content hash (see
# format.scan_archive): a rebuild parses only the files that changed. The
# cache is the build's own, in the project's .cache folder.
PARSED = "parsed.pickle"


def parser_version() -> tuple[Any, ...]:
    # Pickled articles are only good for the same model and parser code.
    from .. import format as fmt, model
    code = Path(model.__file__).read_bytes() + Path(fmt.__file__).read_bytes()
    return (VERSION, __version__, hashlib.sha256(code).hexdigest())


DELTA = "parsed-delta.pickle"

# The parse cache (format.ParseCache) is stored as a base pickle plus a small
# delta of the entries added and removed since, so a rebuild after a few
# edits writes a few entries rather than the whole archive again; the base is
# rewritten once the delta grows. Entries hold their items pickled, so
# loading the cache copies bytes and builds no articles.


def _load(path: Path) -> Any:
    with open(path, "rb") as fh:
        data = pickle.load(fh)
    if isinstance(data, dict) and data.get("version") == parser_version():
        return data
    raise ValueError("outdated cache")


def load_parsed(cache_dir: Path) -> tuple[ParseCache, frozenset[str]]:
    """The cache and the keys of its base (see save_parsed)."""
    try:
        base = _load(cache_dir / PARSED)
        entries, stats = dict(base["entries"]), dict(base["stats"])
        base_keys = frozenset(entries)
    except Exception:  # noqa: BLE001 - a damaged or outdated cache only costs a full parse
        return ParseCache({}, {}), frozenset()
    try:
        delta = _load(cache_dir / DELTA)
        if delta.get("base") == len(base_keys):
            for k in delta["removed"]:
                entries.pop(k, None)
            entries.update(delta["added"])
            stats = dict(delta["stats"])
    except Exception:  # noqa: BLE001 - without its delta the base still holds good entries
        pass
    return ParseCache(entries, stats), base_keys


def _dump(path: Path, data: Any) -> None:
    # Streamed to the file rather than through atomic_write's bytes: for a
    # large archive the pickle would otherwise double the build's peak memory.
    tmp = path.with_name(f".{path.name}.partial")
    with open(tmp, "wb") as fh:
        pickle.dump({"version": parser_version(), **data}, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)


def save_parsed(cache_dir: Path, cache: ParseCache, base: frozenset[str]) -> None:
    cache_dir.mkdir(parents=True, exist_ok=True)
    entries = cache.entries
    added = {k: v for k, v in entries.items() if k not in base}
    removed = [k for k in base if k not in entries]
    if base and len(added) + len(removed) <= max(100, len(entries) // 20):
        # The stat table is small next to the parsed articles; it goes whole.
        _dump(cache_dir / DELTA, {"base": len(base), "added": added, "removed": removed, "stats": cache.stats})
    else:
        _dump(cache_dir / PARSED, {"entries": entries, "stats": cache.stats})
        (cache_dir / DELTA).unlink(missing_ok=True)
