"""The Discord side of showing things: plans rendered as embeds and buttons, and the executor."""
