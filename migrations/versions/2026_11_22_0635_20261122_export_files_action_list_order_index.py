"""The action list's order as an index, for keyset pages of the API.

The API walks a plan's actions by (due date, position, id); this index holds
them in that order within each plan. It replaces ix_actions_plan_due_date,
which is its prefix and served nothing the new one does not.

Revision ID: 20261122_export_files
Revises: 20261122_outbox_claims
Create Date: 2026-11-22 06:35:03.325884

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '20261122_export_files'
down_revision = '20261122_outbox_claims'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_actions_plan_due_order', 'actions', ['plan_id', 'due_date', 'position', 'id'], unique=False)
    op.drop_index('ix_actions_plan_due_date', table_name='actions')


def downgrade():
    op.create_index('ix_actions_plan_due_date', 'actions', ['plan_id', 'due_date'], unique=False)
    op.drop_index('ix_actions_plan_due_order', table_name='actions')
