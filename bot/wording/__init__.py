"""Every sentence a person reads from Mend, as pure functions, grouped by where it is read.

Nothing in the Discord layer writes a sentence of its own: it asks these modules. The English here
is the source of every translation: constants are message ids (marked with `N_`, translated with `_`
where they are shown), and functions return their sentence in the language spoken now (`bot.i18n`).
"""
