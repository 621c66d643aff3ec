"""The audit trail as a hash chain, and append-only in the database.

Adds each event's previous hash and own hash, seals the events already written
(oldest first, in batches), adds the one-row chain head that appends lock, and
on PostgreSQL a trigger refusing UPDATE and DELETE on audit_events. Adds the
outbox of tasks waiting to be sent to the broker.

Revision ID: 20261122_trust
Revises: 20261122_board
Create Date: 2026-11-22 03:44:57.125686

"""
from alembic import op
import sqlalchemy as sa

from app.audit.chain import (
    GENESIS, HASHED_FIELDS, HEAD_ID, PG_DROP_FUNCTION, PG_DROP_TRIGGER, PG_TRIGGER, PG_TRIGGER_FUNCTION, event_hash,
)

# revision identifiers, used by Alembic.
revision = '20261122_trust'
down_revision = '20261122_board'
branch_labels = None
depends_on = None


def _seal_existing_events(connection) -> str:
    events = sa.table("audit_events", sa.column("id"), sa.column("prev_hash"), sa.column("row_hash"),
                      *(sa.column(name) for name in HASHED_FIELDS))
    previous, last_id = GENESIS, 0
    while True:
        rows = connection.execute(
            sa.select(events).where(events.c.id > last_id).order_by(events.c.id).limit(1000)
        ).mappings().all()
        if not rows:
            return previous
        sealed = []
        for row in rows:
            own = event_hash(dict(row), previous)
            sealed.append({"event_id": row["id"], "prev": previous, "own": own})
            previous, last_id = own, row["id"]
        connection.execute(
            events.update().where(events.c.id == sa.bindparam("event_id"))
            .values(prev_hash=sa.bindparam("prev"), row_hash=sa.bindparam("own")),
            sealed,
        )


def upgrade():
    op.create_table('audit_chain_head',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_chain_head'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('row_hash', sa.String(length=64), nullable=True))

    connection = op.get_bind()
    last_hash = _seal_existing_events(connection)
    connection.execute(sa.text("INSERT INTO audit_chain_head (id, last_hash) VALUES (:id, :hash)"),
                       {"id": HEAD_ID, "hash": last_hash})

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.alter_column('prev_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('row_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_audit_events_row_hash'), ['row_hash'])

    # SQLite has no way to refuse a statement by privilege; there the service
    # layer (app/audit/services.py) is the only writer and it only inserts.
    if connection.dialect.name == "postgresql":
        op.execute(PG_TRIGGER_FUNCTION)
        op.execute(PG_TRIGGER)

    op.create_table('outbox_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_name', sa.String(length=200), nullable=False),
    sa.Column('args', sa.JSON(), nullable=False),
    sa.Column('kwargs', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_messages'))
    )
    op.create_index('ix_outbox_messages_sent_at', 'outbox_messages', ['sent_at', 'id'], unique=False)


def downgrade():
    op.drop_index('ix_outbox_messages_sent_at', table_name='outbox_messages')
    op.drop_table('outbox_messages')
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_DROP_TRIGGER)
        op.execute(PG_DROP_FUNCTION)
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_audit_events_row_hash'), type_='unique')
        batch_op.drop_column('row_hash')
        batch_op.drop_column('prev_hash')

    op.drop_table('audit_chain_head')
