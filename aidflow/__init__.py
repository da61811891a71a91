"""AidFlow: the workflow and approval engine for medical-aid applications."""

from aidflow.celery import app as celery_app

__all__ = ("celery_app",)
