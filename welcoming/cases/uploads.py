"""Checking an uploaded file before it is kept: PDF, JPEG or PNG only, known by its first bytes.

The uploaded name and the browser's content type are only claims; the content decides. A file is
refused when it is empty or too large, when its first bytes are not those of an accepted format
(SVG, HTML, scripts, office files, and polyglots that hide one format behind another's name), when
its name claims another format than its content, or when web page code sits in its first
kilobyte, where a browser sniffing the type would look.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# content type → (first bytes, the extensions that may name it, the extension it is kept under)
FORMATS: dict[str, tuple[bytes, frozenset[str], str]] = {
    "application/pdf": (b"%PDF-", frozenset({".pdf"}), ".pdf"),
    "image/jpeg": (b"\xff\xd8\xff", frozenset({".jpg", ".jpeg"}), ".jpg"),
    "image/png": (b"\x89PNG\r\n\x1a\n", frozenset({".png"}), ".png"),
}
FORMAT_NAMES = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}
SNIFF_BYTES = 1024
# what a browser sniffing the content would take for a web page or a script
MARKUP = (b"<html", b"<script", b"<svg", b"<!doctype", b"<body", b"<iframe", b"javascript:")


class UploadRefused(ValueError):
    """The file is not kept; the message says why, in the reader's language."""


@dataclass(frozen=True)
class Checked:
    content_type: str
    extension: str
    size: int

    @property
    def format_name(self) -> str:
        return FORMAT_NAMES[self.content_type]


def max_bytes() -> int:
    return int(getattr(settings, "UPLOAD_MAX_BYTES", 5 * 1024 * 1024))


def sniff(head: bytes) -> str | None:
    """The content type the first bytes announce, or None when it is none of the accepted ones."""
    for content_type, (magic, _names, _kept) in FORMATS.items():
        if head.startswith(magic):
            return content_type
    return None


def check(name: str, size: int, head: bytes) -> Checked:
    """`head` is the file's first bytes (at least SNIFF_BYTES when the file is that long)."""
    limit = max_bytes()
    if size <= 0 or not head:
        raise UploadRefused(_("This file is empty. Choose the file again, or scan the paper again."))
    if size > limit:
        raise UploadRefused(
            _("This file is %(size)s; the largest accepted is %(limit)s. Scan it at a lower resolution.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
        )
    content_type = sniff(head)
    if content_type is None:
        raise UploadRefused(
            _("Only PDF, JPEG and PNG files are accepted, and this file is none of them (its content was checked).")
        )
    lowered = head[:SNIFF_BYTES].lower()
    if any(marker in lowered for marker in MARKUP):
        raise UploadRefused(_("This file contains web page code, so it is refused. Save or scan it again as PDF."))
    _magic, extensions, kept = FORMATS[content_type]
    extension = PurePath(name).suffix.lower()
    if extension not in extensions:
        raise UploadRefused(
            _("The file is named “%(name)s” but its content is a %(format)s file. Rename it or choose the right file.")
            % {"name": PurePath(name).name[:80], "format": FORMAT_NAMES[content_type]}
        )
    return Checked(content_type=content_type, extension=kept, size=size)


def check_file(upload: IO[bytes], name: str, size: int) -> Checked:
    """Reads the first bytes of an open upload and puts it back at its start."""
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    return check(name, size, head)
