"""QR codes as inline SVG: no image request, sharp on paper, no JavaScript."""

from __future__ import annotations

import segno


def qr_svg(text: str, *, scale: int = 3, titled: bool = True) -> str:
    """Always a full QR code, never a Micro QR (which many phone cameras cannot read), even for a
    short code. `titled` shows the text as a tooltip; not for secrets."""
    return str(segno.make_qr(text, error="m").svg_inline(scale=scale, title=text if titled else None))
