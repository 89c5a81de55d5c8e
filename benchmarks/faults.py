#!/usr/bin/env python3
"""Fault trials: hostile input, two builds at once, kill -9, a full disk.

Prints how many bad inputs were tried and, for everything tried, the counts
that must stay 0: tracebacks, data lost (an article or page file changed by a
command that should not change it, or a half-written file), site left broken
(a published folder missing, incomplete or with a dead link), scripts
injected (a payload reaching a built page as markup), traversals (a file
written outside the project), and children left alive after a kill.

    python3 benchmarks/faults.py                  # all of it, a few minutes
    python3 benchmarks/faults.py --quick          # fewer trials
    python3 benchmarks/faults.py --articles 3000  # size of the concurrency archive

The concurrency and kill trials use an archive imported from the People's
Daily corpus in ../shared when it is there (its texts stay in a temporary
folder), else a generated one. The disk-full trial mounts a small tmpfs,
which needs root; without it that trial is reported as skipped.
"""
from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
CORPUS = ROOT.parent / "shared" / "corpus" / "rmrb_rss" / "rmrb_rss_corpus.jsonl"
CLI = [sys.executable, "-m", "wxnews_site"]

from sample_archive import write_archive  # noqa: E402

from wxnews_site import cli  # noqa: E402
from wxnews_site.format import read_archive  # noqa: E402
from wxnews_site.linkcheck import check_links  # noqa: E402

PAYLOAD = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'
LAUGHS = ('x0: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
          + "".join(f"x{i + 1}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(8)))
VALUES = [  # hostile values for any key of a YAML file, as YAML text
    "*i", "1" + "0" * 5000, "[" * 20000 + "]" * 20000, "2024-02-30", "9999-12-31", "0", "-1", "true", "[]",
    "{}", "null", json.dumps("张" * 100, ensure_ascii=False), '"²"', json.dumps(PAYLOAD),
    '"../../../../escape"', '"1-100000000000"', '{line: abc}', '"' + "x" * 300_000 + '"',
]
ARTICLE_KEYS = ("id", "date", "page", "section", "paper", "kind", "kicker", "title", "subtitle", "bylines",
                "photographers", "credit", "dateline", "continued_from_page", "continued_to_page", "source",
                "review")
PAGE_KEYS = ("date", "page", "section", "paper", "source", "credits", "leftovers", "imported")


class Tally:
    def __init__(self) -> None:
        self.n = {k: 0 for k in ("inputs", "tracebacks", "lost", "broken", "injected", "traversals", "survivors",
                                 "concurrency trials", "kill trials", "disk-full trials")}
        self.notes: list[str] = []

    def bad(self, key: str, what: str) -> None:
        self.n[key] += 1
        self.notes.append(f"{key}: {what}")


def tree_digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")) if folder.exists() else []:
        if p.is_file() and not p.is_symlink():
            h.update(p.relative_to(folder).as_posix().encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def outside_files(tmp: Path, project: Path) -> set[str]:
    return {str(p) for p in tmp.rglob("*") if project not in p.parents and p != project}


def run_cli(argv: list[str]) -> tuple[int, str]:
    """One command in this process; an exception or a printed traceback counts as a traceback."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            code = cli.main(argv)
        except SystemExit as exc:  # argparse's usage errors: a message and exit 2, no traceback
            return int(exc.code or 0), out.getvalue()
        except BaseException:  # noqa: BLE001 - exactly what is being counted
            return -1, out.getvalue() + traceback.format_exc()
    return code, out.getvalue()


def site_ok(out: Path) -> bool:
    return (out / ".wxnews-site").is_file() and (out / "index.html").is_file() and not check_links(out)


def injected(out: Path) -> bool:
    for page in out.rglob("*.html"):
        text = page.read_text(encoding="utf-8", errors="replace")
        if "<script>alert(1)" in text or "onerror=alert(1)>" in text:
            return True
    return False


# -------------------------------------------------------------- bad input

def yaml_inputs(t: Tally, tmp: Path) -> None:
    project = tmp / "small"
    write_archive(project)
    (project / "site.yaml").write_text("title: 数字报\n", encoding="utf-8")
    config = ["--config", str(project / "site.yaml")]
    assert run_cli(config + ["build"])[0] == 0
    targets = [(project / "articles/2024/06/30/02-01.md", k) for k in ARTICLE_KEYS]
    targets += [(project / "articles/2024/06/30/02.page.yaml", k) for k in PAGE_KEYS]
    for path, key in targets:
        for value in VALUES:
            original = path.read_bytes()
            lines = original.decode("utf-8").split("\n")
            at = next((i for i, line in enumerate(lines) if line.startswith(f"{key}:")), 1)
            new = f"{key}: {value}"
            lines[at:at + 1] = (LAUGHS + new).split("\n") if value == "*i" else [new]
            path.write_bytes("\n".join(lines).encode("utf-8"))
            try_commands(t, tmp, project, config, f"{path.name} {key}: {value[:30]}", path)
            path.write_bytes(original)


def try_commands(t: Tally, tmp: Path, project: Path, config: list[str], what: str, changed: Path | None) -> None:
    t.n["inputs"] += 1
    before_articles = {p: p.read_bytes() for p in (project / "articles").rglob("*") if p.is_file()}
    before_site = tree_digest(project / "build")
    before_outside = outside_files(tmp, project)
    for command in (["check"], ["review"], ["build"]):
        code, text = run_cli(config + command)
        if code == -1 or "Traceback" in text:
            t.bad("tracebacks", f"{what} ({command[0]}): {text.strip().splitlines()[-1][:200]}")
        elif command == ["build"] and code != 0 and not re.search(r":\d+: error: ", text):
            t.bad("tracebacks", f"{what}: failed without a file:line message")
        if command == ["build"]:
            if code != 0 and tree_digest(project / "build") != before_site:
                t.bad("broken", f"{what}: a failed build changed the site")
            if not site_ok(project / "build"):
                t.bad("broken", f"{what}: site broken after the build")
            if code == 0 and injected(project / "build"):
                t.bad("injected", what)
    after = {p: p.read_bytes() for p in (project / "articles").rglob("*") if p.is_file()}
    if after != before_articles:
        t.bad("lost", f"{what}: files of the articles folder changed")
    if outside_files(tmp, project) != before_outside:
        t.bad("traversals", what)


def import_inputs(t: Tally, tmp: Path, sample: Path) -> None:
    project = tmp / "imports"
    project.mkdir()
    (project / "site.yaml").write_text("title: 数字报\n", encoding="utf-8")
    arts = project / "articles"
    config = ["--config", str(project / "site.yaml"), "import", "--articles", str(arts)]
    good = project / "2024-06-30_02.txt"
    good.write_bytes(sample.read_bytes())
    assert run_cli(config + [str(good)])[0] == 0
    fifo = project / "fifo.txt"
    os.mkfifo(fifo)
    raw_cases: list[tuple[str, list[str]]] = [
        ("/dev/zero", ["--date", "2024-06-30", "--page", "2", "/dev/zero"]),
        ("a FIFO", ["--date", "2024-06-30", "--page", "2", str(fifo)]),
        ("a folder loop", [str(_loop(project))]),
        ("--date 9999-12-31", ["--date", "9999-12-31", "--page", "2", str(good)]),
        ("--page ²", ["--date", "2024-06-30", "--page", "²", str(good)]),
        ("--page 1000", ["--date", "2024-06-30", "--page", "1000", str(good)]),
        ("--section of 85 characters", ["--section", "要" * 85, str(good)]),
    ]
    for name, data in (("empty", b""), ("bom only", b"\xef\xbb\xbf\n"), ("binary", os.urandom(4096)),
                       ("broken utf-16", b"\xff\xfe\x00\xd8a\x00"), ("one long line", "字".encode() * 2_000_000)):
        f = project / f"2024-06-30_02-{len(raw_cases)}.txt"
        f.write_bytes(data)
        raw_cases.append((f"a page that is {name}", ["--date", "2024-06-30", "--page", "2", str(f)]))
    side = project / "2024-07-01_03.txt"
    side.write_bytes(sample.read_bytes())
    sidecars = [(f"{key}: {value}", [str(side)]) for key in ("date", "page", "section", "paper", "dait")
                for value in VALUES[:14]]
    record = {"date": "2024-07-02", "page": 4, "title": "标题", "body": "正文。", "order": 1}
    jsonl_cases = [json.dumps({**record, k: v}, ensure_ascii=False) for k, v in (
        ("subtitel", "x"), ("page", "²"), ("order", "²"), ("date", "9999-12-31"), ("section", "要" * 85),
        ("authors", "本报记者 " + "张" * 85), ("title", PAYLOAD), ("section", "../../escape"), ("kind", ["x"]),
        ("captions", "x"), ("body", {"a": 1}), ("page", 10 ** 30))]
    jsonl_cases += ['{"date": "2024-07-02", "page": 4, "title": "\\ud800"}', '{"page": ' + "1" * 5000 + "}",
                    '{"body": ' + "[" * 100000 + "]" * 100000 + "}", "[1, 2]", "not json", "\x00\x01"]
    for what, argv in raw_cases:
        import_case(t, tmp, project, config + argv, what)
    for text, argv in sidecars:
        side.with_suffix(".yaml").write_text(("" if text.startswith("date") else "date: 2024-07-01\n") + text + "\n",
                                             encoding="utf-8")
        import_case(t, tmp, project, config + argv, f"sidecar {text[:30]}")
    side.with_suffix(".yaml").unlink()
    export = project / "export.jsonl"
    for n, line in enumerate(jsonl_cases):
        export.write_text(json.dumps(record, ensure_ascii=False) + "\n" + line + "\n", encoding="utf-8")
        import_case(t, tmp, project, config + ["--jsonl", str(export)], f"JSON Lines case {n + 1}: {line[:30]}")


def _loop(project: Path) -> Path:
    loop = project / "loop.txt"
    os.symlink("loop.txt", loop)
    return loop


def import_case(t: Tally, tmp: Path, project: Path, argv: list[str], what: str) -> None:
    """One import: a refused one must change nothing, an empty page must be
    refused; an accepted one may rewrite its own page, and is undone after."""
    t.n["inputs"] += 1
    arts = project / "articles"
    before = {p: p.read_bytes() for p in arts.rglob("*") if p.is_file()}
    outside = outside_files(tmp, project)
    code, text = run_cli(argv)
    if code == -1 or "Traceback" in text:
        t.bad("tracebacks", f"import {what}: {text.strip().splitlines()[-1][:200]}")
    after = {p: p.read_bytes() for p in arts.rglob("*") if p.is_file()}
    if (code != 0 or "empty" in what or "bom only" in what) and after != before:
        t.bad("lost", f"import {what}: exit {code}, files of the articles folder changed")
    if outside_files(tmp, project) != outside:
        t.bad("traversals", f"import {what}")
    if code == 0:
        if run_cli(["check", "--articles", str(arts)])[0] == -1:
            t.bad("tracebacks", f"check after import {what}")
        for p in set(after) - set(before):
            p.unlink()
        for p, data in before.items():
            p.write_bytes(data)


# ------------------------------------------------------------ big archive

def make_archive(tmp: Path, articles: int) -> Path:
    project = tmp / "big"
    project.mkdir()
    (project / "site.yaml").write_text("title: 数字报\npaper: 人民日报\n", encoding="utf-8")
    if CORPUS.is_file():
        lines = CORPUS.read_text(encoding="utf-8").split("\n")[:articles]
        (project / "export.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        subprocess.run(CLI + ["--config", str(project / "site.yaml"), "import", "--jsonl",
                              str(project / "export.jsonl")], cwd=project, check=True, stdout=subprocess.DEVNULL)
    else:
        from sample_archive import SAMPLE, make_article
        extra = [make_article("2024-07-01", 1 + i // 90, 1 + i % 90, f"第{i}条", "正文。" * 40) for i in range(articles)]
        write_archive(project, SAMPLE + tuple(extra))
    return project


def build_cmd(project: Path, *more: str) -> list[str]:
    return CLI + ["--config", str(project / "site.yaml"), "build", "--no-progress", *more]


def article_pages(out: Path) -> int:
    return sum(1 for _ in out.glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]/[0-9][0-9]/*-*.html"))


def touch_one(project: Path, n: int) -> None:
    files = sorted((project / "articles").rglob("*.md"))
    f = files[n % len(files)]
    f.write_text(f.read_text(encoding="utf-8") + f"\n补记{n}。\n", encoding="utf-8")


def concurrency(t: Tally, project: Path, trials: int) -> None:
    expected = len(list((project / "articles").rglob("*.md")))
    for n in range(trials):
        t.n["concurrency trials"] += 1
        touch_one(project, n)
        if n % 2:  # serve's first build against a plain build
            serve = subprocess.Popen(CLI + ["--config", str(project / "site.yaml"), "serve", "--port", "0"],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                     start_new_session=True)
            other = subprocess.run(build_cmd(project), capture_output=True, text=True)
            for line in serve.stdout:  # wait until serve's build is done
                if "Serving" in line or "build failed" in line or "Traceback" in line:
                    break
            os.killpg(serve.pid, signal.SIGTERM)
            serve.wait()
            codes = [other.returncode]
            texts = [other.stderr]
        else:
            procs = [subprocess.Popen(build_cmd(project), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                      text=True) for _ in range(2)]
            texts = [p.communicate()[1] for p in procs]
            codes = [p.returncode for p in procs]
        if any("Traceback" in x for x in texts):
            t.bad("tracebacks", f"concurrent builds, trial {n + 1}")
        out = project / "build"
        if any(codes) or not site_ok(out) or article_pages(out) != expected:
            t.bad("broken", f"concurrent builds, trial {n + 1}: exit {codes}, {article_pages(out)} of {expected}")


def alive_with(marker: str) -> list[int]:
    """Processes whose command line names marker (a build's children carry it too)."""
    found = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if marker in (d / "cmdline").read_text(errors="replace") and \
                        (d / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
                    found.append(int(d.name))
            except OSError:
                continue
    return found


def kills(t: Tally, project: Path, builds: int, imports: int, rng: random.Random) -> None:
    started = time.perf_counter()
    touch_one(project, 999)
    subprocess.run(build_cmd(project), check=True, capture_output=True)
    full = max(1.0, time.perf_counter() - started)
    marker = str(project / "site.yaml")
    for n in range(builds):
        t.n["kill trials"] += 1
        touch_one(project, 1000 + n)
        if n % 3 == 0:  # now and then a cold build, which forks its workers
            shutil.rmtree(project / ".cache", ignore_errors=True)
        proc = subprocess.Popen(build_cmd(project), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0, full * (2.5 if n % 3 == 0 else 1.2)))
        proc.kill()
        proc.wait()
        time.sleep(0.3)
        left = alive_with(marker)
        if left:
            t.bad("survivors", f"kill -9 of a build, trial {n + 1}: {len(left)} process(es) left")
            for pid in left:
                os.kill(pid, signal.SIGKILL)
        if not site_ok(project / "build"):
            t.bad("broken", f"kill -9 of a build, trial {n + 1}: the published site is broken")
        after = subprocess.run(build_cmd(project), capture_output=True, text=True)
        if after.returncode or not site_ok(project / "build"):
            t.bad("broken", f"the build after kill trial {n + 1}: {after.stderr.strip()[-200:]}")
    export = project / "export.jsonl"
    if not export.is_file():
        return
    text = export.read_text(encoding="utf-8")
    for n in range(imports):
        t.n["kill trials"] += 1
        export.write_text(text.replace("。", f"。{n}", 50 * (n + 1)), encoding="utf-8")
        proc = subprocess.Popen(CLI + ["--config", marker, "import", "--jsonl", str(export), "--force"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 6.0))
        proc.kill()
        proc.wait()
        broken = read_archive(project / "articles").errors  # a half-written file would be one
        staged = list((project / "articles").rglob(".*.partial"))
        if broken:
            t.bad("lost", f"kill -9 of an import, trial {n + 1}: {broken[0]}")
        if n == imports - 1:  # the next import clears what the killed ones staged
            subprocess.run(CLI + ["--config", marker, "import", "--jsonl", str(export), "--force"],
                           capture_output=True, check=True)
            if list((project / "articles").rglob(".*.partial")):
                t.bad("lost", f"staged files of killed imports left after a complete one ({len(staged)} before)")


def disk_full(t: Tally, tmp: Path) -> str:
    mnt = tmp / "small-disk"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mnt)], capture_output=True).returncode:
        return "skipped (mounting a tmpfs needs root)"
    try:
        out = mnt / "site"
        small = tmp / "small"
        first = subprocess.run(CLI + ["--config", str(small / "site.yaml"), "build", "--out", str(out)],
                               capture_output=True, text=True)
        before = tree_digest(out)
        tries = refused = 0
        for n in range(6):
            t.n["disk-full trials"] += 1
            filler = mnt / f"filler-{n}"
            free = shutil.disk_usage(mnt).free
            with open(filler, "wb") as fh:
                with contextlib.suppress(OSError):
                    fh.write(b"\0" * max(0, free - n * 40_000))
            touch_one(small, n)
            r = subprocess.run(CLI + ["--config", str(small / "site.yaml"), "build", "--out", str(out)],
                               capture_output=True, text=True)
            tries += 1
            refused += "No space left" in r.stderr
            if "Traceback" in r.stderr:
                t.bad("tracebacks", f"disk full, trial {n + 1}")
            if r.returncode and tree_digest(out) != before:
                t.bad("broken", f"disk full, trial {n + 1}: a failed build changed the site")
            if not site_ok(out):
                t.bad("broken", f"disk full, trial {n + 1}: the site is broken")
            before = tree_digest(out)
            filler.unlink()
        return (f"{tries} build(s) on a nearly full 3 MB tmpfs, {refused} stopped by 'No space left on device' "
                f"(first build exit {first.returncode})")
    finally:
        subprocess.run(["umount", str(mnt)], capture_output=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer trials")
    ap.add_argument("--articles", type=int, default=2500, help="articles in the concurrency archive")
    ap.add_argument("--seed", type=int, default=13)
    args = ap.parse_args(argv)
    t = Tally()
    rng = random.Random(args.seed)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="wxnews-faults-") as name:
        tmp = Path(name)
        yaml_inputs(t, tmp)
        import_inputs(t, tmp, ROOT / "tests/fixtures/pages/wuxi-2024-06-30_02.txt")
        project = make_archive(tmp, 600 if args.quick else args.articles)
        subprocess.run(build_cmd(project), check=True, capture_output=True)
        concurrency(t, project, 3 if args.quick else 9)
        kills(t, project, 6 if args.quick else 20, 2 if args.quick else 6, rng)
        disk = disk_full(t, tmp)
    for note in t.notes[:40]:
        print("  " + note)
    n = t.n
    print(f"bad inputs tried: {n['inputs']}")
    print(f"concurrency trials: {n['concurrency trials']}, kill -9 trials: {n['kill trials']}, "
          f"disk full: {disk}")
    for key in ("tracebacks", "lost", "broken", "injected", "traversals", "survivors"):
        label = {"lost": "data lost", "broken": "site left broken", "injected": "scripts injected",
                 "survivors": "children left alive"}.get(key, key)
        print(f"{label}: {n[key]}")
    print(f"({time.perf_counter() - started:.0f} s, load {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores)")
    return 1 if any(n[k] for k in ("tracebacks", "lost", "broken", "injected", "traversals", "survivors")) else 0


if __name__ == "__main__":
    sys.exit(main())
