"""Alignment data factory: jobs, candidate answers with review state, prompt variants.

Revision ID: align_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "align_0001"
down_revision = "0001_base"
branch_labels = ("align",)
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "align_jobs",
        sa.Column("run_id", sa.String(40), primary_key=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_table(
        "align_candidates",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.String(40), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("item_id", sa.String(200), nullable=False),
        sa.Column("attack", sa.String(100), nullable=False),
        sa.Column("bank", sa.String(40), nullable=False),
        sa.Column("risk", sa.String(16), nullable=True),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("expected", sa.String(16), nullable=False),
        sa.Column("failure", sa.String(20), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("turns", sa.JSON(), nullable=False),
        sa.Column("rejected", sa.Text(), nullable=False),
        sa.Column("sample", sa.Integer(), nullable=False),
        sa.Column("candidate", sa.Text(), nullable=False),
        sa.Column("generator", sa.String(200), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("verdicts", sa.JSON(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("final", sa.Text(), nullable=True),
        sa.Column("reviewer", sa.String(120), nullable=True),
        sa.Column("reviewed_at", TS, nullable=True),
        sa.Column("review_note", sa.Text(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("run_id", "key", "sample", name="uq_align_candidates_run_key_sample"),
    )
    op.create_index("ix_align_candidates_run_status", "align_candidates", ["run_id", "status"])
    op.create_table(
        "align_variants",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("candidate_id", sa.Integer(), sa.ForeignKey("align_candidates.id", ondelete="CASCADE"), nullable=False),
        sa.Column("attack", sa.String(100), nullable=False),
        sa.Column("turns", sa.JSON(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("candidate_id", "attack", name="uq_align_variants_candidate_attack"),
    )
    op.create_index("ix_align_variants_candidate_id", "align_variants", ["candidate_id"])


def downgrade() -> None:
    op.drop_index("ix_align_variants_candidate_id", "align_variants")
    op.drop_table("align_variants")
    op.drop_index("ix_align_candidates_run_status", "align_candidates")
    op.drop_table("align_candidates")
    op.drop_table("align_jobs")
