"""Discord-facing extensions, one per capability; each ends with `async def setup(bot)`."""
