"""The rich-text allow-list: what an operator's or a spreadsheet's product detail may keep, and what
never reaches a shopper's browser or the mini-program."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from fenxiao.core.rich_text import sanitize_html
from fenxiao.demo.catalogue import build_plan


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ('<img src="x" onerror="alert(1)">', "<img>"),
        ('<p onclick="alert(1)" onmouseover="alert(2)">好物</p>', "<p>好物</p>"),
        ("<script>alert(1)</script><p>正文</p>", "<p>正文</p>"),
        ("<style>body{display:none}</style><p>正文</p>", "<p>正文</p>"),
        ('<svg onload="alert(1)"><circle r="1"/></svg>', ""),
        ('<iframe src="https://evil.example/"></iframe><object data="x"></object><embed src="x">', ""),
        ('<form action="https://evil.example/"><input name="pw"><button>登录</button></form>', "登录"),
        ('<a href="javascript:alert(1)">点我</a>', '<a rel="noopener noreferrer nofollow">点我</a>'),
        ('<a href="jav&#x61;script:alert(1)">点我</a>', '<a rel="noopener noreferrer nofollow">点我</a>'),
        ('<a href=" JaVaScRiPt:alert(1)">点我</a>', '<a rel="noopener noreferrer nofollow">点我</a>'),
        ('<img src="data:image/svg+xml;base64,PHN2Zz4=">', "<img>"),
        ('<img src="data:text/html,<script>alert(1)</script>">', "<img>"),
        ('<img src="vbscript:msgbox(1)">', "<img>"),
        ("<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", ""),
        ('<noscript><p title="</noscript><img src=x onerror=alert(1)>">', '&lt;p title="<img>"&gt;'),
        ('<p style="color:red;background:url(//t.example/p.gif);position:fixed">x</p>', '<p style="color:red">x</p>'),
        ('<p id="sku-data" class="tabbar bottom-bar" data-x="1">字</p>', "<p>字</p>"),
        ('<a href="/p/1/" target="_blank">x</a>', '<a href="/p/1/" rel="noopener noreferrer nofollow">x</a>'),
        ('<a href="//evil.example/">x</a>', '<a href="https://evil.example/" rel="noopener noreferrer nofollow">x</a>'),
        ('<a href="/\\evil.example/">x</a>', '<a rel="noopener noreferrer nofollow">x</a>'),
    ],
)
def test_what_can_run_or_escape_its_box_is_removed(dirty, clean):
    assert sanitize_html(dirty) == clean


@pytest.mark.parametrize(
    ("src", "kept"),
    [
        ("https://img.example.com/a.jpg", "https://img.example.com/a.jpg"),
        ("http://img.example.com/a.jpg", "http://img.example.com/a.jpg"),
        ("//img.example.com/a.jpg", "https://img.example.com/a.jpg"),  # scheme-relative, as copied shop pages have
        ("/media/products/a.png", "/media/products/a.png"),  # this site's uploads
        ("/media/../admin/logout/", None),  # a GET to another page of the site, dressed as a picture
        ("/media/%2E%2E/orders/", None),
        ("/orders/1/", None),  # a site path that is not a media file
        ("///evil.example/a.png", None),
        ("/\\evil.example/a.png", None),
        ("products/a.png", None),
        ("", None),
    ],
)
def test_picture_sources_are_http_or_this_sites_media(src, kept):
    expected = f'<img src="{kept}" alt="图">' if kept else '<img alt="图">'
    assert sanitize_html(f'<img src="{src}" alt="图">') == expected


@override_settings(MEDIA_URL="https://oss.example.com/mall/")
def test_with_media_on_object_storage_no_site_path_is_a_picture():
    assert sanitize_html('<img src="/media/a.png">') == "<img>"
    assert (
        sanitize_html('<img src="https://oss.example.com/mall/a.png">')
        == '<img src="https://oss.example.com/mall/a.png">'
    )


def test_paragraphs_tables_pictures_and_formatting_are_kept():
    html = (
        '<h3>产品亮点</h3><p style="text-align:center;color:#e4393c">补水<strong>保湿</strong><em>温和</em><br>'
        "<u>下划线</u><s>删除</s><sub>2</sub><sup>3</sup></p>"
        '<ul><li>一</li></ul><ol start="2"><li>二</li></ol>'
        '<table border="1" style="width:100%;border-collapse:collapse"><caption>规格</caption>'
        '<thead><tr><th scope="col">项</th><th>值</th></tr></thead>'
        '<tbody><tr><td colspan="2" align="center">净含量 50ml</td></tr></tbody></table>'
        '<figure><img src="https://img.example.com/a.jpg" alt="细节" width="750" height="500" style="max-width:100%">'
        "<figcaption>实拍</figcaption></figure><blockquote>好评</blockquote><hr>"
    )
    assert sanitize_html(html) == html


def test_every_demo_detail_survives_the_allow_list_unchanged():
    details = [product.detail_html for product in build_plan(seed=7, sku_target=60)]
    assert details and all(sanitize_html(detail) == detail for detail in details)


def test_site_paths_become_absolute_for_the_mini_program():
    html = '<img src="/media/a.png"><a href="/products/1/">看</a><img src="https://cdn.example.com/b.png">'

    out = sanitize_html(html, base_url="https://mall.example.com/")

    assert out == (
        '<img src="https://mall.example.com/media/a.png">'
        '<a href="https://mall.example.com/products/1/" rel="noopener noreferrer nofollow">看</a>'
        '<img src="https://cdn.example.com/b.png">'
    )
    assert sanitize_html('<img src="x" onerror="alert(1)">', base_url="https://mall.example.com/") == "<img>"


class _Audit(HTMLParser):
    """Everything in a fragment a browser could run or fetch from anywhere."""

    def __init__(self):
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style", "iframe", "object", "embed", "svg", "math", "form", "base", "link", "meta"}:
            self.problems.append(tag)
        for name, value in attrs:
            if name.startswith("on") or name in {"id", "class", "srcset", "formaction"}:
                self.problems.append(f"{tag}[{name}]")
            if name in {"src", "href"} and not (value or "").startswith(("https://", "http://", "/")):
                self.problems.append(f"{tag}[{name}={value}]")
            if name == "style" and "url(" in (value or "").lower():
                self.problems.append(f"{tag}[style={value}]")


PIECES = st.sampled_from(
    [
        "<",
        ">",
        "/",
        '"',
        "'",
        "=",
        " ",
        "<img",
        "<a",
        "<p",
        "<svg",
        "<script>",
        "</script>",
        "<style>",
        "<table>",
        "<math>",
        "<noscript>",
        "<!--",
        "-->",
        "<![CDATA[",
        " src=",
        " href=",
        " onerror=",
        " style=",
        " id=",
        "javascript:",
        "data:",
        "&#x61;",
        "alert(1)",
        "url(x)",
        "/media/",
        "//evil",
        "https://x.example/",
        "详情",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=40).map("".join))
def test_any_input_comes_out_inert_and_cleaning_twice_changes_nothing(dirty):
    clean = sanitize_html(dirty)

    audit = _Audit()
    audit.feed(clean)
    audit.close()
    assert audit.problems == []
    assert sanitize_html(clean) == clean
