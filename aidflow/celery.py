"""Celery application: background work (PDF rendering, deadline sweeps, mail) when a broker is set."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aidflow.settings")

app = Celery("aidflow")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
