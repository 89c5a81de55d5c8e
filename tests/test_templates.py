"""The theme's pieces: names in a byline, list rows of stories and of a person's entries."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from wxnews_site.config import load_config
from wxnews_site.site import render
from wxnews_site.site.pages import Entry, Story

D = dt.date(2024, 6, 30)


def story(bylines: tuple[str, ...], photographers: tuple[str, ...] = ()) -> Story:
    return Story("2024-06-30-02-03", D, 2, 3, "article", None, "首个通港达园短支航道项目启动", None,
                 bylines, photographers, "综合", key="k")


def story_list(tmp_path: Path, items: list, **kw) -> str:
    env = render.make_env(load_config(root=tmp_path))
    macros = env.get_template("_macros.html").module
    return str(macros.story_list(items, "../", **kw))


def test_names_in_a_byline_are_one_space_apart_and_none_follows_the_last(tmp_path: Path):
    html = story_list(tmp_path, [story(("徐兢辉", "宗晓东", "孙倩茹"), ("宗晓东",))])
    assert ('<a class="person" href="../people/徐兢辉.html">徐兢辉</a> <a class="person" href="../people/宗晓东.html">'
            '宗晓东</a> <a class="person" href="../people/孙倩茹.html">孙倩茹</a> · ') in html
    assert render.separated(("徐兢辉",), " ") == [("徐兢辉", "")]
    assert render.separated((), " ") == []


def test_a_story_row_has_no_role_and_a_person_row_shows_it(tmp_path: Path):
    s = story(("宗晓东",), ("宗晓东",))
    assert 'class="role"' not in story_list(tmp_path, [s])
    assert '<span class="role">文/摄</span>' in story_list(tmp_path, [Entry(s, "文/摄")], show_where=True)
    assert s.story is s and s.role == ""


def test_a_value_is_escaped_once_and_markup_is_kept(tmp_path: Path):
    env = render.make_env(load_config(root=tmp_path))
    html = env.from_string("{{ t }}|{{ m }}|{{ d }}|{{ n }}").render(t='<b>"&"</b>', m=render.markdown("**粗**"), d=D, n=3)
    assert html == "&lt;b&gt;&#34;&amp;&#34;&lt;/b&gt;|<p><strong>粗</strong></p>\n|2024-06-30|3"
