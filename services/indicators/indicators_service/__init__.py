"""Indicators service: consumes every domain event and keeps the KPIs live."""
