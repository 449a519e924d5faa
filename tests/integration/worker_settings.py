"""Settings of the worker processes that tests/integration/test_task_faults.py starts and kills:
the test settings, with the broker's visibility timeout down from hours to seconds, so that a
message left unacknowledged by a killed worker is delivered again within the test."""

from sunwu_relief.test_settings import *  # noqa: F403

CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
