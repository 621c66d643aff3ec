"""Reading the cells of an action plan as authors write them in Excel or Word.

Pure rules for the importer: references and their hierarchy, section rows
("Pillar Two: …", "2.1 Outcome – …"), requirement links ("Links to IN 10 & 12
OR 5"), several delivery leads in one cell, and a RAG with an arrow. Like
:mod:`app.domain.timescale`, nothing here guesses: where a cell can be read
two ways it comes back with a problem for a person to settle.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.domain.rag import Direction, Rag

__all__ = [
    "LeadsReading",
    "RagReading",
    "Section",
    "parent_references",
    "read_links",
    "read_rag",
    "read_section",
    "split_leads",
    "split_reference",
]

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip

_REFERENCE_RE = re.compile(r"\s*(?P<ref>\d{1,3}(?:\.\d{1,3}){0,3})\.?(?![\d%])(?P<rest>.*)", re.DOTALL)
_DASHES = r"[:.–—-]"


def split_reference(cell: str) -> tuple[str | None, str]:
    """Split "1.1.1 Links to IN10 & 12 OR 1" into ("1.1.1", "Links to IN10 & 12 OR 1").

    A cell that does not start with a reference gives (None, the cell).
    """
    text = (cell or "").strip()
    match = _REFERENCE_RE.match(text)
    if match is None:
        return None, text
    rest = match["rest"]
    # "3a" or "1.2b" name something the hierarchy cannot place.
    if rest and not rest[0].isspace() and rest[0] not in ":–—-":
        return None, text
    return match["ref"], rest.strip()


def parent_references(reference: str) -> tuple[int, str | None]:
    """The pillar number and outcome reference a reference sits under.

    ``2.4.1`` is action 1 of outcome 2.4 in pillar 2; ``2.4`` is an action
    directly under pillar 2 (flat trackers number actions that way).
    """
    parts = reference.split(".")
    pillar = int(parts[0])
    outcome = ".".join(parts[:2]) if len(parts) >= 3 else None
    return pillar, outcome


@dataclass(frozen=True)
class Section:
    """A row that heads a part of the plan rather than being an action."""

    kind: str  # "pillar", "outcome", "key_objectives", "accountable_leads"
    text: str
    number: int | None = None  # a pillar's number
    reference: str | None = None  # an outcome's reference


_PILLAR_RE = re.compile(
    r"(?:pillar|theme|priority|workstream)\s+(?P<n>\d{1,2}|"
    + "|".join(_NUMBER_WORDS)
    + r")\b\s*"
    + _DASHES
    + r"?\s*(?P<title>.*)",
    re.IGNORECASE | re.DOTALL,
)
_OUTCOME_RE = re.compile(
    r"(?P<ref>\d{1,3}\.\d{1,3})\.?\s+(?:outcomes?)\s*" + _DASHES + r"?\s*(?P<text>.+)"
    r"|(?:outcomes?)\s+(?P<ref2>\d{1,3}\.\d{1,3})\s*" + _DASHES + r"?\s*(?P<text2>.+)",
    re.IGNORECASE | re.DOTALL,
)
_LABELLED_RE = re.compile(
    r"(?P<label>key\s+objectives?|accountable\s+leads?|accountable\s+directors?)\s*:\s*(?P<text>.*)",
    re.IGNORECASE | re.DOTALL,
)


def read_section(text: str) -> Section | None:
    """Recognise a section row's text, or None when it is not one."""
    text = (text or "").strip()
    if match := _PILLAR_RE.fullmatch(text):
        n = match["n"].lower()
        number = int(n) if n.isdigit() else _NUMBER_WORDS[n]
        return Section("pillar", match["title"].strip(), number=number)
    if match := _OUTCOME_RE.fullmatch(text):
        reference = match["ref"] or match["ref2"]
        return Section("outcome", (match["text"] or match["text2"]).strip(), reference=reference)
    if match := _LABELLED_RE.fullmatch(text):
        kind = "key_objectives" if match["label"].lower().startswith("key") else "accountable_leads"
        return Section(kind, match["text"].strip())
    return None


# Two to four capitals followed by a number: IN 10, OR5, CQC 3. Lower case
# words ("to 12") never start a requirement.
_LINK_RE = re.compile(r"(?P<prefix>\b[A-Z]{2,4})?\s*(?P<number>\d{1,3})(?![\d.])")


def read_links(text: str) -> list[str]:
    """Requirement numbers in "Links to IN 10 & 12 OR 5": IN 10, IN 12, OR 5.

    A bare number belongs to the last prefix written before it; numbers before
    any prefix are not requirements and are ignored.
    """
    found: list[str] = []
    prefix: str | None = None
    for match in _LINK_RE.finditer(text or ""):
        if match["prefix"]:
            prefix = match["prefix"]
        if prefix is None:
            continue
        number = f"{prefix} {int(match['number'])}"
        if number not in found:
            found.append(number)
    return found


@dataclass(frozen=True)
class LeadsReading:
    names: tuple[str, ...]
    problems: tuple[str, ...] = ()


_LEAD_SEPARATORS_RE = re.compile(r"\s*(?:/|,|;|&|\+|\band\b|\n\s*[-•*]\s*)\s*", re.IGNORECASE)
_NAME_WORD_RE = re.compile(r"[A-Z][\w'’.-]*$")


def _tidy_name(text: str) -> str:
    # A PDF or a narrow column breaks "Ogle-Welbourn" as "Ogle- Welbourn".
    text = re.sub(r"(\w)-\s+(\w)", r"\1-\2", text)
    return " ".join(text.split())


def split_leads(text: str, known: frozenset[str] | set[str] = frozenset()) -> LeadsReading:
    """Split a delivery-lead cell into people's names.

    Separators first (``/``, ``,``, ``&``, ``and``); then, inside each part,
    names of people already known to Pillar (matched ignoring case), then
    what is left in pairs of capitalised words: "Ann Garratt Damian Elcock"
    is two people. A run of words that does not pair up is kept whole and
    reported, rather than split at a guess.
    """
    known_lower = {" ".join(name.split()).casefold(): " ".join(name.split()) for name in known}
    longest = max((len(name.split()) for name in known_lower), default=0)
    names: list[str] = []
    problems: list[str] = []
    for part in _LEAD_SEPARATORS_RE.split(_tidy_name(text or "")):
        words = part.split()
        if not words:
            continue
        if " ".join(words).casefold() in known_lower:
            names.append(known_lower[" ".join(words).casefold()])
            continue
        run: list[str] = []
        i = 0
        while i < len(words):
            match = None
            for size in range(min(longest, len(words) - i), 0, -1):
                candidate = " ".join(words[i : i + size]).casefold()
                if candidate in known_lower:
                    match = (size, known_lower[candidate])
                    break
            if match is None:
                run.append(words[i])
                i += 1
                continue
            _pair_up(run, names, problems)
            run = []
            names.append(match[1])
            i += match[0]
        _pair_up(run, names, problems)
    unique: dict[str, str] = {}
    for name in names:
        unique.setdefault(name.casefold(), name)
    return LeadsReading(tuple(unique.values()), tuple(problems))


def _pair_up(words: list[str], names: list[str], problems: list[str]) -> None:
    if not words:
        return
    if len(words) <= 2:
        names.append(" ".join(words))
        return
    capitalised = all(_NAME_WORD_RE.match(word) for word in words)
    if capitalised and len(words) % 2 == 0:
        names.extend(" ".join(words[i : i + 2]) for i in range(0, len(words), 2))
        return
    whole = " ".join(words)
    names.append(whole)
    problems.append(f"'{whole}' may be more than one person; check the delivery leads")


@dataclass(frozen=True)
class RagReading:
    rag: Rag | None
    direction: Direction | None = None
    problem: str | None = None


_ARROWS = {
    "↑": Direction.IMPROVED, "⬆": Direction.IMPROVED, "▲": Direction.IMPROVED,
    "↓": Direction.WORSE, "⬇": Direction.WORSE, "▼": Direction.WORSE,
    "→": Direction.SAME, "➡": Direction.SAME, "↔": Direction.SAME, "◄►": Direction.SAME,
}  # fmt: skip
_ARROW_RE = re.compile("|".join(re.escape(arrow) for arrow in sorted(_ARROWS, key=len, reverse=True)))


def read_rag(text: str) -> RagReading:
    """Read "G", "Amber", "↑ Green" or "Red ↓": the rating and any direction of travel."""
    text = (text or "").strip()
    if not text:
        return RagReading(None)
    arrows = _ARROW_RE.findall(text)
    direction = _ARROWS[arrows[0]] if len(arrows) == 1 else None
    bare = _ARROW_RE.sub(" ", text).strip(" .")
    try:
        rag = Rag.parse(bare)
    except ValueError:
        return RagReading(None, direction, f"'{text}' is not a RAG rating (R, A, G or C)")
    if len(arrows) > 1:
        return RagReading(rag, None, f"'{text}' has more than one arrow; direction of travel not read")
    return RagReading(rag, direction)
