"""Helpers for the directory tests: the official HSDS files and a schema validator."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

HSDS = Path(__file__).resolve().parent / "hsds"
EXAMPLES = HSDS / "examples"


def _registry() -> Registry:
    resources = []
    for path in HSDS.glob("*.json"):
        schema = json.loads(path.read_text(encoding="utf-8"))
        resources.append((path.name, Resource.from_contents(schema, default_specification=DRAFT202012)))
    return Registry().with_resources(resources)


REGISTRY = _registry()


def schema_errors(kind: str, instance: Any) -> list[str]:
    """Every way `instance` breaks the official schema of `kind` (e.g. "service")."""
    schema = REGISTRY.contents(f"{kind}.json")
    validator = Draft202012Validator(schema, registry=REGISTRY)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(instance)]
