"""Atom feeds (the site's and one per section), the sitemaps and robots.txt.

Reproducible: nothing depends on the time of the build. A feed's <updated>
is its newest article's date; entry ids are derived from article ids, so
they stay the same however often the site is rebuilt or moved.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import heapq
from dataclasses import dataclass
from typing import Iterable
from urllib.parse import quote

from ..config import SiteConfig
from ..model import Article
from . import urls
from .pages import Entry, Site
from .render import summary

def escape(text: str) -> str:
    """XML character data, as xml.sax.saxutils.escape gives it (whose import
    pulls in urllib and http, a noticeable part of a rebuild)."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def quoteattr(text: str) -> str:
    """An attribute value with its quotes, as xml.sax.saxutils.quoteattr gives it."""
    text = escape(text).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' in text:
        if "'" in text:
            return '"' + text.replace('"', "&quot;") + '"'
        return "'" + text + "'"
    return '"' + text + '"'


_NS = bytes.fromhex("6f0c8f1e3a535b2e9d0e7e4f3a9b1c20")


def uuid5(name: str, namespace: bytes = _NS) -> str:
    """RFC 4122 name-based (SHA-1) UUID, as str(uuid.uuid5(...)) spells it;
    made here because importing uuid costs a rebuild more than its feeds."""
    h = bytearray(hashlib.sha1(namespace + name.encode("utf-8")).digest()[:16])
    h[6] = (h[6] & 0x0F) | 0x50  # version 5
    h[8] = (h[8] & 0x3F) | 0x80  # RFC 4122 variant
    x = h.hex()
    return f"{x[:8]}-{x[8:12]}-{x[12:16]}-{x[16:20]}-{x[20:]}"


def _stamp(d: dt.date) -> str:
    return f"{d.isoformat()}T00:00:00+08:00"  # issues are dated in China Standard Time


def atom(config: SiteConfig, base_url: str, title: str, feed_path: str, page_path: str,
         entries: Iterable[Entry], articles: dict[str, Article]) -> bytes:
    """An Atom feed. Links are absolute with a base URL, else relative to the feed."""
    base = base_url or ""
    feed_root = urls.root_for(feed_path)
    rows = list(entries)[: config.pagination.feed]
    updated = _stamp(rows[0].story.date) if rows else "1970-01-01T00:00:00+00:00"
    feed_id = f"urn:uuid:{uuid5(config.paper + '/' + feed_path)}"
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang={quoteattr(config.language)}>',
        f"  <title>{escape(title)}</title>",
        f"  <id>{feed_id}</id>",
        f"  <updated>{updated}</updated>",
        f'  <link rel="alternate" type="text/html" href={quoteattr((base or feed_root) + page_path)}/>',
    ]
    if base:
        out.append(f'  <link rel="self" href={quoteattr(base + feed_path)}/>')
    out.append(f"  <author><name>{escape(config.paper)}</name></author>")
    for e in rows:
        a = articles[e.story.id]
        out += [
            "  <entry>",
            f"    <title>{escape(a.headline)}</title>",
            f'    <link rel="alternate" type="text/html" href={quoteattr((base or feed_root) + urls.article(a))}/>',
            f"    <id>urn:uuid:{uuid5(config.paper + '/' + a.id)}</id>",
            f"    <updated>{_stamp(a.date)}</updated>",
        ]
        out += [f"    <author><name>{escape(n)}</name></author>" for n in a.bylines + a.photographers]
        if e.story.section:
            out.append(f"    <category term={quoteattr(e.story.section)}/>")
        out += [f"    <summary>{escape(summary(a))}</summary>", "  </entry>"]
    out.append("</feed>")
    return ("\n".join(out) + "\n").encode("utf-8")


@dataclass(frozen=True)
class FeedSpec:
    """What one feed shows: its path, title, the page it stands for and its entries."""

    path: str
    title: str
    page_path: str
    entries: tuple[Entry, ...]


def specs(site: Site, config: SiteConfig) -> list[FeedSpec]:
    """The site feed and every section's feed, each with the entries it shows."""
    n = config.pagination.feed
    # Newest issue first, front page first: what a reader of the feed expects.
    # Only the newest n are needed: a heap pick, not a sort of the archive.
    everything = heapq.nsmallest(n, (Entry(site.stories[a.id]) for a in reversed(site.articles)),
                                 key=lambda e: (-e.story.date.toordinal(), e.story.page, e.story.position))
    return [site_spec(config, tuple(everything)),
            *(section_spec(name, config, tuple(entries[:n])) for name, entries in site.sections.items())]


def site_spec(config: SiteConfig, entries: tuple[Entry, ...]) -> FeedSpec:
    """The site feed, showing ``entries`` (the archive's newest)."""
    return FeedSpec(urls.FEED, config.title, urls.HOME, entries)


def section_spec(name: str, config: SiteConfig, entries: tuple[Entry, ...]) -> FeedSpec:
    """A section's feed, showing ``entries`` (its newest)."""
    return FeedSpec(urls.section_feed(name), f"{name} - {config.title}", urls.section(name), entries)


def render_feed(spec: FeedSpec, config: SiteConfig, base_url: str, articles: dict[str, Article]) -> bytes:
    return atom(config, base_url, spec.title, spec.path, spec.page_path, spec.entries, articles)


def feeds(site: Site, config: SiteConfig, base_url: str) -> dict[str, bytes]:
    """Output path -> bytes for the site feed and every section's feed."""
    articles = {a.id: a for a in site.articles}
    return {s.path: render_feed(s, config, base_url, articles) for s in specs(site, config)}


def sitemaps(paths: Iterable[str], base_url: str, every: Iterable[str] = ()) -> dict[str, bytes]:
    """sitemap.xml, an index of the sitemap files (``every`` of them, and
    those of ``paths``), and a sitemap file for each group of ``paths``
    (urls.sitemap_of), pages in path order; locations are absolute only when the
    site's base URL is known; an issue's or article's page has its date as
    lastmod."""
    out = sitemap_files(paths, base_url)
    out[urls.SITEMAP] = sitemap_index({*out, *every}, base_url)
    return out


def sitemap_files(paths: Iterable[str], base_url: str) -> dict[str, bytes]:
    """The sitemap file of each group of ``paths`` (a cold build gives a year's at a time)."""
    groups: dict[str, list[str]] = {}
    for path in paths:
        if path not in (urls.NOT_FOUND, urls.SEARCH):
            groups.setdefault(urls.sitemap_of(path), []).append(path)
    return {name: _urlset(sorted(group), base_url) for name, group in sorted(groups.items())}


def sitemap_index(names: Iterable[str], base_url: str) -> bytes:
    """sitemap.xml: the index of the sitemap files ``names``."""
    index = ['<?xml version="1.0" encoding="utf-8"?>',
             '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    index += [f"  <sitemap><loc>{escape(base_url + name)}</loc></sitemap>" for name in sorted(names)]
    index.append("</sitemapindex>")
    return ("\n".join(index) + "\n").encode("utf-8")


def _urlset(paths: list[str], base_url: str) -> bytes:
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for path in paths:
        lastmod = urls.day_of(path)
        mod = f"<lastmod>{lastmod.isoformat()}</lastmod>" if lastmod else ""
        out.append(f"  <url><loc>{escape(base_url + quote(path, safe='/~'))}</loc>{mod}</url>")
    out.append("</urlset>")
    return ("\n".join(out) + "\n").encode("utf-8")


def robots(base_url: str) -> bytes:
    lines = ["User-agent: *", "Allow: /"]
    if base_url:
        lines.append(f"Sitemap: {base_url}{urls.SITEMAP}")
    return ("\n".join(lines) + "\n").encode("utf-8")
