"""Print HTML pages to PDF with headless Chromium through Playwright (one browser for many pages)."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Protocol

from .layout import PAGE_H_MM, PAGE_W_MM

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]


class Printer(Protocol):
    def __call__(self, html: str, pdf: Path, lo: float, hi: float) -> float | None: ...


FITS = f"(pt) => {{ document.body.style.fontSize = pt + 'pt'; return document.body.scrollHeight; }}"


@contextmanager
def chromium(browser=None) -> Iterator[Printer]:
    """A printer on a new headless Chromium, or on `browser` when one is already
    running (Playwright's sync API allows one driver per thread: the tests share theirs)."""
    if browser is not None:
        page = browser.new_page()
        try:
            yield _printer(page)
        finally:
            page.close()
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        own = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield _printer(own.new_page())
        finally:
            own.close()


def _printer(page) -> Printer:
    def print_pdf(html: str, pdf: Path, lo: float, hi: float) -> float | None:
        """Print at the largest body size in [lo, hi] that fills one page; None when even lo overflows."""
        page.set_content(html)
        page.evaluate("document.fonts.ready")
        page.emulate_media(media="print")
        limit = PAGE_H_MM * 96 / 25.4 - 2  # CSS px
        if page.evaluate(FITS, lo) > limit:
            return None
        for _ in range(5):  # bisect on the type size; layout is cheap next to printing
            mid = (lo + hi) / 2
            if page.evaluate(FITS, mid) <= limit:
                lo = mid
            else:
                hi = mid
        pt = round(lo - 0.01, 2)
        page.evaluate(FITS, pt)
        page.pdf(path=str(pdf), width=f"{PAGE_W_MM}mm", height=f"{PAGE_H_MM}mm", print_background=True)
        return pt

    return print_pdf
