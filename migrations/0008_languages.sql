-- 0008: languages. A repair's thread speaks one language for both people, chosen when it opens
-- (the one both people's Discord is set to, else the server's, unless the opener chose one), and
-- everything Mend posts there for the rest of the repair, check-ins included, is in it. Repairs
-- opened before spoke English, so they keep to it.
ALTER TABLE ruptures ADD COLUMN language TEXT NOT NULL DEFAULT 'en';

-- The language a person's Discord was last set to, only as Discord's code for it (like es-ES): it
-- chooses a new repair's language, and direct messages' (which come with no interaction to say).
-- Exported with the rest of the person's row, and erased with it.
ALTER TABLE people ADD COLUMN locale TEXT;
