"""Ordering the versions of rule sets and target sets ("2022.1" < "2022.2" < "2022.10")."""

from __future__ import annotations

import re

_TOKEN = re.compile(r"\d+|[^\W\d_]+")


def version_key(version: str) -> tuple[tuple[int, int, str], ...]:
    """A sort key: numbers compare as numbers, words as text, a longer version after its prefix.

    "2022.2-city-1" sorts after "2022.2" (a city's own revision of it) and before "2022.3".
    """
    return tuple(
        (0, int(token), "") if token.isdigit() else (1, 0, token.casefold())
        for token in _TOKEN.findall(version)
    )


def is_older(version: str, than: str) -> bool:
    """Whether ``version`` comes before ``than``."""
    return version_key(version) < version_key(than)
