import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sunwu_relief.settings")
application = get_wsgi_application()
# Fail closed at start-up: without SECRET_KEY (and outside DEBUG) Django raises ImproperlyConfigured
# here, so gunicorn refuses to start instead of answering every request with an error.
settings.SECRET_KEY  # noqa: B018
