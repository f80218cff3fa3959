/**
 * "Find notes like this one": nearest clinical notes in a collection, by a stored note id or by text (embedded with
 * the collection's embedder), with the filters a reviewer uses. Filters compose into the store's filter syntax:
 * specialty and note type become `eq`/`in` conditions on their metadata keys, and excludeSamePatient drops notes
 * whose patient key equals the query note's (by id) or the given `patient` value (by text).
 *
 * Note text is returned only on request (`includeText`), since it is the most sensitive field.
 */

import { DomainError } from '../errors.js';
import type { EmbeddingStore } from './embedding-store.js';

/** Metadata keys of the clinical fields; each can be renamed per request. */
export const DEFAULT_CLINICAL_KEYS = { specialty: 'specialty', noteType: 'noteType', patient: 'patient' } as const;

export interface ClinicalSimilarRequest {
  collection: string;
  id?: string;
  text?: string;
  k?: number;
  /** One value, or several of which a note must have one. */
  specialty?: string | string[];
  noteType?: string | string[];
  excludeSamePatient?: boolean;
  /** With a text query and excludeSamePatient: the patient reference of the query note. */
  patient?: string;
  /** More conditions in the store's filter syntax; may not repeat a key that the fields above set. */
  filter?: unknown;
  includeText?: boolean;
  keys?: { specialty?: string; noteType?: string; patient?: string };
  exact?: boolean;
  minSimilarity?: number;
}

export interface ClinicalNeighbour {
  id: string;
  similarity: number;
  specialty: unknown;
  noteType: unknown;
  patient: unknown;
  metadata: Record<string, unknown>;
  /** Present only with includeText: the stored note text, or null when none was stored. */
  text?: string | null;
}

export interface ClinicalSimilarReply {
  collection: string;
  query: { id: string } | { text: true };
  k: number;
  method: 'hnsw' | 'exact';
  scanLimitReached: boolean;
  neighbours: ClinicalNeighbour[];
}

export async function findSimilarNotes(store: EmbeddingStore, request: ClinicalSimilarRequest): Promise<ClinicalSimilarReply> {
  if ((request.id === undefined) === (request.text === undefined)) {
    throw new DomainError('INVALID_REQUEST', { path: '/', reason: 'give exactly one of id and text' });
  }
  const keys = { ...DEFAULT_CLINICAL_KEYS, ...request.keys };

  if (request.filter !== undefined && (typeof request.filter !== 'object' || request.filter === null || Array.isArray(request.filter))) {
    throw new DomainError('INVALID_FILTER', { path: '/filter', reason: 'expected an object of metadata keys' });
  }
  const filter: Record<string, unknown> = { ...(request.filter as Record<string, unknown> | undefined) };
  const addCondition = (key: string, value: unknown, path: string) => {
    if (key in filter) throw new DomainError('INVALID_FILTER', { path, reason: `the filter already has a condition on "${key}"; give it in one place` });
    filter[key] = value;
  };
  if (request.specialty !== undefined) addCondition(keys.specialty, oneOrAny(request.specialty), '/specialty');
  if (request.noteType !== undefined) addCondition(keys.noteType, oneOrAny(request.noteType), '/noteType');

  const excludeSame: string[] = [];
  if (request.excludeSamePatient) {
    if (request.id !== undefined) excludeSame.push(keys.patient);
    else if (request.patient !== undefined) addCondition(keys.patient, { ne: request.patient }, '/patient');
    else throw new DomainError('INVALID_REQUEST', { path: '/patient', reason: 'a search by text with excludeSamePatient needs the patient reference of the query note' });
  }

  const reply = await store.search(request.collection, {
    ...(request.id !== undefined ? { id: request.id } : { text: request.text }),
    k: request.k,
    filter,
    excludeSame,
    exact: request.exact,
    minSimilarity: request.minSimilarity,
  });

  const texts = new Map<string, string | null>();
  if (request.includeText && reply.hits.length > 0) {
    for (const document of await store.getDocuments(request.collection, reply.hits.map((hit) => hit.id))) texts.set(document.id, document.text);
  }

  return {
    collection: reply.collection,
    query: request.id !== undefined ? { id: request.id } : { text: true },
    k: reply.k,
    method: reply.method,
    scanLimitReached: reply.scanLimitReached,
    neighbours: reply.hits.map((hit) => ({
      id: hit.id,
      similarity: hit.similarity,
      specialty: hit.metadata[keys.specialty] ?? null,
      noteType: hit.metadata[keys.noteType] ?? null,
      patient: hit.metadata[keys.patient] ?? null,
      metadata: hit.metadata,
      ...(request.includeText ? { text: texts.get(hit.id) ?? null } : {}),
    })),
  };
}

function oneOrAny(value: string | string[]): unknown {
  return Array.isArray(value) ? { in: value } : value;
}
