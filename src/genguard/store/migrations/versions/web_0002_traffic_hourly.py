"""Hourly rollup of the audit log for the dashboard overview.

Revision ID: web_0002
"""

import sqlalchemy as sa
from alembic import op

revision = "web_0002"
down_revision = "web_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_traffic_hourly",
        sa.Column("hour", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("hour", "action", "code"),
    )


def downgrade() -> None:
    op.drop_table("web_traffic_hourly")
