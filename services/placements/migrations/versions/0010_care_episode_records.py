"""The rest of the care-episode domain: legal status changes within a period, reviews, visits, convictions
and adoption milestones; a placement's 903 RNE and reason for change.

Revision ID: 0010
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def _record(table: str, id_column: str, *columns, period: bool = False) -> None:
    op.create_table(
        table,
        sa.Column(id_column, sa.String(), primary_key=True),
        sa.Column("child_id", sa.String(), sa.ForeignKey("children.child_id"), nullable=False, index=True),
        *([sa.Column("care_period_id", sa.String(), sa.ForeignKey("care_periods.care_period_id"), nullable=False)]
          if period else []),
        *columns,
        sa.Column("record_version", sa.Integer(), nullable=False),
        sa.Column("withdrawn", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def upgrade() -> None:
    op.add_column("placements", sa.Column("reason_new_episode", sa.String(1), nullable=True))
    op.add_column("placements", sa.Column("reason_place_change", sa.String(10), nullable=True))

    _record("legal_status_changes", "change_id",
            sa.Column("start_date", sa.Date(), nullable=False), sa.Column("legal_status", sa.String(3), nullable=False),
            period=True)
    # A period's legal status changes at most once a day.
    op.create_index("one_legal_status_change_per_day", "legal_status_changes", ["care_period_id", "start_date"],
                    unique=True, postgresql_where=sa.text("NOT withdrawn"))

    _record("reviews", "review_id",
            sa.Column("review_date", sa.Date(), nullable=False), sa.Column("participation", sa.String(3), nullable=True))
    op.create_index("one_review_per_day", "reviews", ["child_id", "review_date"], unique=True,
                    postgresql_where=sa.text("NOT withdrawn"))

    _record("visits", "visit_id",
            sa.Column("visit_date", sa.Date(), nullable=False), sa.Column("seen_alone", sa.Boolean(), nullable=True))
    op.create_index("one_visit_per_day", "visits", ["child_id", "visit_date"], unique=True,
                    postgresql_where=sa.text("NOT withdrawn"))

    _record("convictions", "conviction_id",
            sa.Column("outcome_date", sa.Date(), nullable=False),
            sa.Column("outcome", sa.String(16), nullable=False),
            sa.CheckConstraint("outcome IN ('conviction', 'youth_caution')", name="conviction_outcome_is_known"))

    _record("adoptions", "adoption_id",
            *[sa.Column(name, sa.Date(), nullable=True) for name in
              ("decision_date", "placement_order_date", "match_date", "placed_date", "adoption_order_date")],
            sa.CheckConstraint("adoption_order_date IS NULL OR placed_date IS NULL OR adoption_order_date >= placed_date",
                               name="adopted_after_placed"),
            period=True)
    # One adoption record per period of care: later milestones correct it.
    op.create_index("one_adoption_per_period", "adoptions", ["care_period_id"], unique=True,
                    postgresql_where=sa.text("NOT withdrawn"))


def downgrade() -> None:
    raise NotImplementedError("roll forward with a new migration")
