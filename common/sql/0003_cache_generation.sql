-- The generation of the user cache in Redis. Every cache key names it;
-- a writer that could not update Redis after committing bumps it, so no
-- reader anywhere can use an entry the writer could not correct. Readers
-- learn it in the same query that checks their credentials.
CREATE TABLE cache_generation (
    generation bigint NOT NULL
);
INSERT INTO cache_generation (generation) VALUES (0);
