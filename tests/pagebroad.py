"""The broad page simulator: every shape issue 12 lists, in several house styles.

`layout(articles, seed, style=None)` lays structured articles out as one page's
raw text plus its gold (tests/tools/score_import.py format, each gold article
tagged with the shapes it shows, see docs in ../notes or pagegen's docstring).
A story is rendered to pieces (headline lines, credit lines, paragraphs), cut
into column blocks at printed-line ends (sometimes right after `。` or `”`, or
leaving a short fragment at the column foot), and the blocks are placed on the
page: mostly in reading order, sometimes interleaved with a neighbour's, a
column moved a few blocks later, a photo between columns, a lead displaced into
a later column. Gold text is the source's text as printed (the house style may
print half-width punctuation); nothing is taken from the importer.

Articles are pagegen's dicts plus optional keys: `staff` (the source credits a
staff reporter: the style picks the credit form), `authors_printed` (the
source's own credit line), `dateline` (a dateline already printed in the first
paragraph), `credit` (a photo's printed credit line), `brief`, and private keys
set here (`_form`, `_tags`).
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field, replace

import pagefurniture
import pagegen
from pagecolumns import Cut, Piece, blocks_of, displace_lead
from pagestyles import STYLES, Credit, HouseStyle, choose_form, half_width, make_credit, pad

QA = re.compile(r"^(记者|问|答|[\u4e00-\u9fff]{2,4})[:：]")
DOC_DATE = re.compile(r"^[（(][^）)]*\d+年\d+月\d+日")
UMBRELLAS = ["一线见闻", "基层走笔", "各地新气象", "蹲点手记"]
BRIEF_HEADS = ["简讯", "新闻速览", "本地快讯"]


@dataclass
class Rendered:
    gid: str
    pieces: list[Piece]
    gold: dict
    tags: set[str] = field(default_factory=set)
    whole: bool = False  # printed in one block (photos, briefs)


def convert(a: dict, style: HouseStyle) -> dict:
    if not style.half_width:
        return dict(a)
    b = dict(a)
    for key in ("kicker", "title", "subtitle", "authors_printed", "dateline", "credit"):
        b[key] = half_width(a.get(key))
    b["paragraphs"] = [half_width(p) for p in a["paragraphs"]]
    return b


def marker(direction: str, page: int, style: HouseStyle) -> str:
    verb = "上接" if direction == "from" else "下转"
    return style.paren(f"{verb}A{page}版" if style.letters else f"{verb}第{page}版")


def headline_tags(a: dict) -> set[str]:
    tags = set()
    k, t, s = a.get("kicker") or "", a.get("title") or "", a.get("subtitle") or ""
    if any(30 <= len(x) <= 130 for x in (k, s)):
        tags.add("headline:long-deck")
    if k.endswith(("：", ":")):
        tags.add("headline:kicker-colon")
    if k.endswith(("？", "?")):
        tags.add("headline:kicker-question")
    if re.search(r"[，！,!]", t):
        tags.add("headline:title-comma")
    if DOC_DATE.match(s):
        tags.add("headline:document-date")
    paras = a["paragraphs"]
    plain = [p for p in paras if not p.startswith("## ")]
    if plain and plain[0].startswith("编者按"):
        tags.add("headline:editor-note")
    if sum(p.startswith("## ") for p in paras) >= 2:
        tags.add("headline:subheading-set")
    if sum(bool(QA.match(p)) for p in plain) >= 2:
        tags.add("structure:qa")
    if any(p.startswith("## ") and "记者手记" in p for p in paras):
        tags.add("structure:sidebar")
    return tags


def credit_for(a: dict, style: HouseStyle, rng: random.Random) -> Credit:
    names = list(a.get("names") or [])
    if not names:
        return Credit(tags=("byline:none",))
    first = next((p for p in a["paragraphs"] if not p.startswith("## ")), "")
    if a.get("dateline"):  # printed by the source: "本报北京8月20日电  （记者吴储岐）"
        if all(n in first for n in names):
            return Credit(tags=("byline:dateline-names",))
        return make_credit("role", names, a.get("authors_printed"), style, rng)
    form = a.get("_form") or (choose_form(style, rng) if a.get("staff", True)
                              else rng.choices(["bare", "end-spaced"], weights=[0.7, 0.3])[0])
    if a.get("continued_to_page") and form in ("trailing-paren", "trailing-paren-role", "end-spaced"):
        form = "role"  # a closing credit is printed where the story ends, on the other page
    return make_credit(form, names, a.get("authors_printed") if a.get("staff", True) else None, style, rng)


def render_article(a: dict, gid: str, style: HouseStyle, rng: random.Random) -> Rendered:
    if a.get("photo"):
        return render_photo(a, gid, style, rng)
    cont_from = a.get("continued_from_page")
    credit = Credit() if cont_from else credit_for(a, style, rng)
    pieces = [Piece(a[k], "head", gid) for k in ("kicker", "title", "subtitle") if a.get(k)]
    pieces += [Piece(line, "credit", gid) for line in credit.under]
    paras = list(a["paragraphs"])
    first = next((k for k, p in enumerate(paras) if not p.startswith("## ")), 0)
    if credit.prefix:
        paras[first] = credit.prefix + paras[first]
    body = [Piece(p[3:], "sub", gid) if p.startswith("## ") else Piece(p, "body", gid) for p in paras]
    if cont_from:
        body[first] = replace(body[first], pre=marker("from", cont_from, style))
    last = max(k for k, p in enumerate(body) if p.kind == "body")
    tail = credit.trailing + (marker("to", a["continued_to_page"], style) if a.get("continued_to_page") else "")
    body[last] = replace(body[last], post=tail)
    pieces += body + [Piece(line, "credit", gid) for line in credit.closing]
    dateline = credit.dateline or a.get("dateline")
    # (a story printed with no credit names nobody: the gold cannot ask for names the page does not print)
    kind = "continuation" if cont_from else "article"
    gold = {"id": gid, "kind": kind, "kicker": a.get("kicker"), "title": a.get("title"),
            "subtitle": a.get("subtitle"), "bylines": [] if cont_from or "byline:none" in credit.tags else list(a.get("names") or []),
            "photographers": [], "dateline": dateline, "continued_from_page": cont_from,
            "continued_to_page": a.get("continued_to_page"), "paragraphs": paras,
            "credit": "\n".join([*credit.under, *([credit.trailing] if credit.trailing else []), *credit.closing]) or None}
    tags = headline_tags({**a, "paragraphs": paras}) | set(credit.tags) | set(a.get("_tags") or ())
    if kind == "article" and a.get("title") and not dateline:
        tags.add("boundary:no-dateline")
    return Rendered(gid, pieces, gold, tags, whole=bool(a.get("brief")))


def photo_credit(a: dict, style: HouseStyle, rng: random.Random) -> tuple[str, set[str]]:
    """The printed credit: the source's own, or one made from the names."""
    if a.get("credit"):
        line = a["credit"]
    else:
        names = "  ".join(pad(n, rng, style.pad)[0] for n in a["names"])
        role = rng.choice(["", "", "本报记者  ", "新华社记者  "])
        agency = rng.choice(["", "", style.paren("新华社发"), style.paren("人民视觉"), "(新华社)"])
        line = f"{role}{names}摄{agency}" if not role or not agency else f"{role}{names}摄"
    return line, ({"photo:agency-credit"} if re.search(r"摄\s*[（(]", line) else set())


def render_photo(a: dict, gid: str, style: HouseStyle, rng: random.Random) -> Rendered:
    paras = list(a["paragraphs"])
    tags = {"photo:titled"} if a.get("title") else set()
    if len(paras) >= 2:
        tags.add("photo:two-para-caption")
    pieces = [Piece(a["title"], "head", gid)] if a.get("title") else []
    pieces += [Piece(p, "body", gid) for p in paras]
    if a.get("names"):
        line, more = photo_credit(a, style, rng)
        tags |= more
        if rng.random() < 0.6 or "  " in line.strip():
            pieces.append(Piece(line, "credit", gid))
            tags.add("photo:credit-line")
        else:  # after the caption, as "…作业。　　李绍军摄（新华社发）" or "…(王强摄)"
            sep = rng.choice(["\u3000\u3000", " ", ""])
            inline = sep + line if "摄(" in line or "摄（" in line else style.paren(line)
            pieces[-1] = replace(pieces[-1], post=inline)
    credit = next((p.text for p in pieces if p.kind == "credit"), None) or (pieces[-1].post.strip() or None)
    gold = {"id": gid, "kind": "photo", "kicker": None, "title": a.get("title"), "subtitle": None,
            "bylines": [], "photographers": list(a.get("names") or []), "dateline": None,
            "continued_from_page": None, "continued_to_page": None, "paragraphs": paras, "credit": credit}
    return Rendered(gid, pieces, gold, tags, whole=True)


# ------------------------------------------------------------------ the page

Unit = tuple[str, list[Piece]]  # (owner, one column block)


def group_stories(arts: list[dict], rng: random.Random) -> list[list[dict]]:
    """Stories in print order, grouped: a briefs column, a roundup of parts with own titles."""
    briefs = [a for a in arts if len(a["paragraphs"]) == 1 and len(a["paragraphs"][0]) <= 260
              and not a.get("kicker") and not a.get("subtitle") and a.get("title")
              and not re.search(r"[（(][^()（）]+[)）]$", a["title"])]  # (a column's piece, "…（锐见）", is no brief)
    groups: list[list[dict]] = []
    column: list[dict] = []
    if len(briefs) >= 2 and rng.random() < 0.8:
        # One article under the column's name, each item's title a subheading over its
        # text, its reporters named in its own dateline: as the paper's own records keep
        # a column of briefs ("环球扫描", "八方速递": one record each, no authors of its own).
        items = briefs[:5]
        column = [{"kicker": None, "title": rng.choice(BRIEF_HEADS), "subtitle": None, "names": [],
                   "paragraphs": [x for a in items for x in (f"## {a['title']}", *a["paragraphs"])],
                   "brief": True, "_tags": ["structure:briefs"]}]
        arts = [a for a in arts if a not in items]
    parts = [a for a in arts if a.get("names") and not a.get("kicker") and not a.get("subtitle")
             and not a.get("continued_to_page") and not a.get("dateline")]
    roundup: list[dict] = []
    if len(parts) >= 2 and rng.random() < 0.15:
        chosen = parts[: rng.choice([2, 3])]
        form = rng.choice(["bare", "role"])
        roundup = [{**a, "_form": form, "_tags": ["structure:roundup"]} for a in chosen]
        roundup[0]["kicker"] = rng.choice(UMBRELLAS)  # the umbrella headline, printed once over the parts
    chosen = {id(a) for a in parts[: len(roundup)]}
    for a in arts:
        if id(a) not in chosen:
            groups.append([a])
        elif a is parts[0]:
            groups.append(roundup)
    if column:  # a briefs column stands at the side or foot, after the lead story
        groups.insert(rng.randint(min(1, len(groups)), len(groups)), column)
    return groups


def furniture_unit(lines: list[str]) -> Unit:
    return "", [Piece(line, "furn", "") for line in lines]


def interleave(entries: list[list[Unit]], rng: random.Random, tagged: set[str]) -> list[list[Unit]]:
    """Two or three neighbouring stories' columns alternate (A1, B1, A2, B2, ...)."""
    multi = [k for k, e in enumerate(entries) if len(e) >= 2 and len({o for o, _ in e}) == 1 and e[0][0]]
    runs = [k for k in multi if k + 1 in multi]
    if not runs or rng.random() >= 0.3:
        return entries
    k = rng.choice(runs)
    n = 3 if k + 2 in multi and rng.random() < 0.3 else 2
    group = entries[k : k + n]
    merged: list[Unit] = []
    for i in range(max(len(e) for e in group)):
        merged += [e[i] for e in group if i < len(e)]
    tagged.update(e[0][0] for e in group)
    return entries[:k] + [merged] + entries[k + n :]


def move_far(units: list[Unit], rng: random.Random) -> None:
    """A column that continues a cut paragraph is printed one to three blocks later."""
    for _ in range(2):
        movable = [i for i, (o, b) in enumerate(units) if o and b and b[0].cut_in is not None and i + 1 < len(units)]
        if not movable or rng.random() >= 0.35:
            return
        i = rng.choice(movable)
        j = i
        for _ in range(rng.randint(1, 3)):
            if j + 1 < len(units) and units[j + 1][0] != units[i][0]:
                j += 1
        units.insert(j, units.pop(i))


def emit(page: pagegen._Page, units: list[Unit]) -> tuple[list[str], dict[int, tuple[int, int]], list[Piece]]:
    """Print the blocks: (owner of each raw line, cut -> (left's last line, right's first), pieces in order)."""
    owners: list[str] = []
    left_at: dict[int, int] = {}
    spans: dict[int, tuple[int, int]] = {}
    order: list[Piece] = []
    for owner, block in units:
        for p in block:
            before = len(page.lines)
            # a jump marker closes the story's last printed line: it is never wrapped
            jump = re.search(r"[（(]下转[^（）()]*[）)]$", p.post)
            text = p.printed[: len(p.printed) - len(jump.group())] if jump else p.printed
            page.emit(text, starts_paragraph=p.starts and p.kind == "body", body=p.kind == "body")
            if jump:
                page.lines[-1] += jump.group()
            owners += [owner] * (len(page.lines) - before)
            if p.cut_in is not None:
                spans[p.cut_in] = (left_at[p.cut_in], before)
            if p.cut_out is not None:
                left_at[p.cut_out] = len(page.lines) - 1
            order.append(p)
    return owners, spans, order


def tag_page(rendered: dict[str, Rendered], cuts: list[Cut], page: pagegen._Page, owners: list[str],
             spans: dict[int, tuple[int, int]], order: list[Piece]) -> None:
    """Shapes only the printed page shows: far joints, cuts after a stop, fragments, jump boundaries."""
    for n, c in enumerate(cuts):
        tags = rendered[c.article].tags
        tags.add({"after-stop": "joint:after-stop", "foot": "structure:column-foot-fragment"}.get(c.kind, "joint:cut"))
        a, b = spans[n]
        foreign = sum(1 for i in range(a + 1, b) if page.lines[i].strip() and owners[i] != c.article)
        if foreign >= 2:
            tags.add("joint:far")
    for k, p in enumerate(order):
        if p.owner and ("下转" in p.post):
            rendered[p.owner].tags.add("boundary:after-jump-marker")
            nxt = next((q for q in order[k + 1 :] if q.kind == "head" and q.owner and q.owner != p.owner), None)
            if nxt:
                rendered[nxt.owner].tags.add("boundary:after-jump-marker")


def kicker_style(a: dict, style: HouseStyle, rng: random.Random) -> dict:
    k = a.get("kicker")
    if k and k.endswith("——") and rng.random() < style.kicker_colon:
        return {**a, "kicker": k[:-2] + (":" if style.half_width else "：")}
    return a


def layout(articles: list[dict], seed: int = 0, style: str | None = None) -> tuple[str, dict]:
    """Lay the articles out as one page in a house style: (raw text, gold document)."""
    rng = random.Random(f"broad-{seed}")
    st = STYLES[style] if style else rng.choice(sorted(STYLES.values(), key=lambda s: s.name))
    page = pagegen._Page(rng, blank_lines=st.blank_lines, indent=st.indent,
                         column=rng.randint(*st.column) if st.column[0] else 0)
    arts = [kicker_style(convert(a, st), st, rng) for a in articles]
    photos = [a for a in arts if a.get("photo")]
    conts = [a for a in arts if a.get("continued_from_page") and not a.get("photo")]
    main = [a for a in arts if not a.get("photo") and not a.get("continued_from_page")]
    cap = rng.randint(220, 520)
    cuts: list[Cut] = []
    rendered: dict[str, Rendered] = {}
    unassigned: list[str] = []
    page_tags: set[str] = {"punct:half-width"} if st.half_width else set()

    def add(a: dict) -> list[Unit]:
        gid = f"a{len(rendered) + 1:02d}"
        r = rendered[gid] = render_article(a, gid, st, rng)
        # a story fills two or more columns: short stories get short columns
        size = sum(len(p.text) for p in r.pieces)
        col = min(cap, max(60, int(size * rng.uniform(0.3, 0.7))))
        blocks = [r.pieces] if r.whole else blocks_of(r.pieces, col, rng, page, cuts)
        if not r.whole and rng.random() < 0.3 and displace_lead(blocks):
            r.tags.add("joint:displaced-lead")
            if r.gold["dateline"]:
                r.tags.add("joint:dateline-lead")
        return [(gid, b) for b in blocks if b]

    def furniture(maker) -> list[Unit]:
        lines, tag = maker(rng)
        lines = [half_width(x) for x in lines] if st.half_width else lines
        unassigned.extend(lines)
        page_tags.add(tag)
        return [furniture_unit(lines)]

    entries: list[list[Unit]] = []
    for group in group_stories(main, rng):
        entries += [add(a) for a in group]
        if rng.random() < 0.25:
            entries.append(furniture(rng.choice(pagefurniture.BETWEEN)))
    interleaved: set[str] = set()
    entries = interleave(entries, rng, interleaved)
    for gid in interleaved:
        rendered[gid].tags.add("boundary:interleaved")
        page_tags.add("boundary:interleaved")
    units = [u for e in entries for u in e]
    move_far(units, rng)
    for a in photos:
        place_photo(units, add(a), rng, rendered, page_tags)
    for a in conts:
        units += add(a)
    for maker, share in ((pagefurniture.editor, 0.7), (pagefurniture.designer, 0.35)):
        if rng.random() < share:
            units += furniture(maker)
    owners, spans, order = emit(page, units)
    tag_page(rendered, cuts, page, owners, spans, order)
    return "\n".join(page.lines) + "\n", gold_document(seed, st, rendered, cuts, unassigned, page_tags)


def place_photo(units: list[Unit], photo: list[Unit], rng: random.Random, rendered: dict[str, Rendered],
                page_tags: set[str]) -> None:
    """A photo between two columns of another story, or between stories."""
    between = [i for i, (o, b) in enumerate(units) if o and b and b[-1].cut_out is not None]
    if between and rng.random() < 0.45:
        i = rng.choice(between)
        units[i + 1 : i + 1] = photo
        rendered[photo[0][0]].tags.add("photo:between-columns")
        page_tags.add("photo:between-columns")
        return
    starts = [i for i, (o, b) in enumerate(units) if not (b and b[0].cut_in is not None)] + [len(units)]
    i = rng.choice(starts)
    units[i:i] = photo


def gold_document(seed: int, st: HouseStyle, rendered: dict[str, Rendered], cuts: list[Cut],
                  unassigned: list[str], page_tags: set[str]) -> dict:
    articles, order_checks = [], []
    for r in rendered.values():
        articles.append({**r.gold, "shapes": sorted(t for t in r.tags if t != "joint:cut")})
        plain = [p for p in r.gold["paragraphs"] if not p.startswith("## ")]
        order_checks += [[x[:10], y[:10]] for x, y in zip(plain, plain[1:])]
    return {"source": f"simulated-broad-{seed}.txt", "house_style": st.name, "style": st.name,
            "layout": [st.name], "articles": articles, "unassigned": unassigned,
            "joints": [{"article": c.article, "joint": c.joint} for c in cuts],
            "order_checks": order_checks, "shapes": sorted(page_tags)}
