"""Placements service: periods of care and placements, from the council's case system."""
