"""Turn page drafts into article and page files, without destroying an editor's work.

Two steps, so a run is all-or-nothing as far as files allow: ``plan`` reads the
existing files and decides, for every output file, whether to write, keep or
remove it; ``apply`` then writes. Nothing is written when planning fails.

Edit protection: the page file's ``imported`` map records the sha256 of every
article file the importer wrote. A file whose bytes still hash to that value is
the importer's own output and may be replaced; any other existing file has been
edited (or was written by hand) and is kept unless ``force`` is given, and an
imported file an editor deleted stays deleted.

The page file is protected the same way, field by field: its editable fields
(``section``, ``paper``, ``credits``, ``leftovers``, ``folded``) are recorded in
the same ``imported`` map under ``"PP.page.yaml#field"`` with the sha256 of the value the
importer wrote. A field whose value still hashes to its record takes the new
import's value; a field an editor changed keeps the editor's value (and its old
record, so it stays protected next time); a field with no record (a page file
written by hand or by an older importer) that differs from the new import is
kept too, since nothing shows it is the importer's; except ``folded``, written
only when a page had look-alikes, whose absence is nobody's edit. The bookkeeping fields
(``source``, ``source_sha256``, ``imported``) always describe the latest import.
``force`` replaces every field. Values are compared, not bytes, so reformatting
the YAML (quotes, flow lists) is not an edit.
"""
from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..format import (
    DEFAULT_YEARS, FormatError, article_relpath, page_relpath, parse_article, parse_page, render_article, render_page,
    sha256_bytes,
)
from ..model import Article, PageInfo, Source, article_id
from .draft import PageDraft


@dataclass(frozen=True)
class PageImport:
    """One page ready to write: where it belongs, where it came from, what it holds."""

    date: dt.date
    page: int
    section: str | None
    paper: str | None
    source: str  # raw file name, recorded in the page file and each article
    source_sha256: str | None
    draft: PageDraft

    def articles(self) -> list[Article]:
        out = []
        for pos, s in enumerate(self.draft.stories, start=1):
            out.append(Article(
                id=article_id(self.date, self.page, pos), date=self.date, page=self.page, position=pos,
                section=self.section, paper=self.paper, kind=s.kind, kicker=s.kicker, title=s.title,
                subtitle=s.subtitle, bylines=s.bylines, photographers=s.photographers, credit=s.credit,
                dateline=s.dateline, continued_from_page=s.continued_from_page,
                continued_to_page=s.continued_to_page, source=Source(self.source, s.lines),
                review=s.review, body=s.body, path=article_relpath(self.date, self.page, pos),
            ))
        return out


@dataclass(frozen=True)
class FileAction:
    relpath: str  # relative to the articles folder
    action: str  # write | unchanged | skip-edited | skip-deleted | remove | keep-edited
    data: bytes | None = None
    seen: str | None = None  # sha256 of the file as planned (None: there was none); checked again when writing


@dataclass(frozen=True)
class Plan:
    """Every file a run would touch; ``apply`` carries it out."""

    root: Path
    pages: list[PageImport] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list)
    actions: list[FileAction] = field(default_factory=list)
    # Page file -> the editable fields an editor changed, kept as they are
    # (and differing from what this import would have written).
    kept_page_edits: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Page file -> what it will say, and the article records it had before,
    # so that apply can keep an article's old record when the article changes
    # while the import writes.
    page_infos: dict[str, tuple[PageInfo, dict[str, str]]] = field(default_factory=dict)
    # Files an editor saved between planning and writing: left as saved.
    changed_meanwhile: list[str] = field(default_factory=list)

    def named(self, action: str) -> list[str]:
        return [a.relpath for a in self.actions if a.action == action]

    def count(self, action: str) -> int:
        return sum(1 for a in self.actions if a.action == action)


class WriteError(Exception):
    """A problem that stops the whole run before anything is written."""


class ApplyError(Exception):
    """Writing failed; the message says what was changed and what was not."""


def _safe_path(root: Path, rel: str) -> Path:
    # Ids come from validated ints and dates, so this cannot fail unless a
    # caller bypasses them; it is the last guard against writing outside root.
    path = root / rel
    if ".." in Path(rel).parts or Path(rel).is_absolute():
        raise WriteError(f"refusing to write outside {root}: {rel}")
    return path


def _read_previous(path: Path, rel: str) -> PageInfo | None:
    """The existing page file; an unreadable one stops the run, as edits could not be told apart."""
    if not path.exists():
        return None
    try:
        return parse_page(path.read_text(encoding="utf-8"), rel)
    except (FormatError, UnicodeDecodeError, ValueError) as exc:
        raise WriteError(f"{rel}: cannot read the existing page file, so edited articles cannot be told "
                         f"from imported ones; fix or remove it first:\n{exc}") from None


PAGE_FIELDS = ("section", "paper", "credits", "leftovers", "folded")  # what an editor may correct in a page file
# Fields written only when not empty: one absent with no record is no editor's
# doing (the page had none, or an older importer never wrote the field).
OPTIONAL_FIELDS = ("folded",)


def _field_value(info: PageInfo, name: str) -> Any:
    value = getattr(info, name)
    if name == "leftovers":
        return [[lo.line, lo.text, lo.reason] for lo in value]
    if name == "folded":
        return [[f.line, f.printed, f.text, f.count] for f in value]
    return list(value) if name == "credits" else value


def field_digest(info: PageInfo, name: str) -> str:
    """sha256 of one editable field's value, independent of how the YAML spells it."""
    return sha256_bytes(json.dumps(_field_value(info, name), ensure_ascii=False).encode("utf-8"))


def field_key(page_name: str, name: str) -> str:
    # Article names end in .md, so these keys never clash with an article's record.
    return f"{page_name}#{name}"


def _merge_page(new: PageInfo, before: PageInfo | None, page_name: str,
                force: bool) -> tuple[dict[str, Any], dict[str, str], tuple[str, ...]]:
    """Editable field values to write, their records, and the fields kept as an editor left them."""
    values = {name: getattr(new, name) for name in PAGE_FIELDS}
    records = {field_key(page_name, name): field_digest(new, name) for name in PAGE_FIELDS
               if name not in OPTIONAL_FIELDS or values[name]}
    if before is None or force:
        return values, records, ()
    kept = []
    for name in PAGE_FIELDS:
        key = field_key(page_name, name)
        ours = before.imported.get(key)
        theirs = field_digest(before, name)
        if theirs == field_digest(new, name) or theirs == ours:
            continue  # the same as this import, or still the importer's own value: take the new one
        if ours is None and name in OPTIONAL_FIELDS and not getattr(before, name):
            continue  # never written, so never edited
        values[name] = getattr(before, name)
        if ours is not None:
            records[key] = ours  # keep the old record, so the edit stays protected next time
        kept.append(name)
    return values, records, tuple(kept)


def _verify(rel: str, data: bytes, source: str, years: tuple[int, int]) -> None:
    """Refuse to write a file that check and build would reject (a name too
    long for a file name, a year out of range, a page number beyond ids)."""
    try:
        text = data.decode("utf-8")
        if rel.endswith(".md"):
            parse_article(text, rel, years)
        else:
            parse_page(text, rel, years)
    except FormatError as exc:
        raise WriteError("\n".join(f"{source}: would write {p.path} that cannot be read back: {p.message}"
                                   for p in exc.problems)) from None
    except UnicodeEncodeError as exc:  # never from the importers' text; a guard all the same
        raise WriteError(f"{source}: {rel}: {exc.reason}") from None


def _digest(path: Path) -> str | None:
    """sha256 of a file's bytes, None when there is none."""
    try:
        return sha256_bytes(path.read_bytes())
    except FileNotFoundError:
        return None


def plan(pages: list[PageImport], root: Path, *, force: bool = False,
         years: tuple[int, int] = DEFAULT_YEARS) -> Plan:
    """Decide what to write for each page; reads existing files, writes nothing."""
    seen: dict[tuple[dt.date, int], str] = {}
    for p in pages:
        key = (p.date, p.page)
        if key in seen:
            raise WriteError(f"{p.source} and {seen[key]} are both {p.date} page {p.page}; import one of them")
        seen[key] = p.source
    result = Plan(root=root)
    for p in pages:
        page_rel = page_relpath(p.date, p.page)
        page_path = _safe_path(root, page_rel)
        before = _read_previous(page_path, page_rel)
        fresh = PageInfo(
            date=p.date, page=p.page, section=p.section, paper=p.paper, source=p.source,
            source_sha256=p.source_sha256, credits=p.draft.credits, leftovers=p.draft.leftovers,
            folded=p.draft.folded,
        )
        values, records, kept = _merge_page(fresh, before, page_rel.rsplit("/", 1)[1], force)
        if kept:
            result.kept_page_edits[page_rel] = kept
        # A section or paper an editor set on the page is the page's, so the
        # articles written now carry it too.
        p = replace(p, section=values["section"], paper=values["paper"])
        result.pages.append(p)
        # Only the articles' records: the page file's own field records are handled by _merge_page.
        previous = {k: v for k, v in (before.imported if before else {}).items() if k.endswith(".md")}
        imported: dict[str, str] = {}
        folder = page_rel.rsplit("/", 1)[0]
        # A symlinked date folder would carry the writes elsewhere; refuse it.
        real_root = root.resolve()
        if not (root / folder).resolve().is_relative_to(real_root):
            raise WriteError(f"refusing to write outside {root}: {folder} leads to {(root / folder).resolve()}")
        new_names: set[str] = set()
        for art in p.articles():
            result.articles.append(art)
            data = render_article(art).encode("utf-8")
            _verify(art.path, data, p.source, years)
            name = art.path.rsplit("/", 1)[1]
            new_names.add(name)
            path = _safe_path(root, art.path)
            current = path.read_bytes() if path.exists() else None
            if current == data:
                result.actions.append(FileAction(art.path, "unchanged"))
                imported[name] = sha256_bytes(data)
            elif current is None and name in previous and not force:
                # The importer wrote it and an editor deleted it (a story merged
                # into another, a duplicate): a re-import must not bring it back.
                result.actions.append(FileAction(art.path, "skip-deleted"))
                imported[name] = previous[name]
            elif current is None or force or previous.get(name) == sha256_bytes(current):
                seen = None if current is None else sha256_bytes(current)
                result.actions.append(FileAction(art.path, "write", data, seen))
                imported[name] = sha256_bytes(data)
            else:
                result.actions.append(FileAction(art.path, "skip-edited"))
                # Keep the old record (if any) so the file stays protected next time.
                if name in previous:
                    imported[name] = previous[name]
        for name, digest in sorted(previous.items()):
            if name in new_names:
                continue
            rel = f"{folder}/{name}"
            path = _safe_path(root, rel)
            if not path.exists():
                # Deleted by an editor: the record stays, so an import from a
                # source that has the story again does not bring it back.
                imported[name] = digest
                continue
            if force or sha256_bytes(path.read_bytes()) == digest:
                result.actions.append(FileAction(rel, "remove", seen=sha256_bytes(path.read_bytes())))
            else:
                result.actions.append(FileAction(rel, "keep-edited"))
                imported[name] = digest
        imported.update(records)
        info = PageInfo(
            date=p.date, page=p.page, section=values["section"], paper=values["paper"], source=p.source,
            source_sha256=p.source_sha256, credits=tuple(values["credits"]),
            leftovers=tuple(values["leftovers"]), imported=imported, folded=tuple(values["folded"]),
        )
        data = render_page(info).encode("utf-8")
        _verify(page_rel, data, p.source, years)
        current = page_path.read_bytes() if page_path.exists() else None
        seen = None if current is None else sha256_bytes(current)
        result.actions.append(FileAction(page_rel, "unchanged" if current == data else "write", data, seen))
        result.page_infos[page_rel] = (info, previous)
    return result


def apply(p: Plan) -> None:
    """Carry out a plan, all or nothing as far as files allow.

    Every new file is first staged beside its target; a failure there
    removes the staged files and changes nothing. Then each file is replaced
    only if it still has the content the plan saw (an editor may have saved
    it since): compare, then rename. A file changed meanwhile is left as the
    editor saved it, named in ``changed_meanwhile``, and keeps its old record
    in the page file. Page files go last, so a crash leaves every article
    protected."""
    writes = [a for a in p.actions if a.action == "write"]
    staged: dict[str, Path] = {}
    for folder in {_safe_path(p.root, a.relpath).parent for a in writes}:
        if folder.is_dir():
            _clear_stale(folder)
    try:
        for a in writes:
            if not a.relpath.endswith(".page.yaml"):
                staged[a.relpath] = _stage(_safe_path(p.root, a.relpath), a.data or b"")
    except OSError as exc:
        _unstage(staged)
        raise ApplyError(f"staging the new files failed ({_why(exc)}); nothing was changed") from None
    done: list[str] = []
    try:
        for a in p.actions:
            if a.action in ("write", "remove") and not a.relpath.endswith(".page.yaml"):
                _commit(p, a, staged.pop(a.relpath, None), done)
        for a in writes:
            if a.relpath.endswith(".page.yaml"):
                _commit_page(p, a, done)
    except OSError as exc:
        _unstage(staged)
        left = [a.relpath for a in p.actions if a.action in ("write", "remove") and a.relpath not in done]
        raise ApplyError(f"writing failed ({_why(exc)}) after {len(done)} file(s) were "
                         f"written or removed ({', '.join(done) or 'none'}); not changed: {', '.join(left)}. "
                         "Edited articles are protected as before; run the import again once the cause is fixed") \
            from None


def _why(exc: OSError) -> str:
    return f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc.strerror or exc)


def _stage(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.import-{os.getpid()}.partial")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    return tmp


def _clear_stale(folder: Path) -> None:
    """Staged files an import killed mid-way left behind (kill -9 gives it no
    chance to clean up); those of an import still running are its own."""
    for tmp in folder.glob(".*.import-*.partial"):
        pid = tmp.name.rsplit(".import-", 1)[1].split(".", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _running(int(pid)):
            tmp.unlink(missing_ok=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # someone else's process: running
        return True
    return True


def _unstage(staged: dict[str, Path]) -> None:
    for tmp in staged.values():
        tmp.unlink(missing_ok=True)
    staged.clear()


def _commit(p: Plan, a: FileAction, tmp: Path | None, done: list[str]) -> None:
    """Replace (or remove) one article file if it is still as planned."""
    path = _safe_path(p.root, a.relpath)
    if _digest(path) != a.seen:
        p.changed_meanwhile.append(a.relpath)
        if tmp is not None:
            tmp.unlink(missing_ok=True)
        return
    try:
        if tmp is not None:
            os.replace(tmp, path)
        else:
            path.unlink(missing_ok=True)
    except OSError:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
        raise
    done.append(a.relpath)


def _commit_page(p: Plan, a: FileAction, done: list[str]) -> None:
    """Write a page file; an article changed meanwhile keeps its old record
    (or none), so the next import still sees the editor's work."""
    info, previous = p.page_infos[a.relpath]
    folder = a.relpath.rsplit("/", 1)[0] + "/"
    changed = {rel[len(folder):] for rel in p.changed_meanwhile if rel.startswith(folder)}
    data = a.data or b""
    if changed:
        imported = {k: v for k, v in info.imported.items() if k not in changed}
        imported.update((k, previous[k]) for k in changed if k in previous)
        data = render_page(replace(info, imported=imported)).encode("utf-8")
    path = _safe_path(p.root, a.relpath)
    if _digest(path) != a.seen:
        # The editor saved the page file meanwhile: theirs stands; the
        # articles written now have no record there and count as edited.
        p.changed_meanwhile.append(a.relpath)
        return
    tmp = _stage(path, data)
    try:
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise
    done.append(a.relpath)
