"""Shared infrastructure for the CLA services. No domain code lives here."""
