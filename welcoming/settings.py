"""Welcoming settings: one module, read from the environment through typed helpers.

`WELCOMING_ENV=production` switches on the production requirements: a secret key, allowed hosts,
PostgreSQL and the HTTPS hardening that `manage.py check --deploy` asks for.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from welcoming.lib.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("WELCOMING_VAR_DIR", str(BASE_DIR / "var")))

WELCOMING_ENV = env_str("WELCOMING_ENV", "development")
if WELCOMING_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured(f"WELCOMING_ENV must be development, test or production, not {WELCOMING_ENV!r}.")
PRODUCTION = WELCOMING_ENV == "production"

if PRODUCTION:
    SECRET_KEY = env_str("DJANGO_SECRET_KEY")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS is required in production (comma-separated).")
    DEBUG = False
else:
    SECRET_KEY = env_str("DJANGO_SECRET_KEY", "dev-only-insecure-key-welcoming-never-use-in-production")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
    DEBUG = env_bool("DJANGO_DEBUG", WELCOMING_ENV == "development")

_database_url = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'welcoming.sqlite3'}")
if PRODUCTION and not _database_url.startswith(("postgres://", "postgresql://")):
    raise ImproperlyConfigured("Production needs DATABASE_URL pointing at PostgreSQL.")
DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=env_int("DB_CONN_MAX_AGE", 0))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    DATABASES["default"]["TEST"] = (
        {"NAME": str(VAR_DIR / "test.sqlite3")} if env_bool("WELCOMING_TEST_DB_ON_DISK") else {}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "welcoming.places",
    "welcoming.accounts",
    "welcoming.directory",
    "welcoming.triage",
    "welcoming.content",
    "welcoming.cases",
    "welcoming.community",
    "welcoming.matching",
    "welcoming.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # after messages: it tells her why she was signed out
    "welcoming.accounts.security.StaffSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "welcoming.urls"
WSGI_APPLICATION = "welcoming.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "welcoming" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ]
        },
    }
]

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "staff:login"
LOGIN_REDIRECT_URL = "staff:home"
LOGOUT_REDIRECT_URL = "staff:login"
PASSWORD_HASHERS = [
    "welcoming.accounts.hashers.OwaspArgon2PasswordHasher",  # reads every argon2 hash, writes OWASP's
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# The six languages every newcomer-facing text is offered in; Arabic and Farsi are right-to-left.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("ar", _("Arabic")),
    ("uk", _("Ukrainian")),
    ("es", _("Spanish")),
    ("fa", _("Persian")),
]
LOCALE_PATHS = [BASE_DIR / "welcoming" / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = VAR_DIR / "media"
# uploads about people: never served by URL, only through views that check and audit
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private")))
# the largest upload kept (income evidence, letters): a phone photo or a few scanned pages
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 5 * 1024 * 1024)

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True  # no script of ours reads it: forms carry the token
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Staff sign-in. Two-factor (TOTP) is required in production; in the demo, users without a device
# sign in with their password alone (those who set one up are always asked for their code).
WELCOMING_REQUIRE_2FA = env_bool("WELCOMING_REQUIRE_2FA", PRODUCTION)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Welcoming")
# failed sign-ins allowed per username, and per address, within the window; then both are refused
WELCOMING_LOGIN_MAX_FAILURES = env_int("WELCOMING_LOGIN_MAX_FAILURES", 5)
WELCOMING_LOGIN_WINDOW_SECONDS = env_int("WELCOMING_LOGIN_WINDOW_SECONDS", 15 * 60)
# reverse proxies in front of the app whose X-Forwarded-For is believed (production has one)
WELCOMING_TRUSTED_PROXIES = env_int("WELCOMING_TRUSTED_PROXIES", 1 if PRODUCTION else 0)
WELCOMING_STAFF_IDLE_SECONDS = env_int("WELCOMING_STAFF_IDLE_SECONDS", 30 * 60)
WELCOMING_API_TOKEN_HOURS = env_int("WELCOMING_API_TOKEN_HOURS", 12)

# The same policy in development, so tests meet it: no inline scripts or styles, nothing from
# another origin, no framing. The API documentation page relaxes it for itself
# (accounts.security.relaxed_for_api_docs).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    # a session counts once it has given the second factor it owes
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "welcoming.accounts.api.TokenAuthentication",
        "welcoming.accounts.api.VerifiedSessionAuthentication",
    ],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # `format` belongs to HSDS (json | ndjson), not to content negotiation
    "URL_FORMAT_OVERRIDE": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Welcoming API",
    "DESCRIPTION": "The city's service directory in the Open Referral HSDS 3.0 model, in six languages.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # the documentation page's scripts are served from here, not from a CDN
    "REDOC_DIST": "SIDECAR",
    # one name per choice set where several models have a `state` or a `method`
    "ENUM_NAME_OVERRIDES": {
        "ClientStateEnum": "welcoming.cases.models.Client.State",
        "ReferralStateEnum": "welcoming.cases.models.Referral.State",
        "ConsentMethodEnum": "welcoming.cases.models.Consent.Method",
    },
}

# The jurisdiction a request gets when it names none (see docs/architecture.md).
WELCOMING_DEFAULT_JURISDICTION = env_str("WELCOMING_DEFAULT_JURISDICTION", "riverton")
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "welcoming@localhost")
# Anonymous demand rows are written in batches, within a second, rather than one transaction per
# triage (see triage/services.DemandBuffer); off, each is written at once (the tests do so).
WELCOMING_DEMAND_BUFFER = env_bool("WELCOMING_DEMAND_BUFFER", True)
# the address staff reach the site at, for links in e-mails
WELCOMING_BASE_URL = env_str("WELCOMING_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# Long work (match runs) goes to a task queue kept in the database itself, so it works alike on the
# embedded SQLite and on PostgreSQL; `manage.py db_worker` runs it (`make demo` starts one).
TASKS = {
    "default": {
        "BACKEND": env_str("WELCOMING_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
