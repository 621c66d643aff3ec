from decimal import Decimal

import pytest

from app.domain.rag import Rag
from app.domain.rollup import (
    ChildStatus,
    RagCounts,
    RollupMethod,
    RollupRule,
    RollupStatus,
    roll_up,
    roll_up_counts,
)

R, A, G, C = Rag.RED, Rag.AMBER, Rag.GREEN, Rag.COMPLETE
NOT_RATED = None
THRESHOLD = RollupRule()
WORST_OF = RollupRule(method=RollupMethod.WORST_OF)
Counts = RagCounts


def case(rule: str, *values: object) -> object:
    """A table row named by the rule it shows."""
    return pytest.param(*values, id=rule)


def children(codes: str, escalated: str = "") -> list[ChildStatus]:
    """Actions from RAG codes such as "R A G C NS"; those in ``escalated`` are escalated to the board."""
    statuses = [ChildStatus(Rag.parse(code)) for code in codes.split()]
    statuses += [ChildStatus(Rag.parse(code), escalated_to_board=True) for code in escalated.split()]
    return statuses


# fmt: off
THRESHOLD_CASES = [
    #     rule                                              counts                                        status
    case("every action complete: complete",                 Counts(complete=4),                           C),
    case("1 red of 4 open is 25%: red",                     Counts(red=1, green=3),                       R),
    case("1 red of 5 open is 20%: amber",                   Counts(red=1, green=4),                       A),
    case("complete actions do not dilute the share of red", Counts(red=1, green=3, complete=10),          R),
    case("not started actions are open: 1 red of 4 is 25%", Counts(red=1, not_started=3),                 R),
    case("1 red of 5 open, the rest not started: amber",    Counts(red=1, not_started=4),                 A),
    case("any open action escalated to the board: red",     Counts(green=9, escalated_to_board=1),        R),
    case("any amber: amber",                                Counts(amber=1, green=30),                    A),
    case("3 red of 28 open is under 25%: amber",            Counts(red=3, amber=5, green=20, complete=4), A),
    case("every open action green: green",                  Counts(green=5, complete=2),                  G),
    case("one green and the rest not started: green",       Counts(green=1, not_started=6),               G),
    case("some complete and the rest not started: green",   Counts(complete=3, not_started=2),            G),
    case("all not started: not rated",                      Counts(not_started=6),                        NOT_RATED),
    case("no actions: not rated",                           Counts(),                                     NOT_RATED),
    case("nothing rated but escalated to the board: red",   Counts(not_started=2, escalated_to_board=1),  R),
]
# fmt: on


@pytest.mark.parametrize(("counts", "expected"), THRESHOLD_CASES)
def test_threshold_rule(counts, expected):
    assert roll_up_counts(counts, THRESHOLD).rag is expected


# fmt: off
OTHER_THRESHOLDS = [
    #     rule                                                threshold counts                       status
    case("3 of 30 meets 10% exactly despite float rounding",  0.1,      Counts(red=3, green=27),     R),
    case("2 of 30 misses 10%",                                0.1,      Counts(red=2, green=28),     A),
    case("half meets 50%",                                    0.5,      Counts(red=1, green=1),      R),
    case("2 of 5 misses 50%",                                 0.5,      Counts(red=2, green=3),      A),
    case("all red meets 100%",                                1.0,      Counts(red=4),               R),
    case("4 of 5 misses 100%",                                1.0,      Counts(red=4, amber=1),      A),
    case("a third meets a third",                             1 / 3,    Counts(red=1, green=2),      R),
]
# fmt: on


@pytest.mark.parametrize(("threshold", "counts", "expected"), OTHER_THRESHOLDS)
def test_a_plan_may_choose_another_threshold(threshold, counts, expected):
    assert roll_up_counts(counts, RollupRule(red_threshold=threshold)).rag is expected


# fmt: off
WORST_OF_CASES = [
    #     rule                                              counts                                  status
    case("every action complete: complete",                 Counts(complete=2),                     C),
    case("any red: red",                                    Counts(red=1, green=99),                R),
    case("the only open action red: red",                   Counts(red=1, complete=5),              R),
    case("any amber and no red: amber",                     Counts(amber=1, green=99),              A),
    case("every rated open action green: green",            Counts(green=3, not_started=1),         G),
    case("escalated to the board: red",                     Counts(green=3, escalated_to_board=1),  R),
    case("some complete and the rest not started: green",   Counts(complete=1, not_started=1),      G),
    case("all not started: not rated",                      Counts(not_started=3),                  NOT_RATED),
    case("no actions: not rated",                           Counts(),                               NOT_RATED),
]
# fmt: on


@pytest.mark.parametrize(("counts", "expected"), WORST_OF_CASES)
def test_worst_of_rule(counts, expected):
    assert roll_up_counts(counts, WORST_OF).rag is expected


# fmt: off
ACTIONS = [
    #     rule                                                    actions                         status
    case("1 red of 4",                                            children("R G G G"),            R),
    case("1 red of 5",                                            children("R G G G G"),          A),
    case("an open action escalated",                              children("G G", escalated="A"), R),
    case("an escalation on a complete action no longer counts",   children("G G", escalated="C"), G),
    case("all complete",                                          children("C C C"),              C),
    case("no actions",                                            children(""),                   NOT_RATED),
    case("nothing rated",                                         children("NS TBA"),             NOT_RATED),
]
# fmt: on


@pytest.mark.parametrize(("actions", "expected"), ACTIONS)
def test_roll_up_of_actions_agrees_with_their_counts(actions, expected):
    status = roll_up(actions)
    assert status.rag is expected
    assert status == roll_up_counts(RagCounts.of(actions))


def test_roll_up_accepts_any_iterable_once():
    status = roll_up(child for child in children("R A G C"))
    assert status.counts == RagCounts(red=1, amber=1, green=1, complete=1)


# fmt: off
DESCRIPTIONS = [
    case("the board pack example",                  Counts(red=3, amber=5, green=20, complete=4),
         "3 red, 5 amber, 20 green, 4 complete"),
    case("zero parts left out, not started shown",  Counts(green=2, not_started=2),
         "2 green, 2 not started"),
    case("escalations after the RAGs",              Counts(red=1, green=1, escalated_to_board=1),
         "1 red, 1 green; 1 escalated to the board"),
    case("empty",                                   Counts(),
         "no actions"),
]
# fmt: on


@pytest.mark.parametrize(("counts", "text"), DESCRIPTIONS)
def test_counts_describe_themselves(counts, text):
    assert counts.describe() == text


def test_the_reason_for_a_status_is_its_counts():
    status = roll_up(children("R G G", escalated="A"))
    assert status == RollupStatus(
        Rag.RED,
        RagCounts(red=1, amber=1, green=2, escalated_to_board=1),
        "1 red, 1 amber, 2 green; 1 escalated to the board",
    )


@pytest.mark.parametrize(("rag", "label"), [(None, "Not rated"), (Rag.AMBER, "Amber"), (Rag.COMPLETE, "Complete")])
def test_status_label_says_not_rated_for_none(rag, label):
    assert RollupStatus(rag, RagCounts(), "").label == label


def test_counts_total_open_and_rated():
    counts = RagCounts(red=1, amber=2, green=3, complete=4, not_started=5)
    assert (counts.total, counts.open, counts.rated) == (15, 11, 10)


def test_counts_add_up_so_outcomes_make_a_pillar():
    outcome_1 = RagCounts(red=1, green=2, escalated_to_board=1)
    outcome_2 = RagCounts(amber=1, green=1, complete=3, not_started=1)
    assert outcome_1.add(outcome_2) == RagCounts(
        red=1, amber=1, green=3, complete=3, not_started=1, escalated_to_board=1
    )


# fmt: off
IMPOSSIBLE_COUNTS = [
    case("negative",                  {"red": -1},
         "red count cannot be negative"),
    case("more escalated than open",  {"green": 1, "complete": 3, "escalated_to_board": 2},
         "2 escalated to the board but only 1 open"),
]
# fmt: on


@pytest.mark.parametrize(("fields", "message"), IMPOSSIBLE_COUNTS)
def test_counts_refuse_impossible_numbers(fields, message):
    with pytest.raises(ValueError, match=message):
        RagCounts(**fields)


THRESHOLD_SENTENCE = (
    "Complete when every action is complete; Red when red actions are at least {}% of open actions "
    "or any open action is escalated to the board; Amber when any open action is red or amber; "
    "Green otherwise. Not rated when no action has a rating."
)

# fmt: off
SENTENCES = [
    case("default threshold",             RollupRule(),                    THRESHOLD_SENTENCE.format("25")),
    case("another threshold",             RollupRule(red_threshold=0.125), THRESHOLD_SENTENCE.format("12.5")),
    case("a threshold with no float noise", RollupRule(red_threshold=0.1), THRESHOLD_SENTENCE.format("10")),
    case("worst of",                      WORST_OF,
         "Complete when every action is complete; Red when any open action is red or escalated to the board; "
         "Amber when any open action is amber; Green otherwise. Not rated when no action has a rating."),
]
# fmt: on


@pytest.mark.parametrize(("rule", "sentence"), SENTENCES)
def test_rule_describes_itself_for_the_board_pack(rule, sentence):
    assert rule.describe() == sentence


def test_rule_settings_may_come_from_stored_strings_and_decimals():
    rule = RollupRule(method="worst_of", red_threshold=Decimal("0.30"))
    assert (rule.method, rule.red_threshold) == (RollupMethod.WORST_OF, 0.3)


@pytest.mark.parametrize("threshold", [0, -0.25, 1.5])
def test_rule_threshold_must_be_a_share_above_nothing(threshold):
    with pytest.raises(ValueError, match="red threshold must be more than 0 and at most 1"):
        RollupRule(red_threshold=threshold)


def test_rule_method_must_be_known():
    with pytest.raises(ValueError, match="'average' is not a valid RollupMethod"):
        RollupRule(method="average")
