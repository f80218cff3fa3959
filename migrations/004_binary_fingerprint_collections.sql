-- Binary fingerprint collections: a collection `kind` ('dense', as before, or 'binary'). A binary collection's
-- documents table (see src/db/fingerprints.ts) stores a bit(<dimensions>) column with an HNSW index in
-- bit_jaccard_ops or bit_hamming_ops, so its metric is 'jaccard' or 'hamming' and its dimension, the number of bits,
-- may exceed the 2,000 of a dense vector (pgvector indexes bit vectors of up to 64,000 bits).
ALTER TABLE collections ADD COLUMN kind text NOT NULL DEFAULT 'dense' CHECK (kind IN ('dense', 'binary'));

ALTER TABLE collections DROP CONSTRAINT collections_metric_check;
ALTER TABLE collections ADD CONSTRAINT collections_metric_check CHECK (
  (kind = 'dense' AND metric IN ('cosine', 'l2', 'inner_product')) OR (kind = 'binary' AND metric IN ('jaccard', 'hamming'))
);

ALTER TABLE collections DROP CONSTRAINT collections_dimensions_check;
ALTER TABLE collections ADD CONSTRAINT collections_dimensions_check CHECK (
  dimensions >= 1 AND dimensions <= CASE WHEN kind = 'binary' THEN 64000 ELSE 2000 END
);
