"""One stay, one aid: the stays of applications still alive (in progress or approved) take their
claims; where two already claim the same stay, the earlier application keeps it."""

import re
import unicodedata

from django.db import migrations

SPACES = re.compile(r"\s+")


def hospital_key(hospital, code):
    # As aidflow.cases.services.claims.hospital_key at the time of this migration.
    if code:
        return f"code:{code.strip().upper()}"
    return "name:" + SPACES.sub("", unicodedata.normalize("NFKC", hospital)).casefold()


def claim_live_stays(apps, schema_editor):
    HospitalStay = apps.get_model("cases", "HospitalStay")
    StayClaim = apps.get_model("cases", "StayClaim")
    taken = set()
    claims = []
    stays = HospitalStay.objects.filter(application__status__in=["in_progress", "approved"]).order_by(
        "application_id", "index"
    )
    for stay in stays.select_related("application").iterator():
        key = (stay.application.id_number, hospital_key(stay.hospital, stay.hospital_code), stay.admission_date)
        if key in taken:
            continue
        taken.add(key)
        claims.append(
            StayClaim(id_number=key[0], hospital_key=key[1], admission_date=key[2], application_id=stay.application_id)
        )
    StayClaim.objects.bulk_create(claims, batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("cases", "0007_insured_diagnosis_stay_claims")]

    operations = [migrations.RunPython(claim_live_stays, migrations.RunPython.noop)]
