"""Mend: a Discord bot that helps two people repair a rupture, in turns."""
