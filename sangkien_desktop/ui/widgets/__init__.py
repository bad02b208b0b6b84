"""Reusable widgets and models shared by the pages."""
