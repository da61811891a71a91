"""manage.py create_staff - create or update a staff member with a role and a region."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from aidflow.regions.models import Role
from aidflow.regions.services import staff_save
from aidflow.rolls.models import Hospital


class Command(BaseCommand):
    help = "Create a staff member, or update one by username (role, region, password, name)."

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--password", help="required for a new user; changes the password of an existing one")
        parser.add_argument("--role", required=True, help=", ".join(Role.values))
        parser.add_argument("--region", help="region code at the role's level (none for admin)")
        parser.add_argument("--name", help="the person's full name as shown in AidFlow")
        parser.add_argument("--hospital", help="designated-hospital code (hospital_clerk only)")

    def handle(self, *args, username, password, role, region, name, hospital, **options):
        found = None
        if hospital:
            found = Hospital.objects.filter(code=hospital.strip()).first()
            if found is None:
                message = _("unknown hospital %(code)s: import_hospitals first.") % {"code": hospital}
                raise CommandError(_("Nothing was saved.") + f"\nhospital: {message}")
        try:
            user = staff_save(
                username=username, password=password, role=role, region_code=region, name=name, hospital=found
            )
        except ValidationError as error:
            lines = [f"{field}: {message}" for field, messages in error.message_dict.items() for message in messages]
            raise CommandError(_("Nothing was saved.") + "\n" + "\n".join(lines)) from None
        profile = user.staff
        where = f" in {profile.region}" if profile.region_id else ""
        where += f" at {profile.hospital}" if profile.hospital_id else ""
        self.stdout.write(f"Saved {user.username}: {profile.role}{where}.")
