"""Reading the cells of an action plan: references, sections, links, leads and RAG."""

import pytest

from app.domain.plan_cells import (
    LeadsReading,
    Section,
    parent_references,
    read_links,
    read_rag,
    read_section,
    split_leads,
    split_reference,
)
from app.domain.rag import Direction, Rag


@pytest.mark.parametrize(
    ("cell", "reference", "rest"),
    [
        ("1.1.1", "1.1.1", ""),
        ("1.1.1 Links to IN10 & 12 OR 1", "1.1.1", "Links to IN10 & 12 OR 1"),
        ("2.1.2\nLinks to IN2 OR 2 OR 9", "2.1.2", "Links to IN2 OR 2 OR 9"),
        ("4.4.1 Links to Links to OR 3", "4.4.1", "Links to Links to OR 3"),
        ("1.2", "1.2", ""),
        ("7", "7", ""),
        ("3.", "3", ""),
        ("  2.4.1  ", "2.4.1", ""),
        ("3a", None, "3a"),
        ("Links to IN 4", None, "Links to IN 4"),
        ("", None, ""),
    ],
)
def test_a_reference_cell_splits_into_the_reference_and_any_notes_after_it(cell, reference, rest):
    assert split_reference(cell) == (reference, rest)


@pytest.mark.parametrize(
    ("reference", "pillar", "outcome"),
    [("2.4.1", 2, "2.4"), ("10.12.3", 10, "10.12"), ("1.2.3.4", 1, "1.2"), ("2.4", 2, None), ("7", 7, None)],
)
def test_a_reference_says_which_pillar_and_outcome_it_sits_under(reference, pillar, outcome):
    assert parent_references(reference) == (pillar, outcome)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Pillar One: Providing confident leadership", Section("pillar", "Providing confident leadership", number=1)),
        ("Pillar Two: Putting in place effective front-line practice",
         Section("pillar", "Putting in place effective front-line practice", number=2)),
        ("PILLAR 3 – Creating an organisation", Section("pillar", "Creating an organisation", number=3)),
        ("Theme 1: Safe staffing", Section("pillar", "Safe staffing", number=1)),
        ("Pillar Twelve - Last", Section("pillar", "Last", number=12)),
        ("2.1 Outcome – Deliver a robust programme", Section("outcome", "Deliver a robust programme", reference="2.1")),
        ("1.1 Outcome: Leaders and managers are clear", Section("outcome", "Leaders and managers are clear", reference="1.1")),
        ("4.1 Outcomes: The CAF process operates", Section("outcome", "The CAF process operates", reference="4.1")),
        ("Outcome 3.2: ICT supports practitioners", Section("outcome", "ICT supports practitioners", reference="3.2")),
        ("Key Objectives: Communication; Culture", Section("key_objectives", "Communication; Culture")),
        ("Accountable Leads: Malcolm Newsam", Section("accountable_leads", "Malcolm Newsam")),
    ],
)
def test_section_rows_name_a_pillar_an_outcome_or_a_pillars_objectives_and_leads(text, expected):
    assert read_section(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Conduct and complete a leadership survey", "1.1.1", "Pillars are reviewed monthly", "OR = Ofsted Report",
        "Section 47 enquiries completed within timescale", "Pillar Oneself", "",
    ],
)
def test_other_text_is_not_a_section_row(text):
    assert read_section(text) is None


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("Links to IN 10 & 12 OR 5", ["IN 10", "IN 12", "OR 5"]),
        ("Links to IN10 & 12 OR 1", ["IN 10", "IN 12", "OR 1"]),
        ("Links to IN 1,2&3", ["IN 1", "IN 2", "IN 3"]),
        ("Links to IN11,12 & 13", ["IN 11", "IN 12", "IN 13"]),
        ("Links to OR 1 OR 8", ["OR 1", "OR 8"]),
        ("Links to Links to OR 3", ["OR 3"]),
        ("Links to IN 8 & 9 OR 17", ["IN 8", "IN 9", "OR 17"]),
        ("IN 5; IN 5", ["IN 5"]),
        ("CQC 3", ["CQC 3"]),
        ("Links to", []),
        ("see 12 above", []),
        ("", []),
    ],
)
def test_links_name_requirements_and_a_bare_number_takes_the_prefix_before_it(text, numbers):
    assert read_links(text) == numbers


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Sue Westcott", ["Sue Westcott"]),
        ("Ann Garratt Damian Elcock", ["Ann Garratt", "Damian Elcock"]),
        ("Sue Westcott / Ann Garratt", ["Sue Westcott", "Ann Garratt"]),
        ("Lynn Chesterton/ Jo Bramwell", ["Lynn Chesterton", "Jo Bramwell"]),
        ("Lynn Chesterton, Ann Garratt", ["Lynn Chesterton", "Ann Garratt"]),
        ("Karen Moody & Ann Garratt", ["Karen Moody", "Ann Garratt"]),
        ("Karen Moody and Alison Sunley", ["Karen Moody", "Alison Sunley"]),
        ("Ann Garratt\nDamian Elcock\nChristine Bellairs", ["Ann Garratt", "Damian Elcock", "Christine Bellairs"]),
        ("Malcolm Newsam Wendi Ogle- Welbourn", ["Malcolm Newsam", "Wendi Ogle-Welbourn"]),
        ("Lynn Chesterton Julie Barnard Lynn Chesterton", ["Lynn Chesterton", "Julie Barnard"]),
        ("Zoë Brontë & Seán O’Neill", ["Zoë Brontë", "Seán O’Neill"]),
    ],
)
def test_a_lead_cell_splits_into_each_person_named(text, names):
    assert split_leads(text) == LeadsReading(tuple(names))


def test_people_already_known_are_matched_whole_even_with_three_names_and_any_case():
    reading = split_leads("mary ann smith Jo Bramwell", {"Mary Ann Smith"})
    assert reading.names == ("Mary Ann Smith", "Jo Bramwell")
    assert reading.problems == ()


def test_a_run_of_names_that_does_not_pair_up_is_kept_whole_and_reported_not_split_at_a_guess():
    reading = split_leads("Mary Ann Smith")
    assert reading.names == ("Mary Ann Smith",)
    assert reading.problems == ("'Mary Ann Smith' may be more than one person; check the delivery leads",)


@pytest.mark.parametrize(
    ("text", "rag", "direction"),
    [
        ("G", Rag.GREEN, None),
        ("A", Rag.AMBER, None),
        ("R", Rag.RED, None),
        ("C", Rag.COMPLETE, None),
        ("Red", Rag.RED, None),
        ("Amber", Rag.AMBER, None),
        ("complete", Rag.COMPLETE, None),
        ("↑ Green", Rag.GREEN, Direction.IMPROVED),
        ("Red ↓", Rag.RED, Direction.WORSE),
        ("→ A", Rag.AMBER, Direction.SAME),
        ("", None, None),
    ],
)
def test_a_rag_cell_gives_the_rating_and_any_arrow_as_direction_of_travel(text, rag, direction):
    reading = read_rag(text)
    assert (reading.rag, reading.direction, reading.problem) == (rag, direction, None)


def test_a_rag_cell_that_is_not_a_rating_is_reported():
    reading = read_rag("On track")
    assert reading.rag is None
    assert reading.problem == "'On track' is not a RAG rating (R, A, G or C)"
