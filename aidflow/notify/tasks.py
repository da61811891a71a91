"""Sending applicants' messages in the background (inline when no broker is configured)."""

from celery import shared_task

from aidflow.notify.delivery import message_deliver


@shared_task(name="aidflow.deliver_message", acks_late=True)
def deliver_message(message_id: int) -> str:
    return message_deliver(message_id).status
