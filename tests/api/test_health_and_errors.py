from __future__ import annotations

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_health_answers_200_when_database_answers(anon, settings):
    settings.REDIS_URL = ""
    response = anon.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "disabled"}


def test_health_answers_503_when_the_database_is_down(anon, settings, monkeypatch):
    settings.REDIS_URL = ""

    def broken_cursor(*args, **kwargs):
        raise connection.Database.OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = anon.get("/api/v1/health")
    assert response.status_code == 503
    assert response.json()["database"] == "down"
    assert response["Retry-After"] == "5"


def test_health_stays_200_but_degraded_when_configured_redis_is_unreachable(anon, settings):
    # Every Redis use has a fallback: a node that lost Redis still serves, and a 503 here would
    # make the load balancer drop every node at once.
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = anon.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "redis": "down"}


def test_unknown_api_path_uses_the_error_shape(anon):
    response = anon.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json() == {"code": "NOT_FOUND", "message": "资源不存在"}


def test_malformed_json_is_a_clear_error(anon):
    response = anon.post("/api/v1/auth/wechat-login", raw="{not json")
    assert response.status_code == 400
    assert response.json() == {"code": "BAD_REQUEST", "message": "请求体不是合法的 JSON"}


def test_openapi_and_docs_are_served(anon):
    spec = anon.get("/api/openapi.json")
    assert spec.status_code == 200
    paths = spec.json()["paths"]
    assert "/api/v1/products" in paths and "/api/v1/auth/wechat-login" in paths
    docs = anon.get("/api/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn." not in html, "the docs must work offline"


def test_wrong_method_uses_the_error_shape(anon):
    response = anon.post("/api/v1/health")
    assert response.status_code == 405
    assert response.json() == {"code": "METHOD_NOT_ALLOWED", "message": "不支持该请求方法"}
    assert response["Allow"] == "GET"


@pytest.mark.parametrize("raw", ["[]", "null", "42", '"text"'])
def test_a_json_body_that_is_not_an_object_is_refused(anon, raw):
    response = anon.post("/api/v1/auth/wechat-login", raw=raw)
    assert response.status_code == 422
    assert response.json()["code"] == "VALIDATION_ERROR"
    assert response.json()["field"] == "body"


def test_a_number_too_long_to_parse_is_explained_in_chinese(anon):
    response = anon.get(f"/api/v1/products?page={'9' * 5000}")

    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "page", "message": "数值过大"}]
