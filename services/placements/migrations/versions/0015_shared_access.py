"""Kept, empty, for the databases that ran it: the shared-access tables it made are now the audit branch's
(backbone/migrations/audit/0002_shared_access.py), which it depends on.

Revision ID: 0015
"""
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = "audit_0002"


def upgrade() -> None:
    pass


def downgrade() -> None:
    raise NotImplementedError("roll forward with a new migration")
