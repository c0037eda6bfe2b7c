"""Dashboard indexes on the gateway's audit log.

``(at, action)`` covers the overview's counts and time series (index-only scans over the
window); ``request_id`` finds the other texts of one request on the drill-down page.

Revision ID: web_0001
"""

from alembic import op

revision = "web_0001"
down_revision = "0001_base"
branch_labels = ("web",)
depends_on = ("gateway_0001",)


def upgrade() -> None:
    op.create_index("ix_web_audit_at_action", "gateway_audit", ["at", "action"])
    op.create_index("ix_web_audit_request", "gateway_audit", ["request_id"])


def downgrade() -> None:
    op.drop_index("ix_web_audit_request", table_name="gateway_audit")
    op.drop_index("ix_web_audit_at_action", table_name="gateway_audit")
