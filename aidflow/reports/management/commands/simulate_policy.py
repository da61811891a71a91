"""manage.py simulate_policy FILE.json [--region CODE] [--json] - what a policy file, not loaded,
would have granted over the last 12 months (aidflow.reports.simulation). Nothing is written."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from aidflow.core.errors import InputErrors
from aidflow.reports.simulation import policy_simulate


class Command(BaseCommand):
    help = (
        "Compute the last 12 months' approved applications and settlements of a region again under a "
        "policy file that is not loaded, and compare with what was granted. Nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--region", help="region code (default: the policy file's region)")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args, file: Path, region: str | None, json: bool, **options):
        try:
            data = _json_load(file)
        except FileNotFoundError:
            raise CommandError(f"{file}: no such file.") from None
        except (UnicodeDecodeError, ValueError) as error:
            raise CommandError(f"{file}: not a JSON file: {error}") from None
        try:
            result = policy_simulate(data=data, region=region).as_json()
        except InputErrors as error:
            lines = [f"  {key or 'file'}: {message}" for key, messages in error.errors.items() for message in messages]
            raise CommandError(f"{file}: the policy file is not valid.\n" + "\n".join(lines)) from None
        if json:
            self.stdout.write(_json_dump(result))
            return
        self.stdout.write(
            f"Policy {result['policy']} for region {result['region']}, {result['from']} to {result['to']}"
        )
        header = f"{'category':<20} {'aid type':<16} {'cases':>7} {'persons':>8} {'affected':>8} "
        self.stdout.write(header + f"{'then':>14} {'new':>14} {'difference':>14}")
        for row in [*result["groups"], {"category": "total", "aid_type": "", **result["totals"]}]:
            self.stdout.write(
                f"{row['category']:<20} {row['aid_type']:<16} {row['cases']:>7} {row['persons']:>8} "
                f"{row['persons_affected']:>8} {row['then']:>14} {row['new']:>14} {row['difference']:>14}"
            )
        if result["largest"]:
            self.stdout.write("Largest differences:")
            for case in result["largest"]:
                self.stdout.write(
                    f"  {case['kind']:<11} {case['number']:<24} {case['name']:<6} {case['then']:>12} -> "
                    f"{case['new']:>12} ({case['difference']})"
                )


def _json_load(file: Path):
    return json.loads(file.read_text(encoding="utf-8-sig"))


def _json_dump(result: dict) -> str:
    return json.dumps(result, ensure_ascii=False, indent=1)
