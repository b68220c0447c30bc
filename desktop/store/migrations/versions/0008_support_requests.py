"""Support requests for the e-journal: the user's problem, the school's correction, the request to СТП (seed 001).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from desktop.store.models import UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('support_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=24), nullable=False),
    sa.Column('received_at', UTCDateTime(), nullable=False),
    sa.Column('received_date', sa.Date(), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('person_key', sa.String(length=220), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('gosuslugi_email', sa.String(length=200), nullable=False),
    sa.Column('user_role', sa.String(length=16), nullable=False),
    sa.Column('class_name', sa.String(length=8), nullable=False),
    sa.Column('brought_by', sa.String(length=200), nullable=False),
    sa.Column('brought_by_id', sa.Integer(), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=True),
    sa.Column('representative_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('next_at', UTCDateTime(), nullable=False),
    sa.Column('corrected_at', UTCDateTime(), nullable=True),
    sa.Column('effective_at', UTCDateTime(), nullable=True),
    sa.Column('correction_note', sa.Text(), nullable=False),
    sa.Column('stp_subject', sa.String(length=200), nullable=False),
    sa.Column('stp_problem', sa.Text(), nullable=False),
    sa.Column('stp_action', sa.Text(), nullable=False),
    sa.Column('stp_sent_at', UTCDateTime(), nullable=True),
    sa.Column('stp_sent_on', sa.Date(), nullable=True),
    sa.Column('stp_number', sa.String(length=64), nullable=False),
    sa.Column('stp_open', sa.Boolean(), nullable=False),
    sa.Column('followups', sa.Integer(), nullable=False),
    sa.Column('closed_at', UTCDateTime(), nullable=True),
    sa.Column('close_note', sa.Text(), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('search', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['brought_by_id'], ['users.id'], name=op.f('fk_support_requests_brought_by_id_users')),
    sa.ForeignKeyConstraint(['representative_id'], ['representatives.id'], name=op.f('fk_support_requests_representative_id_representatives')),
    sa.ForeignKeyConstraint(['student_id'], ['students.id'], name=op.f('fk_support_requests_student_id_students')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_requests')),
    sa.UniqueConstraint('number', name=op.f('uq_support_requests_number')),
    sa.UniqueConstraint('year', 'seq', name=op.f('uq_support_requests_year'))
    )
    with op.batch_alter_table('support_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_support_requests_brought_by_id'), ['brought_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_requests_person_key'), ['person_key'], unique=False)
        batch_op.create_index('ix_support_requests_queue', ['status', 'next_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_requests_received_at'), ['received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_requests_received_date'), ['received_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_requests_stp_open'), ['stp_open'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_requests_student_id'), ['student_id'], unique=False)

    op.create_table('support_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('at', UTCDateTime(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('status_from', sa.String(length=16), nullable=False),
    sa.Column('status_to', sa.String(length=16), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('letter_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['letter_id'], ['attachments.id'], name=op.f('fk_support_steps_letter_id_attachments')),
    sa.ForeignKeyConstraint(['request_id'], ['support_requests.id'], name=op.f('fk_support_steps_request_id_support_requests')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_steps'))
    )
    with op.batch_alter_table('support_steps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_support_steps_request_id'), ['request_id'], unique=False)

    op.create_table('support_files',
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('attachment_id', sa.Integer(), nullable=False),
    sa.Column('step_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['attachment_id'], ['attachments.id'], name=op.f('fk_support_files_attachment_id_attachments')),
    sa.ForeignKeyConstraint(['request_id'], ['support_requests.id'], name=op.f('fk_support_files_request_id_support_requests')),
    sa.ForeignKeyConstraint(['step_id'], ['support_steps.id'], name=op.f('fk_support_files_step_id_support_steps')),
    sa.PrimaryKeyConstraint('request_id', 'attachment_id', name=op.f('pk_support_files'))
    )


def downgrade() -> None:
    op.drop_table('support_files')
    with op.batch_alter_table('support_steps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_support_steps_request_id'))

    op.drop_table('support_steps')
    with op.batch_alter_table('support_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_support_requests_student_id'))
        batch_op.drop_index(batch_op.f('ix_support_requests_stp_open'))
        batch_op.drop_index(batch_op.f('ix_support_requests_received_date'))
        batch_op.drop_index(batch_op.f('ix_support_requests_received_at'))
        batch_op.drop_index('ix_support_requests_queue')
        batch_op.drop_index(batch_op.f('ix_support_requests_person_key'))
        batch_op.drop_index(batch_op.f('ix_support_requests_brought_by_id'))

    op.drop_table('support_requests')
