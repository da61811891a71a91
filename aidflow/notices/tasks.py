"""Rendering notices in the background (inline when no broker is configured)."""

from celery import shared_task

from aidflow.notices.rendering import notice_render


@shared_task(name="aidflow.render_notice", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def render_notice(notice_id: int) -> str:
    return notice_render(notice_id).sha256


def render_schedule(notice_id: int) -> None:
    """Queue the PDF of a committed notice (or render it now, without a broker)."""
    render_notice.delay(notice_id)
