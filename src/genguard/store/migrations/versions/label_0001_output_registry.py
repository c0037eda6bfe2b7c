"""label: output registry (hash + SimHash band index of generated outputs).

Revision ID: label_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "label_0001"
down_revision = "0001_base"
branch_labels = ("label",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "label_outputs",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True, autoincrement=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("simhash", sa.BigInteger(), nullable=False),
        sa.Column("band0", sa.Integer(), nullable=False),
        sa.Column("band1", sa.Integer(), nullable=False),
        sa.Column("band2", sa.Integer(), nullable=False),
        sa.Column("band3", sa.Integer(), nullable=False),
        sa.Column("n_chars", sa.Integer(), nullable=False),
        sa.Column("producer", sa.String(200), nullable=False),
        sa.Column("model", sa.String(200), nullable=False),
        sa.Column("produce_id", sa.String(128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("meta", sa.JSON(), nullable=False),
    )
    op.create_index("ix_label_outputs_sha256", "label_outputs", ["sha256"])
    for i in range(4):
        op.create_index(f"ix_label_outputs_band{i}", "label_outputs", [f"band{i}", "simhash", "id"])
    op.create_index("ix_label_outputs_produce_id", "label_outputs", ["produce_id"])


def downgrade() -> None:
    op.drop_table("label_outputs")
