"""Initiative tickets (seed 002): agents' specialisations and absences, tickets, their files, messages and history.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from desktop.store.models import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('agent_absences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('date_from', sa.Date(), nullable=False),
    sa.Column('date_to', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_agent_absences_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agent_absences'))
    )
    with op.batch_alter_table('agent_absences', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agent_absences_user_id'), ['user_id'], unique=False)

    op.create_table('agent_categories',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_agent_categories_user_id_users')),
    sa.PrimaryKeyConstraint('user_id', 'category', name=op.f('pk_agent_categories'))
    )
    op.create_table('tickets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=24), nullable=False),
    sa.Column('submitted_at', UTCDateTime(), nullable=False),
    sa.Column('submit_date', sa.Date(), nullable=False),
    sa.Column('client_name', sa.String(length=200), nullable=False),
    sa.Column('client_group', sa.String(length=100), nullable=False),
    sa.Column('client_contact', sa.String(length=200), nullable=False),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('event_date', sa.Date(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('submit_by', sa.Date(), nullable=False),
    sa.Column('report_by', sa.Date(), nullable=False),
    sa.Column('client_by', sa.Date(), nullable=False),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('next_due', sa.Date(), nullable=False),
    sa.Column('next_kind', sa.String(length=16), nullable=False),
    sa.Column('agent_id', sa.Integer(), nullable=True),
    sa.Column('agent_name', sa.String(length=200), nullable=False),
    sa.Column('in_work_at', UTCDateTime(), nullable=True),
    sa.Column('closed_at', UTCDateTime(), nullable=True),
    sa.Column('refusal_reason', sa.String(length=16), nullable=False),
    sa.Column('close_note', sa.Text(), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=True),
    sa.Column('feedback', sa.Text(), nullable=False),
    sa.Column('feedback_at', UTCDateTime(), nullable=True),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('search', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['agent_id'], ['users.id'], name=op.f('fk_tickets_agent_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tickets')),
    sa.UniqueConstraint('number', name=op.f('uq_tickets_number')),
    sa.UniqueConstraint('year', 'seq', name=op.f('uq_tickets_year'))
    )
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.create_index('ix_tickets_agent_queue', ['agent_id', 'status', 'next_due'], unique=False)
        batch_op.create_index(batch_op.f('ix_tickets_category'), ['category'], unique=False)
        batch_op.create_index(batch_op.f('ix_tickets_client_name'), ['client_name'], unique=False)
        batch_op.create_index(batch_op.f('ix_tickets_event_date'), ['event_date'], unique=False)
        batch_op.create_index('ix_tickets_queue', ['status', 'next_due'], unique=False)
        batch_op.create_index(batch_op.f('ix_tickets_submit_date'), ['submit_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_tickets_submitted_at'), ['submitted_at'], unique=False)

    op.create_table('ticket_files',
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('attachment_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['attachment_id'], ['attachments.id'], name=op.f('fk_ticket_files_attachment_id_attachments')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_ticket_files_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('ticket_id', 'attachment_id', name=op.f('pk_ticket_files'))
    )
    op.create_table('ticket_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('at', UTCDateTime(), nullable=False),
    sa.Column('party', sa.String(length=16), nullable=False),
    sa.Column('author', sa.String(length=200), nullable=False),
    sa.Column('recorded_by', sa.String(length=200), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('attachment_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['attachment_id'], ['attachments.id'], name=op.f('fk_ticket_messages_attachment_id_attachments')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_ticket_messages_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_messages'))
    )
    with op.batch_alter_table('ticket_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ticket_messages_ticket_id'), ['ticket_id'], unique=False)

    op.create_table('ticket_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('at', UTCDateTime(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('status_from', sa.String(length=16), nullable=False),
    sa.Column('status_to', sa.String(length=16), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_ticket_steps_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_steps'))
    )
    with op.batch_alter_table('ticket_steps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ticket_steps_ticket_id'), ['ticket_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('ticket_steps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ticket_steps_ticket_id'))

    op.drop_table('ticket_steps')
    with op.batch_alter_table('ticket_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ticket_messages_ticket_id'))

    op.drop_table('ticket_messages')
    op.drop_table('ticket_files')
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tickets_submitted_at'))
        batch_op.drop_index(batch_op.f('ix_tickets_submit_date'))
        batch_op.drop_index('ix_tickets_queue')
        batch_op.drop_index(batch_op.f('ix_tickets_event_date'))
        batch_op.drop_index(batch_op.f('ix_tickets_client_name'))
        batch_op.drop_index(batch_op.f('ix_tickets_category'))
        batch_op.drop_index('ix_tickets_agent_queue')

    op.drop_table('tickets')
    op.drop_table('agent_categories')
    with op.batch_alter_table('agent_absences', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agent_absences_user_id'))

    op.drop_table('agent_absences')
