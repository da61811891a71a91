"""`manage.py check --deploy`: what an operator must set before AidFlow faces the network."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


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
