"""Corpus ledger: sources (provenance, licence, blacklist) and audit history.

Revision ID: corpus_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "corpus_0001"
down_revision = "0001_base"
branch_labels = ("corpus",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "corpus_sources",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("origin", sa.Text(), nullable=False, server_default=""),
        sa.Column("licence", sa.String(200), nullable=False, server_default=""),
        sa.Column("collected_on", sa.String(32), nullable=False, server_default=""),
        sa.Column("owner", sa.String(200), nullable=False, server_default=""),
        sa.Column("notes", sa.Text(), nullable=False, server_default=""),
        sa.Column("blacklisted", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("blacklist_reason", sa.Text(), nullable=False, server_default=""),
        sa.Column("blacklisted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "corpus_audits",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("source_id", sa.Integer(), sa.ForeignKey("corpus_sources.id", ondelete="CASCADE"), nullable=False),
        sa.Column("run_id", sa.String(64), nullable=False, server_default=""),
        sa.Column("verdict", sa.String(32), nullable=False),
        sa.Column("sampled", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("total", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("harmful_rate", sa.Float(), nullable=False, server_default="0"),
        sa.Column("qualified_rate", sa.Float(), nullable=False, server_default="1"),
        sa.Column("summary", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_corpus_audits_source_id", "corpus_audits", ["source_id"])


def downgrade() -> None:
    op.drop_index("ix_corpus_audits_source_id", table_name="corpus_audits")
    op.drop_table("corpus_audits")
    op.drop_table("corpus_sources")
