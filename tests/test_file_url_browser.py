"""A reader's copy on disk: every page of a built site opened from file:// in headless
Chromium, every link, stylesheet, script and form on it leading to a file that is there."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from test_build import write

from wxnews_site.config import SiteConfig
from wxnews_site.site.build import build_site

pytestmark = pytest.mark.browser

# Every address a page refers to, as the browser resolves it.
ADDRESSES = """() => [
  ...[...document.querySelectorAll('a[href], link[href]')].map(e => e.href),
  ...[...document.querySelectorAll('script[src], img[src]')].map(e => e.src),
  ...[...document.querySelectorAll('form[action]')].map(e => e.action),
]"""


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("disk")
    write(root / "articles")
    result = build_site(SiteConfig(title="无锡日报数字报", root=root), out_dir=root / "build")
    assert result.ok, result.problems
    return root / "build"


def test_every_link_of_every_page_works_from_disk(browser, site: Path):
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
    # The front page, and the 404 page no link leads to.
    todo, seen, broken = [site / "404.html", site / "index.html"], set(), []
    try:
        while todo:
            path = todo.pop()
            if path in seen:
                continue
            seen.add(path)
            page.goto(path.as_uri())
            assert page.locator("h1").first.is_visible(), path
            for address in page.evaluate(ADDRESSES):
                parts = urlsplit(address)
                if parts.scheme != "file":
                    broken.append(f"{path.relative_to(site)}: {address} is not on disk")
                    continue
                target = Path(unquote(parts.path))
                # A link to a folder would show its listing, not its index.html.
                if not target.is_file():
                    broken.append(f"{path.relative_to(site)}: {address}")
                elif target.suffix == ".html" and target not in seen:
                    todo.append(target)
    finally:
        context.close()
    assert broken == [] and errors == []
    pages = {p for p in site.rglob("*.html")}
    # Every page is reached by following links.
    assert seen == pages, sorted(str(p.relative_to(site)) for p in pages - seen)
