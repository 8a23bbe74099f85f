"""Settings for the Dongguan tech-achievement transfer portal.

One module, configured by environment variables. With none set the portal runs on a SQLite file
with Celery in eager mode; `DATABASE_URL` and `REDIS_URL` switch it to PostgreSQL and a real
broker. `PRODUCTION=1` turns on the hardened defaults and demands a real `SECRET_KEY`.
"""

import os
from datetime import date, timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from kernel import limits

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "").strip()
    return [item.strip() for item in value.split(",") if item.strip()] if value else default


PRODUCTION = env_bool("PRODUCTION")
DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when PRODUCTION=1.")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105  (development only: PRODUCTION=1 refuses to start without SECRET_KEY)

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Our apps, in dependency order: each reads only those before it. Each may offer the hook modules
# `reference`, `demo` and `navigation` (see kernel/hooks.py).
PORTAL_APPS = ["towns", "achievements", "evaluation", "brokers", "investors", "quotas"]

INSTALLED_APPS = [
    "towns.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "simple_history",
    "rules.apps.AutodiscoverRulesConfig",
    "kernel.apps.AxesConfig",
    "csp",
    "template_partials",
    "kernel",
    *PORTAL_APPS,
    # The benchmarks (`make bench`): they read every app, nothing imports them.
    "bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # NUL in the address (404 / 400) and bodies over kernel/limits.py (413, before reading them).
    "kernel.hardening.RequestGuardMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes goes after authentication so it sees its outcome.
    "axes.middleware.AxesMiddleware",
    # Innermost: a page it serves has been through sessions, login, CSRF and the headers above.
    "kernel.pagecache.PageCacheMiddleware",
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
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "towns.context_processors.portal",
            ],
        },
    }
]

FORM_RENDERER = "towns.forms.PortalFormRenderer"

# --- Database -----------------------------------------------------------------------------------
# SQLite by default so that `make run` needs nothing installed; PostgreSQL through DATABASE_URL.
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        # Reconnect transparently after a PostgreSQL restart.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, cache and Celery ---------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")

if REDIS_URL:
    CACHES = {
        "default": {
            # A Redis outage makes cache reads misses, not server errors (kernel/cache.py).
            "BACKEND": "kernel.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            # Two portals on one Redis database (the bench's two data sets) keep apart.
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "portal"),
            "TIMEOUT": 300,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
    # Sessions are read from Redis and written through to the database: a request saves a
    # query, and a Redis outage loses no login.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    # Without Redis, one cache on disk for every process of the machine: the server, beat (which
    # runs the periodic jobs itself) and management commands must see each other's writes bump
    # the data generation (kernel/cache.py), which a per-process memory cache would hide.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": env_str("CACHE_DIR", str(BASE_DIR / ".cache" / "django")),
            "OPTIONS": {"MAX_ENTRIES": 3000},
        }
    }

# The in-memory broker of the eager default names a host, or kombu warns that none was supplied.
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
# Without Redis every task runs inline, inside the request that queued it.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A message taken by a worker that dies without acknowledging it is delivered again after this.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600)}
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Periodic jobs; django-celery-beat copies these into its tables, where admins can pause them.
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    # Work queued while the broker was down (towns/outbox.py) goes out once it is back.
    "towns-relay-outbox": {
        "task": "towns.tasks.task_relay_outbox",
        "schedule": crontab(minute="*"),
    },
    # Every 10 minutes: a background job running past JOB_STALLED_AFTER_MINUTES (its worker died)
    # is marked failed and its owner told, instead of showing 进行中 for ever.
    "towns-fail-stalled-jobs": {
        "task": "towns.tasks.task_fail_stalled_jobs",
        "schedule": crontab(minute="*/10"),
    },
    "towns-purge-sent-outbox": {
        "task": "towns.tasks.task_purge_sent_outbox",
        "schedule": crontab(hour=3, minute=40),
    },
    # 07:30: one mail with the day's unread notifications for those who chose the daily digest.
    "towns-daily-notification-digest": {
        "task": "towns.tasks.task_send_daily_digests",
        "schedule": crontab(hour=7, minute=30),
    },
    "towns-purge-old-notifications": {
        "task": "towns.tasks.task_purge_read_notifications",
        "schedule": crontab(hour=3, minute=30),
    },
    # Fast-track reviews due within FAST_TRACK_DUE_SOON_DAYS or overdue: remind every morning.
    "evaluation-remind-fast-track-reviews": {
        "task": "evaluation.tasks.task_remind_fast_track_reviews",
        "schedule": crontab(hour=8, minute=0),
    },
    # On the 1st: flag service-library cases without a follow-up for the month before.
    "achievements-flag-missing-follow-ups": {
        "task": "achievements.tasks.service.task_flag_missing_follow_ups",
        "schedule": crontab(day_of_month=1, hour=8, minute=30),
    },
    # Every morning: cases without progress for SERVICE_STALLED_AFTER_DAYS go on the escalation list.
    "achievements-escalate-stalled-cases": {
        "task": "achievements.tasks.service.task_escalate_stalled_cases",
        "schedule": crontab(hour=7, minute=30),
    },
    "achievements-sweep-match-index": {
        "task": "achievements.tasks.demands.task_sweep_achievement_index",
        "schedule": crontab(minute="*/15"),
    },
    # Nightly: matching learns its weights again from every judgment of the center (and after
    # each decision, through the outbox); catches judgments whose task was lost.
    "achievements-recompute-match-learning": {
        "task": "achievements.tasks.demands.task_recompute_match_learning",
        "schedule": crontab(hour=2, minute=45),
    },
    # Nightly: every landing not yet verified is checked against the landing standards again.
    "achievements-check-open-landings": {
        "task": "achievements.tasks.landing.task_check_open_landings",
        "schedule": crontab(hour=2, minute=15),
    },
    # 每两周一报: runs every Monday 09:00; reports on the Mondays BIWEEKLY_REPORT_ANCHOR + 14k.
    "quotas-biweekly-report": {
        "task": "quotas.tasks.task_biweekly_reports",
        "schedule": crontab(day_of_week="mon", hour=9, minute=0),
    },
    # The quarter's report for the city government, on the first day of the next quarter.
    "quotas-quarterly-report": {
        "task": "quotas.tasks.task_quarterly_reports",
        "schedule": crontab(day_of_month=1, month_of_year="1,4,7,10", hour=9, minute=0),
    },
}

# --- Evaluation and service library ---------------------------------------------------------------
# A fast-track review shows as "due soon" on the staff dashboard this many days before its due date.
FAST_TRACK_DUE_SOON_DAYS = env_int("FAST_TRACK_DUE_SOON_DAYS", 2)
# A service-library case without progress for this many days is stalled (久推不动).
SERVICE_STALLED_AFTER_DAYS = env_int("SERVICE_STALLED_AFTER_DAYS", 90)
# A background job (towns.jobs) still running after this many minutes has lost its worker.
JOB_STALLED_AFTER_MINUTES = env_int("JOB_STALLED_AFTER_MINUTES", 60)
# The unit whose leaders receive the 1–5亿元 escalations together with the discovering unit's.
ESCALATION_BUREAU_UNIT_CODE = env_str("ESCALATION_BUREAU_UNIT_CODE", "kjj")

# --- Reports --------------------------------------------------------------------------------------
# 每两周一报: a Monday; reports are made on it + 14, + 28 … days, each for the 14 days before.
# Quarterly reports start with the quarter that contains it.
BIWEEKLY_REPORT_ANCHOR = date.fromisoformat(env_str("BIWEEKLY_REPORT_ANCHOR", "2024-01-01"))
if BIWEEKLY_REPORT_ANCHOR.weekday() != 0:
    raise ImproperlyConfigured("BIWEEKLY_REPORT_ANCHOR must be a Monday (YYYY-MM-DD).")
# How many missed reports of each kind a run makes at most (the latest ones).
REPORT_CATCH_UP_LIMIT = env_int("REPORT_CATCH_UP_LIMIT", 6)

# --- Authentication -----------------------------------------------------------------------------
AUTH_USER_MODEL = "towns.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # Django 5.2's own message for this one has no Chinese translation yet (kernel/validators.py).
    {"NAME": "kernel.validators.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "towns:login"
LOGIN_REDIRECT_URL = "quotas:home"
LOGOUT_REDIRECT_URL = "towns:login"

AXES_ENABLED = env_bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# --- Internationalisation -----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
FORMAT_MODULE_PATH = ["config.formats"]
USE_TZ = True
USE_THOUSAND_SEPARATOR = False

# --- Static and media files ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
NODE_MODULES = BASE_DIR / "node_modules"
# Front-end libraries come from npm (package.json) and are served from node_modules; they are
# never committed and never loaded from a CDN, so the portal works on a closed intranet.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or BASE_DIR / "media")
# Sizes from kernel/limits.py; kernel.hardening.RequestGuardMiddleware refuses a larger body from its
# Content-Length before reading it. The proxy in front should refuse the same (nginx:
# `client_max_body_size 21m;`, see the README's Hardening section).
FILE_UPLOAD_MAX_MEMORY_SIZE = limits.UPLOAD_IN_MEMORY_BYTES
DATA_UPLOAD_MAX_MEMORY_SIZE = limits.MAX_FORM_BYTES
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

# Reference data (divisions, units, industries, quotas, policy) shipped with the code.
REFERENCE_DIR = Path(env_str("REFERENCE_DIR") or BASE_DIR / "towns" / "reference_data")

# --- Email ----------------------------------------------------------------------------------------
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "portal@dgkjcg.local")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
# Notifications also go out by email only when an SMTP server is configured.
NOTIFICATION_EMAIL_ENABLED = bool(EMAIL_HOST)
# The portal's address as its users reach it: links in group-robot messages and digest mails.
PORTAL_BASE_URL = env_str("PORTAL_BASE_URL", "" if PRODUCTION else "http://127.0.0.1:8000")
if PRODUCTION and not PORTAL_BASE_URL.startswith(("https://", "http://")):
    # Otherwise every link in a robot message or mail points at 127.0.0.1.
    raise ImproperlyConfigured(
        "PORTAL_BASE_URL must be set when PRODUCTION=1 (e.g. https://kjcg.dg.gov.cn)."
    )

# --- REST framework and OpenAPI -----------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "knox.auth.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON nested deeper than kernel/limits.py MAX_JSON_DEPTH is a 400, not a RecursionError.
    "DEFAULT_PARSER_CLASSES": [
        "kernel.hardening.DepthLimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"anon": "120/minute", "user": "600/minute"},
}
# API tokens (django-rest-knox): stored hashed, sent as `Authorization: Token <token>`; each
# expires API_TOKEN_TTL_DAYS after it was issued and is revoked on password change or deactivation.
API_TOKEN_TTL_DAYS = env_int("API_TOKEN_TTL_DAYS", 30)
REST_KNOX = {"TOKEN_TTL": timedelta(days=API_TOKEN_TTL_DAYS), "AUTO_REFRESH": False}
SPECTACULAR_SETTINGS = {
    "TITLE": "东莞科技成果转化平台 API",
    "DESCRIPTION": "Dongguan tech-achievement transfer portal — REST API v1.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI comes from drf-spectacular-sidecar (no CDN); the split view keeps its script
    # out of the page so the Content Security Policy needs no 'unsafe-inline'.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a `status`; name each choice set after what it belongs to.
    # Every operation also documents the 400/401/403/404 bodies it can answer with.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "kernel.openapi.document_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "AchievementStatusEnum": "achievements.choices.AchievementStatus",
        "AchievementKindEnum": "achievements.choices.AchievementKind",
    },
}

# --- Security -----------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = PRODUCTION and env_bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_HSTS_SECONDS = 31536000 if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# No inline scripts or styles anywhere: every script and stylesheet is a static file.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# --- Logging ------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "axes": {"level": "WARNING"},
        "celery.app.trace": {"level": "WARNING"},
    },
}
