"""audit: personal-data hash (erasure keeps the chain verifiable) and lookup indexes

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('audit_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('personal_hash', sa.String(length=64), nullable=False, server_default=''))
        batch_op.create_index('ix_audit_tenant_customer', ['tenant_id', 'customer_id'], unique=False)
        batch_op.create_index('ix_audit_tenant_request', ['tenant_id', 'request_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('audit_records', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_tenant_request')
        batch_op.drop_index('ix_audit_tenant_customer')
        batch_op.drop_column('personal_hash')
