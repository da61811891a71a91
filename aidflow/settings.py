"""AidFlow settings: one file, driven by the environment (and an optional .env file in the project root).

Every variable is documented in README.md ("Configuration"). A bad value stops start-up with a
message naming the variable.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from aidflow.api.schema_settings import API_SCHEMA_SETTINGS
from aidflow.env import (
    env_bool,
    env_cache,
    env_choice,
    env_database,
    env_email,
    env_int,
    env_list,
    env_str,
    read_dotenv,
)

BASE_DIR = Path(__file__).resolve().parent.parent
# A developer's .env is read unless AIDFLOW_IGNORE_DOTENV is set (the test suite sets it, so tests
# do not depend on a machine's .env).
if not os.environ.get("AIDFLOW_IGNORE_DOTENV"):
    read_dotenv(BASE_DIR / ".env")

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", required=not DEBUG)
if SECRET_KEY is None:
    # Only reachable with DEBUG=True: a throwaway key for a developer's machine.
    SECRET_KEY = "insecure-development-key-set-SECRET_KEY-in-production-0123456789"
elif not DEBUG and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("The environment variable SECRET_KEY must be at least 50 characters long.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "guardian",
    "axes",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "viewflow",
    "viewflow.workflow",
    "aidflow.regions",
    "aidflow.policy",
    "aidflow.rolls",
    "aidflow.settlements",
    "aidflow.payments",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "aidflow.accounts",
    "aidflow.cases",
    "aidflow.audit",
    "aidflow.calendars",
    "aidflow.reports",
    "aidflow.notices",
    "aidflow.appeals",
    "aidflow.recoveries",
    "aidflow.verifications",
    "aidflow.imports",
    "aidflow.subsidies",
    "aidflow.notify",
    "aidflow.api",
    "aidflow.archive",
    "aidflow.ops",
    "workflows",
]

MIDDLEWARE = [
    # First: a request id for every log line, and Prometheus' clock around the whole request.
    "aidflow.ops.middleware.RequestLogMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",  # early: the refusals of the middleware below carry it too
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "aidflow.core.middleware.RequestSizeMiddleware",  # 414 and 431, in JSON on the API
    # /healthz, /readyz and /metrics answer here: no session, sign-in, locale or rate limit.
    "aidflow.ops.middleware.OpsEndpointsMiddleware",
    "aidflow.core.middleware.ControlCharacterMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "aidflow.accounts.middleware.TwoFactorMiddleware",
    # The report screens read from the replica, when there is one (aidflow.core.replica).
    "aidflow.ops.middleware.ReplicaRoutingMiddleware",
    "aidflow.core.middleware.NoStoreMiddleware",
    "aidflow.audit.middleware.AuditContextMiddleware",
    "aidflow.audit.middleware.LoginAddressLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "viewflow.middleware.SiteMiddleware",
    "viewflow.middleware.HotwireTurboMiddleware",
    # It sees the authentication outcome of every login view.
    "axes.middleware.AxesMiddleware",
    # Last: the view's name and its answer, for the request metrics by view.
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "aidflow.urls"
WSGI_APPLICATION = "aidflow.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "aidflow.cases.context_processors.notifications",
            ],
        },
    },
]

DATABASES = {"default": env_database("DATABASE_URL", BASE_DIR / "db.sqlite3")}
# A PostgreSQL streaming replica for the report screens' reads (aidflow.core.replica): read-only
# sessions, and in tests the same database as the primary.
if env_str("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = env_database("DATABASE_REPLICA_URL", BASE_DIR / "db.sqlite3")
    if "postgresql" not in DATABASES["replica"]["ENGINE"] or "postgresql" not in DATABASES["default"]["ENGINE"]:
        raise ImproperlyConfigured(
            "The environment variable DATABASE_REPLICA_URL must be a postgres:// URL, and DATABASE_URL too."
        )
    DATABASES["replica"]["OPTIONS"]["options"] += " -c default_transaction_read_only=on"
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["aidflow.core.replica.ReplicaRouter"]
# A replica further behind than this many seconds is passed over; a user who wrote reads the
# primary for this many seconds after.
DATABASE_REPLICA_MAX_LAG = env_int("DATABASE_REPLICA_MAX_LAG", 30, minimum=0)
DATABASE_REPLICA_PIN_SECONDS = env_int("DATABASE_REPLICA_PIN_SECONDS", 30, minimum=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # axes first: it refuses a locked-out username before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "first_name", "last_name", "email")},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "aidflow.regions.passwords.CharacterClassValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after 30 minutes without a request, and when the browser closes.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# django-axes: lock a username after 5 failures, whatever address it came from, because a township
# office shares one address among many staff.
# Proxies in front of AidFlow: 0 (the default) ignores X-Forwarded-For, which anyone can forge.
TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0, minimum=0)
# Besides the per-username lockout, failed sign-ins per client address in 15 minutes (spraying).
LOGIN_ADDRESS_LIMIT = env_int("LOGIN_ADDRESS_LIMIT", 30, minimum=1)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_HOURS", 1, minimum=1)
AXES_RESET_ON_SUCCESS = True
# axes warns that username-only lockout ignores the address; that is the point here (see above).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# No "AXES: BEGIN version ..." banner on every command.
AXES_VERBOSE = False
# The lockout answer: JSON on the API, the page above elsewhere.
AXES_LOCKOUT_CALLABLE = "aidflow.accounts.middleware.lockout_response"

# Internationalisation: Simplified Chinese first, English available.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "aidflow.staticfiles.StaticStorage"
    },
}
STATICFILES_DIRS = [BASE_DIR / "aidflow" / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# Uploaded documents and notices are never served as static media: only permission-checked views
# hand them out, so MEDIA_URL is deliberately not routed.
MEDIA_URL = "/media-not-served/"

# Security: cookies and HSTS are strict whenever DEBUG is off.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = 0 if DEBUG else env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The probes and metrics answer over plain HTTP too: orchestrators and scrapers call the process.
SECURE_REDIRECT_EXEMPT = [r"^(healthz|readyz|metrics)$"]
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# E-mail: console by default.
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "aidflow@localhost")
for _key, _value in env_email("EMAIL_URL").items():
    globals()[_key] = _value
EMAIL_HOST = env_str("EMAIL_HOST", globals().get("EMAIL_HOST", "localhost"))
EMAIL_PORT = env_int("EMAIL_PORT", globals().get("EMAIL_PORT", 25), minimum=1)

# Celery: without a broker, background tasks run inline in the calling process.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_RESULT_BACKEND = None
CELERY_BEAT_SCHEDULE = {
    "sweep-deadlines": {"task": "aidflow.sweep_deadlines", "schedule": 15 * 60},
    # Counties' months: reminders before the report day, escalation to the city after it.
    "sweep-month-reports": {"task": "aidflow.sweep_month_reports", "schedule": 60 * 60},
    # Notices whose PDF is still missing (a lost task, a worker killed mid-render).
    "render-pending-notices": {"task": "aidflow.render_pending_notices", "schedule": 5 * 60},
    # Reads of personal data waiting to be sealed into the audit chain (aidflow.audit.models.PendingRead).
    "seal-audit-reads": {"task": "aidflow.seal_audit_reads", "schedule": 60},
    # Closed stage clocks into the on-time rollup; what is not folded yet is counted live meanwhile.
    "ontime-rollup": {"task": "aidflow.ontime_rollup", "schedule": 10 * 60},
    "write-audit-head": {"task": "aidflow.write_audit_head", "schedule": 24 * 60 * 60},
}
# A task is acknowledged when it has finished, so a worker killed mid-task leaves it queued.
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1

# Throttles and rate limits count here: give several web processes one shared cache.
CACHES = {"default": env_cache("CACHE_URL")}

# Content-Security-Policy: scripts only from AidFlow's own static files (no inline script, no eval);
# styles may be inline (the Material components set them); nothing is loaded from elsewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# A ClamAV daemon to scan uploads: a UNIX socket path or host:port; empty means no scanning.
CLAMD_SOCKET = env_str("CLAMD_SOCKET", "")

# County approvers, county finance and administrators sign in with a second step (TOTP).
AIDFLOW_REQUIRE_2FA = env_bool("AIDFLOW_REQUIRE_2FA", not DEBUG)
OTP_TOTP_ISSUER = "AidFlow"
PAYMENT_SECOND_SIGNATURE = env_bool("PAYMENT_SECOND_SIGNATURE", True)  # two signatures on a batch (INTERFACES 15)

# API tokens live this many hours; signing in after that issues a new one.
API_TOKEN_TTL_HOURS = env_int("API_TOKEN_TTL_HOURS", 8, minimum=1)
# The day of a month from which the county signs it off (月报, seed 000 line ~41: 每月28日前上报).
MONTHLY_REPORT_DAY = env_int("MONTHLY_REPORT_DAY", 28, minimum=1)

# The public status page and its API: look-ups per client address and minute (INTERFACES section 13).
STATUS_LOOKUPS_PER_MINUTE = env_int("STATUS_LOOKUPS_PER_MINUTE", 10, minimum=1)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "aidflow.api.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "aidflow.api.exceptions.api_exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "login": env_str("API_LOGIN_RATE", "20/min"),
        "verify": env_str("API_VERIFY_RATE", "30/min"),
        "status": f"{STATUS_LOOKUPS_PER_MINUTE}/min",
    },
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # Throttles key on the address the deployment trusts, never on a forgeable header.
    "NUM_PROXIES": TRUSTED_PROXIES,
    # JSON bodies only; the document upload declares multipart itself.
    "DEFAULT_PARSER_CLASSES": ["aidflow.api.parsers.SafeJSONParser"],
}

# The OpenAPI schema's settings sit beside the API (aidflow/api/schema_settings.py).
SPECTACULAR_SETTINGS = API_SCHEMA_SETTINGS

LOG_FORMAT = env_choice("LOG_FORMAT", "text", ["text", "json"])
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "aidflow.ops.logs.RequestIdFilter"}},
    "formatters": {
        # One JSON object a line, with the request's id (aidflow.ops.logs) and a request's fields.
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            **({"formatter": "json"} if LOG_FORMAT == "json" else {}),
        }
    },
    "root": {"handlers": ["console"], "level": env_choice("LOG_LEVEL", "INFO", ["DEBUG", "INFO", "WARNING", "ERROR"])},
    # PDF rendering narrates every step at INFO; only its warnings matter to an operator.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# GET /metrics answers only `Authorization: Bearer <METRICS_TOKEN>` when it is set.
METRICS_TOKEN = env_str("METRICS_TOKEN", "")

AUDIT_SIGNING_KEY = env_str("AUDIT_SIGNING_KEY", "")  # never in the database; see aidflow.audit.signing
AUDIT_HEAD_DIR = Path(env_str("AUDIT_HEAD_DIR", str(BASE_DIR / "audit-heads")))  # write_audit_head's files

VIEWFLOW = {}

# The public address printed on notices for verification (QR code and link).
AIDFLOW_PUBLIC_URL = env_str("AIDFLOW_PUBLIC_URL", "http://127.0.0.1:8000")
if not AIDFLOW_PUBLIC_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured("The environment variable AIDFLOW_PUBLIC_URL must start with http:// or https://.")

# Messages to applicants' phones: an SMS gateway over HTTP (JSON POST) when set, else the log.
SMS_URL = env_str("SMS_URL", "")
if SMS_URL and not SMS_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured("The environment variable SMS_URL must start with http:// or https://.")
SMS_TIMEOUT = env_int("SMS_TIMEOUT", 5, minimum=1)
# A dotted path to another sender class (tests, another gateway's protocol); empty: by SMS_URL.
SMS_SENDER = env_str("SMS_SENDER", "")

# The site's display name in the menu and title bar.
AIDFLOW_SITE_TITLE = _("AidFlow medical aid")
