"""Families register and e-diary access (seeds 003, 004): classes, students and their history, representatives,
consents, access applications, registration codes, refusal decisions, opt-out applications.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from desktop.store.models import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('representatives',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('name_key', sa.String(length=200), nullable=False),
    sa.Column('phone', sa.String(length=50), nullable=False),
    sa.Column('phone_key', sa.String(length=20), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_representatives'))
    )
    with op.batch_alter_table('representatives', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_representatives_name_key'), ['name_key'], unique=False)

    op.create_table('school_classes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=8), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_school_classes')),
    sa.UniqueConstraint('name', name=op.f('uq_school_classes_name'))
    )
    op.create_table('students',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('name_key', sa.String(length=200), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=False),
    sa.Column('studying', sa.Boolean(), nullable=False),
    sa.Column('left_on', sa.Date(), nullable=True),
    sa.Column('paper', sa.Boolean(), nullable=False),
    sa.Column('paper_since', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['class_id'], ['school_classes.id'], name=op.f('fk_students_class_id_school_classes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_students')),
    sa.UniqueConstraint('name_key', 'birth_date', name=op.f('uq_students_name_key'))
    )
    with op.batch_alter_table('students', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_students_class_id'), ['class_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_students_name_key'), ['name_key'], unique=False)

    op.create_table('access_applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=24), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('representative_id', sa.Integer(), nullable=False),
    sa.Column('received_at', UTCDateTime(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('decided_at', UTCDateTime(), nullable=True),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['representative_id'], ['representatives.id'], name=op.f('fk_access_applications_representative_id_representatives')),
    sa.ForeignKeyConstraint(['student_id'], ['students.id'], name=op.f('fk_access_applications_student_id_students')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_applications')),
    sa.UniqueConstraint('number', name=op.f('uq_access_applications_number')),
    sa.UniqueConstraint('year', 'seq', name=op.f('uq_access_applications_year'))
    )
    with op.batch_alter_table('access_applications', schema=None) as batch_op:
        batch_op.create_index('ix_access_applications_queue', ['status', 'due_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_applications_representative_id'), ['representative_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_applications_student_id'), ['student_id'], unique=False)

    op.create_table('consents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('representative_id', sa.Integer(), nullable=False),
    sa.Column('given_on', sa.Date(), nullable=False),
    sa.Column('withdrawn_on', sa.Date(), nullable=True),
    sa.Column('attachment_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by', sa.String(length=200), nullable=False),
    sa.Column('recorded_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['attachment_id'], ['attachments.id'], name=op.f('fk_consents_attachment_id_attachments')),
    sa.ForeignKeyConstraint(['representative_id'], ['representatives.id'], name=op.f('fk_consents_representative_id_representatives')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consents'))
    )
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consents_representative_id'), ['representative_id'], unique=False)

    op.create_table('optouts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('appendix', sa.String(length=1), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('applicants', sa.String(length=400), nullable=False),
    sa.Column('attachment_id', sa.Integer(), nullable=True),
    sa.Column('registered_by', sa.String(length=200), nullable=False),
    sa.Column('registered_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['attachment_id'], ['attachments.id'], name=op.f('fk_optouts_attachment_id_attachments')),
    sa.ForeignKeyConstraint(['student_id'], ['students.id'], name=op.f('fk_optouts_student_id_students')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_optouts'))
    )
    with op.batch_alter_table('optouts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_optouts_student_id'), ['student_id'], unique=False)

    op.create_table('student_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('at', UTCDateTime(), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('from_class', sa.String(length=8), nullable=False),
    sa.Column('to_class', sa.String(length=8), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['student_id'], ['students.id'], name=op.f('fk_student_events_student_id_students')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_student_events'))
    )
    with op.batch_alter_table('student_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_student_events_student_id'), ['student_id'], unique=False)

    op.create_table('student_representatives',
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('representative_id', sa.Integer(), nullable=False),
    sa.Column('relation', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['representative_id'], ['representatives.id'], name=op.f('fk_student_representatives_representative_id_representatives')),
    sa.ForeignKeyConstraint(['student_id'], ['students.id'], name=op.f('fk_student_representatives_student_id_students')),
    sa.PrimaryKeyConstraint('student_id', 'representative_id', name=op.f('pk_student_representatives'))
    )
    with op.batch_alter_table('student_representatives', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_student_representatives_representative_id'), ['representative_id'], unique=False)

    op.create_table('access_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('representative_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=True),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('generated', sa.Boolean(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('handover', sa.String(length=16), nullable=False),
    sa.Column('handed_via', sa.String(length=200), nullable=False),
    sa.Column('issued_at', UTCDateTime(), nullable=False),
    sa.Column('issued_by', sa.String(length=200), nullable=False),
    sa.Column('ended_at', UTCDateTime(), nullable=True),
    sa.Column('end_reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['access_applications.id'], name=op.f('fk_access_codes_application_id_access_applications')),
    sa.ForeignKeyConstraint(['representative_id'], ['representatives.id'], name=op.f('fk_access_codes_representative_id_representatives')),
    sa.ForeignKeyConstraint(['student_id'], ['students.id'], name=op.f('fk_access_codes_student_id_students')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_codes'))
    )
    with op.batch_alter_table('access_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_access_codes_issued_at'), ['issued_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_codes_representative_id'), ['representative_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_codes_student_id'), ['student_id'], unique=False)

    op.create_table('access_refusals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=24), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=True),
    sa.Column('representative_id', sa.Integer(), nullable=True),
    sa.Column('application_id', sa.Integer(), nullable=True),
    sa.Column('child_name', sa.String(length=200), nullable=False),
    sa.Column('child_class', sa.String(length=8), nullable=False),
    sa.Column('applicant_name', sa.String(length=200), nullable=False),
    sa.Column('grounds', sa.JSON(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('director_name', sa.String(length=200), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['access_applications.id'], name=op.f('fk_access_refusals_application_id_access_applications')),
    sa.ForeignKeyConstraint(['representative_id'], ['representatives.id'], name=op.f('fk_access_refusals_representative_id_representatives')),
    sa.ForeignKeyConstraint(['student_id'], ['students.id'], name=op.f('fk_access_refusals_student_id_students')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_refusals')),
    sa.UniqueConstraint('number', name=op.f('uq_access_refusals_number')),
    sa.UniqueConstraint('year', 'seq', name=op.f('uq_access_refusals_year'))
    )
    with op.batch_alter_table('access_refusals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_access_refusals_student_id'), ['student_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('access_refusals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_access_refusals_student_id'))

    op.drop_table('access_refusals')
    with op.batch_alter_table('access_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_access_codes_student_id'))
        batch_op.drop_index(batch_op.f('ix_access_codes_representative_id'))
        batch_op.drop_index(batch_op.f('ix_access_codes_issued_at'))

    op.drop_table('access_codes')
    with op.batch_alter_table('student_representatives', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_student_representatives_representative_id'))

    op.drop_table('student_representatives')
    with op.batch_alter_table('student_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_student_events_student_id'))

    op.drop_table('student_events')
    with op.batch_alter_table('optouts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_optouts_student_id'))

    op.drop_table('optouts')
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consents_representative_id'))

    op.drop_table('consents')
    with op.batch_alter_table('access_applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_access_applications_student_id'))
        batch_op.drop_index(batch_op.f('ix_access_applications_representative_id'))
        batch_op.drop_index('ix_access_applications_queue')

    op.drop_table('access_applications')
    with op.batch_alter_table('students', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_students_name_key'))
        batch_op.drop_index(batch_op.f('ix_students_class_id'))

    op.drop_table('students')
    op.drop_table('school_classes')
    with op.batch_alter_table('representatives', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_representatives_name_key'))

    op.drop_table('representatives')
