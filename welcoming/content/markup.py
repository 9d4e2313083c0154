"""Page text is Markdown without HTML: staff can write headings, lists, emphasis and links, and
nothing they paste can run in a reader's browser."""

from __future__ import annotations

from markdown_it import MarkdownIt

# "html": False escapes raw HTML; markdown-it refuses javascript:, vbscript:, file: and data: links.
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")


def render(text: str) -> str:
    """HTML for `text`; a `#` heading becomes h2, as the page's title is its only h1."""
    tokens = _MARKDOWN.parse(text)
    for token in tokens:
        if token.type in ("heading_open", "heading_close") and token.tag == "h1":
            token.tag = "h2"
    return _MARKDOWN.renderer.render(tokens, _MARKDOWN.options, {})
