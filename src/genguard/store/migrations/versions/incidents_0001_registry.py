"""Incident registry: records, reporters, evidence, timeline events, intake log.

Revision ID: incidents_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "incidents_0001"
down_revision = "0001_base"
branch_labels = ("incidents",)
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "incidents_record",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("ref", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("vuln_category", sa.String(32), nullable=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("affected", sa.String(200), nullable=False),
        sa.Column("risk_codes", sa.JSON(), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("owner", sa.String(120), nullable=True),
        sa.Column("serious_criteria", sa.JSON(), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("source_event_id", sa.String(200), nullable=True),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("extra", sa.JSON(), nullable=False),
        sa.Column("received_at", TS, nullable=False),
        sa.Column("aware_at", TS, nullable=True),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("closed_at", TS, nullable=True),
        sa.UniqueConstraint("source_event_id", name="uq_incidents_record_source_event_id"),
    )
    op.create_index("ix_incidents_record_ref", "incidents_record", ["ref"], unique=True)
    op.create_index("ix_incidents_record_kind", "incidents_record", ["kind"])
    op.create_index("ix_incidents_record_severity", "incidents_record", ["severity"])
    op.create_index("ix_incidents_record_status", "incidents_record", ["status"])
    op.create_index("ix_incidents_record_received_at", "incidents_record", ["received_at"])
    op.create_table(
        "incidents_reporter",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("record_id", sa.Integer(), sa.ForeignKey("incidents_record.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(120), nullable=True),
        sa.Column("contact", sa.String(200), nullable=True),
        sa.Column("contact_hash", sa.String(64), nullable=True),
        sa.Column("consent_contact", sa.Boolean(), nullable=False),
        sa.Column("redacted_at", TS, nullable=True),
        sa.UniqueConstraint("record_id", name="uq_incidents_reporter_record_id"),
    )
    op.create_index("ix_incidents_reporter_contact_hash", "incidents_reporter", ["contact_hash"])
    op.create_table(
        "incidents_evidence",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("record_id", sa.Integer(), sa.ForeignKey("incidents_record.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("ref", sa.String(500), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("added_at", TS, nullable=False),
        sa.Column("added_by", sa.String(120), nullable=False),
    )
    op.create_index("ix_incidents_evidence_record_id", "incidents_evidence", ["record_id"])
    op.create_table(
        "incidents_event",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("record_id", sa.Integer(), sa.ForeignKey("incidents_record.id", ondelete="CASCADE"), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("from_status", sa.String(16), nullable=True),
        sa.Column("to_status", sa.String(16), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
    )
    op.create_index("ix_incidents_event_record_id", "incidents_event", ["record_id"])
    op.create_table(
        "incidents_intake_log",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at", TS, nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("record_ref", sa.String(32), nullable=True),
        sa.Column("client_hash", sa.String(64), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
    )
    op.create_index("ix_incidents_intake_at", "incidents_intake_log", ["at"])


def downgrade() -> None:
    for table in ("incidents_intake_log", "incidents_event", "incidents_evidence", "incidents_reporter", "incidents_record"):
        op.drop_table(table)
