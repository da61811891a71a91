"""manage.py correct_notice --number N --by USERNAME --reason TEXT - issue a corrected notice."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from aidflow.core.errors import ActionForbidden, InputErrors, NotFound
from aidflow.notices.models import Notice
from aidflow.notices.services import NoticeCorrectionRefused, notice_correct


class Command(BaseCommand):
    help = "Issue a new notice that replaces an earlier one (the earlier PDF is kept unchanged)."

    def add_arguments(self, parser):
        parser.add_argument("--number", required=True, help="the number of the notice to correct")
        parser.add_argument("--by", required=True, help="username of the county approver correcting it")
        parser.add_argument("--reason", required=True)

    def handle(self, *args, number, by, reason, **options):
        notice = Notice.objects.filter(number=number).first()
        user = get_user_model().objects.filter(username=by).first()
        if notice is None:
            raise CommandError(f"--number: no notice {number}.")
        if user is None:
            raise CommandError(f"--by: no user {by}.")
        try:
            new = notice_correct(notice_id=notice.pk, user=user, reason=reason)
        except (ActionForbidden, NotFound, NoticeCorrectionRefused) as error:
            raise CommandError(str(error)) from None
        except InputErrors as error:
            raise CommandError(error.text()) from None
        self.stdout.write(f"Issued {new.number}, replacing {number}.")
