"""Every sentence a person reads from Mend, as pure functions, grouped by where it is read.

Nothing in the Discord layer writes a sentence of its own: it asks these modules. This is also
where translations plug in.
"""
