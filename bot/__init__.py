"""Mend: a Discord bot that helps two people repair a rupture, in turns."""

__version__ = "0.2.0"
