"""Pillar's reading of real plan layouts, field by field, before anything is saved."""

from datetime import date

from app.domain.lifecycle import ActionState
from app.domain.rag import Direction, Rag
from app.domain.timescale import TimescaleKind
from app.imports.headers import Field, find_header_row
from app.imports.interpret import interpret, split_title
from app.imports.reader import Table, read_pasted, read_upload
from tests.imports import workbooks as wb


def _peterborough(**kwargs):
    return interpret(read_upload(wb.peterborough_workbook(**kwargs), "peterborough.xlsx"))


def _by_reference(reading):
    return {action.reference: action for action in reading.actions}


def test_the_sample_plans_header_row_is_found_below_its_title_rows_and_every_column_is_mapped():
    reading = _peterborough()
    assert reading.header_row == 10
    assert reading.mapping.fields == (Field.REFERENCE, Field.TITLE, Field.TIMESCALE, Field.RAG, Field.LEADS, Field.MEASURES)
    assert reading.title == "Peterborough City Council Safeguarding Improvement Plan"


def test_the_sample_plans_pillars_come_from_section_rows_with_their_objectives_and_accountable_leads():
    pillars = _peterborough().pillars
    assert sorted(pillars) == [1, 2]
    assert pillars[1].title == "Providing confident leadership and management across children's services"
    assert pillars[1].key_objectives.startswith("Communication regarding the expectations of leaders and managers;")
    assert pillars[1].leads == ["Malcolm Newsam"]
    assert pillars[2].title == "Putting in place effective front-line practice"
    assert pillars[2].leads == ["Sue Westcott"]


def test_the_sample_plans_outcomes_come_from_outcome_rows_and_from_references():
    outcomes = _peterborough().outcomes
    assert list(outcomes) == ["1.1", "1.2", "1.4", "1.5", "2.1", "2.2", "2.3"]
    assert outcomes["1.1"].statement == wb.OUTCOME_1_1
    assert outcomes["1.2"].statement == wb.OUTCOME_1_2
    assert outcomes["2.1"].statement == wb.OUTCOME_2_1
    assert (outcomes["2.1"].pillar, outcomes["1.4"].pillar) == (2, 1)
    # 1.5 has no outcome row in the file: named for its reference, and said so.
    assert (outcomes["1.5"].statement, outcomes["1.5"].named) == ("Outcome 1.5", False)


def test_the_sample_plans_actions_are_read_field_by_field():
    actions = _by_reference(_peterborough())
    assert list(actions) == [
        "1.1.1", "1.1.2", "1.1.5", "1.2.1", "1.2.2", "1.2.4", "1.2.5", "1.2.6", "1.4.2", "1.5.2",
        "2.1.2", "2.1.3", "2.1.6", "2.1.7", "2.1.8", "2.2.1", "2.3.1",
    ]  # fmt: skip
    first = actions["1.1.1"]
    assert (first.pillar, first.outcome, first.title, first.steps) == (1, "1.1", wb.ACTION_1_1_1, None)
    assert first.links == ["IN 10", "IN 12", "OR 1"]
    assert (first.rag, first.leads) == (Rag.GREEN, ["Sue Westcott"])
    assert first.measures.startswith("• A gap analysis completed")
    assert first.measures.endswith("• Will inform middle managers development programme")

    assert (actions["1.1.2"].due_date, actions["1.1.2"].timescale.kind) == (date(2012, 3, 31), TimescaleKind.DATE)
    assert actions["1.2.4"].due_date == date(2012, 6, 30)  # June 2012
    assert actions["1.2.5"].due_date == date(2012, 7, 31)  # End July 2012
    assert (actions["1.2.5"].rag, actions["1.2.5"].links) == (Rag.AMBER, ["IN 10", "IN 12"])
    ranged = actions["1.2.6"]
    assert (ranged.start_date, ranged.due_date, ranged.timescale.text) == (date(2012, 1, 31), date(2012, 3, 31), "31.01.12 – 31.03.12")
    assert ranged.title == ACTION_1_2_6_TITLE
    assert ranged.steps == wb.ACTION_1_2_6
    assert (actions["1.4.2"].start_date, actions["1.4.2"].due_date) == (date(2012, 2, 28), None)
    assert (actions["1.5.2"].rag, actions["1.5.2"].derived_state) == (Rag.COMPLETE, ActionState.COMPLETE)
    assert actions["1.5.2"].links == ["IN 15"]
    assert actions["2.1.2"].leads == ["Ann Garratt", "Damian Elcock", "Christine Bellairs"]
    assert actions["2.1.3"].measures is None
    assert actions["2.1.6"].due_date == date(2012, 1, 31)  # "Rolling programme to be drawn up by 31 January 2012"
    assert actions["2.1.7"].leads == ["Lynn Chesterton", "Jo Bramwell"]
    monthly = actions["2.1.8"]
    assert (monthly.timescale.kind, monthly.due_date, monthly.rag, monthly.derived_state) == (
        TimescaleKind.RECURRING, None, None, ActionState.NOT_STARTED,
    )
    assert monthly.leads == ["Ann Garratt", "Damian Elcock", "Christine Bellairs"]
    assert (actions["2.3.1"].timescale.kind, actions["2.3.1"].due_date) == (TimescaleKind.MILESTONES, date(2012, 2, 29))


ACTION_1_2_6_TITLE = wb.ACTION_1_2_6.splitlines()[0]


def test_an_action_merged_over_three_rows_gathers_each_rows_date_and_lead():
    action = _by_reference(_peterborough())["2.2.1"]
    assert action.title == "Action plan to be developed and implemented in response to the full audit of supervision to include:"
    assert action.steps == wb.ACTION_2_2_1
    assert action.timescale.text == "31.01.12\n31.03.12\n31.03.12"
    assert (action.timescale.kind, action.due_date) == (TimescaleKind.MILESTONES, date(2012, 3, 31))
    assert action.leads == ["Lynn Chesterton", "Julie Barnard", "Sue Westcott"]
    assert action.links == ["IN 3", "OR 6", "OR 10"]


def test_impossible_and_backwards_dates_are_warnings_never_guessed():
    reading = _peterborough()
    actions = _by_reference(reading)
    assert (actions["1.1.1"].timescale.text, actions["1.1.1"].due_date) == ("31.02.12", None)
    assert (actions["2.1.7"].start_date, actions["2.1.7"].due_date) == (None, None)
    assert [str(issue) for issue in reading.warnings] == [
        "Row 12: 1.1.1 has no due date: 31.02.12 is not a real date",
        "Row 35: 2.1.7 has no due date: 01.01.12 – 31.03.11 ends before it starts",
        "Row 42: Not read: 'Note: dates for 2.3.1 to be confirmed at the next board' is a note, not an action",
    ]
    assert reading.errors == []


def test_everyone_the_sample_names_is_listed_once():
    assert _peterborough().people == [
        "Malcolm Newsam", "Sue Westcott", "Julie Barnard", "Oonagh Aitken", "Ann Garratt", "Damian Elcock",
        "Christine Bellairs", "Lynn Chesterton", "Jo Bramwell",
    ]  # fmt: skip


def test_the_sample_plans_real_duplicate_reference_is_an_error_naming_both_rows():
    reading = _peterborough(second_1_2_1="1.2.1")
    assert [str(issue) for issue in reading.errors] == [
        "Row 18: Reference 1.2.1 is used twice (rows 17 and 18): give each action its own"
    ]
    assert not reading.can_import()


def test_a_flat_trust_tracker_reads_with_its_own_headings_dates_and_arrows():
    reading = interpret(read_upload(wb.nhs_tracker(), "cqc.xlsx"))
    assert reading.mapping.fields == (
        Field.REFERENCE, Field.TITLE, Field.TIMESCALE, Field.RAG, Field.LEADS, Field.MEASURES, Field.BASELINE,
        Field.COMMENTARY,
    )  # fmt: skip
    assert {n: p.title for n, p in reading.pillars.items()} == {1: "Safe staffing", 2: "Medicines management"}
    assert reading.outcomes == {}
    actions = _by_reference(reading)
    assert list(actions) == ["1.1", "1.2", "2.1", "2.2", "2.3"]
    first = actions["1.1"]
    assert (first.pillar, first.outcome, first.due_date, first.timescale.text) == (1, None, date(2024, 3, 31), "31/03/2024")
    assert (first.rag, first.direction) == (Rag.GREEN, Direction.IMPROVED)
    assert first.leads == ["Sue Westcott", "Ann Garratt"]
    assert first.measures == "Vacancy rate below 5%\nBaseline: 11% (Oct 2023)"
    assert first.commentary == "Two cohorts appointed"
    assert (actions["1.2"].timescale.kind, actions["1.2"].due_date) == (TimescaleKind.ONGOING, None)
    fridge = actions["2.1"]
    assert (fridge.timescale.text, fridge.due_date, fridge.rag, fridge.direction) == ("30th Nov", None, Rag.RED, Direction.WORSE)
    assert (actions["2.2"].given_reference, actions["2.2"].timescale.kind) == (True, TimescaleKind.RECURRING)
    assert (actions["2.3"].rag, actions["2.3"].derived_state) == (Rag.COMPLETE, ActionState.COMPLETE)
    assert [str(issue) for issue in reading.warnings] == [
        "Row 9: 2.1 has no due date: 30th Nov has no year",
        "Row 10: No reference: given 2.2",
    ]
    assert "Commentary is shown here but not imported: post it as each action's first update" in reading.notes


def test_a_windows_1252_tab_separated_plan_with_section_rows_and_the_action_column_first_reads():
    reading = interpret(read_upload(wb.westbury_csv(), "westbury.csv"))
    assert reading.mapping.fields == (Field.TITLE, Field.REFERENCE, Field.TIMESCALE, Field.LEADS, Field.MEASURES, Field.LINKS)
    assert {n: p.title for n, p in reading.pillars.items()} == {1: "Early help", 2: "Front door"}
    assert {r: o.statement for r, o in reading.outcomes.items()} == {
        "1.1": "Families get help before problems escalate",
        "2.1": "Referrals are handled promptly",
    }
    actions = _by_reference(reading)
    assert list(actions) == ["1.1.1", "1.1.2", "1.1.3", "2.1.1"]
    assert actions["1.1.1"].leads == ["Zoë Brontë", "Seán O’Neill"]
    assert (actions["1.1.1"].due_date, actions["1.1.1"].links) == (date(2011, 3, 31), ["IN 5"])
    assert actions["1.1.2"].links == ["IN 5", "IN 6"]
    assert (actions["1.1.3"].title, actions["1.1.3"].timescale.kind, actions["1.1.3"].outcome) == (
        "Set up the early help panel", TimescaleKind.TBA, "1.1",
    )
    assert (actions["2.1.1"].pillar, actions["2.1.1"].outcome) == (2, "2.1")
    assert [str(issue) for issue in reading.issues] == ["Row 8: No reference: given 1.1.3"]


def test_a_user_correction_of_the_mapping_wins_over_the_headings():
    table = read_pasted("Ref\tWhat\tTimescale\tWho\n1.1\tAudit the files\t31.03.12\tJo Bramwell\n")
    assert interpret(table).errors[0].message.startswith("No column for the action text")
    reading = interpret(table, overrides={1: Field.TITLE, 3: Field.LEADS})
    action = reading.actions[0]
    assert (action.title, action.due_date, action.leads) == ("Audit the files", date(2012, 3, 31), ["Jo Bramwell"])
    ignored = interpret(table, overrides={1: Field.TITLE, 3: None})
    assert ignored.actions[0].leads == []


def test_a_table_with_no_header_row_is_an_error():
    table = Table((("Some notes",), ("1.1", "Audit the files", "31.03.12")), "notes.csv")
    reading = interpret(table)
    assert [str(issue) for issue in reading.errors] == [
        "File: No header row found in the first 30 rows: add a row naming the columns, such as Reference, "
        "Action, Timescale, RAG, Delivery lead"
    ]


def test_a_header_with_no_rows_below_it_is_an_error():
    reading = interpret(Table((("Reference", "Action"),), "empty.csv"))
    assert [str(issue) for issue in reading.errors] == ["File: No actions found below the header row"]


def test_the_header_row_must_name_two_known_columns_within_the_first_thirty_rows():
    rows = tuple((f"title {n}",) for n in range(30)) + (("Reference", "Action"),)
    assert find_header_row(rows) is None
    assert find_header_row(rows[1:]) == 29


def test_a_title_is_the_first_line_of_the_action_cell_without_its_bullet_and_never_too_long():
    assert split_title("• Review the policy\n• Publish it") == ("Review the policy", "• Review the policy\n• Publish it")
    assert split_title("Just one thing") == ("Just one thing", None)
    title, steps = split_title("word " * 200)
    assert len(title) <= 500 and title.endswith("…")
    assert steps == ("word " * 200).strip()


def test_a_reference_and_statement_alone_in_the_reference_column_heads_an_outcome():
    table = read_pasted(
        "Reference\tAction\tTimescale\n"
        "3.1 Contacts are dealt with efficiently\n"
        "3.1.1\tAudit the contact service\t30.01.12\n"
    )
    reading = interpret(table)
    assert {r: o.statement for r, o in reading.outcomes.items()} == {"3.1": "Contacts are dealt with efficiently"}
    assert [(a.reference, a.outcome) for a in reading.actions] == [("3.1.1", "3.1")]
    assert reading.issues == []
