"""Outbox claims that expire: when a sender claimed a message, apart from when the broker took it.

A sender that dies between claiming a message and sending it no longer loses
the task: the claim expires and the periodic flush sends it. Rows already
marked sent before this revision stay sent.

Revision ID: 20261122_outbox_claims
Revises: 20261122_api
Create Date: 2026-11-22 06:33:32.734474

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261122_outbox_claims'
down_revision = '20261122_api'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_at', sa.DateTime(), nullable=True))


def downgrade():
    # Claimed but unsent messages become plain pending ones, which the older flush sends.
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('claimed_at')
