"""Marks and attendance from the e-journal, and the paper reports printed and handed over (seeds 003, 004).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from desktop.store.models import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('grades',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=100), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('mark', sa.String(length=16), nullable=False),
    sa.Column('attendance', sa.String(length=4), nullable=False),
    sa.Column('work', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('imported_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['student_id'], ['students.id'], name=op.f('fk_grades_student_id_students')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grades'))
    )
    with op.batch_alter_table('grades', schema=None) as batch_op:
        batch_op.create_index('ix_grades_student_day', ['student_id', 'day'], unique=False)

    op.create_table('printouts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('period', sa.Date(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('printed_at', UTCDateTime(), nullable=True),
    sa.Column('printed_by', sa.String(length=200), nullable=False),
    sa.Column('handed_at', UTCDateTime(), nullable=True),
    sa.Column('handed_to', sa.String(length=200), nullable=False),
    sa.Column('handed_by', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['student_id'], ['students.id'], name=op.f('fk_printouts_student_id_students')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_printouts')),
    sa.UniqueConstraint('student_id', 'kind', 'period', name=op.f('uq_printouts_student_id'))
    )
    with op.batch_alter_table('printouts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_printouts_period'), ['period'], unique=False)
        batch_op.create_index(batch_op.f('ix_printouts_student_id'), ['student_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('printouts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_printouts_student_id'))
        batch_op.drop_index(batch_op.f('ix_printouts_period'))

    op.drop_table('printouts')
    with op.batch_alter_table('grades', schema=None) as batch_op:
        batch_op.drop_index('ix_grades_student_day')

    op.drop_table('grades')
