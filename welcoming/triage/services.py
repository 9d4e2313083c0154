"""Running a triage for a jurisdiction, and what it leaves behind: one anonymous demand row."""

from __future__ import annotations

import atexit
import dataclasses
import datetime as dt
import logging
import os
import threading
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, connection, connections
from django.utils import timezone

from welcoming.places.models import Jurisdiction
from welcoming.places.selectors import area_at
from welcoming.triage import wording
from welcoming.triage.candidates import engine_for
from welcoming.triage.engine import Query, Result
from welcoming.triage.models import Demand

MAX_NEEDS_RECORDED = 3

logger = logging.getLogger(__name__)


class DemandBuffer:
    """Demand rows waiting to be written together: one INSERT for many triages instead of one
    transaction (and, without persistent connections, one connection) for each.

    A row waits at most `max_seconds` (a timer thread writes it if no triage comes to do it), at
    most `max_rows` wait, and whatever waits is written when the process exits normally (atexit:
    gunicorn's workers return through `sys.exit` on SIGTERM, SIGQUIT and SIGINT, `manage.py`
    commands end the same way). Only a killed process (SIGKILL, a crash of the interpreter) loses
    what it held: at most one second of demand, which is anonymous statistics, not a person's data."""

    def __init__(self, max_rows: int = 500, max_seconds: float = 1.0) -> None:
        self.max_rows = max_rows
        self.max_seconds = max_seconds
        self._rows: list[Demand] = []
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()  # guards _rows and _timer
        self._writing = threading.Lock()  # one writer at a time, so exit waits for a timer's write

    def add(self, row: Demand) -> None:
        with self._lock:
            self._rows.append(row)
            full = len(self._rows) >= self.max_rows
            if not full:
                self._schedule()
        if full:
            self.flush()

    def flush(self) -> int:
        """Write every waiting row now; how many were written."""
        with self._writing:
            with self._lock:
                rows, self._rows = self._rows, []
            if not rows:
                return 0
            try:
                return _write_demand(rows)
            except Exception:
                # kept and tried again in max_seconds rather than lost; her triage is still answered
                with self._lock:
                    self._rows[:0] = rows
                    self._schedule()
                logger.exception("could not write %d demand rows; they will be tried again", len(rows))
                return 0

    def _schedule(self) -> None:
        """With _lock held: make sure a timer will write what waits within max_seconds."""
        if self._timer is None:
            self._timer = threading.Timer(self.max_seconds, self._flush_in_thread)
            self._timer.daemon = True  # exit does not wait for it: atexit writes what it would have
            self._timer.start()

    def _flush_in_thread(self) -> None:
        with self._lock:
            self._timer = None
        try:
            self.flush()
        finally:
            connections.close_all()  # this thread's own connections, not the requests'

    def reset(self) -> None:
        """Drop what waits, unwritten. In a forked child (the rows belong to the parent, which
        writes them; its timer thread and locks do not exist here) and between tests."""
        if self._timer is not None:
            self._timer.cancel()
        self._rows = []
        self._timer = None
        self._lock = threading.Lock()
        self._writing = threading.Lock()


def _write_demand(rows: list[Demand]) -> int:
    """One INSERT for all the rows. If a jurisdiction or an area was deleted while they waited, row
    by row instead, doing what the foreign keys would have done to a row already written: without
    its area (SET NULL), or not at all for a deleted jurisdiction (CASCADE)."""
    try:
        Demand.objects.bulk_create(rows)  # its own transaction: foreign keys are checked at commit
        return len(rows)
    except IntegrityError:
        pass
    written = 0
    for row in rows:
        if _insert_one(row) or (row.area_id is not None and _insert_one(_without_area(row))):
            written += 1
        else:
            logger.warning("a demand row of a deleted jurisdiction was not written")
    return written


def _without_area(row: Demand) -> Demand:
    row.area = None
    return row


def _insert_one(row: Demand) -> bool:
    try:
        Demand.objects.bulk_create([row])
    except IntegrityError:
        return False
    return True


demand_buffer = DemandBuffer()
atexit.register(demand_buffer.flush)
os.register_at_fork(after_in_child=demand_buffer.reset)


def record_demand(row: Demand) -> None:
    """Keep one demand row: in the caller's transaction if there is one (it is written, or rolled
    back, with the rest of it; tests run in one), otherwise through the buffer."""
    if connection.in_atomic_block or not settings.WELCOMING_DEMAND_BUFFER:
        Demand.objects.bulk_create([row])
    else:
        demand_buffer.add(row)


def local_now(jurisdiction: Jurisdiction, at: dt.datetime | None = None) -> tuple[int, int]:
    moment = (at or timezone.now()).astimezone(ZoneInfo(jurisdiction.timezone))
    return moment.weekday(), moment.hour * 60 + moment.minute


def triage(*, jurisdiction: Jurisdiction, query: Query, record: bool = True) -> Result:
    """The engine's answer for this city at this moment; with `record`, one anonymous demand row
    (the day, the language, the top needs, the neighbourhood) and nothing else."""
    if query.now is None:
        query = dataclasses.replace(query, now=local_now(jurisdiction))
    result = engine_for(jurisdiction).triage(query)
    if record and result.needs:
        area = None
        if query.latitude is not None and query.longitude is not None:
            area = area_at(jurisdiction, query.latitude, query.longitude)
        row = Demand(
            jurisdiction=jurisdiction,
            day=timezone.localdate(),
            language=result.language,
            needs=[n.slug for n in result.needs[:MAX_NEEDS_RECORDED]],
            area=area,
        )
        record_demand(row)
    return result


def as_json(result: Result, jurisdiction: Jurisdiction, language: str | None = None) -> dict[str, Any]:
    """The shape of `GET /api/v1/triage` and of `manage.py triage --json`."""
    lang = language or result.language
    return {
        "lang": lang,
        "needs": [
            {
                "slug": need.slug,
                "label": wording.need_label(need.slug, lang),
                "confidence": need.confidence,
                "evidence": list(need.evidence),
            }
            for need in result.needs
        ],
        "emergency": result.emergency,
        "emergency_kinds": list(result.emergency_kinds),
        "emergency_contacts": wording.emergency_contacts(jurisdiction.emergency_contacts, lang)
        if result.emergency
        else [],
        "results": [
            {
                "id": match.service.id,
                "name": match.service.payload["name"][lang].text,
                "organization": match.service.payload["organization"][lang].text,
                "text_language": {
                    "name": match.service.payload["name"][lang].language,
                    "organization": match.service.payload["organization"][lang].language,
                },
                "categories": list(match.service.needs),
                "score": match.score,
                "reasons": [wording.reason_text(reason, lang) for reason in match.reasons],
                "distance_km": None if match.distance_km is None else round(match.distance_km, 2),
                "open_now": match.open_now,
                "languages": sorted(match.service.languages),
                "url": f"/api/hsds/services/{match.service.id}?lang={lang}&jurisdiction={jurisdiction.code}",
            }
            for match in result.results
        ],
    }
