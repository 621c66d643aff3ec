from datetime import date

import pytest

from app.domain.rag import (
    Direction,
    EffectiveRag,
    Rag,
    direction_of_travel,
    effective_rag,
    is_overdue,
)

TODAY = date(2026, 3, 10)
YESTERDAY = date(2026, 3, 9)
TOMORROW = date(2026, 3, 11)
LAST_YEAR = date(2025, 3, 10)

R, A, G, C, NS = Rag.RED, Rag.AMBER, Rag.GREEN, Rag.COMPLETE, Rag.NOT_STARTED


def case(rule: str, *values: object) -> object:
    """A table row named by the rule it shows."""
    return pytest.param(*values, id=rule)


@pytest.mark.parametrize(
    ("rag", "label", "code"),
    [
        (Rag.NOT_STARTED, "Not started", "NS"),
        (Rag.GREEN, "Green", "G"),
        (Rag.AMBER, "Amber", "A"),
        (Rag.RED, "Red", "R"),
        (Rag.COMPLETE, "Complete", "C"),
    ],
)
def test_every_rag_has_a_label_and_a_code(rag, label, code):
    assert (rag.label, rag.code) == (label, code)


# fmt: off
PARSED = [
    case("code G is green",             "G",           G),
    case("code in lower case",          "a",           A),
    case("code R is red",               "R",           R),
    case("code C is complete",          "C",           C),
    case("code NS is not started",      "NS",          NS),
    case("label",                       "Green",       G),
    case("label in capitals",           "AMBER",       A),
    case("label with a space",          "Not started", NS),
    case("stored value",                "not_started", NS),
    case("hyphenated",                  "Not-Started", NS),
    case("surrounding white space",     "  red \n",    R),
    case("TBA means not started",       "TBA",         NS),
    case("blue means complete",         "Blue",        C),
    case("completed means complete",    "Completed",   C),
]
# fmt: on


@pytest.mark.parametrize(("text", "rag"), PARSED)
def test_parse_accepts_values_labels_and_codes_in_any_case(text, rag):
    assert Rag.parse(text) is rag


@pytest.mark.parametrize("text", ["", "Purple", "Gren", "RA", "green-ish"])
def test_parse_rejects_anything_else_naming_the_choices(text):
    with pytest.raises(ValueError, match=r"is not a RAG rating; use one of .*Green \(G\)"):
        Rag.parse(text)


OVERDUE = EffectiveRag(Rag.RED, "overdue")

# fmt: off
EFFECTIVE = [
    #     rule                                                  proposed due        complete  effective
    case("not yet due: the proposed rating stands",             G,       TOMORROW,  False,    EffectiveRag(G)),
    case("due today is not overdue",                            A,       TODAY,     False,    EffectiveRag(A)),
    case("due yesterday and proposed green: red, overdue",      G,       YESTERDAY, False,    OVERDUE),
    case("overdue and proposed red: still shows why",           R,       LAST_YEAR, False,    OVERDUE),
    case("overdue with no rating yet: red, overdue",            None,    YESTERDAY, False,    OVERDUE),
    case("overdue and not started: red, overdue",               NS,      YESTERDAY, False,    OVERDUE),
    case("complete after the due date: complete",               A,       YESTERDAY, True,     EffectiveRag(C)),
    case("complete ignores the proposed rating",                G,       None,      True,     EffectiveRag(C)),
    case("no rating and no due date: not started",              None,    None,      False,    EffectiveRag(NS)),
    case("no due date can never be overdue",                    A,       None,      False,    EffectiveRag(A)),
    case("proposed complete but not signed off: green",         C,       TOMORROW,  False,    EffectiveRag(G)),
    case("proposed complete, not signed off and overdue: red",  C,       YESTERDAY, False,    OVERDUE),
]
# fmt: on


@pytest.mark.parametrize(("proposed", "due", "complete", "expected"), EFFECTIVE)
def test_effective_rag_is_red_whenever_the_action_is_overdue(proposed, due, complete, expected):
    assert effective_rag(proposed, due, TODAY, complete=complete) == expected


@pytest.mark.parametrize(
    ("effective", "overdue"),
    [
        (EffectiveRag(Rag.RED, "overdue"), True),
        (EffectiveRag(Rag.RED), False),
        (EffectiveRag(Rag.GREEN), False),
    ],
)
def test_effective_rag_says_whether_it_was_forced_red(effective, overdue):
    assert effective.is_overdue is overdue


# fmt: off
OVERDUE_OR_NOT = [
    #     rule                              due        complete  overdue
    case("due yesterday: overdue",          YESTERDAY, False,    True),
    case("due today: not yet overdue",      TODAY,     False,    False),
    case("due tomorrow: not overdue",       TOMORROW,  False,    False),
    case("complete: never overdue",         YESTERDAY, True,     False),
    case("no due date: never overdue",      None,      False,    False),
]
# fmt: on


@pytest.mark.parametrize(("due", "complete", "overdue"), OVERDUE_OR_NOT)
def test_is_overdue_once_the_due_date_has_passed(due, complete, overdue):
    assert is_overdue(due, TODAY, complete) is overdue


# fmt: off
DIRECTIONS = [
    #     rule                                        previous current direction
    case("red to amber: improved",                    R,       A,      Direction.IMPROVED),
    case("amber to green: improved",                  A,       G,      Direction.IMPROVED),
    case("red to complete: improved",                 R,       C,      Direction.IMPROVED),
    case("green to complete: improved",               G,       C,      Direction.IMPROVED),
    case("green to green: same",                      G,       G,      Direction.SAME),
    case("red to red: same",                          R,       R,      Direction.SAME),
    case("complete stays complete: same",             C,       C,      Direction.SAME),
    case("green to amber: worse",                     G,       A,      Direction.WORSE),
    case("amber to red: worse",                       A,       R,      Direction.WORSE),
    case("reopened and red: worse",                   C,       R,      Direction.WORSE),
    case("first rating: none",                        None,    G,      Direction.NONE),
    case("not started to a rating: none",             NS,      R,      Direction.NONE),
    case("still not started: none",                   NS,      NS,     Direction.NONE),
    case("rating withdrawn to not started: none",     G,       NS,     Direction.NONE),
    case("no current rating: none",                   A,       None,   Direction.NONE),
    case("nothing either side: none",                 None,    None,   Direction.NONE),
]
# fmt: on


@pytest.mark.parametrize(("previous", "current", "direction"), DIRECTIONS)
def test_direction_of_travel_on_the_scale_red_amber_green_complete(previous, current, direction):
    assert direction_of_travel(previous, current) is direction


@pytest.mark.parametrize(
    ("direction", "arrow", "label"),
    [
        (Direction.IMPROVED, "↑", "Improved"),
        (Direction.SAME, "→", "No change"),
        (Direction.WORSE, "↓", "Worse"),
        (Direction.NONE, "", "No previous rating"),
    ],
)
def test_every_direction_has_an_arrow_and_a_label(direction, arrow, label):
    assert (direction.arrow, direction.label) == (arrow, label)
