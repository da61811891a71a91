from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    """The paper archive: a case's whole dossier as one PDF, and a county's month of dossiers as a ZIP."""

    name = "aidflow.archive"
    label = "archive"
    verbose_name = _("Paper archive")
