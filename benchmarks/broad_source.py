"""Corpus records as the broad page simulator's articles (gold from the records).

Reads People's Daily records (../shared, not in the repository) and turns them
into tests/pagebroad.py's article dicts: names parsed from the record's own
`authors` field (not by the importer), Q&A speaker lines kept as paragraphs,
picture items (a caption with its credit line) as photos, and a few pages
chosen for the rare shapes the issue lists (Q&A, sidebars, editor's notes,
documents with a date line, question kickers) so each shape is measured.
"""
from __future__ import annotations

import json
import random
import re
from collections import defaultdict
from pathlib import Path

FINAL = "。！？!?…；;：:”’」』）)"
ROLE = re.compile(r"^(本报驻\S{1,8}记者|本报特约记者|本报记者|本报通讯员|新华社\S{0,6}记者|特约记者|见习记者|通讯员|记者|实习生"
                  r"|\S{2,8}?(?:记者|通讯员))")  # another outlet's reporter: "红河日报记者"
# Where an author works, printed before the name: "北京市朝阳区", "人民网", "南京大学"
AFFILIATION = re.compile(r"^[\u4e00-\u9fff]{2,}(?:省|市|区|县|州|镇|乡|村|街道|大学|学院|研究院|研究所|网|报|台|社|中心|局|厅|委|公司|集团)$")
NAME = re.compile(r"[\u4e00-\u9fff·]{1,8}")
SPEAKER = re.compile(r"^[\u4e00-\u9fff]{1,6}[：:]")
DATELINE = re.compile(r"^(\S{2,20}?[电讯])\s*[（(]([^()（）]{2,40})[)）]")
# (a set of pictures is credited once: "以上图片均为王江摄（影像中国）")
PHOTO_CREDIT = re.compile(r"^(?:(?:以上|本版|本组)?(?:图片|照片)?均为[、，,\s]*)?(?:(?:本报|新华社)?记者\s*)?"
                          r"([\u4e00-\u9fff·  ]{2,12}?)\s*摄\s*(?:[（(][^()（）]{1,10}[)）])?$")
END_CREDIT = re.compile(r"^([\u4e00-\u9fff](?:\s+[\u4e00-\u9fff]){1,3})文$")  # "徐  之文": padded name, then 文
RARE = re.compile(r"\n(记者|问)：|## 记者手记|^编者按")


def names_from_authors(authors: str | None) -> tuple[list[str], bool] | None:
    """("本报记者  刘  泉  张云河") -> (["刘泉", "张云河"], staff); None when the field is not names."""
    tokens = (authors or "").replace("\u200b", "").split()
    names, pending, staff = [], "", False
    for t in tokens:
        m = ROLE.match(t)
        if m:
            staff, t = True, t[m.end():]
            if not t:
                continue
        if not NAME.fullmatch(t):
            return None
        if len(t) >= 3 and AFFILIATION.match(t):
            continue  # the affiliation is printed with the credit; it names nobody
        if len(t) == 1:
            pending += t
            if len(pending) == 2:
                names.append(pending)
                pending = ""
        elif pending:
            return None
        else:
            names.append(t)
    return (names, staff) if not pending else None


def paragraphs_of(body: str) -> list[str]:
    paras = []
    for line in (body or "").split("\n"):
        line = line.strip()
        if not line:
            continue
        short = len(line) <= 30 and "。" not in line and not SPEAKER.match(line) and (
            line[-1] not in FINAL or (line[0] == "“" and line[-1] == "”" and line.count("“") == 1)
            or (line[-1] in "？！" and len(line) <= 24))
        paras.append(f"## {line}" if short else line)
    return paras


def photo_of(row: dict) -> dict | None:
    """A picture item: caption paragraphs and the credit line printed under them."""
    lines = [x.strip() for x in (row.get("body") or "").split("\n") if x.strip()]
    if not lines or len(lines) > 3:
        return None
    m = PHOTO_CREDIT.match(lines[-1])
    if not m or len(lines) < 2:
        return None
    names = [n for n in re.split(r"\s{2,}|、", m.group(1).strip()) if n]
    names = ["".join(n.split()) for n in names] if all(len("".join(n.split())) >= 2 for n in names) else []
    if not names:
        return None
    title = row.get("title") if row.get("title") not in (None, "None") else None
    return {"photo": True, "title": title, "names": names, "credit": lines[-1], "paragraphs": lines[:-1],
            "kicker": None, "subtitle": None}


def article_of(row: dict) -> dict | None:
    if not row.get("title"):
        return None
    photo = photo_of(row)
    if photo:
        return photo
    body = row.get("body") or ""
    signed = END_CREDIT.match(body.rstrip().rsplit("\n", 1)[-1].strip())
    if signed and not row.get("authors"):
        # the record keeps its author's credit as its last line ("徐  之文"): it is the author
        body = body.rstrip().rsplit("\n", 1)[0] if "\n" in body.rstrip() else ""
        row = {**row, "authors": signed.group(1)}
    parsed = names_from_authors(row.get("authors"))
    paras = [p for p in paragraphs_of(body)
             if not (len(p) <= 30 and re.search(r"摄(?:[(（][^()（）]*[)）])?$", p))]
    if parsed is None or not any(not p.startswith("## ") for p in paras):
        return None
    names, staff = parsed
    first = next(p for p in paras if not p.startswith("## "))
    m = DATELINE.match(first)
    dateline = m.group(1) if m else None
    if m and first == paras[0]:  # reporters named in the dateline bracket are credited too
        # (not under an item's title: a column of briefs, "八方速递", has no authors of its own)
        names += [n for n in re.split(r"[、，,\s]+", re.sub(r"记者|通讯员|实习生", " ", m.group(2))) if n and n not in names]
    return {"kicker": row.get("kicker"), "title": row["title"], "subtitle": row.get("subtitle"),
            "names": names, "staff": staff or bool(dateline), "authors_printed": (row.get("authors") or "").replace("\u200b", "") or None,
            "dateline": dateline, "paragraphs": paras}


def read_groups(corpus: Path) -> dict[tuple, list[dict]]:
    groups: dict[tuple, list[dict]] = defaultdict(list)
    with open(corpus, encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if row.get("kind") == "article":
                for k in ("kicker", "subtitle", "authors"):
                    row[k] = None if row.get(k) in ("None", "") else row.get(k)
                groups[(row["date"], row["page"])].append(row)
    return groups


def jumps(arts: list[dict], rng: random.Random) -> None:
    """Some stories jump: one continues on another page, one or two come from page 1."""
    stories = [a for a in arts if not a.get("photo")]
    if stories and rng.random() < 0.3:
        a = rng.choice(stories)
        plain = [k for k, p in enumerate(a["paragraphs"]) if not p.startswith("## ")]
        if len(plain) > 4:
            a["paragraphs"] = a["paragraphs"][: plain[3] + 1]
            a["continued_to_page"] = rng.choice([2, 4, 5])
    for a in rng.sample(stories, k=min(len(stories) - 1, rng.choice([0, 0, 1, 2]))) if stories else []:
        plain = [p for p in a["paragraphs"] if not p.startswith("## ")]
        if not a.get("continued_to_page") and len(plain) >= 4:
            a.update(continued_from_page=1, kicker=None, subtitle=None, names=[], dateline=None, paragraphs=plain[2:10])


def briefs_from(rows: list[dict], rng: random.Random) -> list[dict]:
    """Two to four short items: a record's title and its first paragraph (a briefs column)."""
    items = []
    for row in rng.sample(rows, k=min(len(rows), 12)):
        a = article_of(row)
        if not a or a.get("photo") or a.get("kicker") or a.get("subtitle"):
            continue
        first = next(p for p in a["paragraphs"] if not p.startswith("## "))
        if 40 <= len(first) <= 260 and not a.get("dateline"):
            items.append({**a, "paragraphs": [first]})
        if len(items) == rng.choice([2, 3, 4]):
            break
    return items


def load_pages(corpus: Path, rng: random.Random, n: int) -> list[list[dict]]:
    groups = read_groups(corpus)
    keys = sorted(k for k, v in groups.items() if len(v) >= 2)
    by_date: dict[str, list[dict]] = defaultdict(list)
    for k in keys:
        by_date[k[0]] += groups[k]
    rng.shuffle(keys)
    rare = [k for k in keys if any(RARE.search("\n" + "\n".join(paragraphs_of(r["body"] or ""))) or
                                   re.match(r"^[（(]\S*\d+年", r.get("subtitle") or "") or
                                   (r.get("kicker") or "").endswith(("：", "？")) for r in groups[k])]
    pages, used = [], set()
    while len(pages) < n and len(used) < len(keys):
        pool = rare if rare and rng.random() < 0.3 else keys
        key = next((k for k in pool if k not in used), None) or next(k for k in keys if k not in used)
        used.add(key)
        arts = [a for a in (article_of(r) for r in sorted(groups[key], key=lambda r: int(r.get("order") or 0))) if a]
        if len([a for a in arts if not a.get("photo")]) < 2:
            continue
        arts = arts[:6]
        jumps(arts, rng)
        if rng.random() < 0.25:
            arts += briefs_from([r for r in by_date[key[0]] if r["page"] != key[1]], rng)
        pages.append(arts)
    return pages
