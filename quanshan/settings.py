"""Settings for 泉山六心: one module, configured by environment variables only.

Every variable is listed in `.env.example`. Defaults are safe for a laptop: DEBUG off,
SQLite under `var/`, local-memory cache. Bad values fail at start-up, not at first use.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
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
    PII_DEVELOPMENT_KEYS = True  # `check --deploy` refuses them
if PII_KEYS:
    from apps.common.pii import parse_keyring

    parse_keyring(PII_KEYS, PII_KEY_ID, PII_INDEX_KEY)  # a malformed key fails here, at start-up

ALLOWED_HOSTS = [h.strip() for h in env("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in env("CSRF_TRUSTED_ORIGINS").split(",") if o.strip()]
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "apps.backoffice.apps.BackOfficeAdminConfig",  # django.contrib.admin, its index a workbench
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
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "apps.common",
    "apps.places",
    "apps.accounts",
    "apps.audit",
    "apps.backups",
    "apps.programmes",
    "apps.projects",
    "apps.categories",
    "apps.appeals",
    "apps.notifications",
    "apps.webhooks",
    "apps.jobs",
    "apps.reports",
    "apps.apikeys",
    "apps.proposals",
    "apps.topics",
    "apps.demo",
    "apps.public",
    "apps.api",
    "apps.open311",
]

MIDDLEWARE = [
    # First: an oversized body or a NUL in the admin's query is refused before anything reads it.
    "quanshan.errors.RequestLimitsMiddleware",
    # Then what caches in front may keep (public, ETag, 304) or not (private, no-store): it sees
    # every cookie and header the others add.
    "apps.common.http_cache.HttpCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "apps.accounts.middleware.OfficialSignInGateMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Notes when an official last changed something, so that 今日待办 shows their own step at once.
    "apps.backoffice.middleware.OfficialWritesMiddleware",
    # Turns a refused sign-in of a locked account into the lockout page.
    "axes.middleware.AxesMiddleware",
    # Last, so it sees a view's exception first: an unreachable database is a 503, not a 500.
    "quanshan.errors.DatabaseUnavailableMiddleware",
]

# Django's form renderer with its common widgets drawn in Python, to the character what its
# templates draw, at a fraction of their cost (a form drawn again for each refused post).
FORM_RENDERER = "apps.common.form_renderer.PythonWidgetsRenderer"

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
                "csp.context_processors.nonce",
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
            "NAME": Path(env("SQLITE_PATH") or VAR_DIR / "quanshan.sqlite3"),
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

# --- Background jobs and notifications (apps.notifications) ---------------------------------

# Celery on Redis. With no broker configured (`make run`), tasks run in the process that queues
# them, after its transaction commits; production runs `celery -A quanshan worker` and `beat`.
CELERY_BROKER_URL = env("CELERY_BROKER_URL") or REDIS_URL
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_BROKER_CONNECTION_TIMEOUT = envfloat("CELERY_BROKER_CONNECTION_TIMEOUT", 1.0)
# A web request never hangs on a broker that is down: one quick try, then the row waits.
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "Asia/Shanghai"
OFFICIAL_DIGEST_HOUR = envint("OFFICIAL_DIGEST_HOUR", 8)
if not 0 <= OFFICIAL_DIGEST_HOUR <= 23:
    raise ImproperlyConfigured("OFFICIAL_DIGEST_HOUR must be an hour of the day, 0 to 23")
# Celery's own beat (no django-celery-beat): the schedule is code, reviewed like code, and needs
# no tables. The sweep sends what a lost task or a broker outage left pending.
CELERY_BEAT_SCHEDULE = {
    "send-due-messages": {"task": "notifications.send_due", "schedule": envint("NOTIFY_SWEEP_SECONDS", 60)},
    # Immediate followers are also sent to when a 进展 is posted; this catches a lost task.
    "follow-digests-immediate": {
        "task": "notifications.follow_digests",
        "schedule": envint("FOLLOW_IMMEDIATE_SWEEP_SECONDS", 300),
        "args": ["immediate"],
    },
    "follow-digests-weekly": {
        "task": "notifications.follow_digests",
        "schedule": crontab(minute=0, hour=8, day_of_week=1),
        "args": ["weekly"],
    },
    "webhook-deliveries": {"task": "webhooks.deliver_due", "schedule": envint("WEBHOOK_SWEEP_SECONDS", 60)},
    # Spreadsheet jobs: re-queue lost ones, fail those a dead worker left, delete expired files.
    "spreadsheet-jobs": {"task": "jobs.sweep", "schedule": envint("SPREADSHEET_JOB_SWEEP_SECONDS", 300)},
    "official-deadlines": {
        "task": "notifications.official_deadlines",
        "schedule": envint("OFFICIAL_DEADLINE_SCAN_SECONDS", 3600),
    },
    # The domain's own jobs, at night (Asia/Shanghai); each is idempotent and has a command.
    "refresh-project-health": {"task": "projects.refresh_health", "schedule": crontab(minute=5, hour=0)},
    "close-unrated-appeals": {"task": "appeals.close_unrated", "schedule": crontab(minute=30, hour=1)},
    "purge-appeal-contacts": {"task": "appeals.purge_contacts", "schedule": crontab(minute=0, hour=2)},
    "prune-audit-log": {"task": "audit.prune", "schedule": crontab(minute=30, hour=3)},
    "official-digests": {
        "task": "notifications.official_digests",
        "schedule": crontab(minute=0, hour=OFFICIAL_DIGEST_HOUR),
    },
    # The monthly snapshots behind /reports/: a month's final one just after it ends.
    "report-snapshots": {"task": "reports.take_snapshots", "schedule": crontab(minute=30, hour=0)},
}
NOTIFY_MAX_ATTEMPTS = envint("NOTIFY_MAX_ATTEMPTS", 6)
NOTIFY_RETRY_BASE_SECONDS = envint("NOTIFY_RETRY_BASE_SECONDS", 60)
NOTIFY_SWEEP_LIMIT = envint("NOTIFY_SWEEP_LIMIT", 500)
# Following projects, areas and programmes by e-mail: how long a confirmation link works, and
# how many follow requests an IP (per hour) and an address (per day) may make, so the form
# cannot be used to mail strangers.
FOLLOW_CONFIRM_MAX_AGE_HOURS = envint("FOLLOW_CONFIRM_MAX_AGE_HOURS", 72)
FOLLOW_IP_LIMIT = envint("FOLLOW_IP_LIMIT", 10)
FOLLOW_ADDRESS_LIMIT = envint("FOLLOW_ADDRESS_LIMIT", 3)
# Officials' notices: how far ahead a deadline is "within 24 h", and how many requests one
# deadline scan looks at (the most pressing first).
OFFICIAL_DUE_SOON_HOURS = envint("OFFICIAL_DUE_SOON_HOURS", 24)
OFFICIAL_SCAN_LIMIT = envint("OFFICIAL_SCAN_LIMIT", 5000)
# Webhooks (Standard Webhooks): seconds to wait for a receiver, the first retry's delay (then
# doubling, at most an hour), hours of retries after an event, days of failures before pausing.
WEBHOOK_TIMEOUT = envfloat("WEBHOOK_TIMEOUT", 10.0, maximum=60)
WEBHOOK_RETRY_BASE_SECONDS = envint("WEBHOOK_RETRY_BASE_SECONDS", 30)
WEBHOOK_RETRY_HOURS = envint("WEBHOOK_RETRY_HOURS", 24)
WEBHOOK_PAUSE_AFTER_DAYS = envint("WEBHOOK_PAUSE_AFTER_DAYS", 3)
# Admin spreadsheet imports and exports (apps.jobs): more rows than this run as a background
# job with a progress page instead of in the web request; the job reads and writes this many
# rows at a time; its files are deleted (with the job) after the retention; a job still running
# after the timeout is taken as dead (its worker stopped) and marked failed, to be retried.
BACKGROUND_SPREADSHEET_ROWS = envint("BACKGROUND_SPREADSHEET_ROWS", 2000)
SPREADSHEET_JOB_CHUNK_ROWS = envint("SPREADSHEET_JOB_CHUNK_ROWS", 500)
SPREADSHEET_JOB_RETENTION_HOURS = envint("SPREADSHEET_JOB_RETENTION_HOURS", 72)
SPREADSHEET_JOB_TIMEOUT_SECONDS = envint("SPREADSHEET_JOB_TIMEOUT_SECONDS", 3600)

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = envsecret("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "false")
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "泉山六心 <noreply@localhost>")

# SMS senders (apps.notifications.sms): console, file (tests) or an HTTP gateway.
SMS_BACKEND = env("SMS_BACKEND", "apps.notifications.sms.ConsoleBackend")
SMS_FILE_PATH = Path(env("SMS_FILE_PATH") or VAR_DIR / "sms")
SMS_HTTP_URL = env("SMS_HTTP_URL")
SMS_HTTP_TEMPLATE_ID = env("SMS_HTTP_TEMPLATE_ID")
SMS_HTTP_APP_KEY = env("SMS_HTTP_APP_KEY")
SMS_HTTP_APP_SECRET = envsecret("SMS_HTTP_APP_SECRET")
SMS_HTTP_TIMEOUT = envfloat("SMS_HTTP_TIMEOUT", 5.0, maximum=30)
if SMS_BACKEND.endswith(".HttpBackend") and not (SMS_HTTP_URL and SMS_HTTP_APP_KEY and SMS_HTTP_APP_SECRET):
    raise ImproperlyConfigured("SMS_BACKEND HttpBackend needs SMS_HTTP_URL, SMS_HTTP_APP_KEY and SMS_HTTP_APP_SECRET")
# A resident's link to their tracking page stays valid this long (apps.appeals.tracking).
TRACKING_LINK_MAX_AGE_DAYS = envint("TRACKING_LINK_MAX_AGE_DAYS", 180)

# --- Officials' sign-in (等保 2.0 身份鉴别) ----------------------------------------------------

AUTHENTICATION_BACKENDS = [
    # First: refuses any sign-in of a locked username + address before the password is checked.
    "apps.accounts.backends.SignInLockBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_MIN_LENGTH = envint("PASSWORD_MIN_LENGTH", 10)
PASSWORD_MIN_CHARACTER_CLASSES = envint("PASSWORD_MIN_CHARACTER_CLASSES", 3)
# Days before an official must choose a new password (0: never expires).
PASSWORD_MAX_AGE_DAYS = envint("PASSWORD_MAX_AGE_DAYS", 90)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {
        "NAME": "apps.accounts.passwords.CharacterClassesValidator",
        "OPTIONS": {"min_classes": PASSWORD_MIN_CHARACTER_CLASSES},
    },
    {"NAME": "apps.accounts.passwords.NotContainingUsernameValidator"},
    # Records when each password was set; the sign-in gate makes an expired one be changed.
    {"NAME": "apps.accounts.passwords.PasswordAgeRecorder"},
]
if not 8 <= PASSWORD_MIN_LENGTH <= 128 or not 1 <= PASSWORD_MIN_CHARACTER_CLASSES <= 4:
    raise ImproperlyConfigured("Need 8 <= PASSWORD_MIN_LENGTH <= 128 and 1 <= PASSWORD_MIN_CHARACTER_CLASSES <= 4")

# Lockout (django-axes): a username from one address is refused for LOGIN_LOCKOUT_MINUTES after
# LOGIN_FAILURE_LIMIT failed sign-ins.
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# A lock lasts LOGIN_LOCKOUT_MINUTES from the last counted failure; tries while locked do not extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "apps.common.http.client_ip_or_none"  # the proxies we trust, nothing else
AXES_LOCKOUT_CALLABLE = "apps.accounts.views.locked_out"
AXES_DISABLE_ACCESS_LOG = True  # successful sign-ins are in the audit log
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = False  # apps.accounts.admin has its own page, where lifting a lock is audited

# Two-factor sign-in (TOTP) for every official; on unless DEBUG (the demo under `make run`).
OFFICIAL_2FA_REQUIRED = envbool("OFFICIAL_2FA_REQUIRED", "false" if DEBUG else "true")
OTP_TOTP_ISSUER = "泉山六心"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

# Idle sessions end after SESSION_IDLE_MINUTES; every session ends when the browser closes.
SESSION_COOKIE_AGE = envint("SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
LOGIN_URL = "admin:login"

# --- Audit log (等保 2.0 安全审计) -------------------------------------------------------------

# Entries are kept at least 180 days (网络安全法 art. 21); `prune_audit_log` deletes older ones.
AUDIT_RETENTION_MIN_DAYS = 180
AUDIT_RETENTION_DAYS = envint("AUDIT_RETENTION_DAYS", 365)
if AUDIT_RETENTION_DAYS < AUDIT_RETENTION_MIN_DAYS:
    raise ImproperlyConfigured(f"AUDIT_RETENTION_DAYS must be at least {AUDIT_RETENTION_MIN_DAYS}")

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
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto (and strips it from clients).
if envbool("SECURE_PROXY_SSL_HEADER", "false"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "false")
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]  # the load balancer's probes speak plain HTTP
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", "false")
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "false")
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_REFERRER_POLICY = "same-origin"

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
# A project under way with no 进展 for this many days shows on the officials' workbench.
PROJECT_STALE_DAYS = envint("PROJECT_STALE_DAYS", 30)
# 政务公开: a change to a public project is published within 20 working days (《政府信息公开条例》
# 第二十六条); a project under way whose public information is older shows on the workbench.
PROJECT_DISCLOSURE_WORKING_DAYS = envint("PROJECT_DISCLOSURE_WORKING_DAYS", 20)
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
# 紧急 requests (a safety hazard): respond within hours, resolve within working days.
APPEAL_URGENT_RESPONSE_HOURS = envint("APPEAL_URGENT_RESPONSE_HOURS", 2)
APPEAL_URGENT_RESOLVE_WORKING_DAYS = envint("APPEAL_URGENT_RESOLVE_WORKING_DAYS", 1)
# Words in a request's title or content that suggest 紧急 (comma-separated); an official confirms at 受理.
APPEAL_HAZARD_WORDS = [
    w.strip()
    for w in env(
        "APPEAL_HAZARD_WORDS",
        "燃气,煤气,天然气,漏气,漏电,触电,火灾,起火,着火,冒烟,坍塌,塌陷,倒塌,飞线充电,电动车充电,井盖,爆炸",
    ).split(",")
    if w.strip()
]
# 延期: at most this many approved extensions per request, each at most this many working days
# beyond the current deadline.
APPEAL_MAX_EXTENSIONS = envint("APPEAL_MAX_EXTENSIONS", 1)
APPEAL_EXTENSION_MAX_WORKING_DAYS = envint("APPEAL_EXTENSION_MAX_WORKING_DAYS", 10)
# 协办: a co-department answers (协办意见) within this many working days of 派单, and never later
# than the lead department's own deadline, so the lead has the contribution before it resolves.
APPEAL_CO_REPLY_WORKING_DAYS = envint("APPEAL_CO_REPLY_WORKING_DAYS", 3)
# 回访: a resolved request nobody rated within this many days is closed as 未评价.
APPEAL_RATING_DAYS = envint("APPEAL_RATING_DAYS", 7)
# 重办: a request may be reopened at most this many times.
APPEAL_MAX_REOPENS = envint("APPEAL_MAX_REOPENS", 2)
# 签收: the unit signs for a request within this many hours of 派单 (or 重办); 紧急 ones sooner.
APPEAL_SIGN_HOURS = envint("APPEAL_SIGN_HOURS", 24)
APPEAL_URGENT_SIGN_HOURS = envint("APPEAL_URGENT_SIGN_HOURS", 1)
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
# The figures of /stats/, the API and the reports: each is a sum of counts over a sum of counts
# (a rate in percent) or a sum of counts alone (a number), over the requests received in the
# period (per day received) or the steps taken in it (step:<action>, step:sign_in_time,
# step:proxy). The counts are named and explained in words in apps.appeals.figures.COUNTS, and
# /stats/ shows each formula in words. 环比 compares with the period of equal length before.
FIGURES = {
    "response": {"numerator": ["responded_in_time"], "denominator": ["received"]},
    "resolution": {
        "numerator": ["solved", "resolved_unanswered"],
        "denominator": ["answered", "resolved_unanswered", "pending_due"],
    },
    "satisfaction": {"numerator": ["satisfied"], "denominator": ["rated"]},
    "sign_in_time": {"numerator": ["step:sign_in_time"], "denominator": ["step:sign"]},
    "resolve_in_time": {"numerator": ["resolved_in_time"], "denominator": ["resolved"]},
    "return": {"numerator": ["step:return"], "denominator": ["step:assign"]},
    "reopen": {"numerator": ["step:reopen"], "denominator": ["step:resolve"]},
    "extension": {"numerator": ["step:approve_extension"], "denominator": ["step:assign"]},
    "supervised": {"numerator": ["step:supervise"]},
    "proxy": {"numerator": ["step:proxy"]},
}

# 人大代表票决: a candidate passes with more than this percentage of the deputies present voting
# 赞成 (50: more than half), ranked by 赞成 within the places; a session needs at least this many
# candidates more than places.
PROPOSAL_VOTE_PASS_PERCENT = envint("PROPOSAL_VOTE_PASS_PERCENT", 50)
PROPOSAL_VOTE_MIN_EXTRA_CANDIDATES = envint("PROPOSAL_VOTE_MIN_EXTRA_CANDIDATES", 1)
# 满意度测评: a project is 满意 with more than this percentage of the deputies' marks 满意, else
# 基本满意 with more than it 满意 + 基本满意, else 不满意.
PROPOSAL_EVALUATION_PERCENT = envint("PROPOSAL_EVALUATION_PERCENT", 50)
if not 0 <= PROPOSAL_EVALUATION_PERCENT < 100:
    raise ImproperlyConfigured("Need 0 <= PROPOSAL_EVALUATION_PERCENT < 100")
if not 0 <= PROPOSAL_VOTE_PASS_PERCENT < 100 or PROPOSAL_VOTE_MIN_EXTRA_CANDIDATES < 1:
    raise ImproperlyConfigured("Need 0 <= PROPOSAL_VOTE_PASS_PERCENT < 100 and PROPOSAL_VOTE_MIN_EXTRA_CANDIDATES >= 1")

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
# 附近已有相同反映 (/requests/similar.json): look-ups per IP and window; the form asks once per
# change of 社区 or class, so a resident stays far below it.
PUBLIC_SIMILAR_LIMIT = envint("PUBLIC_SIMILAR_LIMIT", 60)
PUBLIC_SIMILAR_WINDOW = envint("PUBLIC_SIMILAR_WINDOW", 600)
# Reverse proxies in front of the app whose X-Forwarded-For entries are trusted (0: use REMOTE_ADDR).
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0)

# Map tiles: OpenStreetMap by default; 天地图 when TIANDITU_KEY is set.
MAP_TILE_URL = env("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env("MAP_TILE_ATTRIBUTION", "© OpenStreetMap contributors")
TIANDITU_KEY = envsecret("TIANDITU_KEY")


# --- Content-Security-Policy (django-csp) -----------------------------------------------------


def _tile_origin(url: str) -> str:
    """The origin a tile template loads from, with Leaflet's {s} subdomain as a wildcard."""
    parts = urlsplit(url)
    host = parts.netloc.replace("{s}", "*")
    if "{" in host:
        host = "*." + host.split(".", 1)[1]
    return f"{parts.scheme}://{host}"


# Scripts only from our own static files (a nonce for the rare page that needs an inline one,
# `request.csp_nonce`); inline style attributes stay allowed for progress bars and badges.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": sorted(
            {SELF, "data:", "blob:", _tile_origin(MAP_TILE_URL)}
            | ({"https://*.tianditu.gov.cn"} if TIANDITU_KEY else set())
        ),
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

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
# Pages of a list (public site, API) reach its first LIST_MAX_ROWS rows, and counts stop there
# (beyond: the planner's estimate), so a deep page costs what page 1 costs (apps/common/paging.py).
LIST_MAX_ROWS = envint("LIST_MAX_ROWS", 10000)
# A search word too short for the trigram index (no 3 letters or characters in a row) searches
# only the newest SEARCH_SHORT_ROWS published requests: bounded work, the recent ones first.
SEARCH_SHORT_ROWS = envint("SEARCH_SHORT_ROWS", 5000)
# The public request lists (site, API) count the matches of their filters and search among the
# newest LIST_COUNT_WINDOW published requests only, scaled to the whole when there are more
# ("about N"): a count's cost does not grow with the table (apps/common/paging.py).
LIST_COUNT_WINDOW = envint("LIST_COUNT_WINDOW", 20000)
# A public search lists (and counts) its newest SEARCH_MAX_ROWS matches: a word found in many
# requests costs what a rarer one costs (apps/common/paging.py).
SEARCH_MAX_ROWS = envint("SEARCH_MAX_ROWS", 1000)
# The 今日待办 counts of a scope are kept in the cache and counted again after a write to a
# request or project, and at the latest after WORKBENCH_COUNTS_SECONDS (1-60): the clock-driven
# queues (due within 24/48 h, overdue) lag by at most that much. An official's own step shows at
# once; another official's within WORKBENCH_STALE_SECONDS (0-60; 0: at once), so that a busy
# office writing several times a second does not count every queue again for every page.
WORKBENCH_COUNTS_SECONDS = envint("WORKBENCH_COUNTS_SECONDS", 60)
if not 1 <= WORKBENCH_COUNTS_SECONDS <= 60:
    raise ImproperlyConfigured("WORKBENCH_COUNTS_SECONDS must be between 1 and 60")
WORKBENCH_STALE_SECONDS = envint("WORKBENCH_STALE_SECONDS", 5)
if not 0 <= WORKBENCH_STALE_SECONDS <= 60:
    raise ImproperlyConfigured("WORKBENCH_STALE_SECONDS must be between 0 and 60")

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
        "RatingEnum": "apps.appeals.models.Rating",  # a request's rating and a project's 满意度测评
        "WebhookEventEnum": "apps.webhooks.models.WebhookEvent",
    },
    "SWAGGER_UI_SETTINGS": {"persistAuthorization": True, "displayRequestDuration": True},
}

ADMIN_SITE_TITLE = _("泉山六心 管理后台")
