"""Settings of the benchmark's HTTP server (`bench/run.py` serves them with gunicorn): the
project's own, plus the bare views the API is measured against, no HTTPS redirect and no
throttle (the client is the benchmark). Never used outside bench/."""

import os

os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("API_THROTTLE_RATE", "1000000/min")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-never-deployed")

from sunwu_relief.settings import *  # noqa: E402, F403

ROOT_URLCONF = "bench.http_urls"
