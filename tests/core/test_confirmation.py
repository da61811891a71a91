"""The confirmation step's rule: only a POST carrying `confirmed=yes` and the digest of the very
summary shown confirms; the dialog's form carries the first POST's values, nothing else."""

from django.http import QueryDict

from aidflow.core.confirmation import Confirmation


def summary(**changes) -> Confirmation:
    fields = {
        "title": "确认批准此申请？",
        "lead": "批准后不能撤回。",
        "facts": [("申请编号", "371403-2026-00001"), ("批准救助金额", "1000.00 元")],
        "action": "确认批准",
        "back": "task-form",
        **changes,
    }
    return Confirmation(**fields)


def post(text: str) -> QueryDict:
    return QueryDict(text, mutable=True)


def test_only_the_digest_of_the_summary_shown_confirms():
    shown = summary()
    assert not shown.given(post("decision=approve"))
    assert not shown.changed  # simply not confirmed yet
    assert not shown.given(post("decision=approve&confirmed=yes"))
    assert shown.changed  # a confirmation, but not of this summary: asked again, saying so
    fresh = summary()
    assert fresh.given(post(f"decision=approve&confirmed=yes&confirm_digest={fresh.digest}"))
    assert not fresh.given(post(f"confirmed=no&confirm_digest={fresh.digest}"))


def test_another_figure_is_another_summary():
    shown = summary()
    later = summary(facts=[("申请编号", "371403-2026-00001"), ("批准救助金额", "800.00 元")])
    assert shown.digest != later.digest
    assert not later.given(post(f"confirmed=yes&confirm_digest={shown.digest}"))
    assert later.changed
    # The words of the button and the page's anchors are not what is confirmed.
    assert summary(action="批准", back="elsewhere").digest == shown.digest


def test_the_dialog_carries_what_was_posted_and_no_token_or_old_answer():
    shown = summary().carry_post(
        post("csrfmiddlewaretoken=x&decision=approve&refused=3&refused=4&confirmed=yes&confirm_digest=abc&file=old"),
        file="signed",
    )
    assert shown.carry == [("decision", "approve"), ("refused", "3"), ("refused", "4"), ("file", "signed")]
