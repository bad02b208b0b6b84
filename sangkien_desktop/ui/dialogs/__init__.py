"""Dialogs shared by several pages."""
