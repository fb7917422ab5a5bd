"""Balai's settings plus the bench-only baseline app; used only by `make bench`, never shipped."""

from balai.settings import *  # noqa: F403
from balai.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench.baseline"]
ROOT_URLCONF = "bench.urls"
