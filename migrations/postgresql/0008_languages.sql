-- 0008: languages (the PostgreSQL twin of ../0008_languages.sql, which says why). A repair's thread
-- speaks one language for both people, chosen when it opens; repairs opened before spoke English.
ALTER TABLE ruptures ADD COLUMN language TEXT NOT NULL DEFAULT 'en';

-- The language a person's Discord was last set to, only as Discord's code for it (like es-ES).
ALTER TABLE people ADD COLUMN locale TEXT;
