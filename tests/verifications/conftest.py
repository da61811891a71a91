from tests.payments.conftest import approved_claim, finance  # noqa: F401 - fixtures
from tests.recoveries.conftest import other_approver  # noqa: F401 - fixtures
from tests.settlements.conftest import register, window  # noqa: F401 - fixtures
