"""Settings for 泉山六心: one module, configured by environment variables only.

Every variable is listed in `.env.example`. Defaults are safe for a laptop: DEBUG off,
SQLite under `var/`, local-memory cache. Bad values fail at start-up, not at first use.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: str) -> bool:
    value = os.environ.get(name, default).strip().lower()
    if value not in ("true", "false", "1", "0", "yes", "no", "on", "off"):
        raise ImproperlyConfigured(f"{name} must be true or false, got {value!r}")
    return value in ("true", "1", "yes", "on")


def envint(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def envfloat(name: str, default: float, *, maximum: float | None = None) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a number, got {raw!r}") from exc
    if not 0 < value <= (maximum if maximum is not None else float("inf")):
        raise ImproperlyConfigured(f"{name} must be above 0" + (f" and at most {maximum}" if maximum else ""))
    return value


def envsecret(name: str, default: str = "") -> str:
    """Read NAME, or the contents of the file named by NAME_FILE (Docker/K8s secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text().strip()
    return os.environ.get(name, default)


DEBUG = envbool("DEBUG", "false")
SECRET_KEY = envsecret("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG and envbool("REQUIRE_SECRET_KEY", "false"):
        raise ImproperlyConfigured("SECRET_KEY must be set")
    # A stable per-checkout key for local runs; production sets SECRET_KEY (REQUIRE_SECRET_KEY).
    SECRET_KEY = "insecure-local-key-set-SECRET_KEY-in-production"

# Residents' personal data at rest (apps/common/pii.py): SM4 keyring `id:base64,...` (old keys
# stay for reading until `rotate_pii_key` has run), the id new values are written with, and the
# blind index's own key. With none set and DEBUG on (or PII_DEV_KEYS=true, as the Makefile's
# local targets pass), this checkout's development keys are used, made under var/ on first use;
# otherwise the web application refuses to start without keys (quanshan/wsgi.py).
PII_KEYS = envsecret("PII_KEYS")
PII_KEY_ID = env("PII_KEY_ID")
PII_INDEX_KEY = envsecret("PII_INDEX_KEY")
if not PII_KEYS and (DEBUG or envbool("PII_DEV_KEYS", "false")):
    from apps.common.pii import development_keys

    PII_KEYS, PII_KEY_ID, PII_INDEX_KEY = development_keys(VAR_DIR / "pii-dev-keys")
if PII_KEYS:
    from apps.common.pii import parse_keyring

    parse_keyring(PII_KEYS, PII_KEY_ID, PII_INDEX_KEY)  # a malformed key fails here, at start-up

ALLOWED_HOSTS = [h.strip() for h in env("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in env("CSRF_TRUSTED_ORIGINS").split(",") if o.strip()]
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "simple_history",
    "apps.common",
    "apps.places",
    "apps.accounts",
    "apps.programmes",
    "apps.projects",
    "apps.appeals",
    "apps.apikeys",
    "apps.demo",
    "apps.public",
    "apps.api",
    "apps.open311",
]

MIDDLEWARE = [
    # First: an oversized body or a NUL in the admin's query is refused before anything reads it.
    "quanshan.errors.RequestLimitsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so it sees a view's exception first: an unreachable database is a 503, not a 500.
    "quanshan.errors.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "quanshan.urls"
WSGI_APPLICATION = "quanshan.wsgi.application"

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

DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=envint("DB_CONN_MAX_AGE", 60))}
else:
    VAR_DIR.mkdir(exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "quanshan.sqlite3",
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            # django-redis reuses its Redis client; Django's own backend builds one per operation,
            # which doubles the cost of every cache read and rate-limit check (see bench/).
            # A failing Redis never breaks a page: short time-outs, a circuit breaker, and
            # rate limits that count in the process meanwhile (apps.common.cache_backend).
            "BACKEND": "apps.common.cache_backend.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "quanshan"),
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": envfloat("CACHE_TIMEOUT", 0.25, maximum=0.25),
                "SOCKET_TIMEOUT": envfloat("CACHE_TIMEOUT", 0.25, maximum=0.25),
                "BREAKER_THRESHOLD": envint("CACHE_BREAKER_THRESHOLD", 2),
                "BREAKER_COOLDOWN": envfloat("CACHE_BREAKER_COOLDOWN", 10.0),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns at start-up when it is missing
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if envbool("STATIC_MANIFEST", "false")
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Uploads are bounded before work is done (apps.common.images, quanshan.errors): one photo's bytes,
# the pixels its header may declare (40 Mpx: any phone camera), and a whole request body, which is
# refused by its Content-Length before it is read (DATA_UPLOAD_MAX_MEMORY_SIZE leaves files out).
PHOTO_MAX_BYTES = envint("PHOTO_MAX_BYTES", 10 * 1024 * 1024)
PHOTO_MAX_PIXELS = envint("PHOTO_MAX_PIXELS", 40_000_000)
REQUEST_MAX_BODY_BYTES = envint("REQUEST_MAX_BODY_BYTES", 32 * 1024 * 1024)
if min(PHOTO_MAX_BYTES, PHOTO_MAX_PIXELS, REQUEST_MAX_BODY_BYTES) <= 0:
    raise ImproperlyConfigured("PHOTO_MAX_BYTES, PHOTO_MAX_PIXELS and REQUEST_MAX_BODY_BYTES must be positive")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", "false")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}

# --- Domain settings -------------------------------------------------------------------------

# 红黄绿灯: percentage points behind 序时进度 at which a project turns yellow / red.
HEALTH_YELLOW_THRESHOLD = envint("HEALTH_YELLOW_THRESHOLD", 10)
HEALTH_RED_THRESHOLD = envint("HEALTH_RED_THRESHOLD", 30)
if not 0 < HEALTH_YELLOW_THRESHOLD < HEALTH_RED_THRESHOLD <= 100:
    raise ImproperlyConfigured("Need 0 < HEALTH_YELLOW_THRESHOLD < HEALTH_RED_THRESHOLD <= 100")

# Deadlines for residents' requests: a first response within hours, then handling within
# working days per request type.
APPEAL_RESPONSE_HOURS = envint("APPEAL_RESPONSE_HOURS", 24)
APPEAL_RESOLVE_WORKING_DAYS = {
    "inquiry": envint("APPEAL_DAYS_INQUIRY", 2),
    "help": envint("APPEAL_DAYS_HELP", 10),
    "complaint": envint("APPEAL_DAYS_COMPLAINT", 15),
    "suggestion": envint("APPEAL_DAYS_SUGGESTION", 10),
    "praise": envint("APPEAL_DAYS_PRAISE", 2),
}
# Public holidays (YYYY-MM-DD, comma-separated) and 调休 working weekend days.
HOLIDAYS = [d.strip() for d in env("HOLIDAYS").split(",") if d.strip()]
EXTRA_WORKDAYS = [d.strip() for d in env("EXTRA_WORKDAYS").split(",") if d.strip()]
# Personal contact data of closed requests is purged after this many days.
APPEAL_CONTACT_RETENTION_DAYS = envint("APPEAL_CONTACT_RETENTION_DAYS", 730)
# 三率 composite score weights (响应率, 解决率, 满意率), in percent.
RATES_WEIGHTS = {
    "response": envint("RATES_WEIGHT_RESPONSE", 30),
    "resolution": envint("RATES_WEIGHT_RESOLUTION", 30),
    "satisfaction": envint("RATES_WEIGHT_SATISFACTION", 40),
}
# No rank in public rankings below this many requests in the period.
RATES_MIN_SAMPLE = envint("RATES_MIN_SAMPLE", 10)

# Public site spam guard (per client IP, Django cache): successful submissions allowed per window,
# and failed tracking look-ups before the IP's wrong guesses are refused for PUBLIC_TRACK_LOCKOUT
# seconds (a right pair still passes).
PUBLIC_SUBMIT_LIMIT = envint("PUBLIC_SUBMIT_LIMIT", 5)
PUBLIC_SUBMIT_WINDOW = envint("PUBLIC_SUBMIT_WINDOW", 600)
PUBLIC_TRACK_FAILURE_LIMIT = envint("PUBLIC_TRACK_FAILURE_LIMIT", 5)
PUBLIC_TRACK_FAILURE_WINDOW = envint("PUBLIC_TRACK_FAILURE_WINDOW", 600)
PUBLIC_TRACK_LOCKOUT = envint("PUBLIC_TRACK_LOCKOUT", 900)
# Wrong tracking guesses a day per IP (then refused outright) and per tracking number (then
# that number is refused to everyone until the day is over): what bounds a guesser (README).
PUBLIC_TRACK_DAILY_LIMIT = envint("PUBLIC_TRACK_DAILY_LIMIT", 30)
PUBLIC_TRACK_NUMBER_LIMIT = envint("PUBLIC_TRACK_NUMBER_LIMIT", 10)
# Reverse proxies in front of the app whose X-Forwarded-For entries are trusted (0: use REMOTE_ADDR).
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0)

# Map tiles: OpenStreetMap by default; 天地图 when TIANDITU_KEY is set.
MAP_TILE_URL = env("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env("MAP_TILE_ATTRIBUTION", "© OpenStreetMap contributors")
TIANDITU_KEY = envsecret("TIANDITU_KEY")

# --- REST framework ---------------------------------------------------------------------------

# Rate limits of the REST API: per API key for authenticated clients, per IP for anonymous ones
# ("N/s", "N/min", "N/hour" or "N/day").
API_THROTTLE_RATES = {
    "api_key": env("API_RATE_PER_KEY", "600/min"),
    "ip": env("API_RATE_PER_IP", "120/min"),
}
for _name, _rate in API_THROTTLE_RATES.items():
    if not re.fullmatch(r"[1-9][0-9]*/(s|sec|m|min|h|hour|d|day)", _rate):
        raise ImproperlyConfigured(f"API rate {_name} must look like 120/min, got {_rate!r}")
# Rows on one page of a list: the public site's lists and the API's default.
PAGE_SIZE = 20
API_MAX_PAGE_SIZE = envint("API_MAX_PAGE_SIZE", 200)
# Rows in one CSV/Excel export; a larger one is refused with a 400 asking for a narrower period.
API_EXPORT_MAX_ROWS = envint("API_EXPORT_MAX_ROWS", 50000)

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_AUTHENTICATION_CLASSES": ["apps.api.authentication.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": [
        "apps.apikeys.throttling.ApiKeyRateThrottle",
        "apps.apikeys.throttling.IpRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": API_THROTTLE_RATES,
    "DEFAULT_PAGINATION_CLASS": "apps.api.pagination.Pagination",
    "PAGE_SIZE": PAGE_SIZE,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["apps.api.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "apps.api.exceptions.exception_handler",
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": False,
    "URL_FORMAT_OVERRIDE": None,
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "泉山六心 API",
    "DESCRIPTION": "泉山区“六心工程”民生项目与群众诉求开放接口 / Quanshan Liuxin projects and requests API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "ProjectStatusEnum": "apps.projects.models.ProjectStatus",
        "RequestStatusEnum": "apps.appeals.models.Status",
    },
    "SWAGGER_UI_SETTINGS": {"persistAuthorization": True, "displayRequestDuration": True},
}

ADMIN_SITE_TITLE = _("泉山六心 管理后台")
