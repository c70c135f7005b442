"""Grafana's read-only role (created by infra/postgres/init-databases.sh where it exists) may read the KPI
history and nothing else: no table that names a child.

Revision ID: 0003
"""
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        DO $$ BEGIN
            IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'grafana_reader') THEN
                GRANT USAGE ON SCHEMA public TO grafana_reader;
                GRANT SELECT ON kpi_history TO grafana_reader;
            END IF;
        END $$
    """)


def downgrade() -> None:
    raise NotImplementedError("roll forward with a new migration")
