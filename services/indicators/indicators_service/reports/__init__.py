"""What the Corporate Parenting Board reads: the monthly board report (HTML and PDF), built from the KPI registry."""
