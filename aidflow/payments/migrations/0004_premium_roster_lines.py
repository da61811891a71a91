"""Payment lines may pay a premium subsidy roster (资助参保) to the insurance fund. The payment lines
are a big table: on PostgreSQL the column is added without a default, the foreign key and the new
one-item check are added NOT VALID and validated apart (no write is blocked), and the roster's
one-live-line index is built concurrently. SQLite gets Django's own operations."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Q

from aidflow.core.postgres_sql import PostgresqlOnlySQL, SqliteOnly

ONE_OF_THREE = models.CheckConstraint(
    condition=(Q(application__isnull=False) & Q(claim__isnull=True) & Q(roster__isnull=True))
    | (Q(application__isnull=True) & Q(claim__isnull=False) & Q(roster__isnull=True))
    | (Q(application__isnull=True) & Q(claim__isnull=True) & Q(roster__isnull=False)),
    name="payment_line_one_of_three",
)
ONE_ITEM = models.CheckConstraint(
    condition=(Q(application__isnull=False) & Q(claim__isnull=True))
    | (Q(application__isnull=True) & Q(claim__isnull=False)),
    name="payment_line_one_item",
)
ROSTER_ONCE = models.UniqueConstraint(fields=["roster"], condition=~Q(status="failed"), name="payment_line_roster_once")
ROSTER = models.ForeignKey(
    blank=True,
    null=True,
    db_index=False,
    on_delete=django.db.models.deletion.PROTECT,
    related_name="payment_lines",
    to="subsidies.premiumroster",
)
KIND = models.CharField(
    choices=[("application", "Application"), ("claim", "Hospital claim"), ("premium", "Premium subsidies")],
    max_length=12,
    verbose_name="kind",
)
CHECK_SQL = (
    "(application_id IS NOT NULL AND claim_id IS NULL AND roster_id IS NULL) OR "
    "(application_id IS NULL AND claim_id IS NOT NULL AND roster_id IS NULL) OR "
    "(application_id IS NULL AND claim_id IS NULL AND roster_id IS NOT NULL)"
)


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run inside a transaction.
    atomic = False

    dependencies = [
        ("payments", "0003_batch_second_signature"),
        ("subsidies", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint(model_name="paymentline", name="payment_line_one_item"),
                migrations.AddField(model_name="paymentline", name="roster", field=ROSTER),
                migrations.AddConstraint(model_name="paymentline", constraint=ROSTER_ONCE),
                migrations.AddConstraint(model_name="paymentline", constraint=ONE_OF_THREE),
            ],
            database_operations=[
                SqliteOnly(migrations.RemoveConstraint(model_name="paymentline", name="payment_line_one_item")),
                SqliteOnly(migrations.AddField(model_name="paymentline", name="roster", field=ROSTER)),
                SqliteOnly(migrations.AddConstraint(model_name="paymentline", constraint=ROSTER_ONCE)),
                SqliteOnly(migrations.AddConstraint(model_name="paymentline", constraint=ONE_OF_THREE)),
                PostgresqlOnlySQL(
                    "ALTER TABLE payments_paymentline ADD COLUMN roster_id bigint NULL",
                    "ALTER TABLE payments_paymentline DROP COLUMN roster_id",
                ),
                PostgresqlOnlySQL(
                    "ALTER TABLE payments_paymentline ADD CONSTRAINT payments_paymentline_roster_id_fk "
                    "FOREIGN KEY (roster_id) REFERENCES subsidies_premiumroster (id) "
                    "DEFERRABLE INITIALLY DEFERRED NOT VALID",
                    "ALTER TABLE payments_paymentline DROP CONSTRAINT payments_paymentline_roster_id_fk",
                ),
                PostgresqlOnlySQL(
                    "ALTER TABLE payments_paymentline VALIDATE CONSTRAINT payments_paymentline_roster_id_fk",
                    migrations.RunSQL.noop,
                ),
                PostgresqlOnlySQL(
                    f"ALTER TABLE payments_paymentline ADD CONSTRAINT payment_line_one_of_three CHECK ({CHECK_SQL}) "
                    "NOT VALID",
                    "ALTER TABLE payments_paymentline DROP CONSTRAINT payment_line_one_of_three",
                ),
                PostgresqlOnlySQL(
                    "ALTER TABLE payments_paymentline VALIDATE CONSTRAINT payment_line_one_of_three",
                    migrations.RunSQL.noop,
                ),
                PostgresqlOnlySQL(
                    "ALTER TABLE payments_paymentline DROP CONSTRAINT payment_line_one_item",
                    "ALTER TABLE payments_paymentline ADD CONSTRAINT payment_line_one_item CHECK "
                    "((application_id IS NOT NULL AND claim_id IS NULL) OR (application_id IS NULL AND claim_id IS NOT NULL))",
                ),
                PostgresqlOnlySQL(
                    "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS payment_line_roster_once "
                    "ON payments_paymentline (roster_id) WHERE NOT (status = 'failed')",
                    "DROP INDEX CONCURRENTLY IF EXISTS payment_line_roster_once",
                ),
            ],
        ),
        migrations.AlterField(model_name="paymentline", name="kind", field=KIND),
    ]
