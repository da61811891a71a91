"""The ledger rows of live settlements made before the ledger table existed."""

from django.db import migrations

BACKFILL = """
INSERT INTO cases_aidledgerrow (day, region, person, category, aid_type, route, level, chapter, total_cost,
    eligible_cost, basic_insurance, serious_illness_insurance, other_payments, aid, application_id,
    settlement_number)
SELECT st.discharge_date, st.region, st.id_number, st.category, st.aid_type, 'settlement', h.level,
       UPPER(SUBSTR(st.icd10, 1, 1)), CAST(ROUND(st.total_cost * 100) AS BIGINT),
       CAST(ROUND(st.eligible_cost * 100) AS BIGINT), CAST(ROUND(st.basic_insurance * 100) AS BIGINT),
       CAST(ROUND(st.serious_illness_insurance * 100) AS BIGINT),
       CAST(ROUND((st.other_insurance + st.charity) * 100) AS BIGINT), CAST(ROUND(st.amount * 100) AS BIGINT),
       NULL, st.number
  FROM settlements_settlement st JOIN rolls_hospital h ON h.id = st.hospital_id
 WHERE st.status IN ('settled', 'claimed', 'approved')
"""


def backfill(apps, schema_editor):
    schema_editor.execute(BACKFILL)


class Migration(migrations.Migration):
    dependencies = [
        ("settlements", "0002_claim_payment"),
        ("cases", "0012_aid_ledger_rows"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
