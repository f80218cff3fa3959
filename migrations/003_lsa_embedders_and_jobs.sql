-- Fitted text embedders and the jobs that fit them. Both live in the database, so any instance can serve a job's
-- state or load an embedder that another instance fitted.

-- One fitted LSA model per row. The arrays are little-endian float64 bytea: idf (one value per vocabulary term) and
-- components, V in row-major order (vocabulary × dimensions). Rows are never updated, so instances may cache them.
CREATE TABLE embedders (
  id               text PRIMARY KEY,
  kind             text NOT NULL CHECK (kind IN ('lsa')),
  dimensions       integer NOT NULL CHECK (dimensions >= 1),
  vocabulary_size  integer NOT NULL CHECK (vocabulary_size >= 1),
  -- Tokenizer settings, fit record and singular values: everything except the large arrays.
  settings         jsonb NOT NULL,
  vocabulary       jsonb NOT NULL,
  idf              bytea NOT NULL,
  components       bytea NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now()
);

-- Long-running work (so far only embedder fits). `percent` and `stage` are the latest progress report.
CREATE TABLE jobs (
  id           text PRIMARY KEY,
  kind         text NOT NULL,
  state        text NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed')),
  percent      double precision NOT NULL DEFAULT 0 CHECK (percent BETWEEN 0 AND 100),
  stage        text,
  request      jsonb NOT NULL,
  result       jsonb,
  error        jsonb,
  created_at   timestamptz NOT NULL DEFAULT now(),
  started_at   timestamptz,
  finished_at  timestamptz
);

-- The embedder that turns the collection's document texts and text queries into vectors, if any.
ALTER TABLE collections ADD COLUMN embedder_id text REFERENCES embedders (id);
