"""panel: where each tenant's agent panel may be embedded, and short-lived panel sessions

Revision ID: 0006
Revises: 0007 (written on 0003; chained after main's 0007 when main was merged)
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'panel_configs',
        sa.Column('tenant_id', sa.String(length=64), nullable=False),
        sa.Column('chatwoot_origins', sa.JSON(), nullable=False),
        sa.Column('zendesk_subdomain', sa.String(length=64), nullable=True),
        sa.Column('zendesk_public_key', sa.Text(), nullable=True),
        sa.Column('zendesk_audience', sa.String(length=300), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('tenant_id', name=op.f('pk_panel_configs')),
        sa.UniqueConstraint('zendesk_subdomain', name=op.f('uq_panel_configs_zendesk_subdomain')),
    )
    op.create_table(
        'panel_sessions',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('tenant_id', sa.String(length=64), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('scopes', sa.Text(), nullable=False),
        sa.Column('source', sa.String(length=16), nullable=False),
        sa.Column('parent_key_id', sa.String(length=32), nullable=True),
        sa.Column('subject', sa.String(length=200), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_panel_sessions')),
    )
    with op.batch_alter_table('panel_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_panel_sessions_tenant_id'), ['tenant_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('panel_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_panel_sessions_tenant_id'))
    op.drop_table('panel_sessions')
    op.drop_table('panel_configs')
