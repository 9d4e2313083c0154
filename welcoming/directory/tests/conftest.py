from __future__ import annotations

from typing import Any

import pytest

from welcoming.directory.importer import import_dataset
from welcoming.directory.packages import read_package
from welcoming.directory.tests.helpers import EXAMPLES
from welcoming.places.models import Jurisdiction

SERVICE_ID = "ac148810-d857-441c-9679-408f346de14b"
LOCATION_ID = "3a19ff88-4620-4d17-9830-ac1d859eb5d5"


@pytest.fixture
def official(riverton: Jurisdiction) -> Jurisdiction:
    """Riverton holding the official HSDS example package, with an Arabic name for the service."""
    import_dataset(read_package(EXAMPLES / "csv"), jurisdiction=riverton)
    from welcoming.directory.models import Service
    from welcoming.directory.services import service_save

    service = Service.objects.get(pk=SERVICE_ID)
    service.set_translation("ar", "name", "الإرشاد المجتمعي")
    service_save(service=service)
    return riverton


@pytest.fixture
def api(anonymous: Any) -> Any:
    return anonymous
