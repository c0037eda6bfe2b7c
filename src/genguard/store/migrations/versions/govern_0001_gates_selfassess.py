"""govern: gate decisions and self-assessments

Revision ID: govern_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "govern_0001"
down_revision = "0001_base"
branch_labels = ("govern",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "govern_gate_decisions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("continue_development", sa.Boolean(), nullable=False),
        sa.Column("signed_off_by", sa.String(200), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
    )
    op.create_table(
        "govern_self_assessments",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("assessed_on", sa.Date(), nullable=False, index=True),
        sa.Column("assessor", sa.String(200), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("max_total", sa.Integer(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("govern_self_assessments")
    op.drop_table("govern_gate_decisions")
