"""Base revision: the store's own key/value table. Every module branch starts from here.

Revision ID: 0001_base
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_base"
down_revision = None
branch_labels = ("base",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "genguard_meta",
        sa.Column("key", sa.String(128), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False, server_default=""),
    )


def downgrade() -> None:
    op.drop_table("genguard_meta")
