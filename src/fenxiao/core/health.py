"""``GET /api/v1/health`` for load balancers and the benchmarks: 200 while this node can serve,
503 (with ``Retry-After``) when it cannot, that is when the database does not answer right now.

Redis is reported but does not fail the check: every use of it has a way to do without it
(``core/redis.py``), so a node with Redis down still serves, more slowly (``"status": "degraded"``).
Were it to answer 503, a Redis outage would make the load balancer take every node out at once
and turn a slower mall into no mall."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from ninja import Router

from fenxiao.core.redis import log_without_redis

logger = logging.getLogger(__name__)
router = Router(tags=["health"])
RETRY_AFTER_SECONDS = 5


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
        log_without_redis(logger, "health: redis check failed")
        return "down"


@router.get("/health", summary="健康检查", auth=None)
def health(request: HttpRequest) -> JsonResponse:
    database = "ok" if _database_ok() else "down"
    redis = _redis_status()
    status = "down" if database != "ok" else "degraded" if redis == "down" else "ok"
    response = JsonResponse(
        {"status": status, "database": database, "redis": redis}, status=503 if status == "down" else 200
    )
    if status == "down":
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
