-- The registry of collections. Each collection's documents live in their own table, documents_<id>, created at
-- run time with the collection (see src/db/collections.ts), so that its HNSW index covers its rows alone.
CREATE EXTENSION IF NOT EXISTS vector;

CREATE TABLE collections (
  id                   integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name                 text NOT NULL UNIQUE,
  dimensions           integer NOT NULL CHECK (dimensions BETWEEN 1 AND 2000),
  metric               text NOT NULL CHECK (metric IN ('cosine', 'l2', 'inner_product')),
  model                text,
  hnsw_m               integer NOT NULL,
  hnsw_ef_construction integer NOT NULL,
  created_at           timestamptz NOT NULL DEFAULT now()
);

-- Reads an ISO 8601 date or timestamp for metadata range filters; NULL instead of an error for anything else,
-- so one malformed metadata value cannot fail a whole search.
CREATE FUNCTION vectorspace_try_timestamptz(value text) RETURNS timestamptz
LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN value::timestamptz;
EXCEPTION WHEN others THEN
  RETURN NULL;
END
$$;
