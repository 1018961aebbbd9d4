"""Mend's schema as numbered SQL files, applied in order by `bot.storage.migrations`.

A package only so that the files ship inside the wheel and are read with `importlib.resources`.
"""
