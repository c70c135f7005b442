"""Kept, empty, for the databases that ran it: the shared-access tables it made are now the audit branch's
(backbone/migrations/audit/0002_shared_access.py), which it depends on.

Revision ID: 0005
"""
revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = "audit_0002"


def upgrade() -> None:
    pass


def downgrade() -> None:
    raise NotImplementedError("roll forward with a new migration")
