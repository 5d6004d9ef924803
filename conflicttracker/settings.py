"""Django settings for Conflict Tracker, read from the environment (see docs/deployment.md)."""

import os
import secrets
import sys
from datetime import date, timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def _command() -> str:
    """The management command this process runs ('' when it is not manage.py)."""
    if len(sys.argv) > 1 and Path(sys.argv[0]).name == "manage.py":
        return sys.argv[1]
    return ""


def env_bool(name: str, default: bool) -> bool:
    """Read a yes/no variable; an unrecognised value fails loudly instead of meaning 'no'."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_date(name: str, default: date) -> date:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a date as YYYY-MM-DD, not {raw!r}") from None


def env_int(name: str, default: int, *, minimum: int = 0, maximum: int | None = None) -> int:
    """Read a whole number in ASCII digits within its range; anything else fails loudly."""
    raw = (os.environ.get(name) or "").strip()
    if not raw:
        return default
    in_range = raw.isascii() and raw.isdigit() and int(raw) >= minimum
    if not in_range or (maximum is not None and int(raw) > maximum):
        upto = f" to {maximum}" if maximum is not None else ""
        raise ImproperlyConfigured(
            f"{name} must be a whole number from {minimum}{upto}, not {raw!r}"
        )
    return int(raw)


def env_header(name: str) -> tuple[str, str] | None:
    """ "X-Forwarded-Proto: https" → ("HTTP_X_FORWARDED_PROTO", "https"), as Django wants it."""
    raw = (os.environ.get(name) or "").strip()
    if not raw:
        return None
    header, colon, value = raw.partition(":")
    if not colon or not header.strip() or not value.strip():
        raise ImproperlyConfigured(f"{name} must read 'Header-Name: value', not {raw!r}")
    return "HTTP_" + header.strip().upper().replace("-", "_"), value.strip()


DEBUG = env_bool("DEBUG", False)

# Development (DEBUG on) gets a throwaway key; with DEBUG off there is no fallback, since a
# public key lets anyone forge sessions, password-reset links and signed values.
# Commands that only read or write the schema sign nothing, so they run without a key (a
# developer's `manage.py makemigrations --check`); they get a random one that no other
# process shares, so nothing they could sign would ever verify anywhere else.
SCHEMA_ONLY_COMMANDS = {"makemigrations", "showmigrations", "sqlmigrate"}
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY and not DEBUG and _command() in SCHEMA_ONLY_COMMANDS:
    SECRET_KEY = secrets.token_urlsafe(50)
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off (production) Conflict Tracker will not start "
            "without its own secret key: set SECRET_KEY to 50 or more random characters, e.g. "
            "the output of  python -c 'import secrets; print(secrets.token_urlsafe(50))'. "
            "For local development set DEBUG=true instead. See docs/deployment.md."
        )
    SECRET_KEY = "insecure-development-key-change-me"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "csp",
    "axes",
    "corsheaders",
    "events",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything that may answer (CommonMiddleware's redirects): preflights and CORS headers.
    "corsheaders.middleware.CorsMiddleware",
    # A NUL anywhere in the query or path is a 400 before any view reads it.
    "events.params.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # With DATABASE_REPLICA_URLS: an anonymous GET reads from a replica (unused otherwise).
    "conflicttracker.routing.ReplicaMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Cache-Control and Vary on every /api/ response, by audience.
    "events.api.headers.ApiCacheHeadersMiddleware",
    # Records which user made each change in the history tables.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

# django-axes first: it refuses a locked-out login before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "events.throttling.LoginLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "conflicttracker.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "conflicttracker.wsgi.application"

# SQLite in the project is the embedded default; PostgreSQL via DATABASE_URL is the scale-out path.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's backend, each statement's placeholders rewritten once (conflicttracker/sqlite).
    DATABASES["default"]["ENGINE"] = "conflicttracker.sqlite"
    # WAL lets readers run beside a writer; the busy timeout waits out short write locks.
    # Reads go through a memory map and a 64 MB page cache per connection instead of copying
    # each page from the OS cache: index walks over a million-event table stay in memory.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA mmap_size=1073741824; PRAGMA cache_size=-65536;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

# Read replicas: DATABASE_REPLICA_URLS, comma-separated URLs of databases that stream from the
# primary (PostgreSQL streaming replicas). Anonymous GETs read from them; writes, editors and
# everything after a write in the same request use the primary (conflicttracker.routing).
REPLICAS = []
for number, replica_url in enumerate(env_list("DATABASE_REPLICA_URLS", [])):
    alias = f"replica_{number}"
    replica = dj_database_url.parse(replica_url, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"])
    if replica["ENGINE"] == "django.db.backends.sqlite3":
        replica["ENGINE"] = DATABASES["default"]["ENGINE"]
    if replica["ENGINE"] == DATABASES["default"]["ENGINE"]:
        replica["OPTIONS"] = DATABASES["default"].get("OPTIONS", {})
    # The test suite reads the primary's test database through the replica's connection.
    replica["TEST"] = {"MIRROR": "default"}
    DATABASES[alias] = replica
    REPLICAS.append(alias)
DATABASE_ROUTERS = ["conflicttracker.routing.ReplicaRouter"] if REPLICAS else []

# The cache (rate-limit counts, histograms, whole chronology pages): this process's memory by
# default; with CACHE_URL=redis://host:6379/0 one Redis shared by every worker and machine.
CACHE_URL = os.environ.get("CACHE_URL", "").strip()
if CACHE_URL and not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(f"CACHE_URL must be a redis:// URL, not {CACHE_URL!r}")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# How long an anonymous chronology page stays in the cache; 0 turns the page cache off. A
# cached page is served only under the ETag it was made for, so a write is never hidden.
RESPONSE_CACHE_SECONDS = env_int("RESPONSE_CACHE_SECONDS", 300)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve straight from the apps' static folders in development and tests, without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- HTTPS and the proxy in front (all off by default; see docs/deployment.md) ----------------

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", False)
# The header a TLS-terminating proxy sets, e.g. "X-Forwarded-Proto: https". Set it only
# behind such a proxy, which must overwrite the header from clients.
SECURE_PROXY_SSL_HEADER = env_header("SECURE_PROXY_SSL_HEADER")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# How many proxies in front append to X-Forwarded-For. 0 (the default) trusts no such header:
# the client is the connecting address, so a client cannot name itself anew per request to
# escape the rate limits or the login lockout.
NUM_PROXIES = env_int("NUM_PROXIES", 0)

# --- Content-Security-Policy (django-csp) -------------------------------------------------------

# Every page (public, admin, API docs) loads scripts, styles, fonts and data from this site
# only. No inline script runs; an inline <style> needs the response's nonce
# (nonce="{{ request.csp_nonce }}"); style attributes are refused but for the one
# django-simple-history's history pages carry, allowed by its hash.
HISTORY_PAGINATOR_STYLE = "'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='"  # border-top: 0
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "style-src-attr": ["'unsafe-hashes'", HISTORY_PAGINATOR_STYLE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Admin login lockout (django-axes) ----------------------------------------------------------

# After LOGIN_FAILURE_LIMIT wrong passwords for one username from one address, that pair is
# locked out for LOGIN_LOCKOUT_MINUTES (a 429); a successful login clears the count.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
# The same client address as the rate limits (NUM_PROXIES).
AXES_CLIENT_IP_CALLABLE = "events.throttling.client_ip"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.DjangoModelPermissionsOrAnonReadOnly"
    ],
    "DEFAULT_FILTER_BACKENDS": ["events.api.inputs.FilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    # Anonymous requests per client address, e.g. "120/minute" or "5000/day"; the public
    # pages count in the same budget (events.throttling).
    "DEFAULT_THROTTLE_RATES": {"anon": os.environ.get("API_ANON_RATE", "120/minute")},
    "NUM_PROXIES": NUM_PROXIES,
    "DEFAULT_RENDERER_CLASSES": ["events.api.negotiation.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "events.api.negotiation.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "events.api.negotiation.FormatNegotiation",
    # Every 400 is {"errors": {"<parameter or field>": [...]}}; see events.api.negotiation.
    "EXCEPTION_HANDLER": "events.api.negotiation.exception_handler",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Conflict Tracker API",
    "DESCRIPTION": "Chronologies of armed-conflict events with honest, uncertain dates.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Enum components first (drf-spectacular's own hook), then the error responses on every
    # operation and nullable references valid under OpenAPI 3.0.3 (events/api/schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "events.api.schema.add_error_responses",
        "events.api.schema.fix_nullables",
    ],
    # Request bodies (editors' input) and responses are different shapes.
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1/",
    # One name per choice set that several fields share.
    "ENUM_NAME_OVERRIDES": {
        "ActorKindEnum": "events.models.Actor.Kind",
        "LocationKindEnum": "events.models.Location.Kind",
        "RelationKindEnum": "events.models.EventRelation.Kind",
        "EventStatusEnum": "events.models.EventStatus",
        "DatePrecisionEnum": "events.models.Event.Precision",
    },
}

LOGIN_URL = "admin:login"

# --- Cross-origin reads and caching of the API --------------------------------------------------

# The API is a public read API: any web page may read it (CORS_ALLOWED_ORIGINS narrows that to
# a list of origins, e.g. "https://dashboard.example.org"). Browsers send no cookies across
# origins (no credentials), and only reads pass a preflight: an editor's session never works
# from another site, and writes come from this site or from scripts with a token.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS", [])
CORS_ALLOW_ALL_ORIGINS = not CORS_ALLOWED_ORIGINS
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_HEADERS = [
    "accept",
    "accept-language",
    "authorization",
    "if-modified-since",
    "if-none-match",
]
# What a cross-origin script may read besides the CORS-safelisted headers.
CORS_EXPOSE_HEADERS = [
    "ETag",
    "Last-Modified",
    "Content-Disposition",
    "Retry-After",
    "X-Events-Left-Out",
]
CORS_PREFLIGHT_MAX_AGE = 86_400
# Seconds a browser or shared cache may reuse an anonymous read before revalidating it with
# its ETag (a 304 costs one index lookup). Signed-in responses are never stored.
API_CACHE_MAX_AGE = env_int("API_CACHE_MAX_AGE", 60, minimum=0, maximum=86_400)

# The days an event may lie in (events.validators.event_date_window): from EVENT_DATE_MIN to
# EVENT_DATE_MAX_YEARS_AHEAD years after today, for planned and announced events.
EVENT_DATE_MIN = env_date("EVENT_DATE_MIN", date(1800, 1, 1))
EVENT_DATE_MAX_YEARS_AHEAD = env_int("EVENT_DATE_MAX_YEARS_AHEAD", 2, minimum=0, maximum=100)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
