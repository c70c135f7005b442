"""Revoked clients, used client assertions and refused attempts without a credential in the database, where
every instance sees them; the children an access disclosed (backbone.migrations.create_shared_access_tables_v1).

Revision ID: 0015
"""
from backbone.migrations import create_shared_access_tables_v1

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_shared_access_tables_v1()


def downgrade() -> None:
    raise NotImplementedError("roll forward with a new migration")
