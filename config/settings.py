"""Settings, driven by the environment (django-environ).

With no environment at all the platform runs embedded: SQLite file, Celery tasks executed eagerly
in-process, e-mail printed to the console. ``DATABASE_URL`` switches to PostgreSQL (psycopg 3) and
``REDIS_URL`` to a Redis broker/result backend/cache with real workers and beat.
"""

from datetime import date
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# The development key keeps `make run` and the tests working with no environment; Django's own
# `check --deploy` flags its "django-insecure-" prefix, and production (DEBUG off) refuses it, as it
# refuses the key shipped before it and a missing key.
DEVELOPMENT_SECRET_KEYS = (
    "django-insecure-tthc-development-key-never-use-in-production-0123456789abcdef",
    "insecure-dev-key-change-me-in-production-0123456789abcdef",
)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="") or DEVELOPMENT_SECRET_KEYS[0]
if not DEBUG and SECRET_KEY in DEVELOPMENT_SECRET_KEYS:
    raise ImproperlyConfigured(
        "DJANGO_DEBUG=false needs DJANGO_SECRET_KEY: set it to a long random value of your own, e.g. "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'. The built-in development key is refused."
    )
# Old keys still accepted for sessions and password-reset links while a new key rolls out.
SECRET_KEY_FALLBACKS = env.list("DJANGO_SECRET_KEY_FALLBACKS", default=[])
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "axes",
    "core",
    "accounts",
    "tthc",
    "reconciliation",
    "complaints",
    "readiness",
    "indicators",
    "reports",
    "demo",
]

MIDDLEWARE = [
    "core.middleware.RejectNulMiddleware",  # 400 for a NUL byte in the path or query (core/middleware.py)
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "core.middleware.InvalidParameterMiddleware",  # 400 for a malformed period in a path, DEBUG or not
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database ------------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A read replica (docs/scaling.md): with DATABASE_REPLICA_URL, dashboards, lists and exports read
# from it (core/db_router.py); writes, and reads inside a write transaction, stay on "default".
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"].setdefault("CONN_MAX_AGE", DATABASES["default"].get("CONN_MAX_AGE", 0))
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["core.db_router.ReplicaRouter"]
TTHC_REPLICA_APPS = ("tthc", "indicators", "reconciliation")
# Bulk paths (seed, large ingestion batches, reconciliation runs) ANALYZE the tables they changed
# when they wrote at least this many rows (core/stats.py): the planner's statistics stay current
# even where autovacuum is off or lags behind a bulk load.
TTHC_ANALYZE_MIN_ROWS = env.int("TTHC_ANALYZE_MIN_ROWS", default=50_000)
# Ingestion writes each chunk in its own transaction; when the connection is lost (PostgreSQL
# restarted, network cut) the chunk is written again on a new connection for up to this many
# seconds before the batch fails (reconciliation/services/ingest.py). 0: fail at once.
TTHC_INGEST_RECONNECT_SECONDS = env.float("TTHC_INGEST_RECONNECT_SECONDS", default=60.0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")

# --- Cache, Celery ---------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    # Misses and skipped writes while Redis is down, never an error (core/cache.py); short timeouts.
    CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
# Delivery (docs/adr/0008-workers.md): a task is acknowledged when it ends, so a worker that dies
# mid-task leaves it to be delivered again (tasks are idempotent); one task reserved at a time.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
# Time limits by kind of task, (soft, hard) seconds: the soft limit raises SoftTimeLimitExceeded in the
# task (its transaction rolls back), the hard one kills the process. A task that hits either fails and
# is acknowledged (no redelivery loop). Long work is split so that one task is one province or one
# ranked level of one period ("long"); everything else is "short". TTHC_TASK_TIME_LIMITS overrides,
# e.g. "long:900:1080,short:240:300".
TTHC_TASK_TIME_LIMITS = {"short": (4 * 60, 5 * 60), "long": (10 * 60, 12 * 60)}
for _item in env.list("TTHC_TASK_TIME_LIMITS", default=[]):
    _kind, _soft, _hard = _item.split(":")
    TTHC_TASK_TIME_LIMITS[_kind] = (int(_soft), int(_hard))
TTHC_LONG_TASKS = [
    "reconciliation.tasks.reconcile_province",
    "indicators.tasks.recompute_level",
    "indicators.tasks.warm_late_units",
    "complaints.tasks.prepare_province_requests",
    "reports.tasks.render_document",
    "reports.tasks.freeze_signed_letter",
]
CELERY_TASK_SOFT_TIME_LIMIT, CELERY_TASK_TIME_LIMIT = TTHC_TASK_TIME_LIMITS["short"]
CELERY_TASK_ANNOTATIONS = {
    name: dict(zip(("soft_time_limit", "time_limit"), TTHC_TASK_TIME_LIMITS["long"], strict=True))
    for name in TTHC_LONG_TASKS
}
# Retry back-off and delayed tasks wait at most this long (a task waiting for its ETA is held unacknowledged).
TTHC_TASK_MAX_COUNTDOWN = env.int("TTHC_TASK_MAX_COUNTDOWN", default=10 * 60)
# Redis delivers again a task not acknowledged within the visibility timeout: this is how the task of a
# worker killed outright (kill -9, a lost machine) comes back. It must exceed the longest hard limit
# and the longest wait (or a running or waiting task is delivered twice), and stay short so that the
# task comes back promptly.
TTHC_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=15 * 60)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": TTHC_VISIBILITY_TIMEOUT}
for _kind, (_soft, _hard) in TTHC_TASK_TIME_LIMITS.items():
    if not 0 < _soft < _hard < TTHC_VISIBILITY_TIMEOUT:
        raise ImproperlyConfigured(
            f"task time limits {_kind!r}: need 0 < soft ({_soft}) < hard ({_hard}) < CELERY_VISIBILITY_TIMEOUT "
            f"({TTHC_VISIBILITY_TIMEOUT})"
        )
if TTHC_TASK_MAX_COUNTDOWN >= TTHC_VISIBILITY_TIMEOUT:
    raise ImproperlyConfigured("TTHC_TASK_MAX_COUNTDOWN must be below CELERY_VISIBILITY_TIMEOUT")
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
CELERY_TASK_DEFAULT_QUEUE = "default"
# Queues by kind of work (docs/adr/0019-outbox-queues-replica.md, docs/scaling.md): each can get its
# own workers (deploy/systemd/tthc-worker@.service, `-Q <queue>`). A worker started without -Q (`make
# worker`, scripts/serve.sh) consumes every queue declared here.
TTHC_TASK_QUEUES = ("default", "ingestion", "reconciliation", "indicators", "documents", "notifications")
CELERY_TASK_QUEUES = [Queue(name, routing_key=name) for name in TTHC_TASK_QUEUES]
CELERY_TASK_ROUTES = {
    "reconciliation.tasks.ingest*": {"queue": "ingestion"},
    "reconciliation.tasks.*": {"queue": "reconciliation"},
    "complaints.tasks.prepare_*": {"queue": "reconciliation"},
    "indicators.tasks.*": {"queue": "indicators"},
    "reports.tasks.*": {"queue": "documents"},
    "complaints.tasks.send_*": {"queue": "notifications"},
    "accounts.tasks.send_*": {"queue": "notifications"},
}
# The transactional outbox (core/outbox.py): a task recorded with the change that needs it is sent on
# commit; what Redis refused is sent by the relay (beat, every minute) once this many seconds old.
TTHC_OUTBOX_RELAY_MIN_AGE = env.int("TTHC_OUTBOX_RELAY_MIN_AGE", default=30)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The beat schedule is code: reviewable, versioned. Apps add their entries here.
CELERY_BEAT_SCHEDULE = {
    "relay-outbox": {"task": "core.tasks.relay_outbox", "schedule": 60.0},
    "clear-expired-sessions": {
        "task": "accounts.tasks.clear_expired_sessions",
        "schedule": crontab(minute=15, hour=3),
    },
    # Reconciliation (docs/adr/0006): nightly for the current month, and on the 1st for the closed month.
    "reconcile-current-month": {
        "task": "reconciliation.tasks.reconcile_period",
        "schedule": crontab(minute=30, hour=1),
    },
    "reconcile-closed-month": {
        "task": "reconciliation.tasks.reconcile_period",
        "schedule": crontab(minute=0, hour=4, day_of_month=1),
        "kwargs": {"closed": True},
    },
    # The 766 index (docs/adr/0005): the live month hourly; the closed month on the 1st, after reconciliation.
    "indicators-recompute-live": {
        "task": "indicators.tasks.recompute_live",
        "schedule": crontab(minute=7),
    },
    "indicators-close-previous-month": {
        "task": "indicators.tasks.close_previous_month",
        "schedule": crontab(minute=0, hour=5, day_of_month=1),
    },
}

# --- Auth ----------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "tthc:home"
LOGOUT_REDIRECT_URL = "login"

# Lockout after repeated failed logins (django-axes).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"

# Session security.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=SESSION_COOKIE_SECURE)
# No page script reads the CSRF cookie (forms carry the token; Swagger UI gets it in its init script).
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# HTTPS. Production (DEBUG off) defaults to redirecting to HTTPS and a year of HSTS for the host and its
# subdomains, with the preload token. Behind a reverse proxy that terminates TLS, say which header
# tells Django the original scheme, e.g. DJANGO_SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https
# (only when the proxy always sets or strips that header), or the redirect never ends.
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 60 * 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=not DEBUG)
_proxy_header = env.list("DJANGO_SECURE_PROXY_SSL_HEADER", default=[])
if _proxy_header and len(_proxy_header) != 2:
    raise ImproperlyConfigured(
        "DJANGO_SECURE_PROXY_SSL_HEADER is 'HEADER,value', e.g. HTTP_X_FORWARDED_PROTO,https"
    )
SECURE_PROXY_SSL_HEADER = tuple(_proxy_header) or None

# Content-Security-Policy (django-csp 4): pages load CSS and script only from static files (no inline
# code, no event-handler attributes), images also as data: URIs (Swagger UI's icons), and nothing may
# frame them. DJANGO_CSP_REPORT_ONLY=true sends the policy as Report-Only; DJANGO_CSP_REPORT_URI adds a
# report-uri; DJANGO_CSP_EXTRA adds sources, e.g. "img-src https://maps.example.gov.vn; connect-src …".
_csp_directives = {
    "default-src": [SELF],
    "script-src": [SELF],
    "style-src": [SELF],
    "img-src": [SELF, "data:"],
    "font-src": [SELF],
    "connect-src": [SELF],
    "object-src": [NONE],
    "base-uri": [SELF],
    "form-action": [SELF],
    "frame-ancestors": [NONE],
}
for _item in filter(None, (part.strip() for part in env("DJANGO_CSP_EXTRA", default="").split(";"))):
    _name, *_sources = _item.split()
    _csp_directives.setdefault(_name, []).extend(_sources)
if env("DJANGO_CSP_REPORT_URI", default=""):
    _csp_directives["report-uri"] = [env("DJANGO_CSP_REPORT_URI")]
if env.bool("DJANGO_CSP_REPORT_ONLY", default=False):
    CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_REPORT_ONLY = None, {"DIRECTIVES": _csp_directives}
else:
    CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": _csp_directives}, None

# --- I18N / time -----------------------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

# --- Static, media, e-mail -------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="TTHC Platform <no-reply@tthc.local>")

# --- REST API --------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "accounts.authentication.TokenAuthentication",  # hashed keys (accounts.ApiToken)
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.DefaultPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
# The navigation asks the permission gate whether to show the delegation link (accounts).
TEMPLATES[0]["OPTIONS"]["context_processors"].append("accounts.context_processors.gate_flags")
# Refused API writes are written to the audit log (config/api.py).
REST_FRAMEWORK["EXCEPTION_HANDLER"] = "config.api.exception_handler"
# Admin changelists on very large tables count up to this many rows on PostgreSQL, then say "more";
# API lists of dossiers stop counting at API_COUNT_CAP (0 = always exact) — core/pagination.py.
ADMIN_COUNT_CAP = env.int("ADMIN_COUNT_CAP", default=10_000)
API_COUNT_CAP = env.int("API_COUNT_CAP", default=10_000)
# On PostgreSQL, a list the planner expects to hold more rows than this is not counted: the estimate
# is the count (``count_estimated: true``). 0: always count (capped).
API_COUNT_ESTIMATE_ABOVE = env.int("API_COUNT_ESTIMATE_ABOVE", default=1_000)
SPECTACULAR_SETTINGS = {
    "TITLE": "TTHC Platform API",
    "DESCRIPTION": "Agencies, procedures, dossiers, sync reconciliation, sync-gap requests and the 766 index.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "ENUM_NAME_OVERRIDES": {
        "SourceKindEnum": "reconciliation.models.SourceKind",
        "StateEnum": "complaints.workflow.State",
        "AssessmentStateEnum": "readiness.models.AssessmentState",
        "DocumentJobStateEnum": "reports.models.JobState",
    },
    # Swagger UI from drf-spectacular-sidecar's files (served by whitenoise), not a CDN: works offline and
    # under the Content-Security-Policy.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Domain settings (docs/domain.md#deadlines) ----------------------------------------------------
# Office hours: one working day = the sum of these segments (8 hours by default).
TTHC_OFFICE_HOURS = env.list("TTHC_OFFICE_HOURS", default=["07:00-11:30", "13:30-17:00"])
# Statuses that pause the clock (5 supplement requested; 6 financial obligation, configurable).
TTHC_PAUSING_STATUSES = env.list("TTHC_PAUSING_STATUSES", cast=int, default=[5, 6])
# How long (seconds) a process trusts its cached calendar before re-reading overrides.
TTHC_CALENDAR_CACHE_SECONDS = env.int("TTHC_CALENDAR_CACHE_SECONDS", default=300)

# --- The 766 index (docs/domain.md#the-766-index) --------------------------------------------------
# Bands [assumed]: (code, minimum total), e.g. INDICATOR_BANDS=good:90,fair:70,average:50,weak:0
INDICATOR_BANDS = [
    (code, float(low))
    for code, low in (
        item.split(":")
        for item in env.list("INDICATOR_BANDS", default=["good:90", "fair:70", "average:50", "weak:0"])
    )
]
# [assumed] Where a level lacks some of a group's components (ministries: group 3 without
# E_CERTIFIED_COPY and POPULATION_DATA_*), rescale the group's points to its full weight (× 22/16),
# so both levels are out of 100. False: such a group is out of its applicable points only.
INDICATOR_RESCALE_PARTIAL_GROUPS = env.bool("INDICATOR_RESCALE_PARTIAL_GROUPS", default=True)
# [assumed] First day of the methodology that splits group 4 into 4a online services (12) and
# 4b online payment (10), as the 2026 portal dashboard shows it (ISO date).
INDICATOR_GROUP4_SPLIT_FROM = date.fromisoformat(env.str("INDICATOR_GROUP4_SPLIT_FROM", default="2026-01-01"))
# Procedures without dossiers (seed 003 II.2.đ): no dossier anywhere for this many months.
INDICATOR_DORMANT_MONTHS = env.int("INDICATOR_DORMANT_MONTHS", default=36)
# Early warning: open dossiers due within this many working days.
TTHC_EARLY_WARNING_DAYS = env.int("TTHC_EARLY_WARNING_DAYS", default=3)
# The live dashboard's early warning (at-risk counts and list) is cached this many seconds per agency
# and viewer: a repeat view within it costs no dossier query. 0: never cached.
TTHC_EARLY_WARNING_CACHE_SECONDS = env.int("TTHC_EARLY_WARNING_CACHE_SECONDS", default=60)
# Late units and officers (page, API, public results, monthly report): computed once per snapshot
# version of the period and viewer scope, then kept this many seconds (a closed month; the current
# month at most 300, as its as-of moves). At 10 M dossiers the country's month took 7-10 s to compute.
# 0: never cached.
TTHC_LATE_UNITS_CACHE_SECONDS = env.int("TTHC_LATE_UNITS_CACHE_SECONDS", default=86400)
# Debounce (seconds) of the recompute that ingestion asks for after a batch.
INDICATOR_RECOMPUTE_DELAY = env.int("INDICATOR_RECOMPUTE_DELAY", default=120)
if INDICATOR_RECOMPUTE_DELAY > TTHC_TASK_MAX_COUNTDOWN:  # a delayed task waits unacknowledged (workers)
    raise ImproperlyConfigured("INDICATOR_RECOMPUTE_DELAY must not exceed TTHC_TASK_MAX_COUNTDOWN")
# False: ingestion does not ask for that recompute; the hourly beat picks the changes up (bulk
# back-fills, and the ingestion benchmark, which measures ingestion alone).
INDICATOR_RECOMPUTE_AFTER_INGEST = env.bool("INDICATOR_RECOMPUTE_AFTER_INGEST", default=True)

# --- Reconciliation thresholds (docs/domain.md#gap-kinds) -------------------------------------------
# The portal's copy is "synced late" when it is older than the source's last change by more than this.
TTHC_SYNC_LATE_HOURS = env.float("TTHC_SYNC_LATE_HOURS", default=24)
# Finish / due times that differ by at most this many seconds are not gaps.
TTHC_FINISH_TOLERANCE_SECONDS = env.int("TTHC_FINISH_TOLERANCE_SECONDS", default=0)
TTHC_DUE_TOLERANCE_SECONDS = env.int("TTHC_DUE_TOLERANCE_SECONDS", default=0)
# "Finish time equal to sync time" (suspicious): equal within this many seconds (0: the same second).
TTHC_SUSPICIOUS_SYNC_SECONDS = env.int("TTHC_SUSPICIOUS_SYNC_SECONDS", default=0)
# Suspicious patterns are flags kept apart from gaps (docs/domain.md#suspicious-patterns): True counts
# them in a run's gap total, the matrix colour and the requests like any gap.
TTHC_SUSPICIOUS_COUNTS_AS_GAP = env.bool("TTHC_SUSPICIOUS_COUNTS_AS_GAP", default=False)
# "Finished without any processing step" applies only to a source that normally sends progress: at
# least this share of its finished dossiers (a sample of TTHC_PROGRESS_SAMPLE per province) has steps.
TTHC_PROGRESS_SOURCE_SHARE = env.float("TTHC_PROGRESS_SOURCE_SHARE", default=0.5)
TTHC_PROGRESS_SAMPLE = env.int("TTHC_PROGRESS_SAMPLE", default=500)
# Three-way comparison: the province's own system takes part in a ministry system's chain for a
# procedure when it holds at least this share of as many of its dossiers as the ministry's system.
TTHC_CHAIN_MIN_SHARE = env.float("TTHC_CHAIN_MIN_SHARE", default=0.5)
# Gap matrix colours: percent of a cell's dossiers with a gap at which it turns low/medium/high.
TTHC_GAP_SEVERITY_THRESHOLDS = env.list("TTHC_GAP_SEVERITY_THRESHOLDS", cast=float, default=[1, 5, 15])
# Excel exports stop after this many rows (CSV streams without a limit).
TTHC_EXPORT_XLSX_MAX_ROWS = env.int("TTHC_EXPORT_XLSX_MAX_ROWS", default=200_000)
# Points at stake per gap: the index's own DOSSIER_SYNC definition (indicators), not a second formula.
TTHC_RECONCILIATION_IMPACT = env(
    "TTHC_RECONCILIATION_IMPACT", default="indicators.services.impact.dossier_sync_impact"
)
# PostgreSQL work_mem for a reconciliation transaction and its helper connections (one province's join
# hashes millions of rows: about 130 bytes each, within work_mem × hash_mem_multiplier; docs/scaling.md).
TTHC_RECONCILE_WORK_MEM = env("TTHC_RECONCILE_WORK_MEM", default="256MB")
# PostgreSQL: count the portal's side of a province on a second connection while the comparison runs
# (one more connection per reconciling worker for a moment; off: everything on one connection).
TTHC_RECONCILE_CONCURRENT_COUNTS = env.bool("TTHC_RECONCILE_CONCURRENT_COUNTS", default=True)
# PostgreSQL: JIT-compile a province's comparison when its runs of the month (a first run: of its latest
# earlier month) last counted at least this many dossiers (0: never). Compiling costs about 0.1-0.3 s and saves about a tenth of the
# statement: 2.8 s instead of 3.2 s at 2 M dossiers, 0.1 s lost at 150,000 (docs/scaling.md).
TTHC_RECONCILE_JIT_DOSSIERS = env.int("TTHC_RECONCILE_JIT_DOSSIERS", default=1_000_000)

# --- Ingestion limits (reconciliation.adapters.limits; docs/adr/0004-ingestion.md) -----------------
# A record (JSON line, CSV row, envelope element) larger than this is rejected (too_large), unread.
INGEST_MAX_RECORD_BYTES = env.int("INGEST_MAX_RECORD_BYTES", default=1 << 20)
# A text value longer than this many characters is rejected (too_large, naming the field).
INGEST_MAX_FIELD_CHARS = env.int("INGEST_MAX_FIELD_CHARS", default=65_536)
# A record nested deeper than this (objects and arrays) is rejected (too_large).
INGEST_MAX_DEPTH = env.int("INGEST_MAX_DEPTH", default=32)
# Event times later than now plus this margin are rejected (future_date) [assumed: clocks drift, a
# day is generous]; a far-future time would otherwise win every later genuine update.
INGEST_FUTURE_MARGIN_HOURS = env.float("INGEST_FUTURE_MARGIN_HOURS", default=24)
# The sync API's Retry-After (seconds) when the database is unavailable (503).
SYNC_RETRY_AFTER_SECONDS = env.int("SYNC_RETRY_AFTER_SECONDS", default=30)

# --- Sync-gap requests (complaints; docs/domain.md#requests-to-ministries) -------------------------
# The ministry answers within this many working days of submission (tthc.calendar; re-set on reopening).
TTHC_REQUEST_RESPONSE_DAYS = env.int("TTHC_REQUEST_RESPONSE_DAYS", default=10)
# The monthly preparation drafts a request when a province × ministry system run has MORE gaps than this.
TTHC_REQUEST_DRAFT_THRESHOLD = env.int("TTHC_REQUEST_DRAFT_THRESHOLD", default=0)
# A case answered "fixed" is verified closed when the next run shows at most this many gaps.
TTHC_REQUEST_CLOSE_THRESHOLD = env.int("TTHC_REQUEST_CLOSE_THRESHOLD", default=0)
# Reminder this many working days before the deadline; escalation after this many working days overdue.
TTHC_REQUEST_REMINDER_DAYS = env.int("TTHC_REQUEST_REMINDER_DAYS", default=2)
TTHC_REQUEST_ESCALATION_DAYS = env.int("TTHC_REQUEST_ESCALATION_DAYS", default=5)
# Supervising bodies: their users see every case and receive escalations (BTP's Cục KSTT, the VPCP).
TTHC_REQUEST_SUPERVISOR_AGENCIES = env.list("TTHC_REQUEST_SUPERVISOR_AGENCIES", default=["BTP-KSTT", "VPCP"])
# Text a user writes on a case (a comment, a reason, a fix plan, an answer): at most this many characters.
TTHC_REQUEST_TEXT_MAX_CHARS = env.int("TTHC_REQUEST_TEXT_MAX_CHARS", default=10_000)
# A fix plan's target date: at most this many days after today (an assumption: a later date is a typing
# error, e.g. 9999-12-31; docs/domain.md).
TTHC_REQUEST_TARGET_MAX_DAYS = env.int("TTHC_REQUEST_TARGET_MAX_DAYS", default=366)
# Attachments on a case: size limit and accepted file types (extension, checked with the content).
TTHC_REQUEST_ATTACHMENT_MAX_BYTES = env.int("TTHC_REQUEST_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
TTHC_REQUEST_ATTACHMENT_TYPES = [  # lower case, without the dot
    t.lower().lstrip(".")
    for t in env.list(
        "TTHC_REQUEST_ATTACHMENT_TYPES", default=["pdf", "docx", "xlsx", "csv", "txt", "png", "jpg", "jpeg"]
    )
]
# E-mail notifications: retries of the sending task (exponential back-off, capped).
TTHC_REQUEST_EMAIL_MAX_RETRIES = env.int("TTHC_REQUEST_EMAIL_MAX_RETRIES", default=5)
# The platform's public address, for links in e-mails (workers have no request to build them from).
TTHC_REQUEST_SITE_URL = env("TTHC_REQUEST_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Issue 12 (seeds 000/002): routes, signing and numbering of requests.
# Escalation to TTHC_REQUEST_SUPERVISOR_AGENCIES after TTHC_REQUEST_ESCALATION_DAYS working days overdue
# is this platform's own rule (the Government's letters do not set it): change it here.
# The portal's operator (Bộ Công an runs the national portal, seed 002): portal faults are addressed to it.
TTHC_PORTAL_OPERATOR_AGENCY = env("TTHC_PORTAL_OPERATOR_AGENCY", default="BCA")
# The official number: "Số: N/<ABBREV>-<UNIT>" (a per-province, per-year sequence).
TTHC_REQUEST_NUMBER_ABBREV = env("TTHC_REQUEST_NUMBER_ABBREV", default="UBND")
TTHC_REQUEST_NUMBER_UNIT = env("TTHC_REQUEST_NUMBER_UNIT", default="KSTT")
# The signer's default title and mode ("KT." on behalf of the Chairman, "TM." for the Committee, "").
TTHC_REQUEST_SIGNER_TITLE = env("TTHC_REQUEST_SIGNER_TITLE", default="PHÓ CHỦ TỊCH")
TTHC_REQUEST_SIGNER_MODE = env("TTHC_REQUEST_SIGNER_MODE", default="KT.")
# A reported count above what the portal holds by MORE than this is a "not_synced" gap (reconciliation).
TTHC_NOT_SYNCED_THRESHOLD = env.int("TTHC_NOT_SYNCED_THRESHOLD", default=0)
# Complaints' beat entries: prepare the closed month's drafts after its reconciliation (04:00 on the 1st;
# repeated on the 2nd and 3rd, idempotent, for late runs), chase overdue ministries (and verify answered
# cases against new runs) every hour, and re-reconcile nightly the months of cases answered "fixed".
CELERY_BEAT_SCHEDULE.update(
    {
        "prepare-sync-requests": {
            "task": "complaints.tasks.prepare_requests",
            "schedule": crontab(minute=0, hour=6, day_of_month="1-3"),
        },
        "chase-sync-requests": {
            "task": "complaints.tasks.chase_overdue",
            "schedule": crontab(minute=5),
        },
        "recheck-answered-sync-requests": {
            "task": "complaints.tasks.recheck_answered",
            "schedule": crontab(minute=30, hour=2),
        },
        "sweep-signed-letter-files": {
            "task": "complaints.tasks.sweep_signed_letter_files",
            "schedule": crontab(minute=50, hour=3),
        },
    }
)
# A signed letter's files are written before its row; files no row holds (a signing rolled back after
# writing them) are deleted nightly once older than this many minutes (a signing never lasts as long).
TTHC_SIGNED_LETTER_ORPHAN_MINUTES = env.int("TTHC_SIGNED_LETTER_ORPHAN_MINUTES", default=60)

# --- Readiness of procedures on ministries' centralized systems (readiness; docs/adr/0018) ----------
# The body that issues the criteria set by default (seed 002: the Ministry of Science and Technology).
TTHC_READINESS_ISSUER = env("TTHC_READINESS_ISSUER", default="Bộ Khoa học và Công nghệ")
# The date from which ministries' centralized systems must serve every ready procedure (seed 002, 3b).
TTHC_READINESS_COMMITMENT_DATE = date.fromisoformat(
    env("TTHC_READINESS_COMMITMENT_DATE", default="2026-07-01")
)
# Classification deadline chasing: reminder this many working days before a set's deadline, escalation
# this many working days after it (the notice goes on the day itself) — through complaints' hourly chase.
TTHC_READINESS_REMINDER_DAYS = env.int("TTHC_READINESS_REMINDER_DAYS", default=5)
TTHC_READINESS_ESCALATION_DAYS = env.int("TTHC_READINESS_ESCALATION_DAYS", default=2)

# Documents (reports app, docs/adr/0016-documents.md): a document estimated above this many table rows
# is rendered by a worker (the monthly and national reports always are); stored renderings expire after
# TTHC_DOCUMENT_TTL_HOURS; a PDF longer than TTHC_DOCUMENT_MAX_PAGES pages is refused (0: no limit).
TTHC_DOCUMENT_SYNC_MAX_ROWS = env.int("TTHC_DOCUMENT_SYNC_MAX_ROWS", default=2000)
TTHC_DOCUMENT_TTL_HOURS = env.int("TTHC_DOCUMENT_TTL_HOURS", default=72)
TTHC_DOCUMENT_MAX_PAGES = env.int("TTHC_DOCUMENT_MAX_PAGES", default=500)
# Pre-render every province's monthly report on the 1st, after the index closes the month (05:00),
# and purge expired renderings nightly.
CELERY_BEAT_SCHEDULE.update(
    {
        "prerender-monthly-reports": {
            "task": "reports.tasks.prerender_monthly_reports",
            "schedule": crontab(minute=0, hour=7, day_of_month=1),
        },
        "purge-expired-documents": {
            "task": "reports.tasks.purge_expired_documents",
            "schedule": crontab(minute=45, hour=3),
        },
    }
)

# Logging, configured once: one console handler on the root logger. Django's own "django" logger
# handler is dropped (it printed every line a second time with DEBUG on); expected 403/404 answers are
# INFO lines without a traceback (core/logging.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"expected_client_errors": {"()": "core.logging.ExpectedClientErrors"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # WeasyPrint logs every layout step at INFO; fontTools its subsetting.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
        "django.request": {"filters": ["expected_client_errors"], "propagate": True},
    },
}
