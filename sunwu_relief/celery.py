import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sunwu_relief.settings")

app = Celery("sunwu_relief")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
