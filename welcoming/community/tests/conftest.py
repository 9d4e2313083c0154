from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache

from welcoming.community.tests.helpers import make_areas
from welcoming.places.models import Area, Jurisdiction


@pytest.fixture(autouse=True)
def no_earlier_offers_counted() -> Iterator[None]:
    """The offers per address are counted in the cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def areas(riverton: Jurisdiction) -> dict[str, Area]:
    return make_areas(riverton)
