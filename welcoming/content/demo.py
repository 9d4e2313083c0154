"""The demo cities' guides, rights and myths pages, from `demo/<city>/<lang>.yaml`.

Loading twice changes nothing. A page that the English file marks `outdated: [fr]` is first saved
with an earlier English text, so that its French translation is outdated the way it would be in use.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from welcoming.content import services
from welcoming.content.models import Entry, Page
from welcoming.places.models import Jurisdiction

DEMO_DIR = Path(__file__).resolve().parent / "demo"


def _read(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@transaction.atomic
def load_demo_content(jurisdiction: Jurisdiction) -> int:
    """Create or update the pages of `jurisdiction`; returns how many pages it has in the demo."""
    folder = DEMO_DIR / jurisdiction.code
    source = jurisdiction.default_language
    if not (folder / f"{source}.yaml").exists():
        return 0
    pages = _read(folder / f"{source}.yaml")
    translated = {path.stem: _read(path) or {} for path in folder.glob("*.yaml") if path.stem != source}
    for spec in pages:
        page = Page.objects.filter(jurisdiction=jurisdiction, slug=spec["slug"]).first()
        created = page is None
        page = page or Page(jurisdiction=jurisdiction, slug=spec["slug"])
        page.kind, page.need, page.order = spec["kind"], spec.get("need", ""), spec.get("order", 0)
        page.title, page.summary, page.body = spec["title"], spec.get("summary", ""), spec.get("body", "")
        for language, by_slug in translated.items():
            for field in Page.translated_fields:
                page.set_translation(language, field, (by_slug.get(spec["slug"]) or {}).get(field, ""))
        if created and spec.get("outdated"):
            final_body = page.body
            page.body = final_body + "\n(earlier version)"
            services.page_save(page=page)
            page.body = final_body
        services.page_save(page=page)
        _load_entries(page, spec.get("entries") or [], translated)
    return len(pages)


def _load_entries(page: Page, specs: list[dict[str, str]], translated: dict[str, Any]) -> None:
    existing = {entry.order: entry for entry in page.entries.all()}
    for order, spec in enumerate(specs):
        entry = existing.pop(order, None) or Entry(page=page, order=order)
        entry.question, entry.answer = spec["question"], spec["answer"]
        for language, by_slug in translated.items():
            rows = (by_slug.get(page.slug) or {}).get("entries") or []
            row = rows[order] if order < len(rows) else {}
            for field in Entry.translated_fields:
                entry.set_translation(language, field, row.get(field, ""))
        services.entry_save(entry=entry)
    for entry in existing.values():
        entry.delete()
