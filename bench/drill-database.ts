/**
 * A fresh PostgreSQL database for a drill, on the server of DRILL_POSTGRES_URL (default: the local server as user
 * postgres), and the bootstrap admin key the drills start the service with.
 */

import { randomBytes } from 'node:crypto';

import pg from 'pg';

export const DRILL_ADMIN_KEY = randomBytes(24).toString('hex');

const SERVER_URL = process.env.DRILL_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Drops and re-creates database `name` and returns its URL. */
export async function freshDrillDatabase(name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Invalid database name ${name}.`);
  const client = new pg.Client({ connectionString: SERVER_URL });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Sends a JSON request with the key; returns status and parsed body (null when the body is not JSON). */
export async function sendJson(baseUrl: string, key: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON: the caller sees null.
  }
  return { status: response.status, body: parsed };
}
