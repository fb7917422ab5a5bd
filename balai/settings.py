"""Balai's settings: one file, every value from the environment, defaults for a working local install."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from balai.lib.env import env_bool, env_int, env_list, env_str, secret_key, secret_key_fallbacks

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("BALAI_DATA_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = secret_key(DATA_DIR / ".secret_key")
# Former keys, still accepted for what they signed before a rotation (docs/deploy.md, "Changing SECRET_KEY").
SECRET_KEY_FALLBACKS = secret_key_fallbacks()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The public address of this installation, for links in emails.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Unit websites by host: <unit slug>.<suffix> serves that unit's site (e.g. bitungkota.go.id); empty: paths only.
SITUS_HOST_SUFFIX = env_str("SITUS_HOST_SUFFIX", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "balai.core",
    "balai.lapor",
    "balai.spbe",
    "balai.desa",
    "balai.kinerja",
    "balai.situs",
    "balai.data",
    "balai.ppid",
    "balai.api",
    "balai.dasbor",
    "balai.platform",
]

MIDDLEWARE = [
    "balai.core.middleware.ProxiedClientAddressMiddleware",
    "balai.core.logging.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # After the HTTPS redirect: remembers the public address in use, for `balai doctor` (balai/platform/origins.py).
    "balai.platform.origins.PublicOriginMiddleware",
    # Before WhiteNoise, so that static files carry the header too.
    "balai.core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "balai.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    # A go.id host mapped to a unit serves that unit's website (balai/situs/middleware.py, SITUS_HOST_SUFFIX).
    "balai.situs.middleware.SiteHostMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Adds user.is_verified(): whether this session passed the second sign-in step (a TOTP code).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "balai.core.middleware.PemdaMiddleware",
    # After PemdaMiddleware: whether the second step is required is the Pemda's choice.
    "balai.core.middleware.StaffTwoFactorMiddleware",
    "axes.middleware.AxesMiddleware",
    # A view limited with django-ratelimit's decorator answers with the 429 page (RATELIMIT_VIEW).
    "django_ratelimit.middleware.RatelimitMiddleware",
]

ROOT_URLCONF = "balai.urls"
WSGI_APPLICATION = "balai.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "balai" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "balai.core.context_processors.pemda",
            ],
        },
    },
]

# Database: SQLite in WAL mode by default; writers wait for each other instead of failing.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'balai.sqlite3'}")
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0))}
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {exc}") from exc
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "timeout": env_int("SQLITE_TIMEOUT", 20),
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000;"
        ),
    }
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds the rate-limit counters, so every app server must share it: the database by default
# (`balai createcachetable`), or Redis with CACHE_URL=redis://host:6379/0 (then install the `redis` package).
CACHE_URL = env_str("CACHE_URL")
if CACHE_URL and not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured("CACHE_URL must be a redis://, rediss:// or unix:// URL (or empty for the database).")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "balai_cache"}
    )
}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "balai.core.auth.UsernameOrEmailBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "platform:staff_home"
LOGOUT_REDIRECT_URL = "lapor:home"

# Failed logins: five wrong passwords for one account, from any number of addresses, then a pause (a coordinator
# can lift it on /staf/akun-terkunci/). Per account and not per account and address: an attacker with many
# addresses would otherwise get five guesses from each.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 asks for the address as well: a lockout per address would lock a whole office behind one NAT (a Bimtek
# training room mistyping five passwords in fifteen minutes). Guessing across accounts from one address is bounded
# by the per-account count, the short pause and the audit of every failure (docs/security.md).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
# Count failures per account, whether it was typed as a username or as an email in any case.
AXES_USERNAME_CALLABLE = "balai.core.auth.lockout_username"
AXES_LOCKOUT_TEMPLATE = "core/lockout.html"
# Reverse proxies in front of Balai (nginx: 1). balai.core.middleware.client_address then takes the client's
# address from X-Forwarded-For (the peer's when there are fewer entries than proxies), for rate limits, login
# throttling and the audit trail alike: django-axes asks the same function rather than reading it its own way.
PROXY_COUNT = env_int("PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "balai.core.middleware.client_address"
AXES_VERBOSE = False

# Optional second sign-in step for staff: a 6-digit code from an authenticator app (TOTP, django-otp).
# After a wrong code the next try waits 1, 2, 4, 8… seconds (per account); after five wrong codes the
# person starts again from the password.
OTP_TOTP_THROTTLE_FACTOR = 1
# The admin screens never show another person's secret key or QR code.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "balai" / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("TIME_ZONE", "Asia/Jakarta")

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(DATA_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "balai" / "static"]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(DATA_DIR / "media")))
MEDIA_URL = "/media/"
# Backups (docs/deploy.md "Backups"): where `balai backup` writes by default, how many it keeps, and the command
# that copies the folder off-site after each run ({dir} is the folder, {archive} the new archive).
BACKUP_DIR = Path(env_str("BACKUP_DIR", str(DATA_DIR / "backups")))
BACKUP_KEEP_DAILY = env_int("BACKUP_KEEP_DAILY", 7)
BACKUP_KEEP_WEEKLY = env_int("BACKUP_KEEP_WEEKLY", 4)
BACKUP_KEEP_MONTHLY = env_int("BACKUP_KEEP_MONTHLY", 6)
if min(BACKUP_KEEP_DAILY, BACKUP_KEEP_WEEKLY, BACKUP_KEEP_MONTHLY) < 0:
    raise ImproperlyConfigured("BACKUP_KEEP_DAILY, BACKUP_KEEP_WEEKLY and BACKUP_KEEP_MONTHLY must be 0 or more.")
BACKUP_OFFSITE = env_str("BACKUP_OFFSITE", "").strip()
try:
    shlex.split(BACKUP_OFFSITE)
except ValueError as exc:
    raise ImproperlyConfigured(f"BACKUP_OFFSITE={BACKUP_OFFSITE!r} is not a valid command: {exc}.") from exc
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env_str("STATICFILES_BACKEND", "whitenoise.storage.CompressedManifestStaticFilesStorage")
    },
}
if STORAGES["staticfiles"]["BACKEND"].startswith(("whitenoise.storage.", "django.contrib.staticfiles.storage.")):
    # Static files are public: readable by the web server's own user (nginx), unlike uploads (0640 below).
    STORAGES["staticfiles"]["OPTIONS"] = {"file_permissions_mode": 0o644, "directory_permissions_mode": 0o755}
# Media on S3-compatible object storage when S3_BUCKET is set (several app servers, or no local disk).
# Objects stay private: photos are only ever served through Balai's permission-checking view, which
# reads them through the storage API, so no public or signed URL is handed out.
S3_BUCKET = env_str("S3_BUCKET")
if S3_BUCKET:
    _s3_options: dict[str, Any] = {
        "bucket_name": S3_BUCKET,
        "location": env_str("S3_PREFIX").strip("/"),
        "default_acl": "private",
        "querystring_auth": True,
        # Never replace an existing object: the same names as on the filesystem.
        "file_overwrite": False,
    }
    # Unset values are left out so that boto3 can find credentials itself (instance role, AWS_* variables).
    for _option, _variable in [
        ("endpoint_url", "S3_ENDPOINT_URL"),
        ("region_name", "S3_REGION"),
        ("access_key", "S3_ACCESS_KEY_ID"),
        ("secret_key", "S3_SECRET_ACCESS_KEY"),
        ("addressing_style", "S3_ADDRESSING_STYLE"),
    ]:
        if _value := env_str(_variable):
            _s3_options[_option] = _value
    if ("access_key" in _s3_options) != ("secret_key" in _s3_options):
        raise ImproperlyConfigured("Set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or neither.")
    if _s3_options.get("addressing_style", "auto") not in {"auto", "path", "virtual"}:
        raise ImproperlyConfigured("S3_ADDRESSING_STYLE must be auto, path or virtual.")
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": _s3_options}
FILE_UPLOAD_PERMISSIONS = 0o640
# Photos are streamed to disk past this size; the form rejects a photo over PHOTO_MAX_BYTES.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# The report form counts and skips photos beyond PHOTO_MAX_COUNT (balai.lapor.uploads) so that it can answer
# with its own message; past this many files a request is refused before any view (the 400 page).
DATA_UPLOAD_MAX_NUMBER_FILES = 50
FILE_UPLOAD_HANDLERS = [
    "balai.lapor.uploads.PhotoCountHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
PHOTO_MAX_BYTES = env_int("PHOTO_MAX_BYTES", 10 * 1024 * 1024)
PHOTO_MAX_COUNT = 5
PHOTO_MAX_SIDE = env_int("PHOTO_MAX_SIDE", 1600)
# Decoding: how many photos one process decodes at once, and how long a request waits for its turn.
PHOTO_DECODE_CONCURRENCY = env_int("PHOTO_DECODE_CONCURRENCY", 2)
PHOTO_DECODE_WAIT_SECONDS = env_int("PHOTO_DECODE_WAIT_SECONDS", 20)
# Valid photos of a form with errors are kept this many hours, at most this many per client address, and at
# most this many MB altogether (docs/security.md).
PHOTO_PENDING_HOURS = env_int("PHOTO_PENDING_HOURS", 3)
PHOTO_PENDING_PER_ADDRESS = env_int("PHOTO_PENDING_PER_ADDRESS", 30)
PHOTO_PENDING_MAX_MB = env_int("PHOTO_PENDING_MAX_MB", 500)

# Email: printed to the console unless an SMTP server is configured.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Balai <noreply@localhost>")
# A mail server that does not answer is given up on after this many seconds (the attempt is then retried).
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)


def _minutes(name: str, default: str) -> tuple[int, ...]:
    try:
        values = tuple(int(item) for item in env_list(name, default.split(",")))
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be whole minutes separated by commas, e.g. {default}.") from exc
    if not values or min(values) < 1:
        raise ImproperlyConfigured(f"{name} must list at least one pause of 1 minute or more, e.g. {default}.")
    return values


# Every email goes through the outbox (balai.core.outbox, docs/deploy.md "When mail fails"): a failed attempt is
# retried after each of these pauses in turn, then the email is undelivered and waits for a person to resend it.
MAIL_RETRY_MINUTES = _minutes("MAIL_RETRY_MINUTES", "1,5,15,60,180,360,720")
# /readyz says "degraded" while the newest delivery attempt of the last hours failed.
MAIL_HEALTH_HOURS = env_int("MAIL_HEALTH_HOURS", 24)
# How long the outbox keeps a sent email (its address and text), and an undelivered one (docs/security.md).
MAIL_SENT_KEEP_DAYS = env_int("MAIL_SENT_KEEP_DAYS", 30)
MAIL_UNDELIVERED_KEEP_DAYS = env_int("MAIL_UNDELIVERED_KEEP_DAYS", 90)

# Background work goes through django-tasks; `balai run` and `balai worker` run the database worker.
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Abuse limits for the public form and the tracking page (per client address).
RATELIMIT_REPORTS = env_str("RATELIMIT_REPORTS", "10/h")
RATELIMIT_TRACK = env_str("RATELIMIT_TRACK", "30/m")
# Invalid form posts that carry photos (each keeps its valid photos for hours): more than reports, but bounded.
RATELIMIT_PHOTO_RETRIES = env_str("RATELIMIT_PHOTO_RETRIES", "30/h")
RATELIMIT_USE_CACHE = "default"
RATELIMIT_VIEW = "balai.core.views.rate_limited"

# Open311 GeoReport v2: the jurisdiction_id clients send (default: the host of SITE_URL) and the read limit.
OPEN311_JURISDICTION = env_str("OPEN311_JURISDICTION")  # empty: the host name of SITE_URL
OPEN311_RATELIMIT_PUBLIC = env_str("OPEN311_RATELIMIT_PUBLIC", "120/m")

# Map tiles: a city may host its own tile server.
MAP_TILE_URL = env_str("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_ATTRIBUTION = env_str("MAP_ATTRIBUTION", "© OpenStreetMap contributors")

# Security headers. HTTPS settings follow BALAI_HTTPS so that a local install on http still works.
HTTPS = env_bool("BALAI_HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS
# Load balancers and container runtimes probe over plain HTTP on the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 31536000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 8

_tile_origin = "/".join(MAP_TILE_URL.split("/")[:3]).replace("{s}.", "*.")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", _tile_origin],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "balai.core.logging.JsonFormatter"}},
    # Paths carry tracking codes and reporters' private links: lines about a request name its route instead.
    "filters": {"routes_not_paths": {"()": "balai.core.logging.RoutesNotPaths"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if env_bool("LOG_JSON", True) else None,
            "filters": ["routes_not_paths"],
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # Each request is logged once, as JSON, by RequestLogMiddleware.
        "django.server": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
    },
}

# Village reports by email (balai.desa): the local part of their address, at INTAKE_ADDRESS's domain.
DESA_MAIL_LOCAL_PART = env_str("DESA_MAIL_LOCAL_PART", "desa").strip().lower()
