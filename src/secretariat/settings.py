"""Settings, all from the environment.

SECRETARIAT_DATA_DIR     where the SQLite file, keys and uploaded files live (./secretariat-data)
SECRETARIAT_DATABASE_URL PostgreSQL (postgres://user:pass@host:port/name) instead of SQLite
SECRETARIAT_SECRET_KEY   Django's secret key; otherwise one is made and kept in the data dir
SECRETARIAT_DEBUG        "1" for Django's debug mode (tracebacks in pages; never in production)
SECRETARIAT_DEVELOPMENT  "1" for development settings: plain HTTP, no TLS redirect (the demo sets it)
SECRETARIAT_SSL_REDIRECT "0" to stop redirecting HTTP to HTTPS in production (a proxy that does it)
SECRETARIAT_ALLOWED_HOSTS comma-separated host names served (127.0.0.1,localhost,[::1])
SECRETARIAT_IDLE_MINUTES a session ends after this many idle minutes (30)
SECRETARIAT_CLOCK        an ISO 8601 instant at which the clock stands still (tests, demos)
SECRETARIAT_OVERDUE_LIMIT how many overdue copies bar a holder from new ones (3)
SECRETARIAT_MAX_ATTACHMENT_BYTES the largest file an attachment may be (50 MiB)
SECRETARIAT_OCR_CACHE    a folder where OCR keeps what it read, by the scan's bytes: the same scan is
                         read once (a demo rebuilt, its tests); unset, every scan is read afresh
SECRETARIAT_EMAIL_BACKEND Django email backend for overdue notices (console)
SECRETARIAT_ARCHIVE_DIR  where the archive keeps transferred BagIt bags (DATA_DIR/archive)
SECRETARIAT_AUDIT_CHECKPOINT_EVERY sign a checkpoint of the audit log every this many events (100)
SECRETARIAT_AUDIT_WITNESSES comma-separated places outside the data dir that keep every signed
                         checkpoint: absolute directory paths and http(s) URLs of log collectors
SECRETARIAT_AUDIT_KEY_FINGERPRINT the audit key's fingerprint (`secretariat audit key`): verify
                         fails if the log is signed by any other key
SECRETARIAT_AUDIT_WITNESS_FOR comma-separated verifier keys (`secretariat audit key` of another
                         registry) whose signed heads /audit/witnessed keeps, as their witness
SECRETARIAT_STORAGE_URL  keep every file on an S3-compatible object store shared by several app
                         servers instead of the data dir: s3://BUCKET[/PREFIX][?endpoint_url=URL
                         &region=REGION&addressing_style=path|virtual]. Attachments go under
                         PREFIX/files/, bags under PREFIX/archive/bags/, each signed head as its own
                         object under PREFIX/audit/checkpoints/. Unset: local disk (MEDIA_ROOT,
                         SECRETARIAT_ARCHIVE_DIR, the checkpoint file).
AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN) the object store's credentials, read by
                         boto3 from the environment (or its other usual sources)
"""

import os
import secrets
import zoneinfo
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

DATA_DIR = Path(os.environ.get("SECRETARIAT_DATA_DIR", "secretariat-data")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """Use the configured key, else one kept (0600) in the data dir so sessions survive restarts."""
    if key := os.environ.get("SECRETARIAT_SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("SECRETARIAT_DEBUG", "") == "1"
# Development settings: plain HTTP on 127.0.0.1 (no TLS redirect, no secure-only cookies).
# `secretariat demo` runs with them and says so; DEBUG (tracebacks) stays off unless asked for.
DEVELOPMENT = DEBUG or os.environ.get("SECRETARIAT_DEVELOPMENT", "") == "1"
ALLOWED_HOSTS = os.environ.get("SECRETARIAT_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "secretariat.kernel",
    "secretariat.search",
    "secretariat",
    "secretariat.accounts",
    "secretariat.audit",
    "secretariat.decisions",
    "secretariat.registry",
    "secretariat.scans",
    "secretariat.cables",
    "secretariat.releases",
    "secretariat.cases",
    "secretariat.archive",
    "secretariat.render",
    "secretariat.imports",
    "secretariat.api",
    "secretariat.web",
    "secretariat.backup",
    "secretariat.demo",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
]

MIDDLEWARE = [
    "secretariat.kernel.statistics.analyse_after_each_request",
    "secretariat.kernel.requests.refuse_nul",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "secretariat.kernel.middleware.idle_sessions",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "secretariat.kernel.middleware.principal_once",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "secretariat.urls"
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
            ],
        },
    },
]
WSGI_APPLICATION = "secretariat.wsgi.application"

if database_url := os.environ.get("SECRETARIAT_DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(database_url, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "secretariat.sqlite3",
            "OPTIONS": {
                # Writers take the lock when their transaction begins, so counters
                # read inside it (copy numbers, the audit head) cannot race.
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
                "init_command": ("PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"),
            },
        }
    }

AUTH_USER_MODEL = "accounts.Principal"
# Login throttling (django-axes): five failures lock the username from that address for 15 minutes.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "in-tray"
# Sessions: a new key at every login (Django's login() rotates it), ended after 30 idle minutes. A session in use
# is saved at most once a minute (kernel/middleware.py, idle_sessions), not on every request.
SESSION_COOKIE_AGE = int(os.environ.get("SECRETARIAT_IDLE_MINUTES", "30")) * 60
SESSION_TOUCH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
OTP_TOTP_ISSUER = "Secretariat"
# Production: behind a TLS-terminating proxy; `secretariat check --deploy` passes.
if not DEVELOPMENT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = os.environ.get("SECRETARIAT_SSL_REDIRECT", "1") == "1"
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
# The pages follow the browser's Accept-Language unless the person chooses (the header's switch, a cookie);
# the CLI follows LANGUAGE / LC_ALL / LC_MESSAGES / LANG. Each app keeps its own catalog (<app>/locale/).
LANGUAGES = [("en-gb", "English"), ("ru", "Русский")]
LANGUAGE_COOKIE_SAMESITE = "Lax"
# The office's zone: pages show every time in it, with its abbreviation ("18 Feb 1977, 11:00 MSK").
TIME_ZONE = os.environ.get("SECRETARIAT_TIME_ZONE", "UTC")
try:
    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(
        f"SECRETARIAT_TIME_ZONE={TIME_ZONE!r} is no time zone: name one as the tz database does, e.g. Europe/Moscow"
    ) from None
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"  # `collectstatic` target; WhiteNoise also serves from the packages
STATIC_ROOT.mkdir(exist_ok=True)
# The app serves its own static files (WhiteNoise), straight from the installed packages.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "files"


def object_storages(url: str) -> dict[str, dict]:
    """STORAGES entries for an object store named by SECRETARIAT_STORAGE_URL: "default" (attachments),
    "archive" (the bags) and "checkpoints" (one object per signed head). Empty for no URL (local disk)."""
    from urllib.parse import parse_qs, urlsplit

    if not url:
        return {}
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc:
        raise ImproperlyConfigured(f"SECRETARIAT_STORAGE_URL={url!r}: give s3://bucket[/prefix][?endpoint_url=…]")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    unknown = sorted(set(query) - {"endpoint_url", "region", "addressing_style"})
    if unknown:
        raise ImproperlyConfigured(f"SECRETARIAT_STORAGE_URL: unknown option(s) {', '.join(unknown)}")
    prefix = parts.path.strip("/")
    common = {
        "bucket_name": parts.netloc,
        "endpoint_url": query.get("endpoint_url") or None,
        "region_name": query.get("region") or None,
        "addressing_style": query.get("addressing_style") or None,
        "default_acl": None,  # the bucket's own policy: nothing is made public
        "querystring_auth": True,
        "file_overwrite": False,  # an upload never replaces another's file; it gets a name of its own
    }
    backend = "storages.backends.s3.S3Storage"

    def under(name: str, **options) -> dict:
        return {
            "BACKEND": backend,
            "OPTIONS": {**common, "location": "/".join(p for p in (prefix, name) if p), **options},
        }

    # A head's object is named by its own content: two nodes writing it write the same bytes.
    return {
        "default": under("files"),
        "archive": under("archive"),
        "checkpoints": under("audit/checkpoints", file_overwrite=True),
    }


SECRETARIAT_STORAGE_URL = os.environ.get("SECRETARIAT_STORAGE_URL", "")
STORAGES.update(object_storages(SECRETARIAT_STORAGE_URL))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Work too long for a request (an import of many papers) goes on the database queue, in the registry's own
# database, and `secretariat serve` (and `demo`) run a worker beside the web server (`secretariat worker`).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

SECRETARIAT_CLOCK = os.environ.get("SECRETARIAT_CLOCK") or None
SECRETARIAT_OVERDUE_LIMIT = int(os.environ.get("SECRETARIAT_OVERDUE_LIMIT", "3"))
SECRETARIAT_MAX_ATTACHMENT_BYTES = int(os.environ.get("SECRETARIAT_MAX_ATTACHMENT_BYTES", str(50 * 1024 * 1024)))
SECRETARIAT_OCR_CACHE = Path(os.environ["SECRETARIAT_OCR_CACHE"]) if os.environ.get("SECRETARIAT_OCR_CACHE") else None
# The largest request body read into memory (Django's default is 2.5 MiB): the largest the API's document allows, a
# text of 1,000,000 characters sent as JSON escapes (12 bytes for a character outside the BMP) with the fields
# beside it, and a desk's textarea of the same text. An uploaded file is not counted: it is streamed to disk.
DATA_UPLOAD_MAX_MEMORY_SIZE = 16 * 1024 * 1024
SECRETARIAT_DEFAULT_RETURN_DAYS = 7
SECRETARIAT_AUDIT_KEY = DATA_DIR / "keys" / "audit-ed25519.pem"
SECRETARIAT_AUDIT_CHECKPOINTS = DATA_DIR / "audit-checkpoints.log"
# What `secretariat restore` restored (the backup's name, SHA-256 and audit head), for `audit accept-rollback`.
SECRETARIAT_RESTORE_RECORD = DATA_DIR / "restored-from.json"
SECRETARIAT_AUDIT_ORIGIN = os.environ.get("SECRETARIAT_AUDIT_ORIGIN", "secretariat.local/audit")
SECRETARIAT_AUDIT_CHECKPOINT_EVERY = int(os.environ.get("SECRETARIAT_AUDIT_CHECKPOINT_EVERY", "100"))
SECRETARIAT_AUDIT_WITNESSES = [
    w.strip() for w in os.environ.get("SECRETARIAT_AUDIT_WITNESSES", "").split(",") if w.strip()
]
SECRETARIAT_AUDIT_KEY_FINGERPRINT = os.environ.get("SECRETARIAT_AUDIT_KEY_FINGERPRINT", "")
SECRETARIAT_AUDIT_WITNESS_FOR = [
    k.strip() for k in os.environ.get("SECRETARIAT_AUDIT_WITNESS_FOR", "").split(",") if k.strip()
]
SECRETARIAT_ARCHIVE_DIR = Path(os.environ.get("SECRETARIAT_ARCHIVE_DIR", DATA_DIR / "archive")).resolve()

# Notifications (overdue controls): printed to the console unless an SMTP backend is configured.
EMAIL_BACKEND = os.environ.get("SECRETARIAT_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("SECRETARIAT_FROM_EMAIL", "registry@secretariat.local")
