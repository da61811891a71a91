"""The search box of a list of people: a name or a number, typed the way a clerk says it.

People are looked up by the surname first (王, 张, 欧阳), then the given name. One or two Chinese
characters are therefore a name's beginning: `王` finds 王秀英 and not 李王明, `欧阳` finds 欧阳红.
They are compared as the name's first one or two characters, `LEFT(name, n) = q`, which an
expression index in the list's order answers on PostgreSQL (a page of a province's 王 is read in
order from the index, with no sort and no scan of the names in scope; see the migrations
`cases.0020` and `settlements.0005`). A trigram index cannot help there: a query of fewer than three
characters has no trigram.

Anything longer, or not Chinese (a fragment of a case number, a Latin name), matches anywhere in the
name or the number, as before (trigram indexes on PostgreSQL answer those).
"""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet
from django.db.models.functions import Left

# CJK Unified Ideographs, Extension A and the compatibility block: the characters of a Chinese name.
NAME_HEAD = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{1,2}")
# The expression indexes cover a name's first one and first two characters.
HEAD_LENGTHS = (1, 2)


def is_name_head(text: str) -> bool:
    """Whether `text` is searched as the beginning of a name (one or two Chinese characters)."""
    return bool(NAME_HEAD.fullmatch(text))


def name_or_number(queryset: QuerySet, text: str, *, name: str, number: str) -> QuerySet:
    """`queryset` narrowed to the rows whose `name` begins with `text` (one or two Chinese
    characters), or whose `name` or `number` contains it (anything else)."""
    if is_name_head(text):
        return queryset.alias(name_head=Left(name, len(text))).filter(name_head=text)
    return queryset.filter(Q(**{f"{number}__icontains": text}) | Q(**{f"{name}__icontains": text}))
