"""Test configuration: the real settings with speed-ups and plain HTTP for the test servers."""

from .settings import *  # noqa: F403

SECRET_KEY = "test-only-key-not-for-any-deployment-4c1f9e"

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
MEDIA_ROOT = BASE_DIR / ".test-media"  # noqa: F405
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": "100000/min"}}  # noqa: F405
# Tests call tasks eagerly even when CI sets a broker; the integration tests start a real worker
# and turn this off for themselves.
CELERY_TASK_ALWAYS_EAGER = True
# The two-factor log-in is off for the suite (it logs in with force_login); the tests of
# tests/sunwu_relief/test_two_factor.py and the e2e test of it turn it on with override_settings.
OTP_REQUIRED = False
