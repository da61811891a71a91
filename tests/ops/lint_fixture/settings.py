"""The project's settings with the lint fixture app installed."""

from aidflow.settings import *  # noqa: F403
from aidflow.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.ops.lint_fixture"]
