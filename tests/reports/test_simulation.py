"""A policy change simulated on a small set checked by hand (INTERFACES section 14): the last 12
months' approvals of the county computed again under a policy file that is not loaded."""

import copy
import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command

from aidflow.cases.models import Application
from aidflow.policy.models import PolicyVersion
from aidflow.reports.simulation import policy_simulate
from tests.factories import DEMO_POLICY_FILE, ApplicationFactory, FilingFactory, advance, excluded, person, today

pytestmark = pytest.mark.django_db


def file(clerk, order, **changes):
    return ApplicationFactory(user=clerk, data=FilingFactory(person=person(order), **changes))


def new_policy(rate="0.30", deductible="10000") -> dict:
    """The shipped demo policy with the low-income major-disease rule changed, under a new code."""
    data = json.loads(DEMO_POLICY_FILE.read_text(encoding="utf-8"))
    data = copy.deepcopy(data)
    data["code"] = "dezhou-simulated"
    for rule in data["rules"]:
        if (rule["category_group"], rule["aid_type"]) == ("low_income", "major_disease"):
            rule["rate"], rule["deductible"] = rate, deductible
    return data


@pytest.fixture
def decided(policy, clerk, reviewer, approver):
    # 20% of (17000 - 12000) = 1000.00 granted; under 30% above 10000: 30% of 7000 = 2100.00.
    plain = advance(file(clerk, "401"), to="notice_delivery")
    # 1000.00 excluded on review: 20% of (16000 - 12000) = 800.00; new: 30% of 6000 = 1800.00.
    lowered = advance(file(clerk, "402"), to="notice_delivery", excluded_costs=excluded("1000.00"))
    # Refused, and approved more than 12 months ago: neither is run again.
    advance(file(clerk, "403"), to="closed", reject_at="county_approval")
    old = advance(file(clerk, "404"), to="notice_delivery")
    Application.objects.filter(pk=old.pk).update(decided_on=today() - datetime.timedelta(days=400))
    return plain, lowered


def test_the_county_year_run_again_under_a_new_rate_and_deductible(decided):
    plain, lowered = decided
    assert (plain.amount, lowered.amount) == (1000, 800)
    result = policy_simulate(data=new_policy(), region="371403").as_json()
    assert result["policy"] == "dezhou-simulated" and result["region"] == "371403"
    assert result["to"] == today().isoformat()
    assert result["from"] == (today() - datetime.timedelta(days=365)).isoformat()
    (group,) = result["groups"]
    assert group == {
        "category": "low_income",
        "aid_type": "major_disease",
        "cases": 2,
        "persons": 2,
        "persons_affected": 2,
        "then": "1800.00",
        "new": "3900.00",
        "difference": "2100.00",
    }
    assert result["totals"]["difference"] == "2100.00"
    # The largest difference first, the person masked.
    assert [(case["number"], case["then"], case["new"]) for case in result["largest"]] == [
        (plain.number, "1000.00", "2100.00"),
        (lowered.number, "800.00", "1800.00"),
    ]
    assert person("401") not in json.dumps(result, ensure_ascii=False)
    # Nothing was loaded.
    assert not PolicyVersion.objects.filter(code="dezhou-simulated").exists()


def test_the_same_policy_changes_nothing_and_the_annual_cap_still_binds(decided):
    unchanged = policy_simulate(data=new_policy(rate="0.20", deductible="12000"), region="371403").as_json()
    assert unchanged["totals"]["persons_affected"] == 0 and unchanged["largest"] == []
    assert unchanged["totals"]["then"] == unchanged["totals"]["new"] == "1800.00"
    # Full cover above nothing: each 17000.00 / 16000.00 remaining, capped at the rule's 10000.00.
    capped = policy_simulate(data=new_policy(rate="1.00", deductible="0"), region="371403").as_json()
    assert capped["totals"]["new"] == "20000.00"


def test_the_command_prints_the_table_and_refuses_a_bad_file_by_field(decided, tmp_path):
    good = tmp_path / "policy.json"
    good.write_text(json.dumps(new_policy(), ensure_ascii=False), encoding="utf-8")
    out = io.StringIO()
    call_command("simulate_policy", str(good), "--region", "371403", stdout=out)
    text = out.getvalue()
    assert "low_income" in text and "1800.00" in text and "3900.00" in text and "2100.00" in text
    out = io.StringIO()
    call_command("simulate_policy", str(good), "--region", "371403", "--json", stdout=out)
    assert json.loads(out.getvalue())["totals"]["new"] == "3900.00"
    bad = new_policy()
    bad["rules"][0]["rate"] = "seventy"
    (tmp_path / "bad.json").write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(CommandError, match=r"rules\[0\]\.rate"):
        call_command("simulate_policy", str(tmp_path / "bad.json"))
