"""Gate verdicts: a plan's stage decisions applied to observed counts.

`observed` reads the counts (a counts file, raw events, Prometheus), `judge`
applies exactly the stage's `decisions` to them, `journal` records every
verdict in `rollout-log.jsonl` and `status` summarises that journal.
"""
