"""A small archive written through the real format writer, for the editors' workflow tests."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from wxnews_site.format import article_relpath, page_relpath, render_article, render_page
from wxnews_site.model import Article, Leftover, PageInfo, Source, article_id


def make_article(date: str, page: int, position: int, title: str | None, body: str, **kw) -> Article:
    d = dt.date.fromisoformat(date)
    fields = dict(
        id=article_id(d, page, position), date=d, page=page, position=position,
        section=kw.pop("section", "要闻"), paper="无锡日报", kind=kw.pop("kind", "article"),
        kicker=None, title=title, subtitle=None, bylines=(), photographers=(), credit=None,
        dateline=None, continued_from_page=None, continued_to_page=None,
        source=Source(f"{date}_{page:02d}.txt", (1, 2, 3)), review=(), body=body,
    )
    fields.update(kw)
    return Article(**fields)


SAMPLE = (
    make_article("2024-06-29", 1, 1, "太湖蓝藻防控进入关键期", "本报讯 入夏以来，市水利部门加密巡查。\n\n全市共布设监测点位一百余个。",
                 bylines=("崔欣润",), credit="(崔欣润)"),
    make_article("2024-06-29", 1, 2, "地铁五号线全线贯通", "本报讯 昨天，地铁五号线最后一段盾构顺利接收。",
                 bylines=("刘泉", "张云河"), review=("标题与正文之间的引题可能被拆开",)),
    make_article("2024-06-30", 2, 1, "新吴区发布人才新政", "本报讯 新吴区昨天发布人才新政二十条。\n\n## 安居\n\n人才公寓新增三千套。",
                 bylines=("崔欣润",), section="综合"),
    make_article("2024-06-30", 2, 2, "辋村的夏天", "清晨的辋村，荷花开满池塘。", kind="photo",
                 photographers=("宗晓东",), review=("图片说明与正文的分界不确定", "作者行无法解析")),
    make_article("2024-06-30", 2, 3, "锡山稻田迎来插秧季", "本报讯 锡山区二十万亩水稻插秧基本完成。",
                 bylines=("刘泉",), section="综合"),
)


def write_archive(root: Path, articles=SAMPLE) -> Path:
    """Write articles (and one page file per page) under root/articles; return that folder."""
    folder = root / "articles"
    pages: set[tuple[dt.date, int]] = set()
    for a in articles:
        path = folder / article_relpath(a.date, a.page, a.position)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render_article(a), encoding="utf-8")
        pages.add((a.date, a.page))
    for d, p in sorted(pages):
        info = PageInfo(date=d, page=p, section="要闻", paper="无锡日报", credits=("本版责编  王  芳",))
        (folder / page_relpath(d, p)).write_text(render_page(info), encoding="utf-8")
    return folder


def add_leftovers(folder: Path, date: str, page: int, *texts: str) -> None:
    d = dt.date.fromisoformat(date)
    info = PageInfo(date=d, page=page, section="要闻", paper="无锡日报",
                    leftovers=tuple(Leftover(40 + i, t, "no story to attach to") for i, t in enumerate(texts)))
    (folder / page_relpath(d, page)).write_text(render_page(info), encoding="utf-8")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
