"""Password rules beyond Django's own validators."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    """A password must mix letters, digits and at least one symbol."""

    def validate(self, password: str, user=None) -> None:
        missing = []
        if not any(character.isalpha() for character in password):
            missing.append(_("a letter"))
        if not any(character.isdigit() for character in password):
            missing.append(_("a digit"))
        if all(character.isalnum() for character in password):
            missing.append(_("a symbol such as ! # - _ @"))
        if missing:
            raise ValidationError(
                _("This password must also contain %(missing)s.") % {"missing": _(", ").join(missing)},
                code="password_character_classes",
            )

    def get_help_text(self) -> str:
        return _("Your password must contain letters, digits and at least one symbol.")
