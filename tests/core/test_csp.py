"""The Content-Security-Policy every page carries, and the rule that keeps our own templates inside
it: no inline script, no inline event handler, no <style> element (tests/browser/test_csp.py shows
the pages working under it in Chromium)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import fenxiao

pytestmark = pytest.mark.django_db

TEMPLATES = sorted(Path(fenxiao.__file__).parent.glob("**/templates/**/*.html"))


def policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in directives}


@pytest.mark.parametrize(
    "path",
    ["/", "/products/999999/", "/login/", "/admin/login/", "/admin/", "/api/docs", "/api/v1/health", "/nope/"],
)
def test_every_page_carries_a_policy_that_runs_only_our_own_scripts(client, path):
    rules = policy(client.get(path))

    assert rules["script-src"] == ["'self'"]  # no inline script, no eval, no CDN
    assert rules["default-src"] == ["'self'"] and rules["connect-src"] == ["'self'"]
    assert rules["style-src-elem"] == ["'self'"]  # style attributes yes, injected <style> elements no
    assert rules["object-src"] == ["'none'"] and rules["base-uri"] == ["'none'"]
    assert rules["frame-ancestors"] == ["'none'"] and rules["form-action"] == ["'self'"]
    assert "data:" not in rules["img-src"] or path == "/api/docs"


def test_only_the_api_docs_allow_data_pictures(client):
    assert policy(client.get("/api/docs"))["img-src"] == ["'self'", "https:", "http:", "data:"]
    assert policy(client.get("/"))["img-src"] == ["'self'", "https:", "http:"]


def test_the_api_docs_load_swagger_ui_from_our_own_static_files(client):
    html = client.get("/api/docs").content.decode()

    sources = re.findall(r'<(?:script|link)\b[^>]*(?:src|href)="([^"]+)"', html)
    assert sources and all(src.startswith("/static/") for src in sources), sources
    assert "/static/ninja/swagger-ui-bundle.js" in sources


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\s(?:on[a-z]+|hx-on[:\w-]*)\s*=", re.IGNORECASE)
SCRIPT_URL = re.compile(r"javascript:", re.IGNORECASE)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(Path(fenxiao.__file__).parent)))
def test_no_template_has_inline_script_style_or_handlers(template):
    text = template.read_text()

    found = [p.pattern for p in (INLINE_SCRIPT, STYLE_ELEMENT, EVENT_HANDLER, SCRIPT_URL) if p.search(text)]
    assert found == []
