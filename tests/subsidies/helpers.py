"""A confirmed premium subsidy roster of this year listing one person, for tests that need one."""

import datetime

from aidflow.rolls.models import RollPeriod
from aidflow.subsidies.services import roster_build, roster_confirm
from tests.factories import today

FUND = {"payee": "陵城区医疗保障基金", "bank": "农业银行陵城支行", "account": "6228480000000000999"}


def confirmed_roster(approver, person: dict, village: str):
    """`person` ({"id_number", "name"}) put on a 低保 roll of `village` since 2020, and 陵城区's roster
    of this year built and confirmed by `approver`."""
    RollPeriod.objects.create(
        id_number=person["id_number"],
        name=person["name"],
        category="dibao",
        region=village,
        valid_from=datetime.date(2020, 1, 1),
    )
    roster = roster_build(user=approver, data={"county": "371403", "year": today().year})
    return roster_confirm(user=approver, pk=roster.pk, data=FUND)
