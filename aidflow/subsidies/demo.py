"""Demo premium subsidies for seed_demo: 陵城区's roster of this year built from the demo rolls and
confirmed with a demo account of the insurance fund, payable by the county's finance officer."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils import timezone

from aidflow.subsidies.models import PremiumRoster
from aidflow.subsidies.services import roster_build, roster_confirm

DEMO_FUND = {"payee": "德州市陵城区医疗保障基金（演示）", "bank": "演示银行陵城支行", "account": "6200000000000009999"}


def seed_demo_premium(stdout, *, approver: str, county: str) -> None:
    year = timezone.localdate().year
    if PremiumRoster.objects.filter(county=county, year=year).exists():
        stdout.write(f"Premium subsidy roster of {county} {year}: already there.")
        return
    user = get_user_model().objects.get(username=approver)
    roster = roster_build(user=user, data={"county": county, "year": year})
    roster = roster_confirm(user=user, pk=roster.pk, data=DEMO_FUND)
    stdout.write(f"Premium subsidy roster {roster.number}: {roster.count} persons, {roster.total} yuan, confirmed.")
