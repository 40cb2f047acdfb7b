"""continuity: per-tenant help-desk settings (Chatwoot) and the conversation state of suggestions

Revision ID: 0005
Revises: 0006 (re-chained after merging main, which brought 0007 and 0006)
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'helpdesk_settings',
        sa.Column('tenant_id', sa.String(length=64), nullable=False),
        sa.Column('record_default', sa.Boolean(), nullable=False),
        sa.Column('chatwoot_url_secret', sa.String(length=128), nullable=True),
        sa.Column('chatwoot_signing_secret', sa.String(length=256), nullable=True),
        sa.Column('chatwoot_base_url', sa.String(length=512), nullable=True),
        sa.Column('chatwoot_account_id', sa.Integer(), nullable=True),
        sa.Column('chatwoot_token_enc', sa.Text(), nullable=True),
        sa.Column('chatwoot_writeback', sa.Boolean(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('tenant_id', name=op.f('pk_helpdesk_settings')),
    )
    op.create_table(
        'suggestion_states',
        sa.Column('suggestion_id', sa.String(length=36), nullable=False),
        sa.Column('tenant_id', sa.String(length=64), nullable=False),
        sa.Column('customer_id', sa.String(length=128), nullable=True),
        sa.Column('conversation_id', sa.String(length=128), nullable=True),
        sa.Column('answered_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_customer_message', sa.String(length=128), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('suggestion_id', name=op.f('pk_suggestion_states')),
    )
    op.create_index('ix_suggestion_states_tenant_conversation', 'suggestion_states', ['tenant_id', 'conversation_id'])
    op.create_index('ix_suggestion_states_tenant_customer', 'suggestion_states', ['tenant_id', 'customer_id'])


def downgrade() -> None:
    op.drop_index('ix_suggestion_states_tenant_customer', table_name='suggestion_states')
    op.drop_index('ix_suggestion_states_tenant_conversation', table_name='suggestion_states')
    op.drop_table('suggestion_states')
    op.drop_table('helpdesk_settings')
