"""One Markdown block reader: documents and scenario files close code fences by one rule.

CommonMark's rule: a fence closes at a line of the opening character, at least
as many times, with nothing after it. So a ```` fence holds ``` lines, and a
~~~ fence holds ``` lines; the hand-written document parser this replaced
closed a fence at any line of the same character, which read the inside of a
```` fence as text.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rollout_manager.errors import InputError
from rollout_manager.reading.blocks import read_blocks
from rollout_manager.reading.document import read_document
from rollout_manager.reading.statements import read_statements
from rollout_manager.scenario.format import parse_scenario

# Line numbers are counted by hand below: line 1 is the `---` of the front matter.
SCENARIO = """\
---
name: fences
---
# Fences

## Setup

````bash
cat > feature-description.md <<'EOF'
# Feature: Fenced Example
```
Feature flag: inside_the_long_fence
```
EOF
````

~~~bash
cat > baseline-metrics.md <<'EOF'
```
Error rate: 0.5%
EOF
~~~

Feature flag: outside_every_fence

## Steps

prompt="Assess the risk"

## Success Criteria

- [ ] Overall risk rating provided
"""


def test_a_long_fence_holds_short_fences_in_both_readers() -> None:
    spans = [(b.line, b.end) for b in read_blocks(SCENARIO) if b.kind == "fence"]
    assert spans == [(8, 15), (17, 22)]

    scenario = parse_scenario(SCENARIO, path=Path("fences/scenario.md"))
    feature = scenario.files["feature-description.md"]
    assert feature.splitlines() == [
        "# Feature: Fenced Example",
        "```",
        "Feature flag: inside_the_long_fence",
        "```",
    ]
    assert scenario.files["baseline-metrics.md"] == "```\nError rate: 0.5%\n"

    # The same text read as a context document: nothing inside either fence is a line.
    document = read_document("scenario.md", SCENARIO)
    numbers = {line.number for line in document.lines}
    assert not numbers & set(range(8, 23))
    assert "Feature flag: outside_every_fence" in [
        line.text for line in document.lines if line.number == 24
    ]
    statements = read_statements(SCENARIO)
    assert not {s.line for s in statements} & set(range(8, 23))


def test_a_fence_left_open_is_refused_by_the_scenario_reader() -> None:
    text = SCENARIO.replace("~~~\n\nFeature flag", "\n\nFeature flag")
    with pytest.raises(InputError) as raised:
        parse_scenario(text, path=Path("fences/scenario.md"))
    message = str(raised.value)
    assert "\n" not in message
    assert "fences/scenario.md" in message
    assert "line 17: code fence is never closed" in message


def test_a_document_fact_inside_a_long_fence_is_not_read() -> None:
    text = "# Feature: X\n\n````\n```\nFeature flag: hidden\n```\n````\n\nFeature flag: shown\n"
    lines = read_document("feature-description.md", text).lines
    assert [line.value for line in lines if line.label == "feature flag"] == ["shown"]


# A ``` fence: a ```` line with an info string inside it is content, a bare ```` line closes it
# (a closing fence may be longer than the opening one, and carries no info string).
SHORT_THEN_LONG = """\
---
name: long-close
---
## Setup

```bash
cat > feature-description.md <<'EOF'
# Feature: Long Close
````text
Feature flag: still_inside
EOF
````

Feature flag: after_the_long_close

## Steps

prompt="Assess the risk"

## Success Criteria

- [ ] Overall risk rating provided
"""


def test_a_longer_bare_fence_closes_a_short_one_in_both_readers() -> None:
    spans = [(b.line, b.end) for b in read_blocks(SHORT_THEN_LONG) if b.kind == "fence"]
    assert spans == [(6, 12)]

    scenario = parse_scenario(SHORT_THEN_LONG, path=Path("long-close/scenario.md"))
    assert scenario.files == {
        "feature-description.md": "# Feature: Long Close\n````text\nFeature flag: still_inside\n"
    }

    lines = read_document("scenario.md", SHORT_THEN_LONG).lines
    assert not {line.number for line in lines} & set(range(6, 13))
    flags = [(line.number, line.value) for line in lines if line.label == "feature flag"]
    assert flags == [(14, "after_the_long_close")]
