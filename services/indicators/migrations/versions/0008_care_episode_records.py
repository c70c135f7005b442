"""Legal status changes, reviews, visits, convictions and adoption milestones from the placements topic; a
placement's 903 RNE.

Revision ID: 0008
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _projection(table: str, id_column: str, *columns) -> None:
    op.create_table(
        table,
        sa.Column(id_column, sa.String(), primary_key=True),
        sa.Column("child_id", sa.String(), nullable=False, index=True),
        *columns,
        sa.Column("record_version", sa.Integer(), nullable=False),
    )


def upgrade() -> None:
    op.add_column("placements", sa.Column("reason_new_episode", sa.String(), nullable=True))
    _projection("legal_status_changes", "change_id",
                sa.Column("care_period_id", sa.String(), nullable=False, index=True),
                sa.Column("start_date", sa.Date(), nullable=False),
                sa.Column("legal_status", sa.String(), nullable=False))
    _projection("reviews", "review_id", sa.Column("review_date", sa.Date(), nullable=False))
    _projection("visits", "visit_id", sa.Column("visit_date", sa.Date(), nullable=False))
    _projection("convictions", "conviction_id", sa.Column("outcome_date", sa.Date(), nullable=False),
                sa.Column("outcome", sa.String(), nullable=False))
    _projection("adoptions", "adoption_id", sa.Column("care_period_id", sa.String(), nullable=False, index=True),
                *[sa.Column(name, sa.Date(), nullable=True) for name in
                  ("decision_date", "placement_order_date", "match_date", "placed_date", "adoption_order_date")])


def downgrade() -> None:
    raise NotImplementedError("roll forward with a new migration")
