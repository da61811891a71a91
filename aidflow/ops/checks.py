"""`manage.py check --deploy`: what an operator must set before AidFlow faces the network."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def metrics_token_check(app_configs, **kwargs):
    if settings.METRICS_TOKEN:
        return []
    return [
        Warning(
            "METRICS_TOKEN is not set: /metrics answers anyone who reaches the web port.",
            hint="Set METRICS_TOKEN and give the scraper `Authorization: Bearer <token>`.",
            id="aidflow.W001",
        )
    ]


@register(Tags.security, deploy=True)
def audit_signing_key_check(app_configs, **kwargs):
    if settings.AUDIT_SIGNING_KEY and len(settings.AUDIT_SIGNING_KEY) < 32:
        return [Error("AUDIT_SIGNING_KEY is shorter than 32 characters.", id="aidflow.E003")]
    if settings.AUDIT_SIGNING_KEY or settings.DEBUG:
        return []
    return [
        Error(
            "AUDIT_SIGNING_KEY is not set: the audit checkpoints are signed with a key derived from "
            "SECRET_KEY, which every web process holds.",
            hint="Set AUDIT_SIGNING_KEY (at least 32 random characters) in the web and worker environment "
            "only, keep a copy offline, and archive the files write_audit_head writes.",
            id="aidflow.E002",
        )
    ]
