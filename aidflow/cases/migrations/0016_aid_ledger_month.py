"""The ledger's aid by month, village and category, kept by triggers on the ledger rows.

Each trigger adds a row's aid to its bucket (an insert), takes it away (a delete), or both (an
update), with an upsert that adds to the bucket in place: concurrent writers of one bucket queue on
its row instead of overwriting each other's sums. Every write also counts in `changes`, which only
grows: a month's figures cached under the sum of its buckets' changes are stale once it moves.
Rows already in the ledger are summed once here.
"""

from django.db import migrations, models

BUCKET = """
INSERT INTO cases_aidledgermonth (month, region, category, aid, rows, changes)
VALUES ({month}, {row}.region, {row}.category, {sign}{row}.aid, {sign}1, 1)
ON CONFLICT (month, region, category) DO UPDATE
SET aid = cases_aidledgermonth.aid + excluded.aid, rows = cases_aidledgermonth.rows + excluded.rows,
    changes = cases_aidledgermonth.changes + 1;
"""

POSTGRESQL = f"""
CREATE OR REPLACE FUNCTION cases_aidledgermonth_apply() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        {BUCKET.format(month="to_char(OLD.day, 'YYYY-MM')", row="OLD", sign="-")}
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        {BUCKET.format(month="to_char(NEW.day, 'YYYY-MM')", row="NEW", sign="")}
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER cases_aidledgermonth_apply AFTER INSERT OR UPDATE OR DELETE ON cases_aidledgerrow
    FOR EACH ROW EXECUTE FUNCTION cases_aidledgermonth_apply();
"""

SQLITE = [
    f"""CREATE TRIGGER cases_aidledgermonth_{name} AFTER {event} ON cases_aidledgerrow BEGIN
    {"".join(BUCKET.format(month=f"strftime('%Y-%m', {row}.day)", row=row, sign=sign) for row, sign in parts)}
    END"""
    for name, event, parts in (
        ("insert", "INSERT", [("NEW", "")]),
        ("delete", "DELETE", [("OLD", "-")]),
        ("update", "UPDATE", [("OLD", "-"), ("NEW", "")]),
    )
]

BACKFILL = """
INSERT INTO cases_aidledgermonth (month, region, category, aid, rows, changes)
SELECT {month}, region, category, SUM(aid), COUNT(*), COUNT(*) FROM cases_aidledgerrow GROUP BY {month}, region, category
"""


def triggers_create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL, params=None)
        schema_editor.execute(BACKFILL.format(month="to_char(day, 'YYYY-MM')"), params=None)
    else:
        for statement in SQLITE:
            schema_editor.execute(statement, params=None)
        schema_editor.execute(BACKFILL.format(month="strftime('%Y-%m', day)"), params=None)


def triggers_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS cases_aidledgermonth_apply ON cases_aidledgerrow", params=None)
        schema_editor.execute("DROP FUNCTION IF EXISTS cases_aidledgermonth_apply()", params=None)
    else:
        for name in ("insert", "delete", "update"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS cases_aidledgermonth_{name}", params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0015_list_order_covering'),
    ]

    operations = [
        migrations.CreateModel(
            name='AidLedgerMonth',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.CharField(max_length=7, verbose_name='month')),
                ('region', models.CharField(max_length=12, verbose_name='region')),
                ('category', models.CharField(max_length=20, verbose_name='category')),
                ('aid', models.BigIntegerField(default=0, verbose_name='aid (cents)')),
                ('rows', models.IntegerField(default=0, verbose_name='ledger rows')),
                ('changes', models.BigIntegerField(default=0, verbose_name='writes counted')),
            ],
            options={
                'verbose_name': 'ledger month',
                'verbose_name_plural': 'ledger months',
                'constraints': [models.UniqueConstraint(fields=('month', 'region', 'category'), name='aid_ledger_month_unique')],
            },
        ),
        migrations.RunPython(triggers_create, triggers_drop),
    ]
