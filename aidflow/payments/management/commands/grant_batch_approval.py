"""manage.py grant_batch_approval - let a county approver (the head of office) give the second
signature on payment batches (payments.approve_batch, INTERFACES section 15), or take it back."""

from django.core.management.base import BaseCommand, CommandError

from aidflow.core.errors import InputErrors
from aidflow.payments.services.approval import approval_grant


class Command(BaseCommand):
    help = "Grant a county approver the approval of payment batches (--revoke takes it back); audited."

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--revoke", action="store_true", help="take the permission back")

    def handle(self, *args, username, revoke, **options):
        try:
            approval_grant(username=username, grant=not revoke)
        except InputErrors as error:
            raise CommandError(" ".join(message for values in error.errors.values() for message in values)) from None
        self.stdout.write(f"{username}: {'may no longer approve' if revoke else 'may approve'} payment batches.")
