"""PEKA settings: every value that can change between machines is read here, from the environment.

The defaults work on a fresh machine after `make run`: a local PostGIS cluster on port 54329 inside the
project, debug on, the Pekanbaru boundary files found next to the project.
"""

import os
import re
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_rate(name: str, default: str) -> str:
    """A rate limit, "<requests>/<s|m|h|d>" (e.g. "20/m"), or "0" for none; anything else stops the start."""
    value = os.environ.get(name, default).strip()
    if value != "0" and not re.fullmatch(r"[1-9][0-9]*/(s|sec|m|min|h|hour|d|day)", value):
        raise ImproperlyConfigured(
            f"{name}={value!r}: write a rate such as 20/m (per s, m, h or d), or 0 for no limit."
        )
    return value


# Debug is on by default for the local two-command set-up; production sets DJANGO_DEBUG=false.
DEBUG = env_bool("DJANGO_DEBUG", True)


def local_secret_key() -> str:
    """A local debug run's key: drawn once into .secret_key (ignored by git), never a constant in the
    repository. Production sets DJANGO_SECRET_KEY and never reads the file."""
    path = BASE_DIR / ".secret_key"
    try:
        with open(path, "x", opener=lambda name, flags: os.open(name, flags, 0o600)) as f:
            f.write(secrets.token_urlsafe(50))
    except FileExistsError:
        pass
    return path.read_text().strip()


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or (local_secret_key() if DEBUG else "")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django.forms",  # the form widgets' own templates, for FORM_RENDERER below
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "rest_framework_gis",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "boundaries",
    "complaints",
    "web",
    "disclosure",
    "hotspots",
    "rollups",
    "open311",
    "procrastinate.contrib.django",
    "notifications",
    "whatsapp",
    "assets",
    "forwarding",
    "alerts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "geo.middleware.RequestSizeLimit",
    "geo.middleware.CrossSiteWriteGuard",
    "geo.unavailable.DatabaseUnavailable",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # After the locale, so its refusal speaks the visitor's language; before anything reads the query.
    "geo.middleware.ControlCharacterGuard",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "disclosure.middleware.DisclosureHeaders",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Production (debug off) is HTTPS only: secure cookies, HSTS, redirects to https. Behind a proxy
# that terminates TLS, PEKA_PROXY_SSL_HEADER=true trusts its X-Forwarded-Proto.
SECURE_SSL_REDIRECT = env_bool("PEKA_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = 0 if DEBUG else int(os.environ.get("PEKA_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = not DEBUG
if env_bool("PEKA_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")
X_FRAME_OPTIONS = "DENY"

# Widgets render through TEMPLATES, so templates/gis/ can hold the admin map widget's template.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

ROOT_URLCONF = "geo.urls"
WSGI_APPLICATION = "geo.wsgi.application"

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
                "geo.basemap.context",
            ],
        },
    },
]

# DATABASE_URL (postgis://user:password@host:port/name) points at any PostGIS server; without it, the
# project's own cluster that bin/setup starts on PEKA_DB_PORT.
PEKA_DB_PORT = int(os.environ.get("PEKA_DB_PORT", "54329"))
# How long a connection is kept open between requests, in seconds. The health check at the start of
# each request replaces one the database dropped (a restart), so the site recovers by itself.
PEKA_DB_CONN_MAX_AGE = int(os.environ.get("PEKA_DB_CONN_MAX_AGE", "60"))


def database(url: str) -> dict:
    """One database alias: a reused, health-checked connection without JIT (JIT compilation costs
    milliseconds on every short spatial query and never pays back on the web path)."""
    config = dj_database_url.parse(url, conn_max_age=PEKA_DB_CONN_MAX_AGE, conn_health_checks=True)
    # Generic plans for server-side prepared statements: only the routing statement is prepared
    # (boundaries.selectors), so that a pin is routed without planning it again.
    config.setdefault("OPTIONS", {})["options"] = "-c jit=off -c plan_cache_mode=force_generic_plan"
    return config


DATABASES = {"default": database(os.environ.get("DATABASE_URL", f"postgis://postgres@127.0.0.1:{PEKA_DB_PORT}/peka"))}

# DATABASE_REPLICA_URL: read replicas (streaming standbys of the primary), one URL or several separated
# by commas or spaces. Each becomes an alias (replica, replica_2, ...) that serves the public's reads
# (geo.db_router); none set: one database, as before.
REPLICA_URLS = os.environ.get("DATABASE_REPLICA_URL", "").replace(",", " ").split()
PEKA_REPLICAS = ["replica" if n == 1 else f"replica_{n}" for n in range(1, len(REPLICA_URLS) + 1)]
# Seconds to wait for a replica's connection before reading from the primary instead (libpq's minimum is 2).
PEKA_REPLICA_CONNECT_TIMEOUT = int(os.environ.get("PEKA_REPLICA_CONNECT_TIMEOUT", "2"))
# Seconds a replica that did not answer is left alone before it is tried again.
PEKA_REPLICA_RETRY_SECONDS = float(os.environ.get("PEKA_REPLICA_RETRY_SECONDS", "10"))
# Seconds after a write during which that client reads from the primary (read-your-writes cookie).
PEKA_PRIMARY_COOKIE_SECONDS = int(os.environ.get("PEKA_PRIMARY_COOKIE_SECONDS", "10"))
for alias, url in zip(PEKA_REPLICAS, REPLICA_URLS, strict=True):
    DATABASES[alias] = database(url)
    DATABASES[alias]["OPTIONS"]["connect_timeout"] = PEKA_REPLICA_CONNECT_TIMEOUT
    # Tests: a standby receives the test database from the primary; nothing is created on it.
    DATABASES[alias]["TEST"] = {"MIRROR": "default"}
if PEKA_REPLICAS:
    DATABASE_ROUTERS = ["geo.db_router.ReplicaRouter"]
    # After AuthenticationMiddleware: whoever is signed in reads from the primary.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
        "geo.db_router.ReadRoutingMiddleware",
    )


DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Indonesian first, English on request (Accept-Language or the language switch).
LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
# The city's time zone, written once: Pekanbaru keeps Western Indonesia Time (UTC+7). Due times, "today",
# the rollups' days and the public windows are counted there (complaints.sla.PEKANBARU is this zone;
# SQL reads the name from here).
TIME_ZONE = "Asia/Jakarta"

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = Path(os.environ.get("PEKA_MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "media/"

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "DEFAULT_PARSER_CLASSES": ["geo.parsers.JSONParser", "rest_framework.parsers.MultiPartParser"],
    # Pages use the session; scripts and apps a token (Authorization: Token <key>).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "EXCEPTION_HANDLER": "geo.errors.exception_handler",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "PEKA API",
    "DESCRIPTION": _("The public complaint map of Kota Pekanbaru: intake, routing and public complaint data."),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI is served from our own origin (drf-spectacular-sidecar), never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name for the complaint statuses (and the event and photo kinds) wherever a field uses them.
    "ENUM_NAME_OVERRIDES": {
        "ComplaintStatusEnum": "complaints.models.Status",
        "EventKindEnum": "complaints.models.EventKind",
        "PhotoKindEnum": "complaints.models.PhotoKind",
    },
    # The refusals every operation can give (400, 404, 401/403, 409, 413, 415), documented in one place.
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "geo.schema.document_errors"],
}

# The folder of the kecamatan/kelurahan boundary files: $PEKA_BOUNDARY_DIR, else the city's own files
# shipped in fixtures/kecamatan/ (see boundaries.sources).
PEKA_BOUNDARY_DIR = Path(os.environ.get("PEKA_BOUNDARY_DIR") or BASE_DIR / "fixtures" / "kecamatan")
# Sessions end when the browser closes: the citizen's session only remembers which complaints it
# supported, and is no identifier beyond that visit.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "satgas"
LOGOUT_REDIRECT_URL = "home"

# Basemap tiles ({z}/{x}/{y} URL template) under the maps: OpenStreetMap's standard tiles unless
# PEKA_TILE_URL names others; "none": no basemap, our own kecamatan and kelurahan outlines only.
OSM_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'


def basemap_from_env(environ) -> tuple[str, str]:
    """(tile URL template, attribution HTML) from PEKA_TILE_URL and PEKA_TILE_ATTRIBUTION; ("", "") for
    none. OpenStreetMap's tiles carry the attribution their tile usage policy requires."""
    url = environ.get("PEKA_TILE_URL", OSM_TILE_URL).strip()
    if url.lower() in {"", "none"}:
        return "", ""
    return url, environ.get("PEKA_TILE_ATTRIBUTION", OSM_ATTRIBUTION if url == OSM_TILE_URL else "")


PEKA_TILE_URL, PEKA_TILE_ATTRIBUTION = basemap_from_env(os.environ)


def tile_origin(url: str) -> str:
    """Where a {z}/{x}/{y} template's tiles come from, as a CSP source: "https://*.tile.example" for
    "https://{s}.tile.example/…"; a placeholder elsewhere in the host: its scheme only."""
    scheme, _, rest = url.partition("://")
    host = rest.split("/", 1)[0]
    if host.startswith("{s}."):
        host = "*." + host[4:]
    return f"{scheme}://{host}" if "{" not in host else f"{scheme}:"


# Content-Security-Policy (django-csp 4): scripts only from our origin or with this response's nonce
# (folium writes its map as inline scripts); styles may be inline, since Leaflet, folium's tooltips and
# Swagger UI set style attributes in markup, and a style cannot run code. Pages may not be framed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", *([tile_origin(PEKA_TILE_URL)] if PEKA_TILE_URL else [])],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# The city this deployment serves, as citizens name it.
PEKA_CITY_NAME = os.environ.get("PEKA_CITY_NAME", "Kota Pekanbaru")
# How far outside the city limit a pin is still accepted (GPS noise) and given the nearest kecamatan.
PEKA_CITY_TOLERANCE_M = float(os.environ.get("PEKA_CITY_TOLERANCE_M", "50"))
# How close to a boundary a point counts as on it: the boundary files carry 6 decimals (~0.11 m), so
# nearer than this they cannot say which side a point is on, and the border rule (lowest code) decides.
PEKA_BORDER_PRECISION_M = float(os.environ.get("PEKA_BORDER_PRECISION_M", "0.15"))
# The agency whose queue takes complaints of a category that has no agency (docs/rules.md, routing rule 3).
PEKA_TRIAGE_AGENCY = os.environ.get("PEKA_TRIAGE_AGENCY", "DISKOMINFOTIKSAN")
# How often the staff inbox asks whether its list changed (an ETag check; 304 when nothing did), in
# seconds, at most 30: new work shows without a reload.
PEKA_INBOX_POLL_SECONDS = min(30, max(1, int(os.environ.get("PEKA_INBOX_POLL_SECONDS", "30"))))
# How many days after resolution a citizen may still reopen a complaint.
PEKA_REOPEN_DAYS = int(os.environ.get("PEKA_REOPEN_DAYS", "14"))
# The smallest count a public aggregate shows, and where a sensitive category contributes
# (docs/rules.md, privacy rule 3; disclosure.public).
PEKA_SUPPRESS_BELOW = 3
PEKA_SUPPRESS_BELOW_SENSITIVE = 5
# Open311 GeoReport v2: the jurisdiction_id this server answers to.
PEKA_OPEN311_JURISDICTION = os.environ.get("PEKA_OPEN311_JURISDICTION", "pekanbaru.go.id")
# Folder of the PostgreSQL client tools for manage.py backup/restore (as bin/db); empty: the server's
# major version under /usr/lib/postgresql, then PATH.
PEKA_PGBIN = os.environ.get("PEKA_PGBIN", "")
# What a 503 tells clients to wait (seconds) when the database cannot be reached.
PEKA_RETRY_AFTER_S = int(os.environ.get("PEKA_RETRY_AFTER_S", "30"))
# The largest request body taken: a photo of the largest size taken (complaints.photos.MAX_MB) and the
# form around it.
PEKA_MAX_REQUEST_BYTES = int(os.environ.get("PEKA_MAX_REQUEST_BYTES", str(12 * 1024 * 1024)))
# A JSON body (a complaint, a staff action) is small; above this it is refused with a 413 before parsing.
PEKA_MAX_JSON_BYTES = int(os.environ.get("PEKA_MAX_JSON_BYTES", str(1024 * 1024)))
# Abuse limits, "<requests>/<s|m|h|d>"; 0 switches one off (load tests). Counted per client address
# (IPv6: per /64) for anonymous intake and support, per API key for Open311 posts.
PEKA_RATE_LIMIT_INTAKE = env_rate("PEKA_RATE_LIMIT_INTAKE", "20/m")
# Reading a photo's GPS position before filing (POST /api/v1/photo-location/), per client address.
PEKA_RATE_LIMIT_PHOTO_LOCATION = env_rate("PEKA_RATE_LIMIT_PHOTO_LOCATION", "20/m")
PEKA_RATE_LIMIT_SUPPORT = env_rate("PEKA_RATE_LIMIT_SUPPORT", "30/m")
PEKA_RATE_LIMIT_SUPPORT_DAILY = env_rate("PEKA_RATE_LIMIT_SUPPORT_DAILY", "100/d")
PEKA_RATE_LIMIT_OPEN311 = env_rate("PEKA_RATE_LIMIT_OPEN311", "120/m")
# The reporter's actions on a complaint (rate, reopen, add information, push), one count for all four.
PEKA_RATE_LIMIT_CITIZEN_ACTIONS = env_rate("PEKA_RATE_LIMIT_CITIZEN_ACTIONS", "20/m")
# Following an area (POST /api/v1/subscriptions/), per client address.
PEKA_RATE_LIMIT_SUBSCRIBE = env_rate("PEKA_RATE_LIMIT_SUBSCRIBE", "5/h")
# How many proxies in front of the app append to X-Forwarded-For. 0: the header is never trusted and
# the client is REMOTE_ADDR (a client can write any X-Forwarded-For it likes).
PEKA_TRUSTED_PROXY_COUNT = int(os.environ.get("PEKA_TRUSTED_PROXY_COUNT", "0"))
# "default" stays in each process's memory (short-lived results such as Gi* and the home totals);
# "limits" is a database table (createcachetable, run by bin/setup) so that abuse limits hold across
# every gunicorn worker and machine instead of multiplying by their number.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Room for 20,000 clients active within a limit's window (Django's default, 300, would forget an
    # attacker's count once 300 addresses had been seen); expired entries are culled first. Django's
    # database cache, with a write of one statement (geo.limitcache).
    "limits": {
        "BACKEND": "geo.limitcache.LimitCache",
        "LOCATION": "peka_rate_limits",
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    },
}

# Staff sign-in (/masuk/ and the admin): after PEKA_LOGIN_FAILURE_LIMIT failures for one username from
# one address, or PEKA_LOGIN_USERNAME_FAILURE_LIMIT for one username from any addresses, that username is
# refused for PEKA_LOGIN_LOCKOUT_MINUTES, even with the right password. By the pair, not the address:
# officers share an office's address, and one officer's typos must not pause the others.
AXES_FAILURE_LIMIT = int(os.environ.get("PEKA_LOGIN_FAILURE_LIMIT", "5"))
PEKA_LOGIN_USERNAME_FAILURE_LIMIT = int(os.environ.get("PEKA_LOGIN_USERNAME_FAILURE_LIMIT", "20"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("PEKA_LOGIN_LOCKOUT_MINUTES", "15")))
# In this order: geo.signin.PairOrUsernameLockout gives each set its own limit (django-axes has one).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_HANDLER = "geo.signin.PairOrUsernameLockout"
AXES_CLIENT_IP_CALLABLE = "geo.ratelimits.client_address"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# Its start-up banner would print on every manage.py command.
AXES_VERBOSE = False
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]

# How many demo complaints `seed_demo` creates by default.
PEKA_DEMO_COMPLAINTS = int(os.environ.get("PEKA_DEMO_COMPLAINTS", "3000"))

# Debian 12 ships GDAL 3.6, which cannot block file and network access (needs 3.9); we only open local files.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("PEKA_LOG_LEVEL", "INFO")},
    # The job queue's own lines (task registration, each job's start and end): the worker shows them.
    "loggers": {"procrastinate": {"level": os.environ.get("PEKA_QUEUE_LOG_LEVEL", "WARNING")}},
}

# Notifications (notifications/): jobs on our own PostgreSQL (procrastinate), one worker service
# (`manage.py procrastinate worker`). Each channel is on only once configured.
PEKA_SITE_URL = os.environ.get("PEKA_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# E-mail with Django's own names. Without EMAIL_HOST: the console in a local debug run, none in production.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "PEKA <peka@localhost>")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
# Bounces: mail is sent with PEKA_BOUNCE_ADDRESS as its envelope sender (Return-Path), so delivery
# reports come back there; the mail server delivers that address into PEKA_BOUNCE_MAILDIR, which the
# worker reads every PEKA_BOUNCE_CRON (notifications.bounces). Unset: DEFAULT_FROM_EMAIL, not read.
PEKA_BOUNCE_ADDRESS = os.environ.get("PEKA_BOUNCE_ADDRESS", "")
PEKA_BOUNCE_MAILDIR = os.environ.get("PEKA_BOUNCE_MAILDIR", "")
PEKA_BOUNCE_CRON = os.environ.get("PEKA_BOUNCE_CRON", "*/10 * * * *")
PEKA_EMAIL_ENABLED = bool(EMAIL_HOST) or (DEBUG and env_bool("PEKA_EMAIL_CONSOLE", True))
if not EMAIL_HOST:
    EMAIL_HOST = "localhost"
# WhatsApp Business Cloud API (template messages); on when both the token and the phone-number id are set.
PEKA_WHATSAPP_TOKEN = os.environ.get("PEKA_WHATSAPP_TOKEN", "")
PEKA_WHATSAPP_PHONE_ID = os.environ.get("PEKA_WHATSAPP_PHONE_ID", "")
PEKA_WHATSAPP_API_URL = os.environ.get("PEKA_WHATSAPP_API_URL", "https://graph.facebook.com/v21.0").rstrip("/")
# The webhook (/webhooks/whatsapp/) for delivery statuses and incoming messages: the app secret that
# signs them, the token Meta's verification sends.
PEKA_WHATSAPP_APP_SECRET = os.environ.get("PEKA_WHATSAPP_APP_SECRET", "")
PEKA_WHATSAPP_VERIFY_TOKEN = os.environ.get("PEKA_WHATSAPP_VERIFY_TOKEN", "")
# A WhatsApp conversation (whatsapp/) starts afresh after this many minutes of silence; the periodic
# job that deletes silent ones (and the number they hold) runs on this schedule.
PEKA_WHATSAPP_CONVERSATION_MINUTES = int(os.environ.get("PEKA_WHATSAPP_CONVERSATION_MINUTES", "30"))
PEKA_WHATSAPP_FORGET_CRON = os.environ.get("PEKA_WHATSAPP_FORGET_CRON", "*/10 * * * *")
# Web Push: the VAPID private key (raw P-256, base64url); without it a local debug run generates one
# into PEKA_VAPID_FILE, and production has no Web Push. PEKA_VAPID_SUBJECT: who the push services may contact.
PEKA_VAPID_PRIVATE_KEY = os.environ.get("PEKA_VAPID_PRIVATE_KEY", "")
PEKA_VAPID_FILE = os.environ.get("PEKA_VAPID_FILE", str(BASE_DIR / ".vapid-private-key"))
PEKA_VAPID_SUBJECT = os.environ.get("PEKA_VAPID_SUBJECT", "mailto:peka@localhost")
PEKA_WEBPUSH_ENABLED = bool(PEKA_VAPID_PRIVATE_KEY) or DEBUG
# Push endpoints must be https
# (PEKA_PUSH_ALLOW_HTTP lets a local stand-in take them in tests).
PEKA_PUSH_ALLOW_HTTP = env_bool("PEKA_PUSH_ALLOW_HTTP", False)
# Delivery: attempts before a delivery is left failed (visible in the admin), the retries' base wait
# (5, 25, 125, 625… s), a task force's inbox digest threshold per hour, the "sudah beres?" question's day.
# A complaint filed against an asset (a lamp post the citizen tapped) is placed at the asset if it lies
# within this many metres of the citizen's pin; assets show on the citizen's map from this zoom.
PEKA_ASSET_SNAP_MAX_M = int(os.environ.get("PEKA_ASSET_SNAP_MAX_M", "150"))
PEKA_ASSET_MIN_ZOOM = int(os.environ.get("PEKA_ASSET_MIN_ZOOM", "16"))
PEKA_NOTIFY_MAX_ATTEMPTS = int(os.environ.get("PEKA_NOTIFY_MAX_ATTEMPTS", "6"))
PEKA_NOTIFY_RETRY_BASE_SECONDS = int(os.environ.get("PEKA_NOTIFY_RETRY_BASE_SECONDS", "5"))
PEKA_NOTIFY_DIGEST_PER_HOUR = int(os.environ.get("PEKA_NOTIFY_DIGEST_PER_HOUR", "10"))
PEKA_NOTIFY_QUESTION_DAYS = int(os.environ.get("PEKA_NOTIFY_QUESTION_DAYS", "14"))
# When the periodic tasks run (cron, a sixth field for seconds): the escalation ladder, the question,
# and the look for jobs of a dead worker.
PEKA_NOTIFY_LADDER_CRON = os.environ.get("PEKA_NOTIFY_LADDER_CRON", "*/5 * * * *")
PEKA_NOTIFY_QUESTION_CRON = os.environ.get("PEKA_NOTIFY_QUESTION_CRON", "7 * * * *")
PEKA_WORKER_STALLED_CRON = os.environ.get("PEKA_WORKER_STALLED_CRON", "* * * * *")
# A contact left with "Dukung" or "Ikuti laporan ini" hears nothing but its confirmation until its owner
# confirms; left unconfirmed this many days it is deleted, by the hourly purge.
PEKA_SUPPORTERS_UNCONFIRMED_DAYS = int(os.environ.get("PEKA_SUPPORTERS_UNCONFIRMED_DAYS", "7"))
PEKA_SUPPORTERS_PURGE_CRON = os.environ.get("PEKA_SUPPORTERS_PURGE_CRON", "37 * * * *")
# Area alerts (alerts/): the daily digest (the job queue reads cron in UTC: 00:00 UTC is 07:00 WIB),
# and the hourly removal of subscriptions left unconfirmed for PEKA_ALERTS_UNCONFIRMED_DAYS days.
PEKA_ALERTS_DIGEST_CRON = os.environ.get("PEKA_ALERTS_DIGEST_CRON", "0 0 * * *")
PEKA_ALERTS_PURGE_CRON = os.environ.get("PEKA_ALERTS_PURGE_CRON", "17 * * * *")
PEKA_ALERTS_UNCONFIRMED_DAYS = int(os.environ.get("PEKA_ALERTS_UNCONFIRMED_DAYS", "7"))
# A worker that has not sent a heartbeat for this long is taken as dead, and its jobs are run again.
PEKA_WORKER_HEARTBEAT_SECONDS = float(os.environ.get("PEKA_WORKER_HEARTBEAT_SECONDS", "10"))
PEKA_WORKER_STALLED_SECONDS = float(os.environ.get("PEKA_WORKER_STALLED_SECONDS", "60"))
PROCRASTINATE_WORKER_DEFAULTS = {
    "update_heartbeat_interval": PEKA_WORKER_HEARTBEAT_SECONDS,
    "stalled_worker_timeout": PEKA_WORKER_STALLED_SECONDS,
    # A job that succeeded is deleted: the delivery's row is the record, and the queue stays small.
    # Failed jobs stay for `manage.py procrastinate` to inspect.
    "delete_jobs": "successful",
}
