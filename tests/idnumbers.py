"""Valid resident ID numbers for tests, built with the GB 11643 check character."""

import datetime

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def resident_id(birth: datetime.date, area: str = "371403", order: str = "001") -> str:
    first17 = f"{area}{birth:%Y%m%d}{order}"
    check = "10X98765432"[sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True)) % 11]
    return first17 + check
