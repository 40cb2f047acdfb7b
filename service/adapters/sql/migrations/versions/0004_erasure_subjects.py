"""triage: hashed references to the ticket's customer and requester, so erasure finds them

Revision ID: 0004
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('triage_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject_hashes', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('triage_events', schema=None) as batch_op:
        batch_op.drop_column('subject_hashes')
