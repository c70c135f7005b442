"""Audit refused attempts too: audit_log.outcome.

Revision ID: 0002
"""
from alembic import op

from backbone.migrations import add_audit_outcome_v2

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_audit_outcome_v2()


def downgrade() -> None:
    op.drop_column("audit_log", "outcome")
