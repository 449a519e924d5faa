"""Settings, read from the environment (docs/interfaces.md §2) with safe embedded defaults."""

from datetime import timedelta
from pathlib import Path

import dj_database_url

from .env import env_bool, env_int, env_list, env_networks, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)
# Outside DEBUG there is no fallback key (fail closed): Django refuses every use of an empty
# SECRET_KEY (sessions, CSRF, signing), and the WSGI entry point touches it so that gunicorn does
# not start without one. Commands that need no key (migrate, check) still run.
SECRET_KEY = env_str("SECRET_KEY", "insecure-dev-only-key-do-not-use-in-production" if DEBUG else "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "simple_history",
    "sunwu_relief.login_protection.LoginProtectionConfig",  # django-axes, named in Chinese in the admin
    "django_celery_beat",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "sunwu_relief",
    "households",
    "assessments",
    "benefits",
    "audits",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): a code was entered this session
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "sunwu_relief.middleware.PermissionsPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    # After the log-in, county staff and administrators enter a code before any page (docs/security.md).
    "sunwu_relief.two_factor.middleware.TwoFactorMiddleware",
]

ROOT_URLCONF = "sunwu_relief.urls"
WSGI_APPLICATION = "sunwu_relief.wsgi.application"

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
                "sunwu_relief.context_processors.staff",
                "households.context_processors.county",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
    )
}
# Behind PgBouncer in transaction pooling mode, server-side cursors (QuerySet.iterator() outside a
# transaction) must be off (README, "Province deployment").
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool("DB_DISABLE_SERVER_SIDE_CURSORS", False)
# A read replica (README, "Province deployment"): the statistics report, the lists' downloads and
# the API's list endpoints read there outside a transaction (sunwu_relief.db_router); the tests
# mirror it to the default database.
if env_str("DATABASE_REPLICA_URL", ""):
    DATABASES["replica"] = dj_database_url.parse(
        env_str("DATABASE_REPLICA_URL", ""), conn_max_age=env_int("DB_CONN_MAX_AGE", 0)
    )
    DATABASES["replica"]["DISABLE_SERVER_SIDE_CURSORS"] = DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"]
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["sunwu_relief.db_router.ReplicaRouter"]
# The embedded SQLite: a transaction takes the write lock when it begins (BEGIN IMMEDIATE). With the
# default deferred mode two requests that both read and then write (a double-clicked submit) deadlock
# on the lock upgrade and one fails at once with "database is locked" (a 500) instead of waiting.
SQLITE_OPTIONS = {"transaction_mode": "IMMEDIATE", "timeout": 20}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {**DATABASES["default"].get("OPTIONS", {}), **SQLITE_OPTIONS}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

# Idle log-out (等保2.0): a session lives 30 minutes after the last request.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Lock-out after 5 failed log-ins (等保2.0), for one hour, per user name and address.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(hours=1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The client's address behind the reverse proxy (see README, Production): the proxies' addresses or
# networks, comma-separated. Only a request from one of them has its X-Forwarded-For read; empty
# (the default) trusts nobody and uses the peer's address. The same helper feeds the access log.
TRUSTED_PROXIES = env_networks("SUNWU_TRUSTED_PROXIES")
AXES_CLIENT_IP_CALLABLE = "sunwu_relief.ui.client_ip"

# Two-factor log-in (等保 level 3): county staff (bureau reviewers, auditors, the poverty office) and
# administrators (is_staff, superusers) enrol an authenticator app (TOTP, django-otp) and enter its
# code after the password at every log-in. Township staff are asked too only when
# OTP_REQUIRED_FOR_TOWNSHIP is on. OTP_REQUIRED=false turns the whole check off (tests only; never in
# production). API tokens: docs/security.md.
OTP_REQUIRED = env_bool("OTP_REQUIRED", True)
OTP_REQUIRED_FOR_TOWNSHIP = env_bool("OTP_REQUIRED_FOR_TOWNSHIP", False)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "孙吴县社会救助")
# Wrong codes: after n in a row the next try waits 2^(n-1) seconds (django-otp's throttling).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

LANGUAGE_CODE = env_str("LANGUAGE_CODE", "zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("SUNWU_PLAIN_STATIC", True)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The longest text one cell of an imported xlsx may hold (Excel's own limit is 32,767).
SUNWU_XLSX_MAX_CELL_CHARS = env_int("SUNWU_XLSX_MAX_CELL_CHARS", 32_767)
# Uploaded files and generated results of jobs (ledgers, departmental data: full ID numbers) are
# deleted this many days after the job finished; the job's record (counts, errors, who) is kept.
SUNWU_UPLOAD_RETENTION_DAYS = env_int("SUNWU_UPLOAD_RETENTION_DAYS", 90)

# Security headers; the deploy check passes when DEBUG is off and HTTPS is terminated by the proxy.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts, styles, images and fonts from our own origin only;
# no inline script or style (templates use static/js/site.js and site.css), no plug-ins, no
# framing, forms post only to us. Swagger UI (drf-spectacular-sidecar) is served from 'self' with
# its set-up script as a separate request (SpectacularSwaggerSplitView); it draws icons from data:.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}
# Browser features no page of ours uses (sunwu_relief.middleware.PermissionsPolicyMiddleware).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "sunwu_relief.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "sunwu_relief.parsers.SafeJSONParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "sunwu_relief.api.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["sunwu_relief.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": env_str("API_THROTTLE_RATE", "600/min")},
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=env_int("API_TOKEN_TTL_DAYS", 180)),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "sunwu-relief API",
    "DESCRIPTION": "孙吴县社会救助管理系统 REST API (docs/interfaces.md §5).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and the docs are for our users and the poverty office's software, not the public.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated", "sunwu_relief.api.HasAnyRole"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "sunwu_relief.schema.add_error_responses",
    ],
}

# Celery: eager (no broker) unless CELERY_BROKER_URL is set.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 6 * 3600}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
# A job whose worker is lost while running it (killed, out of memory) runs again on the redelivered
# message, this many runs in all; then it fails (sunwu_relief.jobs.job_claim).
SUNWU_JOB_MAX_ATTEMPTS = env_int("SUNWU_JOB_MAX_ATTEMPTS", 3)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_ids": {"()": "sunwu_relief.logging.MaskIdNumbersFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["mask_ids"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    "loggers": {
        # Django's own logger would otherwise keep its default, unmasked console handler.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# Periodic work (celery beat; the database scheduler takes these in at start-up).
from celery.schedules import crontab  # noqa: E402

CELERY_BEAT_SCHEDULE = {
    "requeue-pending-jobs": {
        "task": "sunwu_relief.tasks.requeue_pending_jobs",
        "schedule": crontab(minute="*/5"),
    },
    "purge-expired-job-files": {
        "task": "sunwu_relief.tasks.purge_expired_job_files",
        "schedule": crontab(hour=3, minute=15),
    },
    "take-decisions-into-effect": {
        "task": "benefits.tasks.take_decisions_into_effect",
        "schedule": crontab(hour=0, minute=30),
    },
    "run-reverification": {
        "task": "benefits.tasks.run_reverification",
        "schedule": crontab(hour=1, minute=30),
    },
    "complete-public-notices": {
        "task": "benefits.tasks.complete_public_notices",
        "schedule": crontab(hour=1, minute=0),
    },
    "draw-spot-checks": {"task": "audits.tasks.draw_spot_checks", "schedule": crontab(hour=3, minute=0)},
    "check-payment-close": {
        "task": "benefits.payments.tasks.check_payment_close_nightly",
        "schedule": crontab(hour=4, minute=0),
    },
    "run-integrity-checks": {
        "task": "audits.integrity.tasks.run_integrity_checks",
        "schedule": crontab(hour=3, minute=30),
    },
    "complete-phase-outs": {
        "task": "benefits.tasks.complete_phase_outs",
        "schedule": crontab(day_of_month=1, hour=2, minute=0),
    },
}
