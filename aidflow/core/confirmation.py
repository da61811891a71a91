"""A confirmation step before an irreversible action, the same on every screen.

A screen's first POST is checked as usual; when it is valid, the screen answers with what will
happen (a `Confirmation`, shown by templates/aidflow/_confirm.html as a modal dialog, or inline
without scripts). The dialog's own form posts the same values again with `confirmed=yes` and the
digest of the summary shown; only a POST carrying both, whose summary is still the same now, runs
the action. So a form without the step (no scripts, a stale page, a changed total) never acts on
one click, and the API, which has no screens, is not concerned."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

CONFIRMED = "confirmed"
DIGEST = "confirm_digest"
# Never carried from the first POST into the dialog's form: the dialog adds its own.
NOT_CARRIED = {"csrfmiddlewaretoken", CONFIRMED, DIGEST}


@dataclass
class Confirmation:
    """What the user is asked to confirm: a title, one sentence on what follows, the facts (label,
    value) that decide it, and the button's words. `back` is the id of the form's section the
    dialog returns to (focus goes back to `opener`, the button that asked)."""

    title: str
    lead: str
    facts: list[tuple[str, str]]
    action: str
    back: str
    opener: str = ""
    danger: bool = False
    carry: list[tuple[str, str]] = field(default_factory=list)
    changed: bool = False

    @property
    def digest(self) -> str:
        """The summary's fingerprint: confirming it is confirming these words and figures."""
        shown = [str(self.title), [[str(label), str(value)] for label, value in self.facts]]
        return hashlib.sha256(json.dumps(shown, ensure_ascii=False).encode("utf-8")).hexdigest()

    def carry_post(self, post, **extra: str) -> Confirmation:
        """Carry the first POST's values (and `extra`) into the dialog's form, so that what is
        confirmed is exactly what was summarised."""
        skipped = NOT_CARRIED | set(extra)
        self.carry = [(name, value) for name, values in post.lists() if name not in skipped for value in values]
        self.carry.extend(extra.items())
        return self

    def given(self, post) -> bool:
        """True when the POST confirms this very summary. A confirmation of a summary that has
        changed since (another total, another amount) is not one: it is asked again, saying so."""
        if post.get(CONFIRMED) != "yes":
            return False
        if post.get(DIGEST) == self.digest:
            return True
        self.changed = True
        return False
