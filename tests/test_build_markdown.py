"""Article bodies: the direct renderer for plain text agrees with markdown-it-py, which stays safe."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from wxnews_site.site.render import _fast_markdown, markdown, markdown_it

# Chinese text, digits and the punctuation newspapers print, plus every ASCII
# character Markdown treats specially, spaces and line breaks.
ALPHABET = st.sampled_from(list("无锡日报记者本讯，。、：；“”（）《》——…0123456789abc.)#- *_`<>&\\[]!\"'~|=+\n\n\n 　\t"))


@settings(max_examples=2000, deadline=None)
@given(st.text(ALPHABET, max_size=60))
def test_plain_text_renders_exactly_as_markdown_it_would(text: str):
    fast = _fast_markdown(text)
    if fast is not None:
        assert fast == markdown_it().render(text)


def test_typical_newspaper_body_takes_the_direct_path():
    body = "本报讯 6月29日，第七届过敏医学学术会议在无锡开幕。\n\n## 布点\n\n“小上海”在“大上海”开辟窗口。"
    assert _fast_markdown(body) == "<p>本报讯 6月29日，第七届过敏医学学术会议在无锡开幕。</p>\n<h2>布点</h2>\n<p>“小上海”在“大上海”开辟窗口。</p>\n"


def test_markup_in_a_body_is_text_and_links_cannot_run_script():
    html = str(markdown('<script>alert(1)</script>\n\n"><img src=x onerror=alert(1)>\n\n[点我](javascript:alert(1)) ![](x.png)'))
    assert "<script" not in html and "<img" not in html and "href" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_marks_inside_a_sentence_keep_the_direct_path_and_at_a_line_start_do_not():
    body = "形成“服务+治理”的模式，2023-2024年度，A=B。\n\n## 人工智能+"
    assert _fast_markdown(body) == "<p>形成“服务+治理”的模式，2023-2024年度，A=B。</p>\n<h2>人工智能+</h2>\n"
    for start in ("+ 列表", "- 列表", "===", "# 标题", "~~~", "## 标题 #"):
        assert _fast_markdown("正文。\n" + start) is None, start
