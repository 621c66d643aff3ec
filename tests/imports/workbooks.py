"""Workbooks and CSV files built the way councils and trusts really keep their plans.

The Peterborough workbook copies pillars 1 and 2 of the real sample plan
(../shared/domain/samples/peterborough-safeguarding-improvement-plan-2011-12.txt)
with its mess: title rows and notes above the headings, the first pillar's
heading above the header row, merged section rows, blank rows, a header
repeated for the second pillar, links written in the reference cell,
bulleted multi-line cells, several leads in one cell, an action cell merged
over three rows each with its own date and lead, and the impossible
``31.02.12`` the original really contains.
"""

from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

PETERBOROUGH_HEADER = ["Reference", "Actions", "Timescale", "RAG", "Delivery Lead", "Targets and Measures"]

PILLAR_ONE = "Pillar One: Providing confident leadership and management across children's services"
PILLAR_ONE_OBJECTIVES = (
    "Key Objectives: Communication regarding the expectations of leaders and managers; Developing a culture "
    "where leaders and managers fulfill their roles and responsibilities and demonstrate recognition that they "
    "are accountable for delivering high quality services; Rewarding and celebrating high quality practice; "
    "Corporate parenting that is effective."
)
OUTCOME_1_1 = (
    "Leaders and managers are clear about expectations and gaps in knowledge and good management practices "
    "are identified"
)
OUTCOME_1_2 = (
    "Leadership and management capability is evaluated and action is take to result in improvement as required"
)
OUTCOME_2_1 = (
    "Deliver a robust programme to improve the quality of assessment and casework, and provide qualitative "
    "and quantitative information about the impact of services on outcomes for children and young people"
)
OUTCOME_2_2 = "Excellent supervision to ensure the quality of casework improves"
ACTION_1_1_1 = (
    "Conduct and complete a leadership and management survey with senior managers. Engage managers and "
    "leaders in identifying leaderships gaps and strengths in order to fulfill their roles in delivering "
    "high quality services"
)
ACTION_1_2_6 = (
    "Develop succession planning/talent management systems to nurture and utilise new leadership/managerial "
    "capabilities to meet immediate priorities and plan for continued performance improvement\n"
    "• Complete HR review of teams to identify staff with potential and underperformance"
)
ACTION_2_2_1 = (
    "Action plan to be developed and implemented in response to the full audit of supervision to include:\n"
    "• Development of supervision practice guidance to compliment current supervision policy\n"
    "• Commissioning of supervision training for managers\n"
    "• Put in place appropriate spans of control to ensure compliance with supervision policy"
)


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def peterborough_workbook(*, second_1_2_1: str = "1.2.2", revised: bool = False) -> bytes:
    """Pillars 1 and 2 of the sample plan. The original numbers two actions
    1.2.1; ``second_1_2_1="1.2.1"`` keeps that mistake. ``revised`` is the
    next month's workbook: 1.1.1's impossible date settled, 1.1.2 slipping."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Detailed actions"
    wrap = Alignment(wrap_text=True, vertical="top")

    def section(text: str) -> None:
        ws.append([text])
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=6)
        ws.cell(ws.max_row, 1).font = Font(bold=True)

    def row(*cells) -> None:
        ws.append(list(cells))
        for cell in ws[ws.max_row]:
            cell.alignment = wrap

    ws.append(["Peterborough City Council Safeguarding Improvement Plan"])
    ws.append(["December 2011"])
    ws.append([])
    ws.append(["OR = Ofsted Report (See appendix one, page 35 of this report)"])
    ws.append(["IN = Improvement Notice (See page 7 of this report)"])
    ws.append([])
    section(PILLAR_ONE)
    section(PILLAR_ONE_OBJECTIVES)
    section("Accountable Leads: Malcolm Newsam")
    row(*PETERBOROUGH_HEADER)
    section(f"1.1 Outcome: {OUTCOME_1_1}")
    row(
        "1.1.1\nLinks to IN10 & 12 OR 1", ACTION_1_1_1, "29.02.12" if revised else "31.02.12", "G", "Sue Westcott",
        "• A gap analysis completed that will link guidance to practice, against which management can be assessed\n"
        "• Will inform middle managers development programme",
    )
    row(
        "1.1.2\nLinks to IN10 & 12 OR 5",
        "Produce and issue clear guidance for leadership and management roles. Principles to include "
        "responsibilities and accountabilities for managers and staff",
        "30.04.12" if revised else "31.03.12", "A" if revised else "G", "Sue Westcott / Ann Garratt" if revised else "Sue Westcott",
        "• Leadership and management best practice guide published to all managers and supervisors\n"
        "• Capability framework published for all managers",
    )
    row(
        "1.1.5 Links to IN 10 & 12 OR 5",
        "All senior managers to complete 360° assessment based on competency in role",
        "31.03.12", "G", "Julie Barnard",
        "• Engagement of senior managers in their continuous professional development",
    )
    ws.append([])
    section(f"1.2 Outcome – {OUTCOME_1_2}")
    row(
        "1.2.1\nLinks to IN 10 & 12 OR 5",
        "Assess leadership and managerial capability at the senior management level via an assessment centre "
        "to identify gaps in knowledge",
        "01.06.12", "G", "Julie Barnard",
        "• Agreed assessment centre schedule developed and implemented",
    )
    row(
        f"{second_1_2_1}\nLinks to IN10 & 12 OR6",
        "Deliver targeted performance management workshops for senior managers and team leaders",
        "19.09.12", "G", "Sue Westcott",
        "• Managers start to personify, demonstrate and communicate high quality leadership behaviours to staff",
    )
    row("1.2.4\nLinks to IN10 & 12", "Implement individual leadership and management development plans",
        "June 2012", "G", "Sue Westcott", "")
    row("1.2.5\nLinks to IN 10 & 12", "Provide access to coaching, and/or mentoring for the senior management team.",
        "End July 2012", "A", "Sue Westcott", "• Middle managers development programme established")
    row("1.2.6\nLinks to IN 10 & 12", ACTION_1_2_6, "31.01.12 – 31.03.12", "G", "Julie Barnard",
        "• Existing 'talent' is utilised effectively")
    ws.append([])
    ws.append([])
    section(
        "1.4 Outcome: Social work staff are engaged in the excellence award process, have aspirations to be "
        "part of it, and report that it makes them feel valued"
    )
    row("1.4.2\nLinks to IN10", "Encourage managers to recognise individual and team contributions and nominate staff "
        "appropriately", "28.02.12 onwards", "G", "Julie Barnard", "")
    row("1.5.2 Links to IN15", "Peer mentoring arrangement to be put in place for the Lead Member", "30.12.11", "C",
        "Oonagh Aitken", "• Lead member will feel supported in leading change")
    section("Pillar Two: Putting in place effective front-line practice")
    section("Key Objectives: High quality, rigorous and consistent front-line practice to safeguard children")
    section("Accountable Leads: Sue Westcott")
    row(*PETERBOROUGH_HEADER)
    section(f"2.1 Outcome – {OUTCOME_2_1}")
    row("2.1.2\nLinks to IN2 OR 2 OR 9", "Develop and implement mandatory Quality of Practice audits to be undertaken "
        "by all managers", "28.02.12", "G", "Ann Garratt Damian Elcock Christine Bellairs",
        "• Average of 20 audits per month achieved")
    row("2.1.3\nLinks to IN10 OR 2 OR 9", "Introduce regular practitioner workshops", "31.12.12", "G", "Sue Westcott", None)
    row("2.1.6 Links to IN 2", "Regular thematic audits undertaken on specific practice areas as defined by QA "
        "framework timetable", "Rolling programme to be drawn up by 31 January 2012", "A", "Lynn Chesterton",
        "• Regular robust reports delivered to Performance Monitoring Group")
    row("2.1.7\nLinks to IN13", "PSCB to establish multi-agency audits as part of the PSCB Quality and Effectiveness "
        "Framework", "01.01.12 – 31.03.11", "G", "Lynn Chesterton/ Jo Bramwell", "• Plan developed")
    row("2.1.8\nLinks to IN 9", "Monitor and take action to secure appropriate caseload levels for all social "
        "workers by:\n• Reviewing individual social work caseloads", "Monthly review", None,
        "Ann Garratt\nDamian Elcock\nChristine Bellairs",
        "• Performance reporting indicates caseload levels are a maximum of 20 per case holder")
    section(f"2.2 Outcome: {OUTCOME_2_2}")
    row("2.2.1\nLinks to IN 3 OR 6 OR 10", ACTION_2_2_1, "31.01.12", "G",
        "Lynn Chesterton Julie Barnard Lynn Chesterton", "• Full audit undertaken")
    first = ws.max_row
    row(None, None, "31.03.12", None, "Sue Westcott", None)
    row(None, None, "31.03.12", None, "Sue Westcott", None)
    ws.merge_cells(start_row=first, start_column=1, end_row=first + 2, end_column=1)
    ws.merge_cells(start_row=first, start_column=2, end_row=first + 2, end_column=2)
    ws.merge_cells(start_row=first, start_column=4, end_row=first + 2, end_column=4)
    ws.merge_cells(start_row=first, start_column=6, end_row=first + 2, end_column=6)
    row("2.3.1\nLinks to IN 2", "Escalation policy developed, implemented and monitored", "31.01.12 01.01.12 29.02.12",
        "A", "Lynn Chesterton Sue Westcott", "• Quarterly report by Independent Reviewing Officers service produced")
    row(None, "Note: dates for 2.3.1 to be confirmed at the next board")
    wb.create_sheet("Leads and job titles").append(["Name", "Job title"])
    return _save(wb)


NHS_HEADER = ["Ref", "Key action", "Target date", "Status", "Lead", "Measures", "Baseline", "Commentary"]


def nhs_tracker() -> bytes:
    """A flat trust tracker: references 1.1, 1.2 (no outcomes), typed Excel
    dates, RAG words with arrows, a lead cell with a slash, "30th Nov"."""
    wb = Workbook()
    ws = wb.active
    ws.title = "CQC action plan"
    ws.append(["Northshire NHS Foundation Trust"])
    ws.append(["CQC Must-do action tracker", None, None, "Version 3"])
    ws.append(NHS_HEADER)
    ws.append(["Theme 1: Safe staffing"])
    ws.append(["1.1", "Recruit to all registered nurse vacancies on the medical wards", date(2024, 3, 31), "↑ Green",
               "Sue Westcott / Ann Garratt", "Vacancy rate below 5%", "11% (Oct 2023)", "Two cohorts appointed"])
    ws.append(["1.2", "Daily safe staffing huddle chaired by the matron on duty", "Ongoing", "Amber",
               "Lynn Chesterton", "Huddle held every day", None, None])
    ws.append([None, None, None, None, None, None, None, None])
    ws.append(["Theme 2 – Medicines management"])
    ws.append(["2.1", "Fridge temperatures recorded daily on every ward", "30th Nov", "R ↓", "Jo Bramwell",
               "100% of days recorded", "78%", "Audit found gaps"])
    ws.append([None, "Repeat the fridge audit on the surgical wards", "Quarterly", "G", "Jo Bramwell", None, None, None])
    ws.append(["2.3", "Pharmacy review of controlled drug registers", "31/03/2024", "Complete", "Ann Garratt",
               None, None, None])
    return _save(wb)


LA_CSV_ROWS = [
    ["Westbury Council – Children's Services Improvement Plan", "", "", "", "", ""],
    ["", "", "", "", "", ""],
    ["Action(s)", "Reference", "Timescale", "Lead", "Targets and measures", "Links"],
    ["Pillar 1 – Early help", "", "", "", "", ""],
    ["1.1 Outcome: Families get help before problems escalate", "", "", "", "", ""],
    ["Relaunch the early help assessment with schools", "1.1.1", "March 2011", "Zoë Brontë & Seán O’Neill",
     "Early help assessments up 10%", "IN 5"],
    ["Train designated safeguarding leads in every school", "1.1.2", "03.01.12 – 31.03.12",
     "Zoë Brontë", "All schools trained", "IN 5 & 6"],
    ["Set up the early help panel", "", "TBA", "Seán O’Neill", "", ""],
    ["Pillar 2 – Front door", "", "", "", "", ""],
    ["2.1 Outcome – Referrals are handled promptly", "", "", "", "", ""],
    ["Triage every contact within 24 hours", "2.1.1", "31.03.12", "Zoë Brontë", "95% within 24 hours", "OR 3"],
]


def westbury_csv() -> bytes:
    """A local authority's plan saved from Excel as tab-separated Windows-1252 text."""
    lines = ["\t".join(cells) for cells in LA_CSV_ROWS]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")
