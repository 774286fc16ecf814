"""What a question wants (when, where, a list, a count, who funds…), and which end of
a list it points at (next, last, first)."""

from __future__ import annotations

import re

GREETING = re.compile(
    r"^(?:hi|hello|hey|hiya|howdy|greetings|good (?:morning|afternoon|evening|day)|yo|bonjour"
    r"|hola|salut|hallo)(?: there| secbot| bot| all| everyone| team)?\b[\s,!.]*"
)
THANKS = re.compile(
    r"^(?:thanks|thank you|thx|ty|cheers|great|ok|okay|cool|perfect|nice|got it|bye|goodbye"
    r"|see you)(?: (?:so much|a lot|very much|secbot|bot))?[\s!.]*$"
)
HELP = re.compile(
    r"^(?:help|\?+|h|commands?|usage|menu|start|examples?|about)$|\bhelp me\b|\bwhat can you\b"
    r"|\bhow do (?:i|you) use\b|\bwhat do you (?:do|know)\b|\bwho are you\b|\bwhat are you\b"
    r"|\bwhat (?:kind of |sort of )?questions\b|\bhow does this work\b|\bhow can you help\b"
)
INTENTS: list[tuple[str, re.Pattern[str]]] = [
    (
        "days_until",
        re.compile(
            r"\bhow (?:many|much) (?:more )?(?:days|weeks|time)\b.*\b(?:until|till|til|before|to go"
            r"|left|remain\w*|away|from now)\b|\bhow long (?:until|till|til|before|to go|is it until"  # noqa: E501
            r"|do we have|left)\b|\bhow (?:soon|far away|far off)\b|\bdays? (?:left|to go|until"
            r"|till|remaining)\b|\bcount ?down\b|\bhow many (?:days|weeks) (?:is it )?(?:to|away)\b"
        ),
    ),
    (
        "duration",
        re.compile(
            r"\bhow long\b|\bhow many (?:days|nights)\b|\bduration\b|\bhow many days does\b"
            r"|\blength of\b|\bnumber of days\b"
        ),
    ),
    ("count", re.compile(r"\bhow many\b|\bnumber of\b|\bcount\b|\bhow much\b")),
    (
        "funders",
        re.compile(
            r"\bwho\b.*\b(?:fund\w*|sponsor\w*|support\w*|pay\w*|paid|financ(?:es|ed|ier|iers)"
            r"|bankroll\w*)\b"
            r"|\b(?:funders?|sponsors?|donors?|funding)\b(?! of (?:experts|the working group))"
            r"|\bwhich (?:countries|governments|donors|organi[sz]ations) (?:fund|pay|sponsor)"
            r"|\bfunded by whom\b|\bpaid for by\b"
        ),
    ),
    (
        "hosts",
        re.compile(
            r"\bwho\b.*\bhost\w*\b|\bhost (?:country|city|government|organi[sz]ation)\b"
            r"|\bwhich (?:country|countries|government|city) (?:is |are |was |were )?host\w*"
            r"|\bthe hosts?\b|\bhosted by whom\b|\binvitation of\b"
        ),
    ),
    (
        "partners",
        re.compile(
            r"\bwho\b.*\b(?:organi[sz]\w*|partner\w*|involved|ran|runs|behind)\b"
            r"|\b(?:organi[sz]ers|partners)\b"
        ),
    ),
    (
        "where",
        re.compile(
            r"\bwhere\b|\bwhat (?:city|country|place|venue|location)\b|\bwhich (?:city|country"
            r"|place|venue|location)\b|\blocation\b|\bvenue\b|\bin which (?:city|country)\b"
        ),
    ),
    (
        "when",
        re.compile(
            r"\bwhen\b|\bwhat (?:date|dates|day|days|time|month|week|year)\b|\bwhich (?:date|dates"
            r"|day|days|month|week)\b|\bdates? (?:of|for)\b|\bon what date\b|\bwhat time\b"
        ),
    ),
    (
        "exists",
        re.compile(
            r"^(?:is|are) there\b|\b(?:is|are) there (?:any|anything|a|an)\b|^(?:any|anything)\b"
            r"|^(?:do|does|did) (?:we|you|i|they|anyone|the secretariat) have\b|^(?:is|are) any\b"
            r"|^(?:is|are|was|were) (?:something|anything)\b|^(?:do|does|did) (?:any|anything)\b"
        ),
    ),
    (
        "list",
        re.compile(
            r"\b(?:list|show|display|upcoming|coming up|schedule|calendar|agenda|overview"
            r"|what is on|what is happening|what happened|what is going on|what was on"
            r"|what is planned|what is scheduled|what is coming|what is next|whats on|going on"
            r"|all (?:the )?meetings|which|what meetings|what events|what workshops"
            r"|what sessions|what conferences)\b"
        ),
    ),
    (
        "describe",
        re.compile(
            r"\btell me (?:more )?about\b|\bwhat (?:is|was|are|were) (?:the |a |an )?\b|\binfo\w*"
            r"\b|\bdetails?\b|\bdescribe\b|\bexplain\b|\bsummar\w*\b|\bwho (?:attended|took part)\b"
        ),
    ),
]
SELECTORS = [
    ("next", re.compile(r"\b(?:next|soonest|upcoming one|following one)\b")),
    # the last of a group, whenever it is: "the final workshop (of the series)"
    (
        "final",
        re.compile(r"\bfinal\b|\blast\b.*\b(?:of|in) (?:the|this|that) (?:series|cycle|round)\b"),
    ),
    ("last", re.compile(r"\b(?:last|latest|most recent|previous|recent)\b")),
    ("first", re.compile(r"\b(?:first|earliest|opening)\b")),
]


def detect_intent(folded: str) -> str:
    if not folded.strip(" ?!.,"):
        return "help"
    if THANKS.match(folded):
        return "thanks"
    if HELP.search(folded):
        return "help"
    if re.match(r"(?:and |so |but )?why\b", folded):
        return "describe"  # "why is there a bureau meeting in Jakarta?": what it is for
    for name, pattern in INTENTS:
        if pattern.search(folded):
            return name
    return "unknown"
