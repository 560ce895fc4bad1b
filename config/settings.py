"""Settings for Teilhabe, read from the environment.

With nothing configured the app runs on its embedded default: SQLite, local files, e-mail to the console and
Celery tasks run in-process. DATABASE_URL, CELERY_BROKER_URL (or REDIS_URL), AWS_STORAGE_BUCKET_NAME and
EMAIL_HOST switch to PostgreSQL, a real worker, S3-compatible storage and SMTP.
"""

from pathlib import Path

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_database, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("DATA_DIR", str(BASE_DIR / "var")))
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", True)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-used-only-with-DEBUG-on-0123456789"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if not DEBUG else "*")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "modeltranslation",  # must precede django.contrib.admin
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "viewflow",
    "viewflow.workflow",
    "usertext",
    "notifications",
    "organisations",
    "applications",
    "grants",
    "catalogue",
    "workflow",
    "portal",
    "reporting",
    "demo",
]

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "config.staticfiles.AppDirectoriesFinder",  # leaves out a stray copy of fonts in viewflow, see there
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "organisations.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "organisations.middleware.StaffIdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "organisations.context_processors.acting_organisation",
                "notifications.context_processors.unread_notifications",
            ],
        },
    },
]

# Database: SQLite under DATA_DIR unless DATABASE_URL names another.
DATABASES = {
    "default": env_database(
        "DATABASE_URL",
        {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "teilhabe.sqlite3",
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        },
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "organisations.User"
AUTHENTICATION_BACKENDS = [
    "organisations.backends.ModelBackendOneQuery",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:home"

# django-allauth: e-mail login, verified addresses, rate limits on login and sign-up.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# Failed logins are limited twice. Per client address (below), generously, so that an office behind one NAT address
# is not shut out by a few typos. Per account, by a growing delay instead of a lock (organisations/login_delay.py):
# after LOGIN_FREE_FAILURES failures an account's next attempt waits 2, 4, 8, … seconds, at most
# LOGIN_MAX_DELAY_SECONDS, so nobody can lock a chosen person out for longer than that.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "20/5m/ip",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Teilhabe] "
ACCOUNT_ADAPTER = "organisations.adapter.AccountAdapter"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
LOGIN_FREE_FAILURES = env_int("LOGIN_FREE_FAILURES", 5)
LOGIN_MAX_DELAY_SECONDS = env_int("LOGIN_MAX_DELAY_SECONDS", 900)
if LOGIN_FREE_FAILURES < 1 or LOGIN_MAX_DELAY_SECONDS < 2:
    raise ImproperlyConfigured(
        "LOGIN_FREE_FAILURES must be at least 1 and LOGIN_MAX_DELAY_SECONDS at least 2 "
        f"(now {LOGIN_FREE_FAILURES} and {LOGIN_MAX_DELAY_SECONDS})."
    )

# The client address that rate limits count by. Behind proxies that append to X-Forwarded-For (the TLS proxy in
# front of gunicorn), set TRUSTED_PROXY_COUNT to their number: the address that the outermost trusted proxy saw is
# used. 0 (the default) trusts no header and uses the address of the connection itself; a client can forge
# X-Forwarded-For, so never set it higher than the number of proxies you run.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured(f"TRUSTED_PROXY_COUNT must be 0 or more, not {TRUSTED_PROXY_COUNT}.")
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

# Staff (any staff role or permission, superusers) are logged out after this many minutes without a request; a
# notice a few minutes before offers to stay logged in. Members of organisations keep the normal session.
STAFF_SESSION_IDLE_MINUTES = env_int("STAFF_SESSION_IDLE_MINUTES", 30)
STAFF_SESSION_WARNING_MINUTES = env_int("STAFF_SESSION_WARNING_MINUTES", 5)
if not 1 <= STAFF_SESSION_WARNING_MINUTES < STAFF_SESSION_IDLE_MINUTES:
    raise ImproperlyConfigured(
        "STAFF_SESSION_WARNING_MINUTES must be at least 1 and less than STAFF_SESSION_IDLE_MINUTES "
        f"(now {STAFF_SESSION_WARNING_MINUTES} and {STAFF_SESSION_IDLE_MINUTES})."
    )

# Languages: German is the official language and the default; the UI source strings are English.
LANGUAGE_CODE = "de"
LANGUAGES = [
    ("de", _("German")),
    ("en", _("English")),
    ("tr", _("Turkish")),
    ("ar", _("Arabic")),
    ("ru", _("Russian")),
    ("uk", _("Ukrainian")),
]
# Our catalogues first, then formal-address ("Sie") overrides of django-allauth's German, then the apps' own.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_overrides"]
USE_I18N = True
TIME_ZONE = "Europe/Berlin"
USE_TZ = True
MODELTRANSLATION_DEFAULT_LANGUAGE = "de"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("de",)
MODELTRANSLATION_LANGUAGES = ("de", "en", "tr", "ar", "ru", "uk")

# Files: local under DATA_DIR, or S3-compatible when a bucket is configured.
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static", ("kern", BASE_DIR / "node_modules" / "@kern-ux" / "native" / "dist")]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(DATA_DIR / "media")))

AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME")
if AWS_STORAGE_BUCKET_NAME:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env_str("AWS_S3_REGION_NAME") or None,
            "access_key": env_str("AWS_ACCESS_KEY_ID") or None,
            "secret_key": env_str("AWS_SECRET_ACCESS_KEY") or None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and env_bool("STATIC_MANIFEST", True)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

FILE_UPLOAD_HANDLERS = [
    "applications.upload_handlers.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# E-mail: SMTP when EMAIL_HOST is set, the console otherwise.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 20
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Teilhabe <noreply@teilhabe.example>")

# Celery: a Redis broker when configured; otherwise tasks run in-process right after the commit.
REDIS_URL = env_str("REDIS_URL")
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "teilhabe")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
# Reuse the worker's database connection across tasks (see config/celery_app.py for how a broken one is dropped).
CELERY_DB_REUSE_MAX = 1000
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 90
# Longer than the longest task and any countdown we use, so unacknowledged messages are not redelivered early.
# A message a killed worker held comes back after the visibility timeout; five minutes is longer than any task
# (CELERY_TASK_TIME_LIMIT) and no task waits longer than that in a countdown. The sweeps below bring lost work
# back sooner (within a minute).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 300}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "fire-process-timers": {"task": "workflow.tasks.fire_due_timers", "schedule": 60.0},
    "sweep-outbox": {"task": "notifications.tasks.sweep_outbox", "schedule": 30.0},
    "alert-undelivered-mail": {"task": "notifications.tasks.alert_operators", "schedule": 300.0},
    "refresh-dashboards": {
        "task": "reporting.tasks.refresh_dashboards",
        "schedule": 30.0,
        "options": {"expires": 25},  # a refresh that waited longer is dropped; the next one comes anyway
    },
    "sweep-invitation-mail": {"task": "organisations.tasks.sweep_invitation_mail", "schedule": 30.0},
    "alert-undelivered-invitations": {
        "task": "organisations.tasks.alert_operators_about_invitations",
        "schedule": 300.0,
    },
    "sweep-stalled-steps": {"task": "workflow.tasks.sweep_stalled_steps", "schedule": 30.0},
    "sweep-unrendered-grant-letters": {"task": "grants.tasks.sweep_unrendered_grant_letters", "schedule": 60.0},
    "check-letter-files": {
        "task": "workflow.tasks.report_letter_files_without_rows",
        "schedule": crontab(hour=3, minute=30),
    },
    "deadline-reminders": {"task": "workflow.tasks.send_deadline_reminders", "schedule": 3600.0},
    "overdue-tasks": {"task": "workflow.tasks.escalate_overdue_tasks", "schedule": crontab(hour=8, minute=0)},
    "grants-final": {"task": "workflow.tasks.make_grants_final", "schedule": 3600.0},
    "end-letter-provisions": {"task": "workflow.tasks.end_unretrieved_letter_provisions", "schedule": 3600.0},
    "daily-digests": {"task": "notifications.tasks.send_daily_digests", "schedule": crontab(hour=7, minute=0)},
    "proof-reminders": {"task": "grants.tasks.remind_proofs_due", "schedule": crontab(hour=6, minute=30)},
}

if REDIS_URL:
    CACHES = {
        "default": {
            # Reads miss and writes are dropped while Redis is unreachable (config/cache.py); short socket timeouts
            # keep a hanging Redis from holding up pages.
            "BACKEND": "config.cache.FailSoftRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    # Sessions are read from the shared cache (written through to the database), saving a query per request.
    # Only with a shared cache: a per-process cache could keep a logged-out session alive in another process.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Security: strict by default once DEBUG is off (manage.py check --deploy passes without warnings).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG and env_bool("SECURE_COOKIES", True)
SECURE_SSL_REDIRECT = not DEBUG and env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 0 if DEBUG else env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"weasyprint": {"level": "ERROR"}, "fontTools": {"level": "WARNING"}},
}

# The office that issues decision letters.
ISSUING_OFFICE = env_str(
    "ISSUING_OFFICE",
    "Die Senatorin für Arbeit, Soziales, Jugend und Integration – Referat Integrationspolitik, "
    "Bahnhofsplatz 29, 28195 Bremen",
)

# The privacy notice (Art. 13 GDPR) names the office's data protection officer and the retention periods.
# Check the officer's address before going live; the periods are what the notice promises, in years.
DATA_PROTECTION_OFFICER = env_str(
    "DATA_PROTECTION_OFFICER",
    "Behördliche Datenschutzbeauftragte der Senatorin für Arbeit, Soziales, Jugend und Integration, "
    "Bahnhofsplatz 29, 28195 Bremen",
)
DATA_PROTECTION_OFFICER_EMAIL = env_str("DATA_PROTECTION_OFFICER_EMAIL", "datenschutz@soziales.bremen.de")
# Grant files: years after the end of the procedure (the proof-of-use check or the final decision).
RETENTION_APPLICATION_YEARS = env_int("RETENTION_APPLICATION_YEARS", 10)
# Receipts: years after the proof-of-use check.
RETENTION_RECEIPTS_YEARS = env_int("RETENTION_RECEIPTS_YEARS", 5)
if RETENTION_APPLICATION_YEARS < 1 or RETENTION_RECEIPTS_YEARS < 1:
    raise ImproperlyConfigured(
        "RETENTION_APPLICATION_YEARS and RETENTION_RECEIPTS_YEARS must be at least 1 "
        f"(now {RETENTION_APPLICATION_YEARS} and {RETENTION_RECEIPTS_YEARS})."
    )

# A decision letter sent by post counts as delivered on this day after posting: the fourth since 1 January 2025
# (§ 41(2) VwVfG as amended by the Postrechtsmodernisierungsgesetz; the third before). Bremen's authorities apply
# the BremVwVfG: check that it follows, and change this number if it does not.
POSTAL_DELIVERY_DAYS = 4

# The proof of use (ANBest-P Nr. 6.1): the final one is due this many months after the approval period ends; for a
# project running past a year's end, an interim proof is due this many months after that year's end.
PROOF_OF_USE_MONTHS = 6
INTERIM_PROOF_MONTHS = 4

# A staff task left open: after this many days its holder is reminded (once), later the programme
# administrators are told (once); the overdue-tasks beat job runs both steps every morning.
STAFF_TASK_REMIND_AFTER_DAYS = env_int("STAFF_TASK_REMIND_AFTER_DAYS", 7)
STAFF_TASK_ESCALATE_AFTER_DAYS = env_int("STAFF_TASK_ESCALATE_AFTER_DAYS", 14)
if not 1 <= STAFF_TASK_REMIND_AFTER_DAYS < STAFF_TASK_ESCALATE_AFTER_DAYS:
    raise ImproperlyConfigured(
        "STAFF_TASK_REMIND_AFTER_DAYS must be at least 1 and less than STAFF_TASK_ESCALATE_AFTER_DAYS "
        f"(now {STAFF_TASK_REMIND_AFTER_DAYS} and {STAFF_TASK_ESCALATE_AFTER_DAYS}): the holder of a task is "
        "reminded before the programme administrators are told."
    )

# E-mail that cannot be delivered (the mail server is down) is tried again after 1, 2, 4, … minutes, at most an
# hour apart, for NOTIFICATION_RETRY_WINDOW_HOURS after the first failure: a mail server down over a weekend loses
# nothing. Only then does a message count as failed; OPERATOR_EMAILS are told, and administrators can resend it.
NOTIFICATION_RETRY_FIRST_SECONDS = env_int("NOTIFICATION_RETRY_FIRST_SECONDS", 60)
NOTIFICATION_RETRY_MAX_SECONDS = env_int("NOTIFICATION_RETRY_MAX_SECONDS", 3600)
NOTIFICATION_RETRY_WINDOW_HOURS = env_int("NOTIFICATION_RETRY_WINDOW_HOURS", 72)
if not 1 <= NOTIFICATION_RETRY_FIRST_SECONDS <= NOTIFICATION_RETRY_MAX_SECONDS:
    raise ImproperlyConfigured(
        "NOTIFICATION_RETRY_FIRST_SECONDS must be at least 1 and at most NOTIFICATION_RETRY_MAX_SECONDS "
        f"(now {NOTIFICATION_RETRY_FIRST_SECONDS} and {NOTIFICATION_RETRY_MAX_SECONDS})."
    )
OPERATOR_EMAILS = env_list("OPERATOR_EMAILS")

# For the reliability tests only: seconds a worker waits in the middle of rendering a decision letter, so a test
# can kill the worker or cut the database while a letter is half made. 0 (the default) never waits.
TEST_LETTER_RENDER_DELAY_SECONDS = env_int("TEST_LETTER_RENDER_DELAY_SECONDS", 0)
