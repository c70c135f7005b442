"""Audit refused attempts too: audit_log.outcome.

Revision ID: 0003
"""
from alembic import op

from backbone.migrations import add_audit_outcome_v2

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_audit_outcome_v2()


def downgrade() -> None:
    op.drop_column("audit_log", "outcome")
