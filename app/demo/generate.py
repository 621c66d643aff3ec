"""Synthetic plans at any size, for benchmarks, load tests and scale tests.

Rows are written in bulk: PostgreSQL's COPY where available (100,000 actions
with their updates in well under a minute), plain executemany otherwise. Ids
are assigned here, after the largest id already present, so several plans can
be generated into one database and sequences are moved on afterwards.

Every signed-in account shares one password hash, computed once: hashing per
user would dominate the run.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import Connection, func, insert, select, text

from app import clock
from app.auth.passwords import hash_password
from app.domain.roles import Role
from app.extensions import db

PILLARS_PER_PLAN = 8
OUTCOMES_PER_PILLAR = 5
INDICATORS_PER_PLAN = 10
PERIODS = 12
OVERDUE_SHARE = 0.20
BUSY_LEAD_EVERY = 50  # the busy lead leads one action in fifty
ACCOUNT_ROLES = (
    Role.ADMINISTRATOR,
    Role.DIRECTOR,
    Role.DELIVERY_LEAD,
    Role.BOARD_SECRETARY,
    Role.PERFORMANCE_OFFICER,
    Role.VIEWER,
)
_RAGS = ("green", "green", "green", "amber", "amber", "red", "not_started")
_STEPS = (
    "Audit a sample of case files each month\nReport the findings to the practice board\n"
    "Agree and track the learning actions"
)


@dataclass
class Generated:
    plan_ids: list[int] = field(default_factory=list)
    actions: int = 0
    updates: int = 0
    escalations: int = 0
    accounts: dict[str, list[str]] = field(default_factory=dict)  # role -> emails
    busy_lead_email: str | None = None


def _month_start(day: date, back: int) -> date:
    month = day.year * 12 + day.month - 1 - back
    return date(month // 12, month % 12 + 1, 1)


class _Writer:
    """Bulk writes through the session's connection, so one transaction holds them all."""

    def __init__(self, connection: Connection):
        self.connection = connection
        self.postgres = connection.dialect.name == "postgresql"
        self.tables = db.metadata.tables

    def next_id(self, table: str) -> int:
        return (self.connection.execute(select(func.max(self.tables[table].c.id))).scalar() or 0) + 1

    def write(self, table: str, columns: Sequence[str], rows: Iterable[tuple]) -> int:
        count = 0
        if self.postgres:
            cursor = self.connection.connection.driver_connection.cursor()
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        batch: list[dict] = []
        for row in rows:
            batch.append(dict(zip(columns, row, strict=True)))
            if len(batch) == 5000:
                self.connection.execute(insert(self.tables[table]), batch)
                count += len(batch)
                batch = []
        if batch:
            self.connection.execute(insert(self.tables[table]), batch)
            count += len(batch)
        return count

    def move_sequences(self, tables: Iterable[str]) -> None:
        if not self.postgres:
            return
        for table in tables:
            self.connection.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT coalesce(max(id), 1) FROM {table}))"
            ))


def generate(
    *,
    plans: int,
    actions: int,
    seed: int = 1,
    password: str,
    today: date | None = None,
    accounts_per_role: int = 10,
) -> Generated:
    """Write ``plans`` plans sharing ``actions`` actions between them; the caller commits."""
    if plans < 1 or actions < plans:
        raise ValueError("Give at least one plan and at least one action per plan")
    today = today or clock.today()
    now = datetime.combine(today, datetime.min.time()).replace(hour=9)
    rng = random.Random(seed)
    session = db.session
    writer = _Writer(session.connection())
    result = Generated()
    tag = f"s{seed}-{writer.next_id('users')}"

    # Accounts: several per role; the first delivery lead is the busy one.
    password_hash = hash_password(password)
    user_id = writer.next_id("users")
    users: list[tuple] = []
    for role in ACCOUNT_ROLES:
        for n in range(1, accounts_per_role + 1):
            email = f"{role.value.replace('_', '-')}{n}.{tag}@generated.example"
            users.append((user_id, email, f"{role.label} {n}", role.value, password_hash, True, 1, now))
            result.accounts.setdefault(role.value, []).append(email)
            user_id += 1
    writer.write("users", ("id", "email", "name", "role", "password_hash", "active", "session_version",
                           "created_at"), users)
    lead_users = [u[0] for u in users if u[3] == Role.DELIVERY_LEAD.value]
    director_users = [u[0] for u in users if u[3] == Role.DIRECTOR.value]
    result.busy_lead_email = result.accounts[Role.DELIVERY_LEAD.value][0]

    periods = [_month_start(today, back) for back in range(PERIODS, 0, -1)]
    per_plan = [actions // plans + (1 if p < actions % plans else 0) for p in range(plans)]
    ids = {name: writer.next_id(name) for name in (
        "plans", "people", "pillars", "outcomes", "actions", "updates", "escalations", "evidence", "indicators",
        "indicator_values", "indicator_targets",
    )}
    def write_plan(plan_index: int, size: int) -> None:
        plan_id = ids["plans"]
        ids["plans"] += 1
        result.plan_ids.append(plan_id)
        writer.write("plans", ("id", "title", "organisation", "board_name", "start_date", "cadence", "region",
                               "update_deadline_working_days", "rollup_method", "rollup_red_threshold",
                               "reminder_days_before", "level1_overdue_days", "level2_overdue_days",
                               "level2_consecutive_red_periods", "level2_missing_update_days",
                               "level3_overdue_days", "created_at"),
                     [(plan_id, f"Improvement plan {plan_index + 1} ({tag})", f"Council {plan_index + 1}",
                       "Improvement Board", periods[0], "monthly", "england-and-wales", 5, "threshold", 0.25,
                       5, 1, 5, 2, 5, 15, now)])

        # People: directors first (linked to the director accounts), then leads.
        people_count = max(20, size // 40)
        first_person = ids["people"]
        ids["people"] += people_count
        directors = PILLARS_PER_PLAN
        linked = {first_person + n: director_users[n % len(director_users)]
                  for n in range(min(directors, len(director_users)))} if plan_index == 0 else {}
        if plan_index == 0:
            for n, user in enumerate(lead_users):
                linked[first_person + directors + n] = user
        writer.write("people", ("id", "name", "job_title", "organisation", "email", "user_id"), (
            (pid, f"{'Director' if pid - first_person < directors else 'Lead'} {pid - first_person + 1}",
             "Director of Children's Services" if pid - first_person < directors else "Head of Service",
             rng.choice(("Council", "Council", "Police", "NHS", "Schools")), None, linked.get(pid))
            for pid in range(first_person, first_person + people_count)
        ))
        lead_people = list(range(first_person + directors, first_person + people_count))
        busy_person = lead_people[0]

        first_pillar = ids["pillars"]
        ids["pillars"] += PILLARS_PER_PLAN
        writer.write("pillars", ("id", "plan_id", "number", "title", "key_objectives"), (
            (first_pillar + n, plan_id, n + 1, f"Pillar {n + 1}: improve practice", "Objectives for the pillar")
            for n in range(PILLARS_PER_PLAN)
        ))
        writer.write("pillar_leads", ("pillar_id", "person_id"),
                     ((first_pillar + n, first_person + n) for n in range(PILLARS_PER_PLAN)))
        first_outcome = ids["outcomes"]
        outcome_count = PILLARS_PER_PLAN * OUTCOMES_PER_PILLAR
        ids["outcomes"] += outcome_count
        writer.write("outcomes", ("id", "plan_id", "pillar_id", "reference", "statement", "position"), (
            (first_outcome + n, plan_id, first_pillar + n // OUTCOMES_PER_PILLAR,
             f"{n // OUTCOMES_PER_PILLAR + 1}.{n % OUTCOMES_PER_PILLAR + 1}",
             "Children receive a timely and good quality service", n % OUTCOMES_PER_PILLAR + 1)
            for n in range(outcome_count)
        ))

        # Actions, drawn once so leads, updates and escalations agree with them.
        first_action = ids["actions"]
        ids["actions"] += size
        drawn = []
        for n in range(size):
            roll = rng.random()
            state = "in_progress"
            if roll < OVERDUE_SHARE:
                due = today - timedelta(days=rng.randint(1, 60))
            elif roll < 0.25:
                due = today + timedelta(days=rng.randint(0, 7))
            elif roll < 0.33:
                due = today - timedelta(days=rng.randint(10, 200))
                state = "complete"
            else:
                due = today + timedelta(days=rng.randint(8, 400))
                if rng.random() < 0.1:
                    state = "not_started"
            rag = "complete" if state == "complete" else rng.choice(_RAGS)
            drawn.append((first_action + n, n % outcome_count, due, state, rag))

        def action_rows():
            counters: dict[int, int] = {}
            for action_id, outcome, due, state, rag in drawn:
                counters[outcome] = counters.get(outcome, 0) + 1
                pillar = outcome // OUTCOMES_PER_PILLAR
                reference = f"{pillar + 1}.{outcome % OUTCOMES_PER_PILLAR + 1}.{counters[outcome]}"
                yield (action_id, plan_id, first_pillar + pillar, first_outcome + outcome, reference,
                       f"Action {reference}: strengthen management oversight of casework", _STEPS,
                       due.strftime("End %B %Y"), periods[0], due, state, rag,
                       "90% of audited cases rated good or better", "Practice", action_id - first_action, 1,
                       now, now)

        result.actions += writer.write("actions", (
            "id", "plan_id", "pillar_id", "outcome_id", "reference", "title", "steps", "timescale", "start_date",
            "due_date", "state", "rag", "targets_and_measures", "workstream", "position", "version",
            "created_at", "updated_at"), action_rows())

        def lead_rows():
            for n, (action_id, *_rest) in enumerate(drawn):
                chosen = set(rng.sample(lead_people, k=min(len(lead_people), rng.choice((1, 1, 2, 3)))))
                if n % BUSY_LEAD_EVERY == 0:
                    chosen.add(busy_person)
                for person in chosen:
                    yield (action_id, person)

        writer.write("action_leads", ("action_id", "person_id"), lead_rows())

        def update_rows():
            for action_id, _outcome, _due, state, rag in drawn:
                if state == "not_started":
                    continue
                count = rng.randint(3, PERIODS)
                red_streak = rag == "red" and rng.random() < 0.3
                for back, period in enumerate(periods[-count:]):
                    last = back == count - 1
                    proposed = rag if last else ("red" if red_streak and back >= count - 2 else rng.choice(_RAGS))
                    if proposed == "not_started":
                        proposed = "green"
                    if proposed == "complete" and not last:
                        proposed = "green"
                    ids["updates"] += 1
                    yield (ids["updates"] - 1, action_id, period, proposed, proposed,
                           "Audits completed for the month; findings shared with team managers.",
                           "Finish the remaining audits", "Staffing pressure in the team",
                           lead_users[action_id % len(lead_users)], now, now, 1)

        result.updates += writer.write("updates", (
            "id", "action_id", "period", "proposed_rag", "effective_rag", "commentary", "outstanding_actions",
            "risks", "author_user_id", "created_at", "updated_at", "version"), update_rows())

        def escalation_rows():
            for action_id, _outcome, due, state, _rag in drawn:
                if state != "in_progress" or due >= today:
                    continue
                late = (today - due).days * 5 // 7
                levels = [1] + ([2] if late >= 5 else []) + ([3] if late >= 15 else [])
                for level in levels:
                    ids["escalations"] += 1
                    yield (ids["escalations"] - 1, plan_id, action_id, level, "overdue", due,
                           due + timedelta(days=level * 7), "open", now)

        result.escalations += writer.write("escalations", (
            "id", "plan_id", "action_id", "level", "trigger", "cycle_due_date", "raised_on", "state",
            "created_at"), escalation_rows())

        def evidence_rows():
            for action_id, _outcome, _due, state, _rag in drawn:
                if state == "complete" or rng.random() < 0.2:
                    ids["evidence"] += 1
                    yield (ids["evidence"] - 1, action_id, f"audit-summary-{action_id}.pdf",
                           f"generated-{tag}-{ids['evidence'] - 1}", "application/pdf", rng.randint(20_000, 900_000),
                           "0" * 64, lead_users[action_id % len(lead_users)], now)

        writer.write("evidence", ("id", "action_id", "original_name", "stored_key", "content_type", "size_bytes",
                                  "sha256", "uploaded_by_user_id", "uploaded_at"), evidence_rows())

        first_indicator = ids["indicators"]
        ids["indicators"] += INDICATORS_PER_PLAN
        writer.write("indicators", ("id", "plan_id", "code", "title", "unit", "polarity", "frequency",
                                    "baseline_value", "baseline_label", "is_improvement_notice_target",
                                    "small_numbers", "position"), (
            (first_indicator + n, plan_id, f"NI {50 + n}", f"Percentage of assessments within timescale ({n + 1})",
             "percent", "higher", "monthly", 55, "2025/26", n < 3, False, n)
            for n in range(INDICATORS_PER_PLAN)
        ))

        def target_rows():
            for n in range(INDICATORS_PER_PLAN):
                for k, due in enumerate((periods[5], periods[-1], _month_start(today, -6))):
                    ids["indicator_targets"] += 1
                    yield (ids["indicator_targets"] - 1, first_indicator + n, 60 + 4 * k, due)

        writer.write("indicator_targets", ("id", "indicator_id", "value", "due"), target_rows())

        def value_rows():
            for n in range(INDICATORS_PER_PLAN):
                for period in periods:
                    ids["indicator_values"] += 1
                    denominator = rng.randint(40, 200)
                    numerator = rng.randint(denominator // 2, denominator)
                    yield (ids["indicator_values"] - 1, first_indicator + n, period,
                           round(100 * numerator / denominator, 1), numerator, denominator, None, now)

        writer.write("indicator_values", ("id", "indicator_id", "period", "value", "numerator", "denominator",
                                          "commentary", "entered_at"), value_rows())

    for plan_index, size in enumerate(per_plan):
        write_plan(plan_index, size)
    writer.move_sequences(("users", "plans", "people", "pillars", "outcomes", "actions", "updates", "escalations",
                           "evidence", "indicators", "indicator_targets", "indicator_values"))
    return result
