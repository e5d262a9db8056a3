"""certsvc settings: one module, read from the environment.

With no configuration at all the service runs on its embedded default: a SQLite
file and a Celery broker that needs no server, both under ``var/``. Production
sets ``DEBUG=false`` and the variables listed in README.md; unsafe production
settings are refused at start-up rather than discovered later.
"""

from __future__ import annotations

import secrets
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from certsvc.env import env_bool, env_int, env_list, env_secret, env_str
from certsvc.settings_api import SPECTACULAR_SETTINGS  # noqa: F401 - a Django setting
from certsvc.settings_attachments import *  # noqa: F403 - upload limits and storages
from certsvc.settings_cache import caches_from_url
from certsvc.settings_issuance import *  # noqa: F403 - the signing worker and its queues
from certsvc.settings_log import *  # noqa: F403 - where the log asks the app
from certsvc.settings_portal import LOGIN_URL, PORTAL_APPS, PORTAL_MIDDLEWARE  # noqa: F401
from certsvc.settings_signing import PKCS11_MODULE, PKCS11_PIN, PKCS11_TOKEN_LABEL  # noqa: F401

BASE_DIR = Path(__file__).resolve().parent.parent
# The test suite keeps its broker folder, keys and mail apart from a developer's local run.
TESTING = env_bool("CERTSVC_TESTING", "pytest" in sys.modules)
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var" / ("test" if TESTING else ""))))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", True)


def _development_secret(file_name: str, factory: Callable[[], str]) -> str:
    """A secret kept under var/ so that local runs survive restarts; never used in production."""
    path = VAR_DIR / file_name
    if not path.exists():
        path.write_text(factory(), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = env_secret("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not DEBUG:
    if not SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) is required when DEBUG=false")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS is required when DEBUG=false")
else:
    SECRET_KEY = SECRET_KEY or _development_secret("secret_key", lambda: secrets.token_urlsafe(50))
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["localhost", "127.0.0.1", "[::1]", "testserver"]

PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", "" if not DEBUG else "http://127.0.0.1:8000").rstrip("/")
if not DEBUG and not PUBLIC_BASE_URL.startswith("https://"):
    # It is printed into every issued PDF's QR code: a wrong value cannot be taken back.
    raise ImproperlyConfigured("PUBLIC_BASE_URL must be the service's https:// address when DEBUG=false")

# Reverse proxies in front of the service: throttles and login lockouts key on the client address
# that the last NUM_PROXIES proxies put into X-Forwarded-For, never on a client-supplied header.
NUM_PROXIES = env_int("NUM_PROXIES", 0)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "certsvc.apps.KnoxConfig",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_countries",
    "django_prometheus",
    "signing",
    "signing.transparency",
    "certificates",
    "certificates.notifications",
    *PORTAL_APPS,
    "certsvc.apps.AxesConfig",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # Probes and scrapes come by internal address over HTTP: served before host checks and redirects.
    "certsvc.middleware.OpsEndpointsMiddleware",
    "certsvc.middleware.RequestIdMiddleware",
    # The JWKS and key list, from memory, with what SecurityMiddleware adds (the redirect, headers).
    "signing.published.PublishedKeysMiddleware",
    # Oversized bodies are refused (413) before anything reads them.
    "certsvc.limits.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files (admin, API docs) from gunicorn too: the image has no other server for them.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "certsvc.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "certsvc.text_input.ProhibitedTextMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    *PORTAL_MIDDLEWARE,
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
    # Last, as django-axes requires: locks out repeated failed logins per username and address.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "certsvc.urls"
WSGI_APPLICATION = "certsvc.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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

# --- Data stores -----------------------------------------------------------------

# DATABASE_URL_FILE keeps the database password out of the environment.
DATABASE_URL = env_secret("DATABASE_URL", f"sqlite:///{VAR_DIR / 'certsvc.sqlite3'}")
DATABASES = {"default": {**environ.Env.db_url_config(DATABASE_URL), "ATOMIC_REQUESTS": False}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the worker share the file: wait for the other's write lock.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DB_CONN_MAX_AGE", 0)
else:
    # Persistent connections, replaced when found dead as a request starts; PgBouncer: docs/operations.md.
    DATABASES["default"].update(CONN_MAX_AGE=env_int("DB_CONN_MAX_AGE", 600), CONN_HEALTH_CHECKS=True)
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool("DB_DISABLE_SERVER_SIDE_CURSORS", False)
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env_int("DB_CONNECT_TIMEOUT", 5)
    if env_bool("DB_PREPARED_STATEMENTS", True):  # only the reads that ask for it (certsvc.prepared)
        DATABASES["default"]["OPTIONS"]["prepare_threshold"] = 5

# Query counts and latency per database for /metrics; the vendor stays postgresql/sqlite.
DATABASES["default"]["ENGINE"] = DATABASES["default"]["ENGINE"].replace(
    "django.db.backends.", "django_prometheus.db.backends.", 1
)

# The embedded default shares one file cache between the web server and the worker (heartbeats,
# throttles, cached bundles); production points CACHE_URL at Redis.
CACHE_URL = env_secret("CACHE_URL", f"filecache://{VAR_DIR / 'cache'}")
CACHES = caches_from_url(CACHE_URL)  # JSON only: see certsvc/cache.py

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "certificates.User"

# django-axes checks for a lockout first (web logins), then the model backend checks the password.
AUTHENTICATION_BACKENDS = [
    "certsvc.limits.LoginLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_IPWARE_PROXY_COUNT = NUM_PROXIES or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if NUM_PROXIES else ("REMOTE_ADDR",)
)

_VALIDATORS = ("UserAttributeSimilarity", "MinimumLength", "CommonPassword", "NumericPassword")
_VALIDATOR = "django.contrib.auth.password_validation.{}Validator"
AUTH_PASSWORD_VALIDATORS = [{"NAME": _VALIDATOR.format(name)} for name in _VALIDATORS]

# --- Internationalisation ----------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ru", _("Russian")), ("uz", _("Uzbek"))]
LOCALE_PATHS = [BASE_DIR / "certsvc" / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # filled by collectstatic; WhiteNoise warns when it is missing
MEDIA_ROOT, MEDIA_URL, STORAGES = attachment_media(VAR_DIR)  # noqa: F405

# --- API -------------------------------------------------------------------------

MAX_PAGE_SIZE = 100
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["certsvc.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "certificates.api.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "certsvc.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "certsvc.problems.problem_exception_handler",
    "NUM_PROXIES": NUM_PROXIES,
    "DEFAULT_THROTTLE_RATES": {
        "login": env_str("THROTTLE_LOGIN", "10/min"),
        "verify_anon": env_str("THROTTLE_VERIFY_ANON", "30/min"),
        "verify_user": env_str("THROTTLE_VERIFY_USER", "600/min"),
        "public_page": env_str("THROTTLE_PUBLIC_PAGE", "30/min"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=env_int("TOKEN_TTL_HOURS", 10)),
    "AUTH_HEADER_PREFIX": "Token",
    "TOKEN_LIMIT_PER_USER": None,
    "AUTO_REFRESH": False,
}

DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("MAX_REQUEST_BYTES", 1024 * 1024)

# --- Celery ----------------------------------------------------------------------

BROKER_DIR = VAR_DIR / "broker"
# kombu warns on every connection to a URL with no host; the folders below are what counts.
CELERY_BROKER_URL = env_secret("CELERY_BROKER_URL", "filesystem://localhost/")
if CELERY_BROKER_URL.startswith("filesystem://"):
    for folder in ("queue", "processed", "control"):
        (BROKER_DIR / folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
    }
CELERY_RESULT_BACKEND = env_secret("CELERY_RESULT_BACKEND", "") or None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_DB_REUSE_MAX = 2**62  # never reached: connections live by DATABASES' rule (task_connections.py)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 60)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 90)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# A broker outage must not hang a web request: publishing gives up quickly and the
# outbox rows in PostgreSQL let the periodic sweep send the message later.
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "issuance-sweep": {
        "task": "certificates.issuance_sweep",
        "schedule": env_int("ISSUANCE_SWEEP_SECONDS", 30),
    },
    "worker-heartbeat": {
        "task": "certsvc.worker_heartbeat",
        "schedule": env_int("WORKER_HEARTBEAT_SECONDS", 30),
    },
    "notifications-sweep": {"task": "notifications_sweep", "schedule": 60},
    "log-checkpoint": {"task": "signing.transparency.tasks.checkpoint_publish", "schedule": 60},
    # Signs the audit chain heads into the transparency log, so a recomputed chain is detectable.
    "audit-anchor": {"task": "certificates.audit_anchor", "schedule": env_int("AUDIT_ANCHOR_SECONDS", 3600)},
    "idempotency-keys-purge": {"task": "certificates.idempotency_keys_purge", "schedule": 3600},
    "inquiries-overdue": {"task": "customs.inquiries_overdue", "schedule": 600},
}

# --- Certificates ----------------------------------------------------------------

CERTIFICATE_NUMBER_PREFIX = env_str("CERTIFICATE_NUMBER_PREFIX", "UZBY")
if not (
    CERTIFICATE_NUMBER_PREFIX.isascii()
    and CERTIFICATE_NUMBER_PREFIX.isupper()
    and CERTIFICATE_NUMBER_PREFIX.isalpha()
    and 2 <= len(CERTIFICATE_NUMBER_PREFIX) <= 8
):
    raise ImproperlyConfigured("CERTIFICATE_NUMBER_PREFIX must be 2 to 8 capital Latin letters")
CERTIFICATE_VALIDITY_DAYS = env_int("CERTIFICATE_VALIDITY_DAYS", 365)
# Days a customs inquiry has before it turns overdue and the issuing body's officers are e-mailed.
INQUIRY_DUE_DAYS = env_int("INQUIRY_DUE_DAYS", 30)
# An order queued this long ago and still pending is re-queued by the sweep: its message may be lost.
ISSUANCE_STALE_SECONDS = env_int("ISSUANCE_STALE_SECONDS", 120)
ISSUANCE_SWEEP_BATCH = env_int("ISSUANCE_SWEEP_BATCH", 500)
# An order that keeps failing unexpectedly is marked failed (with its error) after this many attempts.
ISSUANCE_MAX_ATTEMPTS = env_int("ISSUANCE_MAX_ATTEMPTS", 8)
STATUS_BUNDLE_TTL_SECONDS = env_int("STATUS_BUNDLE_TTL_SECONDS", 3600)
if not 0 < STATUS_BUNDLE_TTL_SECONDS <= 86400:
    # Offline verifiers refuse a bundle valid for more than a day (CONTRACT §4).
    raise ImproperlyConfigured("STATUS_BUNDLE_TTL_SECONDS must be between 1 and 86400")
# Webhooks to plain-http URLs are refused unless this is set (development only).
WEBHOOKS_ALLOW_HTTP = env_bool("WEBHOOKS_ALLOW_HTTP", False)
# One delivery attempt, connect to last byte, ends after this many seconds; a tarpit is a failed attempt.
WEBHOOK_TOTAL_TIMEOUT_SECONDS = env_int("WEBHOOK_TOTAL_TIMEOUT_SECONDS", 15)
WEBHOOK_MAX_ENDPOINTS_PER_ORGANIZATION = env_int("WEBHOOK_MAX_ENDPOINTS_PER_ORGANIZATION", 10)
# Test-only: slows each signing down so that fault tests can kill a worker mid-task.
ISSUANCE_TEST_DELAY_SECONDS = float(env_str("ISSUANCE_TEST_DELAY_SECONDS", "0") or 0)
if not DEBUG and (ISSUANCE_TEST_DELAY_SECONDS or WEBHOOKS_ALLOW_HTTP):
    raise ImproperlyConfigured("ISSUANCE_TEST_DELAY_SECONDS and WEBHOOKS_ALLOW_HTTP are for development only")

# --- E-mail ----------------------------------------------------------------------

EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "certsvc <noreply@certsvc.local>")

# --- Signing ---------------------------------------------------------------------

SIGNING_BACKENDS = {
    "software": "signing.backends.software.SoftwareBackend",
    "pkcs11": "signing.backends.pkcs11.Pkcs11Backend",
}
SIGNING_DEFAULT_BACKEND = env_str("SIGNING_BACKEND", "software")
SIGNING_KEK = env_secret("SIGNING_KEK")
SIGNING_KEK_ID = env_str("SIGNING_KEK_ID", "")
if not SIGNING_KEK:
    if not DEBUG:
        raise ImproperlyConfigured("SIGNING_KEK (or SIGNING_KEK_FILE) is required when DEBUG=false")
    import base64

    SIGNING_KEK = _development_secret("dev_kek", lambda: base64.b64encode(secrets.token_bytes(32)).decode())
    SIGNING_KEK_ID = SIGNING_KEK_ID or "dev"
SIGNING_KEK_ID = SIGNING_KEK_ID or "kek-1"
SIGNING_OLD_KEKS = env_secret("SIGNING_OLD_KEKS")

# --- Security --------------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [PUBLIC_BASE_URL])

# --- Logging ---------------------------------------------------------------------

LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
# One JSON object per line in production; readable lines while developing.
LOG_FORMAT = env_str("LOG_FORMAT", "text" if DEBUG else "json")
from certsvc.logging import logging_config  # noqa: E402

LOGGING = logging_config(fmt=LOG_FORMAT, level=LOG_LEVEL)

# --- Health and metrics ----------------------------------------------------------

from certsvc.settings_ops import *  # noqa: E402, F403

if BENCH_ROUTES and not DEBUG:  # noqa: F405
    raise ImproperlyConfigured("CERTSVC_BENCH_ROUTES is for development only (bench/settings.py benchmarks)")

# Error pages hide every secret setting and the passwords inside URLs.
DEFAULT_EXCEPTION_REPORTER_FILTER = "certsvc.debug_reporting.SecretSettingsFilter"
