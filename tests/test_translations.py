"""Every message an editor reads, in Chinese: chosen by --lang zh or the
locale (LANG=zh_CN.UTF-8), from the gettext catalog in the package."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from messages import HOLE, english_messages

from wxnews_site import i18n
from wxnews_site.cli import main

ROOT = Path(__file__).resolve().parent.parent
PO = i18n.LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "wxnews-site.po"
_CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")
# What may stay in Latin letters in a Chinese message: commands, flags, file and
# key names, formats, and the values a message carries.
_NOT_WORDS = re.compile(r"'[^']*'|\"[^\"]*\"|--?[a-z][\w-]*|\S*[/._]\S*|‹\d+›|[A-Z]{2,}\S*|\{[^}]*\}|wxnews-site")
_ENGLISH = re.compile(r"\b[a-z]{3,}(?:\s+[a-z]{2,})+\b")


def english_left(text: str) -> list[str]:
    """Runs of two or more English words left in a translated message."""
    return _ENGLISH.findall(_NOT_WORDS.sub(" ", text))


def test_every_catalog_entry_has_a_chinese_translation_with_the_same_values():
    entries = i18n.read_po(PO)
    del entries[""]
    assert len(entries) > 200
    for msgid, msgstr in entries.items():
        assert msgstr, f"no translation of {msgid!r}"
        if msgid not in ("- {}", "{}  {}: {}") and not msgid.isupper():
            assert _CJK.search(msgstr), f"{msgid!r} is not translated: {msgstr!r}"
        holes = msgid.count("{}")
        if holes:
            used = sorted({int(n) for n in re.findall(r"(?<!\{)\{(\d+)\}", msgstr)})
            assert used == list(range(holes)), f"{msgid!r}: {msgstr!r} uses values {used}"
            msgstr.format(*(["x"] * holes))  # literal braces are doubled


def test_the_committed_mo_is_the_compiled_po():
    assert PO.with_suffix(".mo").read_bytes() == i18n.compile_mo(i18n.read_po(PO))


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext's msgfmt is not installed")
def test_gnu_msgfmt_accepts_the_catalog(tmp_path):
    subprocess.run(["msgfmt", "--check-format", "-o", str(tmp_path / "x.mo"), str(PO)], check=True)


@pytest.mark.parametrize("where, line, message", english_messages(), ids=lambda v: str(v)[:40])
def test_every_message_in_the_source_has_a_translation(where, line, message):
    translated = i18n.translate(message, "zh")
    assert translated != message and _CJK.search(translated), f"{where}:{line}: no translation of {message!r}"
    assert not english_left(translated), f"{where}:{line}: {message!r} -> {translated!r}"


def test_the_locale_or_the_flag_chooses_the_language():
    assert i18n.choose(None, {"LANG": "zh_CN.UTF-8"}) == "zh"
    assert i18n.choose(None, {"LANG": "en_US.UTF-8"}) == "en"
    assert i18n.choose(None, {"LANG": "zh_CN.UTF-8", "LC_ALL": "C.UTF-8"}) == "en"
    assert i18n.choose(None, {"LANGUAGE": "zh_TW:en", "LANG": "C"}) == "zh"
    assert i18n.choose("en", {"LANG": "zh_CN.UTF-8"}) == "en"
    assert i18n.choose(None, {}) == "en"


@pytest.fixture
def clone(tmp_path: Path, monkeypatch) -> Path:
    shutil.copytree(ROOT / "samples", tmp_path / "samples")
    shutil.copy(ROOT / "site.yaml", tmp_path / "site.yaml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run_zh(capsys, *argv: str) -> tuple[int, list[str]]:
    try:
        code = main(["--lang", "zh", *argv])
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, [line for line in (out.out + out.err).split("\n") if line.strip()]


def assert_chinese(lines: list[str]) -> None:
    for line in lines:
        if line.startswith(("usage:", " " * 10)):  # argparse's usage lines are the command's syntax
            continue
        assert not english_left(line), line


def test_the_editors_loop_reads_in_chinese(clone: Path, capsys):
    code, out = run_zh(capsys, "import", "samples/2024-06-30_02.txt", "--articles", ".cache/try")
    assert code == 0 and out[0].startswith("已导入 1 个版、9 篇稿件到 .cache/try/：写入 10 个文件")
    assert "  .cache/try/2024/06/30/02-01.md  从科创“窗口”洞见更多深融可能：第 19 行的段落印在一段被截断的段落中间；" \
        "已移到前面（原始文本 2024-06-30_02.txt）" in out
    assert_chinese(out)
    code, out = run_zh(capsys, "review", "--articles", ".cache/try")
    assert out[-1] == "2 篇稿件待核对，共 2 个标记。请逐篇核对、改好文件，然后设为 'review: []'。"
    assert_chinese(out)
    code, out = run_zh(capsys, "build", "--articles", ".cache/try")
    assert code == 0 and any(line.startswith("已生成 .cache/try-site：渲染 26 个页面") for line in out)
    assert any(line.startswith(".cache/try/2024/06/30/02-03.md:") and "警告：有待核对的标记：请整篇核对：这样读出的稿件常有错（篇幅长" in line
               for line in out), out
    assert_chinese(out)
    code, out = run_zh(capsys, "check", "--articles", ".cache/try")
    assert out[-1] == "检查通过：9 篇稿件、1 个版面文件中有 0 个错误、2 个警告；链接已检查 .cache/try-site 的 26 个 HTML 页面"
    assert_chinese(out)


def test_json_for_tools_stays_as_it_is_in_chinese(clone: Path, capsys):
    run_zh(capsys, "import", "samples/2024-06-30_02.txt", "--articles", ".cache/try")
    main(["--lang", "zh", "check", "--articles", ".cache/try", "--format", "json"])
    assert '"message": "open review flags: ' in capsys.readouterr().out


def test_errors_read_in_chinese(clone: Path, capsys):
    (clone / "site.yaml").write_text("title: 无锡日报\npagenation: {section: 10}\n", encoding="utf-8")
    code, out = run_zh(capsys, "build")
    assert code == 2 and out == ["site.yaml:2: 错误：未知的键 'pagenation'（是不是 'pagination'？）"]
    (clone / "site.yaml").write_text("title: 无锡日报\n", encoding="utf-8")
    code, out = run_zh(capsys, "build")
    assert code == 1 and out[0].startswith("错误：这里没有稿件：articles/ 不存在。")
    code, out = run_zh(capsys, "import", "samples/2024-06-30_02.txt", "--date", "2024-06-31")
    assert code == 2 and out[-1] == "wxnews-site import: 错误：参数 --date：日期 '2024-06-31' 有误：2024年6月只有 30 天，没有 31 日"
    assert_chinese(out)


def test_lang_zh_in_the_locale_gives_chinese_in_a_real_process(clone: Path):
    env = {"PATH": "/usr/bin:/bin", "LANG": "zh_CN.UTF-8", "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run([sys.executable, "-m", "wxnews_site", "review"], cwd=clone, env=env,
                          capture_output=True, text=True, encoding="utf-8")
    assert done.returncode == 2 and done.stderr.startswith("错误：这里没有稿件：articles/ 不存在。")


def test_serve_speaks_chinese_in_the_terminal_and_in_the_preview_banner(tmp_path: Path):
    from sample_archive import edit, write_archive
    from test_serve import Served

    class ServedZh(Served):
        def wait_for(self, text: str, timeout: float = 30) -> str:
            return super().wait_for("预览地址 http://" if text == "Serving http://" else text, timeout)

    write_archive(tmp_path)
    served = ServedZh(tmp_path, "--lang", "zh")
    try:
        assert served.log[0] == "正在生成 build ……"
        edit(tmp_path / "articles/2024/06/30/02-01.md", "date: 2024-06-30", "date: 2024-06-31")
        served.wait_for("生成失败：仍在预览上一次成功生成的网站；请修改上面列出的文件并保存")
        assert any(line.startswith("articles/2024/06/30/02-01.md:") and "错误：日期 2024-06-31 有误" in line for line in served.log)
        page = served.eventually("index.html", "生成失败：显示的是上一次成功生成的网站。")
        assert "错误：日期 2024-06-31 有误" in page
    finally:
        served.stop()
    served.wait_for("已停止", timeout=5)


def test_the_translating_stream_keeps_a_progress_bar_and_partial_lines():
    import io

    under = io.StringIO()
    stream = i18n.Translating(under, i18n.catalog("zh"))
    stream.write("\r[####      ] 40%")   # a progress bar on a terminal goes through at once
    assert under.getvalue() == "\r[####      ] 40%"
    stream.write("\nstop")
    stream.write("ped\nbuilt in 1.50 s")  # a line is translated once it is whole
    assert under.getvalue().endswith("\n已停止\n")
    stream.flush()
    assert under.getvalue().endswith("已停止\n生成完毕，用时 1.50 秒")
