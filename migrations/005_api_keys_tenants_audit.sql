-- API keys, tenants and the audit trail.
--
-- A key is stored as the SHA-256 hash of its secret, never the secret itself. Keys are random 256-bit values,
-- so a fast hash is enough: there is no low-entropy password to stretch.
CREATE TABLE api_keys (
  id         text PRIMARY KEY,
  tenant     text NOT NULL,
  name       text NOT NULL,
  key_hash   bytea NOT NULL UNIQUE,
  scopes     text[] NOT NULL,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);

-- Every collection belongs to a tenant, and names are unique per tenant. Rows created before this migration,
-- and inserts that name no tenant, belong to the tenant 'default'.
ALTER TABLE collections ADD COLUMN tenant text NOT NULL DEFAULT 'default';
ALTER TABLE collections DROP CONSTRAINT collections_name_key;
ALTER TABLE collections ADD CONSTRAINT collections_tenant_name_key UNIQUE (tenant, name);

-- One row per document read, search or clinical lookup: who, when, which collection, which document ids came
-- back, and a SHA-256 of the query. Never the vector, the text or metadata values.
CREATE TABLE audit_log (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at           timestamptz NOT NULL DEFAULT now(),
  key_id       text NOT NULL,
  tenant       text NOT NULL,
  action       text NOT NULL,
  collection   text,
  document_ids text[] NOT NULL DEFAULT '{}',
  query_hash   text
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_key_at ON audit_log (key_id, at);
