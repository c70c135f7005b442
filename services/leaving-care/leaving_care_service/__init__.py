"""Leaving-care service: care leaver status and personal advisers."""
