"""Assessment runs, items and results.

Revision ID: assess_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "assess_0001"
down_revision = "0001_base"
branch_labels = ("assess",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assess_runs",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=True),
    )
    op.create_table(
        "assess_items",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.String(40), sa.ForeignKey("assess_runs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.String(200), nullable=False),
        sa.Column("bank", sa.String(40), nullable=False),
        sa.Column("risk", sa.String(16), nullable=True),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("attack", sa.String(100), nullable=False),
        sa.Column("expected", sa.String(16), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("turns", sa.JSON(), nullable=False),
        sa.UniqueConstraint("run_id", "key", name="uq_assess_items_run_key"),
    )
    op.create_index("ix_assess_items_run_id", "assess_items", ["run_id"])
    op.create_table(
        "assess_results",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.String(40), sa.ForeignKey("assess_runs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("refusal", sa.String(20), nullable=True),
        sa.Column("harmful", sa.Boolean(), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("verdicts", sa.JSON(), nullable=False),
        sa.Column("latency_ms", sa.Float(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("run_id", "key", name="uq_assess_results_run_key"),
    )
    op.create_index("ix_assess_results_run", "assess_results", ["run_id"])


def downgrade() -> None:
    op.drop_table("assess_results")
    op.drop_index("ix_assess_items_run_id", "assess_items")
    op.drop_table("assess_items")
    op.drop_table("assess_runs")
