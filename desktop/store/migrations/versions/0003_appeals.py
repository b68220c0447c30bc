"""Appeals (seed 000): register numbers, file attachments stored by content hash, appeals and their history.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from desktop.store.models import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("blobs",
    sa.Column("sha256", sa.String(length=64), nullable=False),
    sa.Column("size", sa.Integer(), nullable=False),
    sa.Column("data", sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint("sha256", name=op.f("pk_blobs"))
    )
    op.create_table("number_counters",
    sa.Column("series", sa.String(length=8), nullable=False),
    sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
    sa.Column("last", sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint("series", "year", name=op.f("pk_number_counters"))
    )
    op.create_table("attachments",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("sha256", sa.String(length=64), nullable=False),
    sa.Column("name", sa.String(length=255), nullable=False),
    sa.Column("size", sa.Integer(), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("created_by", sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(["sha256"], ["blobs.sha256"], name=op.f("fk_attachments_sha256_blobs")),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments"))
    )
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attachments_sha256"), ["sha256"], unique=False)

    op.create_table("appeals",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("year", sa.Integer(), nullable=False),
    sa.Column("seq", sa.Integer(), nullable=False),
    sa.Column("number", sa.String(length=24), nullable=False),
    sa.Column("external_number", sa.String(length=64), nullable=False),
    sa.Column("registered_at", UTCDateTime(), nullable=False),
    sa.Column("reg_date", sa.Date(), nullable=False),
    sa.Column("applicant", sa.String(length=200), nullable=False),
    sa.Column("email", sa.String(length=200), nullable=False),
    sa.Column("phone", sa.String(length=50), nullable=False),
    sa.Column("child_name", sa.String(length=200), nullable=False),
    sa.Column("child_class", sa.String(length=20), nullable=False),
    sa.Column("channel", sa.String(length=16), nullable=False),
    sa.Column("rubric", sa.String(length=16), nullable=False),
    sa.Column("text", sa.Text(), nullable=False),
    sa.Column("attachment_id", sa.Integer(), nullable=True),
    sa.Column("level", sa.String(length=16), nullable=False),
    sa.Column("level_rank", sa.Integer(), nullable=False),
    sa.Column("status", sa.String(length=16), nullable=False),
    sa.Column("escalated", sa.Boolean(), nullable=False),
    sa.Column("level_since", UTCDateTime(), nullable=False),
    sa.Column("due_date", sa.Date(), nullable=True),
    sa.Column("due_at", UTCDateTime(), nullable=True),
    sa.Column("due_sort", UTCDateTime(), nullable=False),
    sa.Column("answered_at", UTCDateTime(), nullable=True),
    sa.Column("answer_text", sa.Text(), nullable=False),
    sa.Column("answer_delivery", sa.String(length=16), nullable=False),
    sa.Column("answer_attachment_id", sa.Integer(), nullable=True),
    sa.Column("answered_by", sa.String(length=200), nullable=False),
    sa.Column("thread_id", sa.Integer(), nullable=True),
    sa.Column("parent_id", sa.Integer(), nullable=True),
    sa.Column("repeat_no", sa.Integer(), nullable=False),
    sa.Column("notice_at", UTCDateTime(), nullable=True),
    sa.Column("created_by", sa.String(length=200), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("search", sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(["answer_attachment_id"], ["attachments.id"], name=op.f("fk_appeals_answer_attachment_id_attachments")),
    sa.ForeignKeyConstraint(["attachment_id"], ["attachments.id"], name=op.f("fk_appeals_attachment_id_attachments")),
    sa.ForeignKeyConstraint(["parent_id"], ["appeals.id"], name=op.f("fk_appeals_parent_id_appeals")),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_appeals")),
    sa.UniqueConstraint("number", name=op.f("uq_appeals_number")),
    sa.UniqueConstraint("year", "seq", name=op.f("uq_appeals_year"))
    )
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_appeals_applicant"), ["applicant"], unique=False)
        batch_op.create_index(batch_op.f("ix_appeals_due_sort"), ["due_sort"], unique=False)
        batch_op.create_index(batch_op.f("ix_appeals_external_number"), ["external_number"], unique=False)
        batch_op.create_index(batch_op.f("ix_appeals_reg_date"), ["reg_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_appeals_registered_at"), ["registered_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_appeals_rubric"), ["rubric"], unique=False)
        batch_op.create_index("ix_appeals_status_due_at", ["status", "due_at"], unique=False)
        batch_op.create_index("ix_appeals_queue_level", ["status", "level", "due_sort"], unique=False)
        batch_op.create_index("ix_appeals_queue_escalated", ["status", "escalated", "due_sort"], unique=False)
        batch_op.create_index(batch_op.f("ix_appeals_thread_id"), ["thread_id"], unique=False)

    op.create_table("appeal_steps",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("appeal_id", sa.Integer(), nullable=False),
    sa.Column("at", UTCDateTime(), nullable=False),
    sa.Column("kind", sa.String(length=16), nullable=False),
    sa.Column("level", sa.String(length=16), nullable=False),
    sa.Column("due_date", sa.Date(), nullable=True),
    sa.Column("due_at", UTCDateTime(), nullable=True),
    sa.Column("counted_from", sa.Date(), nullable=True),
    sa.Column("term", sa.Integer(), nullable=False),
    sa.Column("actor", sa.String(length=200), nullable=False),
    sa.Column("note", sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(["appeal_id"], ["appeals.id"], name=op.f("fk_appeal_steps_appeal_id_appeals")),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_appeal_steps")),
    sa.UniqueConstraint("appeal_id", "kind", "level", name="uq_appeal_steps_once")
    )


def downgrade() -> None:
    op.drop_table("appeal_steps")
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_appeals_thread_id"))
        batch_op.drop_index("ix_appeals_queue_escalated")
        batch_op.drop_index("ix_appeals_queue_level")
        batch_op.drop_index("ix_appeals_status_due_at")
        batch_op.drop_index(batch_op.f("ix_appeals_rubric"))
        batch_op.drop_index(batch_op.f("ix_appeals_registered_at"))
        batch_op.drop_index(batch_op.f("ix_appeals_reg_date"))
        batch_op.drop_index(batch_op.f("ix_appeals_external_number"))
        batch_op.drop_index(batch_op.f("ix_appeals_due_sort"))
        batch_op.drop_index(batch_op.f("ix_appeals_applicant"))

    op.drop_table("appeals")
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attachments_sha256"))

    op.drop_table("attachments")
    op.drop_table("number_counters")
    op.drop_table("blobs")
