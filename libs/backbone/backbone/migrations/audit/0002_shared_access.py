"""Every service: what all instances of a service must see at once and keep across restarts (backbone.access):
revoked clients, the client assertions already used (single use, kept until they expire), refused attempts
without a valid credential (counted per source, resource, answer and minute: a bounded table, pruned by
housekeeping, instead of one audit row each); and the children an access disclosed (audit_log.child_ids, e.g.
a KPI drill-down's).

Databases made before this branch had it ran the same tables as a revision of their own service (placements
0015, health/education/leaving care 0005, indicators 0013); those revisions stay, empty, depending on this one,
so such a database finds its place and runs nothing again.

Revision ID: audit_0002
"""
import sqlalchemy as sa
from alembic import op

revision = "audit_0002"
down_revision = "audit_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "revoked_clients",
        sa.Column("client_id", sa.String(), primary_key=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )
    op.create_table(
        "used_assertions",
        sa.Column("client_id", sa.String(), primary_key=True),
        sa.Column("jti", sa.String(), primary_key=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "refused_attempts",
        sa.Column("minute", sa.DateTime(timezone=True), primary_key=True),
        sa.Column("source", sa.String(), primary_key=True),
        sa.Column("resource", sa.String(), primary_key=True),
        sa.Column("status", sa.Integer(), primary_key=True),
        sa.Column("attempts", sa.BigInteger(), nullable=False),
    )
    op.add_column("audit_log", sa.Column("child_ids", sa.ARRAY(sa.String()), nullable=True))
    op.create_index("audit_log_child_ids", "audit_log", ["child_ids"], postgresql_using="gin")


def downgrade() -> None:
    raise NotImplementedError("roll forward with a new migration")
