"""PEKA settings: every value that can change between machines is read here, from the environment.

The defaults work on a fresh machine after `make run`: a local PostGIS cluster on port 54329 inside the
project, debug on, the Pekanbaru boundary files found next to the project.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Debug is on by default for the local two-command set-up; production sets DJANGO_DEBUG=false.
DEBUG = env_bool("DJANGO_DEBUG", True)
# The fallback key only ever serves a local debug run; production must set its own.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or ("peka-local-debug-only" if DEBUG else "")
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
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "rest_framework_gis",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "boundaries",
    "complaints",
    "hotspots",
    "open311",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "geo.middleware.RequestSizeLimit",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
            ],
        },
    },
]

# DATABASE_URL (postgis://user:password@host:port/name) points at any PostGIS server; without it, the
# project's own cluster that bin/setup starts on PEKA_DB_PORT.
PEKA_DB_PORT = int(os.environ.get("PEKA_DB_PORT", "54329"))
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"postgis://postgres@127.0.0.1:{PEKA_DB_PORT}/peka"),
        conn_max_age=int(os.environ.get("PEKA_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# JIT compilation costs milliseconds on every short spatial query and never pays back on the web path.
DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

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
# Pekanbaru keeps Western Indonesia Time (UTC+7); due times and "today" are counted there.
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
    "EXCEPTION_HANDLER": "complaints.errors.exception_handler",
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
    # One name for the complaint statuses wherever a field uses them.
    "ENUM_NAME_OVERRIDES": {"ComplaintStatusEnum": "complaints.models.Status"},
    # The refusals every operation can give (400, 404, 401/403, 409, 413, 415), documented in one place.
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "geo.schema.document_errors"],
}

# Where the Kecamatan/Kelurahan boundary files are looked for, in this order (see boundaries.sources).
PEKA_BOUNDARY_DIRS = [
    Path(p)
    for p in [
        os.environ.get("PEKA_BOUNDARY_DIR"),
        BASE_DIR / "fixtures" / "kecamatan",
        BASE_DIR.parent / "shared" / "data" / "pekanbaru",
    ]
    if p
]
# Sessions end when the browser closes: the citizen's session only remembers which complaints it
# supported, and is no identifier beyond that visit.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "satgas"
LOGOUT_REDIRECT_URL = "home"

# Basemap tiles ({z}/{x}/{y} URL template) under the maps; empty: no basemap, our own outlines only.
PEKA_TILE_URL = os.environ.get("PEKA_TILE_URL", "")
PEKA_TILE_ATTRIBUTION = os.environ.get("PEKA_TILE_ATTRIBUTION", "")

# The city this deployment serves, as citizens name it.
PEKA_CITY_NAME = os.environ.get("PEKA_CITY_NAME", "Kota Pekanbaru")
# How far outside the city limit a pin is still accepted (GPS noise) and given the nearest kecamatan.
PEKA_CITY_TOLERANCE_M = float(os.environ.get("PEKA_CITY_TOLERANCE_M", "50"))
# How close to a boundary a point counts as on it: the boundary files carry 6 decimals (~0.11 m), so
# nearer than this they cannot say which side a point is on, and the border rule (lowest code) decides.
PEKA_BORDER_PRECISION_M = float(os.environ.get("PEKA_BORDER_PRECISION_M", "0.15"))
# The agency whose queue takes complaints of a category that has no agency (DESIGN.md, rule 3).
PEKA_TRIAGE_AGENCY = os.environ.get("PEKA_TRIAGE_AGENCY", "DISKOMINFOTIKSAN")
# How many days after resolution a citizen may still reopen a complaint.
PEKA_REOPEN_DAYS = int(os.environ.get("PEKA_REOPEN_DAYS", "14"))
# Open311 GeoReport v2: the jurisdiction_id this server answers to.
PEKA_OPEN311_JURISDICTION = os.environ.get("PEKA_OPEN311_JURISDICTION", "pekanbaru.go.id")
# The largest request body taken: a 10 MB photo and the form around it.
PEKA_MAX_REQUEST_BYTES = int(os.environ.get("PEKA_MAX_REQUEST_BYTES", str(12 * 1024 * 1024)))
# How many demo complaints `seed_demo` creates by default.
PEKA_DEMO_COMPLAINTS = int(os.environ.get("PEKA_DEMO_COMPLAINTS", "3000"))

# Debian 12 ships GDAL 3.6, which cannot block file and network access (needs 3.9); we only open local files.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("PEKA_LOG_LEVEL", "INFO")},
}
