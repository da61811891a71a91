"""manage.py calculate_aid - one calculation request as JSON on stdin, the result as JSON on stdout."""

import json
import sys

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from aidflow.cases.services.calculation import aid_calculate
from aidflow.core.errors import InputErrors

EXIT_INVALID = 2


class Command(BaseCommand):
    help = "Calculate medical aid for one request (JSON on stdin). Exit 0 with a result, 2 on invalid input."

    def handle(self, *args, **options):
        raw = sys.stdin.read()
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as error:
            self._fail({"body": [_("Not valid JSON: %(error)s") % {"error": error}]})
        try:
            result = aid_calculate(data=data)
        except InputErrors as error:
            self._fail(error.errors)
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))

    def _fail(self, errors: dict) -> None:
        body = {"detail": _("Invalid calculation request."), "errors": errors}
        self.stdout.write(json.dumps(body, ensure_ascii=False, indent=2))
        sys.exit(EXIT_INVALID)
