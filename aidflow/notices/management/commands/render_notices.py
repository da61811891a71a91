"""manage.py render_notices - render every notice whose PDF is still missing (after a failed render)."""

from django.core.management.base import BaseCommand, CommandError

from aidflow.notices.models import Notice
from aidflow.notices.rendering import NoticeFontMissing, notice_render


class Command(BaseCommand):
    help = "Render the PDFs of notices that have none yet. Rendered notices are never rendered again."

    def handle(self, *args, **options):
        pending = list(Notice.objects.filter(sha256="").values_list("pk", flat=True))
        for pk in pending:
            try:
                notice = notice_render(pk)
            except NoticeFontMissing as error:
                raise CommandError(str(error)) from None
            self.stdout.write(f"{notice.number}: {notice.sha256}")
        self.stdout.write(f"{len(pending)} notices rendered.")
