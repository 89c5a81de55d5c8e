"""Every internal link and asset of a built site resolves to a file in it.

Reads the HTML and CSS files of an output folder as a static host would serve
them: a link to a folder means its ``index.html``, ``?query`` and ``#fragment``
are not part of the file name, and ``%E6%97%A0`` is the UTF-8 of a Chinese
file name. External links (``https:``, ``mailto:``, ``//host``, ``data:``...)
are not followed: this is about the archive being complete and relocatable.

Tags are found with regular expressions rather than an HTML parser: a
generated site is well formed, and a full archive has tens of thousands of
pages, which a parser would take minutes over.
"""
from __future__ import annotations

import bisect
import html
import os
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote

from .format import Problem

# A start tag, quote-aware so that '>' inside an attribute value does not end it.
# Escaped text (&lt;a href=...&gt;) never matches, so raw HTML shown as text in
# an article is not mistaken for a link.
_TAG = re.compile(r"""<([a-zA-Z][\w:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>""")
_ATTR = re.compile(r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_LINK_ATTRS = ("href", "src", "poster", "action", "data-src")
_SKIP_BLOCK = re.compile(r"(<script\b[^>]*>)(.*?)(</script\s*>)|<!--(.*?)-->", re.S | re.I)
_STYLE_BLOCK = re.compile(r"<style\b[^>]*>(.*?)</style\s*>", re.S | re.I)
_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)|@import\s+(?:"([^"]*)"|'([^']*)')""")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def _blank(match: re.Match[str]) -> str:
    """Keep a script's or comment's newlines so that later line numbers stay right."""
    if match.group(1) is not None:
        return match.group(1) + "\n" * match.group(2).count("\n") + match.group(3)
    return "\n" * match.group(0).count("\n")


def _is_external(url: str) -> bool:
    return bool(_SCHEME.match(url)) or url.startswith("//")


def _line_at(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


class _Lines:
    """Offset -> line number by bisection: a page has many links, counting from the top each time is quadratic."""

    def __init__(self, text: str):
        self.starts = [m.end() for m in re.finditer("\n", text)]

    def __call__(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset) + 1


class _Site:
    """The files of an output folder and the anchors of its pages, read once."""

    def __init__(self, root: Path):
        self.root = root
        self.files: set[str] = set()
        for dirpath, _dirs, names in os.walk(root):
            rel = Path(dirpath).relative_to(root).as_posix()
            for n in names:
                self.files.add(n if rel == "." else f"{rel}/{n}")
        self._anchors: dict[str, set[str]] = {}

    def target(self, rel: str) -> str | None:
        """The file a resolved path is served from, or None."""
        if rel in ("", "."):
            rel = "index.html"
        elif rel.endswith("/"):
            rel += "index.html"
        if rel in self.files:
            return rel
        if f"{rel}/index.html" in self.files:
            return f"{rel}/index.html"
        return None

    def anchors(self, rel: str) -> set[str]:
        if rel not in self._anchors:
            text = (self.root / rel).read_text(encoding="utf-8", errors="replace")
            found: set[str] = set()
            for tag in _TAG.finditer(_SKIP_BLOCK.sub(_blank, text)):
                for m in _ATTR.finditer(tag.group(2)):
                    if m.group(1).lower() in ("id", "name"):
                        found.add(html.unescape(m.group(2) or m.group(3) or m.group(4) or ""))
            self._anchors[rel] = found
        return self._anchors[rel]


def _check_url(site: _Site, page: str, line: int, url: str, out: list[Problem]) -> None:
    url = url.strip()
    if not url or _is_external(url):
        return
    path, _, fragment = url.partition("#")
    path = path.split("?", 1)[0]
    if not path:
        # '#x' on the page itself; '#' and script-driven fragments are not anchors.
        if fragment and "=" not in fragment and "/" not in fragment and page.endswith(".html"):
            if unquote(fragment) not in site.anchors(page):
                out.append(Problem(page, line, f"no anchor id={unquote(fragment)!r} on this page for {url!r}", "warning"))
        return
    decoded = unquote(path, encoding="utf-8", errors="strict") if "%" in path else path
    if decoded.startswith("/"):
        out.append(Problem(page, line, f"root-relative link {url!r} breaks when the site is served under a sub-path; use a relative link", "warning"))
        joined = decoded.lstrip("/")
    else:
        joined = posixpath.join(posixpath.dirname(page), decoded)
    rel = posixpath.normpath(joined) if joined else ""
    if rel == ".." or rel.startswith("../"):
        out.append(Problem(page, line, f"link {url!r} points outside the site"))
        return
    if decoded.endswith("/") and rel != ".":
        rel += "/"
    found = site.target(rel)
    if found is None:
        out.append(Problem(page, line, f"broken link {url!r}: no file {rel.rstrip('/') or 'index.html'} in the site"))
        return
    if fragment and found.endswith(".html") and "=" not in fragment and "/" not in fragment:
        if unquote(fragment) not in site.anchors(found):
            out.append(Problem(page, line, f"link {url!r}: no anchor id={unquote(fragment)!r} in {found}", "warning"))


def _css_urls(css: str, base_offset: int, text: str) -> list[tuple[int, str]]:
    out = []
    for m in _CSS_URL.finditer(css):
        url = next((g for g in m.groups() if g is not None), "")
        out.append((_line_at(text, base_offset + m.start()), url))
    return out


def _html_links(text: str) -> list[tuple[int, str]]:
    text = _SKIP_BLOCK.sub(_blank, text)
    line_at = _Lines(text)
    out: list[tuple[int, str]] = []
    for tag in _TAG.finditer(text):
        start = tag.start()
        for m in _ATTR.finditer(tag.group(2)):
            name = m.group(1).lower()
            value = html.unescape(m.group(2) if m.group(2) is not None else m.group(3) if m.group(3) is not None else m.group(4))
            where = line_at(start + len(tag.group(1)) + 1 + m.start())
            if name in _LINK_ATTRS:
                out.append((where, value))
            elif name == "srcset":
                out.extend((where, part.strip().split()[0]) for part in value.split(",") if part.strip())
            elif name == "style":
                out.extend((where, url) for _, url in _css_urls(value, 0, value))
    for block in _STYLE_BLOCK.finditer(text):
        out.extend(_css_urls(block.group(1), block.start(1), text))
    return out


def check_links(out_dir: Path) -> list[Problem]:
    """Every internal href/src/url() of every built HTML and CSS file, checked.

    Problems name the file relative to ``out_dir`` and the line of the link.
    """
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        return [Problem(str(out_dir), 0, "built site not found")]
    site = _Site(out_dir)
    problems: list[Problem] = []
    for page in sorted(site.files):
        if not page.endswith((".html", ".htm", ".css")):
            continue
        raw = (out_dir / page).read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            problems.append(Problem(page, raw[: exc.start].count(b"\n") + 1, "not UTF-8"))
            continue
        links = _css_urls(text, 0, text) if page.endswith(".css") else _html_links(text)
        for line, url in links:
            try:
                _check_url(site, page, line, url, problems)
            except UnicodeDecodeError:
                problems.append(Problem(page, line, f"link {url!r} is not percent-encoded UTF-8"))
    return problems


__all__ = ["check_links"]
