"""``GET /api/v1/health`` for load balancers and the benchmarks: 200 only when the database (and
Redis, when configured) answer right now."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from ninja import Router

logger = logging.getLogger(__name__)
router = Router(tags=["health"])


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("health: database check failed")
        return False


def _redis_status() -> str:
    if not settings.REDIS_URL:
        return "disabled"
    from fenxiao.core.redis import redis_client

    try:
        return "ok" if redis_client().ping() else "down"
    except Exception:
        logger.exception("health: redis check failed")
        return "down"


@router.get("/health", summary="健康检查", auth=None)
def health(request: HttpRequest) -> JsonResponse:
    database = "ok" if _database_ok() else "down"
    redis = _redis_status()
    healthy = database == "ok" and redis in {"ok", "disabled"}
    return JsonResponse(
        {"status": "ok" if healthy else "down", "database": database, "redis": redis},
        status=200 if healthy else 503,
    )
