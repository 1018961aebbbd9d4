"""A local Discord stand-in (REST v10 + Gateway v10) that the real discord.py client runs against."""
