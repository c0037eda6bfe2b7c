"""Redaction vault: encrypted originals behind reversible placeholders.

Revision ID: redact_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "redact_0001"
down_revision = "0001_base"
branch_labels = ("redact",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "redact_vault_entries",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("session", sa.String(200), nullable=False),
        sa.Column("placeholder", sa.String(100), nullable=False),
        sa.Column("entity", sa.String(64), nullable=False),
        sa.Column("lookup", sa.String(64), nullable=False),
        sa.Column("ciphertext", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("session", "placeholder", name="uq_vault_session_placeholder"),
        sa.UniqueConstraint("session", "lookup", name="uq_vault_session_lookup"),
    )
    op.create_index("ix_redact_vault_entries_session", "redact_vault_entries", ["session"])


def downgrade() -> None:
    op.drop_index("ix_redact_vault_entries_session", table_name="redact_vault_entries")
    op.drop_table("redact_vault_entries")
