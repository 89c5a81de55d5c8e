"""Every internal link and asset of a built site resolves to a file in it.

Reads the HTML and CSS files of an output folder as a static host would serve
them: a link to a folder means its ``index.html``, ``?query`` and ``#fragment``
are not part of the file name, and ``%E6%97%A0`` is the UTF-8 of a Chinese
file name. External links (``https:``, ``mailto:``, ``//host``, ``data:``...)
are not followed: this is about the archive being complete and relocatable.

Links are found with one regular expression for quoted attribute values
rather than an HTML parser: a full archive has tens of thousands of pages, and
the build's templates quote every attribute while its text escapes every
quote (``&#34;``), so ``href="`` appears only inside tags. Raw HTML shown as
text in an article is escaped the same way and is never taken for a link.
Unquoted attribute values are therefore not checked.
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

_ATTR = re.compile(r"""\s(href|src|srcset|poster|action|data-src|style|id|name)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
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


class _Lines:
    """Offset -> line number, by bisection over the page's line starts."""

    def __init__(self, text: str):
        self.text = text
        self.starts: list[int] | None = None  # only pages with a problem pay for this

    def __call__(self, offset: int) -> int:
        if self.starts is None:
            self.starts = [m.end() for m in re.finditer("\n", self.text)]
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
            self._anchors[rel] = _scan_html(text)[1]
        return self._anchors[rel]


Finding = tuple[str, str]  # (message, severity)


def _check_url(site: _Site, page: str, url: str, memo: dict[tuple[str, str], list[Finding]]) -> list[Finding]:
    url = url.strip()
    if not url or _is_external(url):
        return []
    path, _, fragment = url.partition("#")
    path = path.split("?", 1)[0]
    if not path:
        # '#x' on the page itself; '#' and script-driven fragments are not anchors.
        if fragment and "=" not in fragment and "/" not in fragment and page.endswith(".html"):
            if unquote(fragment) not in site.anchors(page):
                return [(f"no anchor id={unquote(fragment)!r} on this page for {url!r}", "warning")]
        return []
    # The same navigation links repeat on every page of a folder: resolve each once per folder.
    key = (posixpath.dirname(page), url)
    if key not in memo:
        memo[key] = _resolve(site, key[0], url, path, fragment)
    return memo[key]


def _resolve(site: _Site, folder: str, url: str, path: str, fragment: str) -> list[Finding]:
    out: list[Finding] = []
    decoded = unquote(path, encoding="utf-8", errors="strict") if "%" in path else path
    if decoded.startswith("/"):
        out.append((f"root-relative link {url!r} breaks when the site is served under a sub-path; use a relative link", "warning"))
        joined = decoded.lstrip("/")
    else:
        joined = posixpath.join(folder, decoded)
    rel = posixpath.normpath(joined) if joined else ""
    if rel == ".." or rel.startswith("../"):
        return out + [(f"link {url!r} points outside the site", "error")]
    if decoded.endswith("/") and rel != ".":
        rel += "/"
    found = site.target(rel)
    if found is None:
        return out + [(f"broken link {url!r}: no file {rel.rstrip('/') or 'index.html'} in the site", "error")]
    if fragment and found.endswith(".html") and "=" not in fragment and "/" not in fragment:
        if unquote(fragment) not in site.anchors(found):
            out.append((f"link {url!r}: no anchor id={unquote(fragment)!r} in {found}", "warning"))
    return out


def _css_urls(css: str, base_offset: int) -> list[tuple[int, str]]:
    return [(base_offset + m.start(), next((g for g in m.groups() if g is not None), "")) for m in _CSS_URL.finditer(css)]


def _scan_html(text: str) -> tuple[list[tuple[int, str]], set[str], str]:
    """(offset, url) of every link and every id/name of one page, in one pass.

    Offsets are into the returned text: the page with scripts and comments
    blanked out, which keeps its line breaks.
    """
    if "<script" in text or "<!--" in text:
        text = _SKIP_BLOCK.sub(_blank, text)
    links: list[tuple[int, str]] = []
    ids: set[str] = set()
    for m in _ATTR.finditer(text):
        name = m.group(1).lower()
        raw = m.group(2) if m.group(2) is not None else m.group(3)
        value = html.unescape(raw) if "&" in raw else raw
        if name in _LINK_ATTRS:
            links.append((m.start(), value))
        elif name in ("id", "name"):
            ids.add(value)
        elif name == "srcset":
            links.extend((m.start(), part.strip().split()[0]) for part in value.split(",") if part.strip())
        else:  # style="background: url(...)"
            links.extend((m.start(), url) for _, url in _css_urls(value, 0))
    for block in _STYLE_BLOCK.finditer(text):
        links.extend(_css_urls(block.group(1), block.start(1)))
    return links, ids, text


def check_links(out_dir: Path) -> list[Problem]:
    """Every internal href/src/url() of every built HTML and CSS file, checked.

    Problems name the file relative to ``out_dir`` and the line of the link.
    """
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        return [Problem(str(out_dir), 0, "built site not found")]
    site = _Site(out_dir)
    problems: list[Problem] = []
    memo: dict[tuple[str, str], list[Finding]] = {}
    for page in sorted(site.files):
        if not page.endswith((".html", ".htm", ".css")):
            continue
        raw = (out_dir / page).read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            problems.append(Problem(page, raw[: exc.start].count(b"\n") + 1, "not UTF-8"))
            continue
        if page.endswith(".css"):
            links = _css_urls(text, 0)
        else:
            links, site._anchors[page], text = _scan_html(text)
        line_of = _Lines(text)
        for offset, url in links:
            try:
                findings = _check_url(site, page, url, memo)
            except UnicodeDecodeError:
                findings = [(f"link {url!r} is not percent-encoded UTF-8", "error")]
            problems.extend(Problem(page, line_of(offset), msg, severity) for msg, severity in findings)
    return problems


__all__ = ["check_links"]
