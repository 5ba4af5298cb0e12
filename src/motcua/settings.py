"""Settings, read from the environment with safe defaults.

With nothing set, Mot Cua runs embedded: SQLite and uploaded files under ``var/``, tasks
in-process, a secret key generated once into ``var/secret_key``. Production sets:

- ``DATABASE_URL``      e.g. ``postgres://user:pass@host:5432/motcua`` (PostgreSQL)
- ``MOTCUA_SECRET_KEY`` the Django secret key
- ``MOTCUA_DEBUG``      ``1`` only on a developer's machine
- ``MOTCUA_ALLOWED_HOSTS`` comma-separated host names
- ``MOTCUA_DATA_DIR``   where the SQLite file, uploads and the generated key live
- ``CELERY_BROKER_URL`` e.g. ``redis://127.0.0.1:6379/0``; without it tasks run in-process
- ``MOTCUA_ROLLUP_SECONDS`` how often Celery beat rolls changed dossiers up into monitoring's
  figures (default 5; readers roll up first anyway) — ``monitoring/rollup.py``
- ``MOTCUA_PUBLIC_URL`` the portal's public address, printed in QR codes on receipts
- ``MOTCUA_EMAIL_URL``  ``smtp://host:port``; without it e-mail goes to the console
- ``MOTCUA_SIGNING_KEY`` / ``MOTCUA_SIGNING_CERT`` the unit's signing key and certificate
  (paths; a .p12/.pfx key needs no certificate), ``MOTCUA_SIGNING_PASSPHRASE`` its passphrase
- ``MOTCUA_OIDC_ISSUER``, ``MOTCUA_OIDC_CLIENT_ID``, ``MOTCUA_OIDC_CLIENT_SECRET`` (and
  ``_SCOPE``, ``_ID_CLAIM``, ``_LABEL``): sign-in with an OpenID Connect identity provider
  (the national one); off when unset — see ``accounts/oidc.py``
- ``MOTCUA_SMS_BACKEND`` ``console`` (default) or a registered gateway — ``portal/notifications.py``
- ``MOTCUA_CACHE_URL`` e.g. ``redis://127.0.0.1:6379/1``: the cache every worker process
  shares (failed tracking lookups are counted there); in-process without it
- ``MOTCUA_TRACKING_MISSES`` failed tracking lookups allowed per dossier code and per client
  address in ten minutes (default 20)
- ``MOTCUA_PROXY_HOPS`` how many reverse proxies stand in front (default 0): the client's
  address is then read from ``X-Forwarded-For`` — ``core/attempts.py``
- ``MOTCUA_DB_PREPARED`` ``0`` behind a transaction-pooling PgBouncer: the statements run on
  every request are otherwise prepared once per connection (default 1) — ``core/rows.py``
- ``MOTCUA_PAYMENT_PAUSES_CLOCK``, ``MOTCUA_MAX_REAPPOINTMENTS``, ``MOTCUA_MAX_UPLOAD_MB``:
  lifecycle and upload policy (defaults: yes, 1, 10)
"""

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    return env(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


DATA_DIR = Path(env("MOTCUA_DATA_DIR", str(PROJECT_DIR / "var")))
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    if key := env("MOTCUA_SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("MOTCUA_DEBUG")
ALLOWED_HOSTS = [h for h in env("MOTCUA_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
PUBLIC_URL = env("MOTCUA_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",  # serves the API docs (Swagger UI) from local static files, not a CDN
    "motcua.core",
    "motcua.agencies",
    "motcua.catalog",
    "motcua.workdays",
    "motcua.dossiers",
    "motcua.documents",
    "motcua.forms",
    "motcua.accounts",
    "motcua.ratings",
    "motcua.backoffice",
    "motcua.monitoring",
    "motcua.api",
    "motcua.portal",
    "motcua.demo",
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
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "motcua.core.middleware.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "motcua.urls"
WSGI_APPLICATION = "motcua.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{DATA_DIR / 'motcua.sqlite3'}"),
        conn_max_age=int(env("MOTCUA_DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while a dossier is written; IMMEDIATE makes writers queue at
    # BEGIN instead of failing half-way with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif env_bool("MOTCUA_DB_PREPARED", True):
    # Django turns psycopg's prepared statements off; only the statements that ask for it
    # (core.rows.prepared_cursor) are prepared: Django's own cursors bind client-side.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 5
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/can-bo/dang-nhap/"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads it to send X-CSRFToken
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("MOTCUA_HTTPS")
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)

if email_url := env("MOTCUA_EMAIL_URL"):
    from urllib.parse import urlparse

    _email = urlparse(email_url)
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST, EMAIL_PORT = _email.hostname, _email.port or 25
    EMAIL_HOST_USER, EMAIL_HOST_PASSWORD = _email.username or "", _email.password or ""
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env("MOTCUA_FROM_EMAIL", "Một cửa điện tử <khong-tra-loi@motcua.local>")

# Lifecycle policy (domain.md §9.2, items 11 and 16): configuration, not code.
MOTCUA_PAYMENT_PAUSES_CLOCK = env_bool("MOTCUA_PAYMENT_PAUSES_CLOCK", True)
MOTCUA_MAX_REAPPOINTMENTS = int(env("MOTCUA_MAX_REAPPOINTMENTS", "1"))
MOTCUA_MAX_UPLOAD_MB = int(env("MOTCUA_MAX_UPLOAD_MB", "10"))
# Monitoring's covering indexes (INCLUDE columns, PostgreSQL) are plain indexes on SQLite,
# which is all the embedded default needs; no warning on every command.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

MOTCUA_TRACKING_MISSES = int(env("MOTCUA_TRACKING_MISSES", "20"))
MOTCUA_PROXY_HOPS = int(env("MOTCUA_PROXY_HOPS", "0"))

if cache_url := env("MOTCUA_CACHE_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": cache_url}}  # fmt: skip

# Digital signatures on results and forms (documents/signing.py).
MOTCUA_SIGNING_KEY = env("MOTCUA_SIGNING_KEY")
MOTCUA_SIGNING_CERT = env("MOTCUA_SIGNING_CERT")
MOTCUA_SIGNING_PASSPHRASE = env("MOTCUA_SIGNING_PASSPHRASE")

CELERY_BROKER_URL = env("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
# Monitoring's figures: changed dossiers are rolled up in the background (and before each read).
MOTCUA_ROLLUP_SECONDS = float(env("MOTCUA_ROLLUP_SECONDS", "5"))
CELERY_BEAT_SCHEDULE = {
    "monitoring-rollup": {
        "task": "monitoring.rollup",
        "schedule": MOTCUA_ROLLUP_SECONDS,
        "options": {"expires": MOTCUA_ROLLUP_SECONDS},  # a stale run is dropped, not queued
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("MOTCUA_LOG_LEVEL", "WARNING")},
}
