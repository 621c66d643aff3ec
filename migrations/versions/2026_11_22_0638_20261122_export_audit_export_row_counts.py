"""How many actions a worker-made export holds, so its download is audited with its row count.

Revision ID: 20261122_export_audit
Revises: 20261122_export_files
Create Date: 2026-11-22 06:38:15.862362

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261122_export_audit'
down_revision = '20261122_export_files'
branch_labels = None
depends_on = None


def upgrade():
    # Nullable: files made before this revision have no count, and their downloads say so.
    with op.batch_alter_table('export_jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('row_count', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('export_jobs', schema=None) as batch_op:
        batch_op.drop_column('row_count')
