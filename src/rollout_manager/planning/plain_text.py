"""Free text a team or an agent gives that the plan renders: one plain line, no Markdown.

A freeze name, a channel, an on-call rotation or an escalation step lands in
table cells, checklists and the sign-off document. Text that could end a
line, a table cell or a paragraph there (a newline, `|`), or start Markdown
structure (`## Sign-off`, `**APPROVED**`, `[link](...)`, `<b>`, a quote or a
list) would let whoever wrote the setting plant content in a document others
sign, so such text is refused, not escaped: the message says what to change.
"""

from __future__ import annotations

import re
import unicodedata
from string import Formatter
from typing import Annotated

from pydantic import AfterValidator, Field

# Characters that make structure anywhere in a line: table cells, emphasis, code, links, HTML.
_STRUCTURE = re.compile(r"[|`<>\[\]\\]|\*|__|~~")
# What makes structure at the start of a line: headings, quotes, lists, rules.
_LEADING = re.compile(r"^(?:#{1,6}(?:\s|$)|[>+=-]|\d+[.)](?:\s|$))")


def check_plain_line(value: str) -> str:
    """`value` unchanged when it is one plain line of text.

    Raises:
        ValueError: it holds a line break or control character, or Markdown structure.
    """
    if any(unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") for char in value):
        raise ValueError("must be one line of plain text (no line breaks or control characters)")
    if not value.strip():
        raise ValueError("must not be blank")
    found = _STRUCTURE.search(value) or _LEADING.match(value.strip())
    if found:
        raise ValueError(
            f"must be plain text: '{found.group(0).strip() or found.group(0)}' would be read "
            "as Markdown in the plan document"
        )
    return value


PlainLine = Annotated[str, Field(max_length=200), AfterValidator(check_plain_line)]
"""One line of plain text, at most 200 characters, that renders as itself."""


def check_placeholders(template: str) -> str:
    """`template` unchanged when its placeholders are plain `{name}`s (`{{` is a brace).

    `str.format` would also read `{x.attr}`, `{x[0]}` and `{x:>999999999}`: an
    attribute walk, an index, or a format that asks for a gigabyte of padding.

    Raises:
        ValueError: unbalanced braces, or a placeholder that is not a plain name.
    """
    try:
        fields = [(name, spec, conv) for _, name, spec, conv in Formatter().parse(template)]
    except ValueError as error:
        raise ValueError(f"unbalanced braces ({error}); write {{{{ and }}}} for braces") from None
    for name, spec, conv in fields:
        if name is not None and (not name.isidentifier() or spec or conv):
            raise ValueError(
                f"placeholder {{{name}}} must be a plain {{name}}: no attribute, index or format"
            )
    return template
