-- The user cache's generation, as common/sql/0003_cache_generation.sql.
CREATE TABLE cache_generation (
    generation INTEGER NOT NULL
);
INSERT INTO cache_generation (generation) VALUES (0);
