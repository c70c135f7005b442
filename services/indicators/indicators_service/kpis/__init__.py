"""The KPI catalogue as code: one module per KPI (``<domain>/<kpi_id>.py``), read by one engine."""
