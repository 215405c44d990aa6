"""The phrases a feature description states its facts in, as compiled patterns.

Kept apart from `feature_reader` so the vocabulary can grow (a new change type,
a new business event, another status word) without touching the reading logic.
Every pattern is compiled once, at import.
"""

from __future__ import annotations

import re
from typing import Final

from rollout_manager.model import ChangeType, RollbackMechanism
from rollout_manager.reading.units import NUMBER_PATTERN

_I: Final = re.IGNORECASE

TITLE_PREFIX = re.compile(r"^(?:feature|project|change|rollout)\s*[:—–-]\s*", _I)
SUMMARY_SECTION = re.compile(
    r"what(?:'s| is)? chang|what changes|summary|overview|description|tl;? ?dr|^(?:the )?change$"
)
ROLLBACK_SECTION = re.compile(r"roll ?back|revert|recovery|undo|back ?out|contingency|fallback")
ROLLBACK_WORDS = re.compile(
    r"\broll(?:ing|ed|s)?[- ]?backs?\b|\brevert\w*|\bundo\b|\bback[- ]?out\b", _I
)
DEPENDENCY_SECTION = re.compile(
    r"dependenc|prerequisite|pre requisite|readiness|precondition|blocker|checklist"
)
PEAK_WORDS = re.compile(r"\bpeak|\bbusiest\b|\brush hours?\b|\bhigh[- ]traffic\b", _I)
PEAK_SECTION = re.compile(r"peak|busiest|high traffic|traffic pattern")

REVENUE_CRITICAL = re.compile(
    r"\brevenue[- ]?(?:critical|impacting|bearing|generating)\b|\bcritical (?:to|for) revenue\b"
    r"|\bdirectly (?:affects|impacts) revenue\b|\brevenue path\b",
    _I,
)
MISSION_CRITICAL = re.compile(
    r"\b(?:mission|business)[- ]critical\b|\btier[- ]?(?P<tier>[0-9]|zero|one|two|three)\b", _I
)
MONEY_MOVEMENT = re.compile(
    r"\b(?:payments?|paying|pay|charges?|charging|charged|refunds?|refunding|refunded"
    r"|billing|billed|invoic(?:e|es|ing)|payouts?|settlements?|money|funds"
    r"|wallets?|purchases?)\b"
    # "an old invoice screen" names a screen, not money moving.
    r"(?!\s+(?:screens?|tabs?|icons?|links?|pdfs?|history|archive|list)\b)",
    _I,
)
FLAG_ROLLBACK = re.compile(
    r"\b(?:feature[- ])?flag\b[^.]{0,40}?(?<!currently )(?<!\()\b"
    r"(?:off|instant\w*|immediate\w*|switch\w* back|within seconds|toggl\w*)"
    r"|\b(?:toggl|flip|switch|turn)\w*(?: off)? (?:the )?"
    r"(?:feature[- ])?(?:flag|toggle)\b",
    _I,
)
# "Snapshots are retained for two weeks" is how long a copy is kept, not how long a rollback takes.
RETENTION = re.compile(
    r"\b(?:retain\w*|retention|kept|keeps?|stored|expire\w*|ttl|archived|held)\b", _I
)
REGULATION = re.compile(
    r"\b(?:PCI(?:[- ]DSS)?|GDPR|SOX|Sarbanes[- ]Oxley|HIPAA|PSD2|CCPA|KYC|AML"
    r"|compliance|compliant|regulat(?:or|ors|ory|ed|ion|ions))\b",
    _I,
)
NO_VALUE = re.compile(r"^\s*(?:no|false|none|n/?a|not)\b", _I)

CHANGE_PATTERNS: Final[tuple[tuple[ChangeType, re.Pattern[str]], ...]] = (
    (
        ChangeType.PROVIDER_MIGRATION,
        re.compile(
            r"\b(?:migrat|switch|mov|replac)\w*\b[^.]{0,80}?\b(?:provider|processor|vendor"
            r"|gateway|acquirer|psp)s?\b",
            _I,
        ),
    ),
    (ChangeType.SDK_INTEGRATION, re.compile(r"\bSDKs?\b|\bclient librar(?:y|ies)\b", _I)),
    (
        ChangeType.DESTRUCTIVE_MIGRATION,
        re.compile(
            r"\bdrop(?:s|ping|ped)? (?:the |a |an |old |legacy )*(?:columns?|tables?|fields?"
            r"|indexe?s?)\b|\bdestructive (?:migration|change|schema)|\birreversible\b"
            r"|\bdelet\w* (?:\w+ ){0,2}data\b|\btruncat\w*|\bpurg\w* (?:\w+ ){0,2}data\b"
            r"|\bdata (?:deletion|loss)\b",
            _I,
        ),
    ),
    (
        ChangeType.SCHEMA_CHANGE,
        re.compile(
            r"\bschema\b|\balter table\b|\b(?:add|new|drop)\w* (?:\w+ )?(?:columns?|tables?"
            r"|indexe?s?)\b|\b(?:database|db|schema) migrations?\b",
            _I,
        ),
    ),
    (
        ChangeType.DATA_MIGRATION,
        re.compile(
            r"\bdata migrations?\b|\bbackfill\w*|\bmigrat\w* (?:of )?(?:existing |historical "
            r"|old |legacy |customer |user )*(?:data|records|rows)\b|\bdata conversion\b",
            _I,
        ),
    ),
    (ChangeType.WEBHOOKS, re.compile(r"\bweb[- ]?hooks?\b", _I)),
    (
        ChangeType.API_CHANGE,
        re.compile(
            r"\b(?:api|endpoint)s?\b[^.]{0,40}?\b(?:chang|updat|modif|version|contract|add"
            r"|remov|deprecat)\w*|\b(?:new|changed?|updated?|modified|deprecated|removed?)"
            r" (?:\w+ )?(?:api|endpoint)s?\b|\bbreaking change",
            _I,
        ),
    ),
    (
        ChangeType.INFRASTRUCTURE,
        re.compile(
            r"\binfrastructure\b|\bkubernetes\b|\bk8s\b|\bload balancers?\b|\bterraform\b"
            r"|\bnew (?:cluster|region|data ?cent(?:er|re))s?\b",
            _I,
        ),
    ),
    (
        ChangeType.UI_CHANGE,
        re.compile(
            r"\bUI\b|\buser interface\b|\bfront[- ]?end\b|\bredesign\w*|\bnew (?:page|screen"
            r"|button|layout)s?\b",
            _I,
        ),
    ),
    (
        ChangeType.CONFIG_CHANGE,
        re.compile(r"\bconfig(?:uration)? (?:change|update)s?\b|\benvironment variables?\b", _I),
    ),
)
INCOMPATIBLE = re.compile(
    r"\b(?:not|in)[- ]?(?:backwards?[- ])?compatible\b|\bbackwards?[- ]incompatible\b"
    r"|(?<!non-)(?<!non )\bbreaking\b",
    _I,
)
COMPATIBLE = re.compile(r"\bbackwards?[- ]compatible\b|\bnon[- ]?breaking\b|\badditive\b", _I)

ROLLBACK_MECHANISMS: Final[tuple[tuple[RollbackMechanism, re.Pattern[str]], ...]] = (
    (
        RollbackMechanism.FLAG_TOGGLE,
        re.compile(
            r"\b(?:feature[- ])?flag\b[^.]{0,30}?\b(?:toggle|flip|off|switch|disabl)\w*"
            r"|\b(?:toggl|flip|switch|turn)\w*(?: off)? (?:the )?(?:feature[- ])?(?:flag|toggle)"
            r"|\bkill[- ]?switch\b|\bdisabl\w* (?:the )?(?:feature[- ])?flag"
            r"|\bflag\b[^.]{0,40}?\b(?:instant\w*|immediate\w*|back\b|within seconds)"
            r"|\b(?:turn|switch)\w* (?:it |this |that )?off\b",
            _I,
        ),
    ),
    (
        RollbackMechanism.RESTORE_FROM_BACKUP,
        re.compile(
            r"\brestor\w*\b[^.]{0,40}?\bbackups?\b|\bbackup restore\b"
            r"|\bpoint[- ]in[- ]time (?:recovery|restore)\b",
            _I,
        ),
    ),
    (
        RollbackMechanism.REDEPLOY,
        re.compile(
            r"\bre-?deploy\w*|\broll\w* back (?:the )?(?:deploy\w*|release|build|version)"
            r"|\brevert\w* (?:the )?(?:commit|release|deploy\w*|pr|merge)\b"
            r"|\bdeploy\w* (?:the )?(?:previous|prior|old|last) (?:version|release|build)",
            _I,
        ),
    ),
    (
        RollbackMechanism.NONE,
        re.compile(
            r"\bno rollback (?:path|possible|option|mechanism)\b"
            r"|\bcannot be (?:rolled back|reverted|undone)\b|\bone[- ]way (?:door|change)\b",
            _I,
        ),
    ),
)
DUAL_WRITE = re.compile(
    r"\b(?:dual|double)[- ]?writ(?:e|es|ing)\b|\bwrit(?:e|es|ing) to both\b", _I
)
DUAL_WRITE_OFF = re.compile(
    r"^\s*(?:is\s+|are\s+)?(?:disabled|off|unavailable|not\s+(?:enabled|available|possible|"
    r"supported|used))\b",
    _I,
)
DATA_ROLLBACK = re.compile(
    r"\bdata(?:[\s-]+[\w-]+){0,2}?[\s-]+(?:rollback|roll[- ]back|restore|restoration)\b"
    r"(?P<unneeded>\s+(?:is\s+)?(?:not\s+(?:needed|required|necessary)|unnecessary))?",
    _I,
)

FLAG_IN_TEXT = re.compile(
    r"\b(?:feature[- ]?flag|flag|toggle|kill[- ]?switch)s?\b(?:\s+(?:named|called|key|id))?"
    r"\s*[:=]?\s*(?:`(?P<quoted>[^`\s]{1,100})`|(?P<key>[A-Za-z]\w*(?:[.:/-]\w+)+|[A-Za-z]"
    r"[A-Za-z0-9]*_\w+))"
    r"|`(?P<before>[^`\s]{1,100})`\s+(?:feature[- ])?(?:flag|toggle)\b",
    _I,
)
FLAG_KEY = re.compile(r"`(?P<quoted>[^`\s]{1,100})`|(?P<key>[A-Za-z][\w.:/-]{0,99})")
NOT_A_KEY = re.compile(
    r"^(?:on|off|yes|no|none|n/?a|tbd|todo|currently|is|the|a|an|enabled|disabled|ready|done"
    r"|created|exists|configured|pending|set|in|named|called)$",
    _I,
)
FLAG_STATE = re.compile(
    r"\b(?P<upper>ON|OFF)\b|(?i:\b(?P<word>enabled|disabled)\b)"
    r"|(?i:\b(?:currently|is|set to|defaults? to|by default|turned|switched)\s+"
    r"(?P<context>on|off)\b)"
    r"|(?i:\b(?P<default>on|off)\s+by\s+default\b)"
    r"|(?i:^\s*(?P<whole>on|off)\s*$)"
)
STATE_NAMES: Final = {"on": "ON", "off": "OFF", "enabled": "ON", "disabled": "OFF"}

AFFECTS = re.compile(r"\baffect(?:s|ing|ed)?\s+(?P<scope>[^.;]{1,200})", _I)
SHARE_OF = re.compile(
    rf"(?:[~≈]\s*)?{NUMBER_PATTERN}\s*%\s+of\s+(?:all\s+)?(?:users|sessions|traffic|transactions"
    r"|requests|customers|checkouts|orders|accounts|merchants|payments|visitors|logins)\b",
    _I,
)
EVERYTHING = re.compile(r"\b(?:all|every|entire|everyone|everything)\b|\b100\s*%", _I)
HALF = re.compile(r"\bhalf\b", _I)

EVENTS: Final[tuple[tuple[str, re.Pattern[str]], ...]] = (
    ("black_friday_weekend", re.compile(r"\bblack[- ]friday\b|\bthanksgiving\b|\bbfcm\b", _I)),
    ("cyber_monday", re.compile(r"\bcyber[- ]monday\b|\bbfcm\b", _I)),
    ("christmas", re.compile(r"\bchristmas\b|\bx-?mas\b|\bboxing day\b", _I)),
    ("new_year", re.compile(r"\bnew[- ]years?(?:'s)?\b(?![- ]end)", _I)),
    (
        "month_end_close",
        re.compile(r"\bmonth[- ]end\b|\bend[- ]of[- ](?:the[- ])?month\b|\bmonthly close\b", _I),
    ),
    (
        "quarter_end_close",
        re.compile(
            r"\bquarter[- ]end\b|\bend[- ]of[- ](?:the[- ])?(?:fiscal[- ])?quarter\b"
            r"|\bquarterly close\b|\bq[1-4][- ]close\b",
            _I,
        ),
    ),
    (
        "year_end_close",
        re.compile(
            r"(?<!new )(?<!new-)\b(?:fiscal[- ])?year[- ]end\b"
            r"|\bend[- ]of[- ](?:the[- ])?(?:fiscal[- ]|calendar[- ])?year\b|\bannual close\b",
            _I,
        ),
    ),
    ("tax_day", re.compile(r"\btax[- ]day\b|\btax (?:filing )?deadline\b", _I)),
    ("product_launch", re.compile(r"\blaunch event\b|\bproduct launch\b|\blaunch day\b", _I)),
)

STATUS_WORDS: Final[dict[str, bool]] = {
    "NOT STARTED": False,
    "NOT READY": False,
    "NOT DONE": False,
    "NOT DEPLOYED": False,
    "IN PROGRESS": False,
    "IN REVIEW": False,
    "COMPLETED": True,
    "COMPLETE": True,
    "DONE": True,
    "READY": True,
    "DEPLOYED": True,
    "YES": True,
    "LIVE": True,
    "MERGED": True,
    "APPROVED": True,
    "SHIPPED": True,
    "IN PLACE": True,
    "ENABLED": True,
    "CREATED": True,
    "CONFIGURED": True,
    "AVAILABLE": True,
    "PENDING": False,
    "BLOCKED": False,
    "WIP": False,
    "TODO": False,
    "TBD": False,
    "PLANNED": False,
    "SCHEDULED": False,
    "FAILED": False,
    "MISSING": False,
    "WAITING": False,
    "NO": False,
}
STATUS = re.compile(
    r"\b(?P<word>"
    + "|".join(
        word.replace(" ", r"[\s_-]+") for word in sorted(STATUS_WORDS, key=len, reverse=True)
    )
    + r")\b"
    r"|(?P<switch>(?-i:\bON\b|\bOFF\b)|\bdisabled\b)"
    r"|(?i:\b(?:currently|is|set to|turned)\s+(?P<context>on|off)\b)"
    r"|(?i:\b(?P<default>on|off)\s+by\s+default\b)"
    r"|(?P<mark>[✅✔☑]|❌|✗|⏳)",
    _I,
)
MARKS: Final = {"✅": "DONE", "✔": "DONE", "☑": "DONE", "❌": "NO", "✗": "NO", "⏳": "PENDING"}
FLAG_WORDS = re.compile(r"\bflag\b|\btoggle\b|\bkill[- ]?switch\b", _I)
