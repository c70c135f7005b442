"""A service that consumes events: the duplicate guard, the dead letters, and the tombstones of withdrawn
records in its projections (backbone.projections.apply_latest).

Revision ID: consumer_0001
"""
import sqlalchemy as sa
from alembic import op

revision = "consumer_0001"
down_revision = None
branch_labels = ("consumer",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "processed_events",
        sa.Column("source", sa.String(), primary_key=True),
        sa.Column("event_id", sa.String(), primary_key=True),
        sa.Column("event_type", sa.String(), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )
    op.create_table(
        "dead_letters",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("topic", sa.String(), nullable=False),
        sa.Column("partition", sa.Integer(), nullable=False),
        sa.Column("offset", sa.BigInteger(), nullable=False),
        sa.Column("event_id", sa.String(), nullable=True),
        sa.Column("event_type", sa.String(), nullable=True),
        sa.Column("error", sa.String(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )
    op.create_table(
        "withdrawn_records",
        sa.Column("table_name", sa.String(), primary_key=True),
        sa.Column("record_id", sa.String(), primary_key=True),
        sa.Column("record_version", sa.BigInteger(), nullable=False),
    )


def downgrade() -> None:
    raise NotImplementedError("roll forward with a new migration")
