"""Канцелярия школы: a desktop app for a Russian school's office (appeals, tickets, e-diary access, forms)."""

__version__ = "0.1.0"
