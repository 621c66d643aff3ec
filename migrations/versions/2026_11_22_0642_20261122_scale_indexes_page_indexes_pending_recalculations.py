"""Indexes for the paginated pages, pending recalculations, the stored roll-up's day,
and each snapshot's pillar statuses.

Revision ID: 20261122_scale_indexes
Revises: 20261122_export_audit
Create Date: 2026-11-22 06:42:09.498846

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261122_scale_indexes'
down_revision = '20261122_export_audit'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('pending_recalculations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_pending_recalculations_plan_id_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_recalculations'))
    )
    op.create_index(op.f('ix_pending_recalculations_plan_id'), 'pending_recalculations', ['plan_id'], unique=False)

    op.create_table('snapshot_pillar_statuses',
    sa.Column('snapshot_id', sa.Integer(), nullable=False),
    sa.Column('pillar_number', sa.Integer(), nullable=False),
    sa.Column('rag', sa.String(length=20), nullable=True),
    sa.ForeignKeyConstraint(['snapshot_id'], ['snapshots.id'], name=op.f('fk_snapshot_pillar_statuses_snapshot_id_snapshots'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('snapshot_id', 'pillar_number', name=op.f('pk_snapshot_pillar_statuses'))
    )
    _keep_pillar_statuses_of_existing_snapshots()

    # Statuses stored before this have no day: pages count those plans live until the next recalculation.
    with op.batch_alter_table('stored_statuses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('as_of', sa.Date(), nullable=True))

    # The pillar page: actions counted by outcome and read a slice of an outcome at a time.
    op.create_index('ix_actions_pillar_outcome_position', 'actions', ['pillar_id', 'outcome_id', 'position', 'id'],
                    unique=False)
    # Overdue and due-soon counts by pillar, from the index alone.
    op.create_index('ix_actions_plan_due_state_pillar', 'actions', ['plan_id', 'due_date', 'state', 'pillar_id'],
                    unique=False)
    # A lead's actions: My actions and the people page.
    op.create_index('ix_action_leads_person_action', 'action_leads', ['person_id', 'action_id'], unique=False)


def _keep_pillar_statuses_of_existing_snapshots():
    """Copy each frozen snapshot's pillar statuses out of its content, one snapshot at a time."""
    connection = op.get_bind()
    snapshots = sa.table('snapshots', sa.column('id', sa.Integer()), sa.column('content', sa.JSON()))
    statuses = sa.table(
        'snapshot_pillar_statuses',
        sa.column('snapshot_id', sa.Integer()), sa.column('pillar_number', sa.Integer()), sa.column('rag', sa.String()),
    )
    ids = connection.execute(sa.select(snapshots.c.id).order_by(snapshots.c.id)).scalars().all()
    for snapshot_id in ids:
        content = connection.execute(sa.select(snapshots.c.content).where(snapshots.c.id == snapshot_id)).scalar()
        rows = [
            {'snapshot_id': snapshot_id, 'pillar_number': pillar['number'], 'rag': pillar['status']['rag']}
            for pillar in (content or {}).get('pillars', [])
        ]
        if rows:
            connection.execute(statuses.insert(), rows)


def downgrade():
    op.drop_index('ix_action_leads_person_action', table_name='action_leads')
    op.drop_index('ix_actions_plan_due_state_pillar', table_name='actions')
    op.drop_index('ix_actions_pillar_outcome_position', table_name='actions')
    with op.batch_alter_table('stored_statuses', schema=None) as batch_op:
        batch_op.drop_column('as_of')
    op.drop_table('snapshot_pillar_statuses')
    op.drop_index(op.f('ix_pending_recalculations_plan_id'), table_name='pending_recalculations')
    op.drop_table('pending_recalculations')
