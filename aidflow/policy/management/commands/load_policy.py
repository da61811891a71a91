"""manage.py load_policy FILE.json - load an immutable policy version."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from aidflow.core.errors import InputErrors
from aidflow.policy.services import PolicyConflict, policy_load


class Command(BaseCommand):
    help = "Load a policy version from a JSON file. The same code with different content is refused."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            data = json.loads(file.read_text(encoding="utf-8-sig"))
        except FileNotFoundError:
            raise CommandError(f"{file}: no such file.") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(f"{file}: not a JSON file: {error}") from None
        try:
            version, created = policy_load(data=data)
        except InputErrors as error:
            lines = [
                f"  {field or 'file'}: {message}" for field, messages in error.errors.items() for message in messages
            ]
            raise CommandError(f"{file}: nothing was loaded.\n" + "\n".join(lines)) from None
        except PolicyConflict as error:
            raise CommandError(f"{file}: {error}") from None
        if created:
            self.stdout.write(
                f"Loaded policy {version.code} ({version.rules.count()} rules) for region {version.region_code}."
            )
        else:
            self.stdout.write(f"Policy {version.code} is already loaded with the same content; nothing changed.")
