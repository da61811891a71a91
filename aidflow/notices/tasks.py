"""Rendering notices in the background (inline when no broker is configured)."""

from celery import shared_task

from aidflow.notices.services import notice_render


@shared_task(name="aidflow.render_notice", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def render_notice(notice_id: int) -> str:
    return notice_render(notice_id).sha256
