"""Settings come from the environment only (12-factor); the defaults are the embedded mall:
a SQLite file under ``var/``, no Redis, sandbox WeChat. Production sets ``DATABASE_URL``,
``REDIS_URL``, ``SECRET_KEY``, ``ALLOWED_HOSTS`` and the ``WECHAT_*`` secrets."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

from fenxiao.core.env import (
    database,
    env_bool,
    env_int,
    env_list,
    identity_keys,
    replica_database,
    secret_key,
    transfer_scene_report_infos,
    trusted_proxies,
)
from fenxiao.core.observability.sentry import sentry_init

BASE_DIR = Path(os.environ.get("FENXIAO_HOME", Path(__file__).resolve().parents[2]))
VAR_DIR = Path(os.environ.get("FENXIAO_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)

# Production must set it; the embedded mall keeps a generated one in var/secret_key.
SECRET_KEY = secret_key(VAR_DIR)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles: its ``runserver`` command (fenxiao/core/management) is the one that runs.
    "fenxiao.core",
    "django.contrib.staticfiles",
    # Listed so the API docs use Ninja's bundled Swagger UI, not a CDN (the machines are offline).
    "ninja",
    "fenxiao.integrations.wechat",
    "fenxiao.accounts",
    "fenxiao.catalog",
    "fenxiao.ledger",
    "fenxiao.inventory",
    "fenxiao.payments",
    "fenxiao.orders",
    "fenxiao.risk",
    "fenxiao.distribution",
    "fenxiao.promotions",
    "fenxiao.promotions.invites",
    "fenxiao.content",
    "fenxiao.analytics",
    "fenxiao.analytics.exports",
    "fenxiao.notifications",
    "fenxiao.demo",
    "fenxiao.storefront",
]

MIDDLEWARE = [
    # First: every later middleware's log lines carry the request id (X-Request-ID, echoed).
    "fenxiao.core.observability.request_id.RequestIdMiddleware",
    # Route template, status class and duration of every request, for /metrics.
    "fenxiao.core.observability.request_metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # The device id and client IP of the request, for the risk traces of orders and bindings.
    "fenxiao.core.client_context.ClientContextMiddleware",
    # Bearer-token API requests leave here for API_LANE_MIDDLEWARE below (core/api_lane.py): the
    # rest of this list is what pages need (static files, CSP, sessions, CSRF, messages, ?ref=).
    "fenxiao.core.api_lane.ApiLaneMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Content-Security-Policy on every response Django makes (static files are not pages).
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # ?ref=CODE on a storefront page binds the visitor to the sharing distributor (after login).
    "fenxiao.storefront.referral.ReferralMiddleware",
    "fenxiao.core.middleware.ApiErrorShapeMiddleware",
    "fenxiao.core.middleware.RequestInputMiddleware",
    "fenxiao.core.admin_input.AdminInputMiddleware",
]
# What a bearer-token API request passes through after ApiLaneMiddleware, in this order.
API_LANE_MIDDLEWARE = [
    "fenxiao.core.middleware.ApiErrorShapeMiddleware",
    "fenxiao.core.middleware.RequestInputMiddleware",
]

ROOT_URLCONF = "fenxiao.urls"
WSGI_APPLICATION = "fenxiao.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Project-wide overrides of Django's own templates (admin/base_site.html: the sandbox banner).
        "DIRS": [Path(__file__).resolve().parent / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# DATABASE_URL, else the embedded SQLite file (WAL, busy timeout). On PostgreSQL psycopg prepares
# a statement after its fifth use on a connection unless DB_PREPARED_STATEMENTS=false (for
# PgBouncer in transaction mode older than 1.21), and DB_POOL_MAX_SIZE > 0 gives each process a
# connection pool (DB_POOL_MIN_SIZE, DB_POOL_TIMEOUT s; needs DB_CONN_MAX_AGE=0). See core/env.py.
DB_POOL_MAX_SIZE = env_int("DB_POOL_MAX_SIZE", 0)
DATABASES = {"default": database(VAR_DIR / "fenxiao.sqlite3", pool_max_size=DB_POOL_MAX_SIZE)}
# Read replica (issue 21): with DATABASE_REPLICA_URL, the reads that tolerate lag (analytics,
# exports, rankings, admin change lists) go to the alias "replica" inside their lag_tolerant_reads()
# scope; writes and everything else stay on default (core/replica.py).
_replica = replica_database(pool_max_size=DB_POOL_MAX_SIZE)
if _replica is not None:
    DATABASES["replica"] = _replica
DATABASE_ROUTERS = ["fenxiao.core.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
# Every use of Redis does without it when it is down; once a command finds it unreachable, the
# process stops trying for this many seconds (0: try every time). See core/redis.py.
REDIS_RETRY_AFTER_SECONDS = env_int("REDIS_RETRY_AFTER_SECONDS", 5)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "fenxiao.core.cache_backend.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "fenxiao"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
# WhiteNoise warns about a missing root; the embedded mall serves from finders until collectstatic.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# The embedded mall serves uploaded images itself; behind nginx or object storage set SERVE_MEDIA=false.
SERVE_MEDIA = env_bool("SERVE_MEDIA", True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# Security: production (HTTPS behind a proxy) turns these on with SECURE=true.
SECURE = env_bool("SECURE", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE else None
SECURE_SSL_REDIRECT = SECURE
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if SECURE else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REDIRECT_EXEMPT = [r"^api/v1/health$", r"^metrics$"]
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp 4 format). Scripts only from our own static files: no inline
# script, no eval, no CDN; htmx is told not to eval or inject styles (storefront base.html). Style
# attributes stay allowed (templates, the admin and Swagger UI use them) but <style> elements must
# be our own files. Pictures come from this site and from suppliers' http(s) hosts (imported images).
# The API docs page adds data: pictures for Swagger UI's own icons (core/web_api.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        # CSP level 2 browsers only read style-src; level 3 ones read the two finer directives below.
        "style-src": [SELF, UNSAFE_INLINE],
        "style-src-elem": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "https:", "http:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "upgrade-insecure-requests": SECURE,
    }
}

# Tokens for the mini-program and the operator API.
JWT_SIGNING_KEY = os.environ.get("JWT_SIGNING_KEY", SECRET_KEY)
JWT_ACCESS_TTL = timedelta(seconds=env_int("JWT_ACCESS_TTL_SECONDS", 2 * 3600))
JWT_REFRESH_TTL = timedelta(seconds=env_int("JWT_REFRESH_TTL_SECONDS", 30 * 24 * 3600))
# A refresh token works once; the same one again within this grace gets the current tokens (a
# retry after a lost answer, two pages refreshing at once), later it revokes its whole login.
JWT_REFRESH_REUSE_GRACE = timedelta(seconds=env_int("JWT_REFRESH_REUSE_GRACE_SECONDS", 120))
STAFF_LOGIN_MAX_FAILURES = env_int("STAFF_LOGIN_MAX_FAILURES", 5)
STAFF_LOGIN_LOCKOUT_SECONDS = env_int("STAFF_LOGIN_LOCKOUT_SECONDS", 15 * 60)

# Reverse proxies (addresses or CIDRs) whose X-Forwarded-For names the client; none by default, so
# the client is REMOTE_ADDR (see core/client_address.py).
TRUSTED_PROXIES = trusted_proxies()

# WeChat: sandbox fakes everything locally; live talks to api.weixin.qq.com.
WECHAT_MODE = os.environ.get("WECHAT_MODE", "sandbox")
if WECHAT_MODE not in {"sandbox", "live"}:
    raise ImproperlyConfigured("WECHAT_MODE must be 'sandbox' or 'live'.")
WECHAT_APPID = os.environ.get("WECHAT_APPID", "")
WECHAT_SECRET = os.environ.get("WECHAT_SECRET", "")
WECHAT_API_BASE = os.environ.get("WECHAT_API_BASE", "https://api.weixin.qq.com")
WECHAT_HTTP_TIMEOUT = float(os.environ.get("WECHAT_HTTP_TIMEOUT", "5"))
# Which version of the mini-program a subscription message opens: formal, trial or developer.
WECHAT_SUBSCRIBE_STATE = os.environ.get("WECHAT_SUBSCRIBE_STATE", "formal")
if WECHAT_SUBSCRIBE_STATE not in {"formal", "trial", "developer"}:
    raise ImproperlyConfigured("WECHAT_SUBSCRIBE_STATE must be 'formal', 'trial' or 'developer'.")
# Sandbox with DEBUG off is refused at start (integrations/wechat/sandbox_guard.py) unless this
# says the server is meant to be a demo; `make run` sets it.
WECHAT_SANDBOX_ALLOWED = env_bool("WECHAT_SANDBOX_ALLOWED", False)
if WECHAT_MODE == "live" and not (WECHAT_APPID and WECHAT_SECRET):
    raise ImproperlyConfigured("WECHAT_MODE=live needs WECHAT_APPID and WECHAT_SECRET.")

# Distributors' real names and ID numbers are encrypted with these Fernet keys (newest first; see
# core/env.py and README "实名认证与季度涉税报送" for rotation).
IDENTITY_KEYS = identity_keys(SECRET_KEY, debug=DEBUG)

# Orders (DESIGN §4): the payment window, automatic receipt and the after-sales window.
ORDER_PAYMENT_WINDOW = timedelta(minutes=env_int("ORDER_PAYMENT_WINDOW_MINUTES", 30))
# How long a web process refuses a sold-out seckill activity without asking the Redis gate again
# (promotions/api/seckill_lane.py); 0 asks every time.
SECKILL_SOLD_OUT_MEMO_MS = env_int("SECKILL_SOLD_OUT_MEMO_MS", 1000)
ORDER_AUTO_RECEIVE_AFTER = timedelta(days=env_int("ORDER_AUTO_RECEIVE_DAYS", 10))
ORDER_AFTER_SALES_WINDOW = timedelta(days=env_int("ORDER_AFTER_SALES_DAYS", 7))
# Parcel tracking (orders/shipping/traces.py): "sandbox" invents traces, "kuaidi100" asks 快递100.
TRACKING_PROVIDER = os.environ.get("TRACKING_PROVIDER", "sandbox")
if TRACKING_PROVIDER not in {"sandbox", "kuaidi100"}:
    raise ImproperlyConfigured("TRACKING_PROVIDER must be 'sandbox' or 'kuaidi100'.")
KUAIDI100_CUSTOMER = os.environ.get("KUAIDI100_CUSTOMER", "")
KUAIDI100_KEY = os.environ.get("KUAIDI100_KEY", "")
# Our random string for the push signature, and the public URL of the push endpoint
# (https://<host>/api/v1/tracking/kuaidi100/notify).
KUAIDI100_SALT = os.environ.get("KUAIDI100_SALT", "")
KUAIDI100_CALLBACK_URL = os.environ.get("KUAIDI100_CALLBACK_URL", "")
KUAIDI100_API_BASE = os.environ.get("KUAIDI100_API_BASE", "https://poll.kuaidi100.com")
if TRACKING_PROVIDER == "kuaidi100" and not (KUAIDI100_CUSTOMER and KUAIDI100_KEY):
    raise ImproperlyConfigured("TRACKING_PROVIDER=kuaidi100 needs KUAIDI100_CUSTOMER and KUAIDI100_KEY.")
# A stored trace older than this is asked again when someone looks (快递100: at most every 30 min).
TRACKING_STALE_AFTER = timedelta(minutes=env_int("TRACKING_STALE_MINUTES", 30))
# The sweep polls undelivered parcels this often; less often when the provider pushes.
TRACKING_POLL_EVERY = timedelta(minutes=env_int("TRACKING_POLL_MINUTES", 120))
TRACKING_POLL_EVERY_WITH_PUSH = timedelta(minutes=env_int("TRACKING_POLL_WITH_PUSH_MINUTES", 12 * 60))
# A parcel not delivered after this long is no longer polled (lost parcels are an after-sale).
TRACKING_GIVE_UP_AFTER = timedelta(days=env_int("TRACKING_GIVE_UP_DAYS", 30))
# How long the operator has to answer a shopper's complaint; past it the queue shows it overdue.
COMPLAINT_DUE = timedelta(hours=env_int("COMPLAINT_DUE_HOURS", 48))
ORDER_MAX_LINES = 50
# Unpaid orders hold stock for the payment window: without caps one shopper could hold a SKU's
# whole stock. At most this many unpaid orders per shopper (0: no cap), and at most this many
# units of one SKU in one order (the cart's line limit too).
ORDER_MAX_UNPAID_ORDERS = env_int("ORDER_MAX_UNPAID_ORDERS", 5)
ORDER_MAX_UNITS_PER_SKU = env_int("ORDER_MAX_UNITS_PER_SKU", 99)
CART_MAX_ITEMS = 100

# WeChat Pay API v3. Sandbox mode makes throwaway keys in var/ at first start and signs and
# encrypts notifications with them, so the live code path runs offline.
WECHATPAY_MCHID = os.environ.get("WECHATPAY_MCHID", "")
WECHATPAY_APPID = os.environ.get("WECHATPAY_APPID", WECHAT_APPID)
WECHATPAY_SERIAL_NO = os.environ.get("WECHATPAY_SERIAL_NO", "")
WECHATPAY_PRIVATE_KEY = os.environ.get("WECHATPAY_PRIVATE_KEY", "")
WECHATPAY_PRIVATE_KEY_FILE = os.environ.get("WECHATPAY_PRIVATE_KEY_FILE", "")
WECHATPAY_APIV3_KEY = os.environ.get("WECHATPAY_APIV3_KEY", "")
# Public-key mode (recommended since 2024): the WeChat Pay public key and its id (PUB_KEY_ID_...).
WECHATPAY_PUBLIC_KEY = os.environ.get("WECHATPAY_PUBLIC_KEY", "")
WECHATPAY_PUBLIC_KEY_FILE = os.environ.get("WECHATPAY_PUBLIC_KEY_FILE", "")
WECHATPAY_PUBLIC_KEY_ID = os.environ.get("WECHATPAY_PUBLIC_KEY_ID", "")
# Platform-certificate mode: a folder of platform certificates (PEM), chosen by Wechatpay-Serial.
WECHATPAY_PLATFORM_CERTS_DIR = os.environ.get("WECHATPAY_PLATFORM_CERTS_DIR", "")
WECHATPAY_API_BASE = os.environ.get("WECHATPAY_API_BASE", "https://api.mch.weixin.qq.com")
# Where WeChat posts payment and refund notifications (https, public).
WECHATPAY_NOTIFY_URL = os.environ.get("WECHATPAY_NOTIFY_URL", "")
# Sandbox only: where the throwaway merchant/platform keys and APIv3 key are kept (default var/).
WECHATPAY_SANDBOX_DIR = os.environ.get("WECHATPAY_SANDBOX_DIR", "")
WECHATPAY_REFUND_NOTIFY_URL = os.environ.get("WECHATPAY_REFUND_NOTIFY_URL", "")
# Sandbox only: where the sandbox's "WeChat" POSTs payment notifications, as WeChat posts to the
# public notify URL (nginx, in front of every app node); empty hands them to the handler in-process.
WECHATPAY_SANDBOX_NOTIFY_URL = os.environ.get("WECHATPAY_SANDBOX_NOTIFY_URL", "")
if WECHAT_MODE == "live" and not (
    WECHATPAY_MCHID
    and WECHATPAY_SERIAL_NO
    and (WECHATPAY_PRIVATE_KEY or WECHATPAY_PRIVATE_KEY_FILE)
    and WECHATPAY_APIV3_KEY
    and WECHATPAY_NOTIFY_URL
    and (WECHATPAY_PUBLIC_KEY or WECHATPAY_PUBLIC_KEY_FILE or WECHATPAY_PLATFORM_CERTS_DIR)
):
    raise ImproperlyConfigured(
        "WECHAT_MODE=live needs WECHATPAY_MCHID, WECHATPAY_SERIAL_NO, WECHATPAY_PRIVATE_KEY(_FILE), "
        "WECHATPAY_APIV3_KEY, WECHATPAY_NOTIFY_URL and WECHATPAY_PUBLIC_KEY(_FILE) or WECHATPAY_PLATFORM_CERTS_DIR."
    )

# WeChat Pay merchant transfer (商家转账, user-confirm mode), which pays distributor withdrawals out.
# Checked when a transfer is started, not at start-up: a mall that pays out by bank only needs none.
# Where WeChat posts MCHTRANSFER.BILL.FINISHED (https, public, no query string); required in live mode.
WECHATPAY_TRANSFER_NOTIFY_URL = os.environ.get("WECHATPAY_TRANSFER_NOTIFY_URL", "")
# The scene granted on the merchant platform; 1005 is 佣金报酬 (commission and remuneration).
WECHATPAY_TRANSFER_SCENE_ID = os.environ.get("WECHATPAY_TRANSFER_SCENE_ID", "1005")

# The scene's report items, JSON [{"info_type": ..., "info_content": ...}]; by default scene 1005's
# 岗位类型 分销员 and 报酬说明 分销佣金提现 (info_type ≤ 15 characters, info_content ≤ 32).
WECHATPAY_TRANSFER_SCENE_REPORT_INFOS = transfer_scene_report_infos()
# What the payee reads as the reason on WeChat's confirm page; empty lets WeChat show the scene's
# default. Must be one of the values WeChat allows for the scene (e.g. 劳务报酬 for 1005).
WECHATPAY_TRANSFER_USER_RECV_PERCEPTION = os.environ.get("WECHATPAY_TRANSFER_USER_RECV_PERCEPTION", "")
# From this amount on WeChat requires the payee's real name (encrypted); 2,000 yuan today.
WECHATPAY_TRANSFER_USER_NAME_MIN_FEN = env_int("WECHATPAY_TRANSFER_USER_NAME_MIN_FEN", 200_000)

# Background work: Celery with a broker in production; without one, tasks run eagerly and the
# periodic sweeps run in a thread of the web process (see orders/sweeps.py and fenxiao/celery.py).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
SWEEP_INTERVAL_SECONDS = env_int("SWEEP_INTERVAL_SECONDS", 60)
# The planner-statistics check (core/planner_statistics.py) also runs alone this often: a new shop's
# first flash sale fills its order tables within a minute, and until they are analyzed every
# order's foreign-key checks scan them. One catalogue query when nothing is due; 0 leaves it to the
# rounds above.
PLANNER_STATISTICS_INTERVAL_SECONDS = env_int("PLANNER_STATISTICS_INTERVAL_SECONDS", 5)
# The task policy (core/task_policy.py, core/task_routing.py): a message is acknowledged only once
# its task finished, and given back if the worker died, so a task killed half-way runs again (every
# task is idempotent); one message at a time per worker process, so none waits behind a long one.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # keep LOGGING below
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Time limits: a task past the soft one gets an exception it may clean up after; past the hard one
# its process is killed (and, acks_late, the message is given back). The exports are the longest.
CELERY_TASK_TIME_LIMIT = env_int("TASK_TIME_LIMIT_SECONDS", 300)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 30
EXPORT_TASK_TIME_LIMIT_SECONDS = env_int("EXPORT_TASK_TIME_LIMIT_SECONDS", 1800)
SWEEP_ROUND_TIME_LIMIT_SECONDS = env_int("SWEEP_ROUND_TIME_LIMIT_SECONDS", 300)
# Retries wait 1 s, 2 s, 4 s, ... (with jitter) up to this, the longest a worker ever holds a message
# with a countdown: it must stay below RabbitMQ's consumer_timeout (30 min by default).
TASK_MAX_RETRIES = env_int("TASK_MAX_RETRIES", 8)
TASK_RETRY_BACKOFF_MAX_SECONDS = env_int("TASK_RETRY_BACKOFF_MAX_SECONDS", 600)
# Redis as broker redelivers a message not acknowledged within the visibility timeout: it must
# outlast the longest task (an export) and the longest countdown. It is also how long a message a
# worker held when it was killed (kill -9) waits before Redis gives it to another; RabbitMQ gives it
# back as soon as the connection drops.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT_SECONDS", 3600)}
# How often the analytics sweep rebuilds yesterday and today from the source rows to prove the
# rollups (each day at most once per this many minutes).
ANALYTICS_RECONCILE_MINUTES = env_int("ANALYTICS_RECONCILE_MINUTES", 15)
# The in-process sweeper starts with the web server when there is no broker; tests turn it off.
SWEEP_IN_PROCESS = env_bool("SWEEP_IN_PROCESS", not CELERY_BROKER_URL)

# Exports (analytics/exports): above this many rows an export runs in the background; its files
# go to a folder no URL serves and are deleted after EXPORT_KEEP_DAYS.
EXPORT_SYNC_MAX_ROWS = env_int("EXPORT_SYNC_MAX_ROWS", 20_000)
EXPORT_DIR = Path(os.environ.get("EXPORT_DIR", VAR_DIR / "exports"))
EXPORT_KEEP_DAYS = env_int("EXPORT_KEEP_DAYS", 7)
EXPORT_CHUNK_ROWS = env_int("EXPORT_CHUNK_ROWS", 2000)  # rows fetched from the database at a time

CATALOG_PAGE_SIZE = env_int("CATALOG_PAGE_SIZE", 20)
CATALOG_MAX_PAGE_SIZE = 100
# Rendered product-list pages are cached this long (0 turns the cache off); see catalog/cache.py.
CATALOG_LIST_CACHE_SECONDS = env_int("CATALOG_LIST_CACHE_SECONDS", 30)
# Rendered product pages (their stock, sales, prices and shelf state are always read live) are kept
# this long at most in each process (0 turns it off); a catalogue change replaces them at once. See
# catalog/api/product_page.py.
CATALOG_DETAIL_CACHE_SECONDS = env_int("CATALOG_DETAIL_CACHE_SECONDS", 600)

# Observability (issue 21, core/observability): LOG_FORMAT=json writes one JSON object per line
# with the request id; /metrics answers a bearer METRICS_TOKEN, or private addresses when it is
# unset (PROMETHEUS_MULTIPROC_DIR for several processes per node); SENTRY_DSN turns Sentry on.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain")
if LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured("LOG_FORMAT must be 'plain' or 'json'.")
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
SENTRY_ENABLED = sentry_init()

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "fenxiao.core.observability.logs.JsonLogFormatter"},
    },
    "filters": {
        "drop_conflicts": {"()": "fenxiao.core.log_filters.DropConflictWarnings"},
        "request_id": {"()": "fenxiao.core.observability.request_id.RequestIdLogFilter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # httpx logs full request URLs at INFO, and WeChat puts secrets and tokens in query strings.
        "httpx": {"level": "WARNING"},
        "django.request": {"filters": ["drop_conflicts"]},
    },
}
