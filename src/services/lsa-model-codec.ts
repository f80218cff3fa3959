/**
 * JSON form of a fitted LSA model, for storage: the typed arrays travel in the binary matrix wire format
 * ({ shape, dtype: "float64", data: base64 little-endian }) and everything else as plain JSON.
 *
 * Decoding checks what embedding relies on: kind and version, a tokenizer this build reproduces (same stop-word
 * list and minimum word length), and consistent sizes (one idf and one row of V per vocabulary term, one column
 * of V per singular value). A mismatch is INVALID_MODEL with the JSON pointer of the field.
 */

import type { LsaFitRecord, LsaModel } from '../compute/lsa/model.js';
import { LSA_MODEL_VERSION } from '../compute/lsa/model.js';
import { STOP_WORD_LIST } from '../compute/lsa/stop-words.js';
import { MIN_WORD_LENGTH } from '../compute/lsa/tokenizer.js';
import { DomainError } from '../errors.js';
import { type BinaryArray, encodeMatrix, encodeVector, parseMatrix } from './matrix-wire.js';

export interface LsaModelJson {
  kind: 'lsa';
  version: number;
  tokenizer: LsaModel['tokenizer'];
  vocabulary: string[];
  idf: BinaryArray;
  components: BinaryArray;
  singularValues: BinaryArray;
  fit: LsaFitRecord;
}

// NOTE: V in float64 base64 takes about 10.7 bytes per element, so a 20,000-term, 256-dimension model is about
// 55 MB of JSON. The store may want a bytea column or float32 for V; float32 would change embeddings in the 7th digit.
export function encodeLsaModel(model: LsaModel): LsaModelJson {
  return {
    kind: model.kind,
    version: model.version,
    tokenizer: model.tokenizer,
    vocabulary: model.vocabulary,
    idf: encodeVector(model.idf, 'base64', 'float64') as BinaryArray,
    components: encodeMatrix(model.components, 'base64', 'float64') as BinaryArray,
    singularValues: encodeVector(model.singularValues, 'base64', 'float64') as BinaryArray,
    fit: model.fit,
  };
}

/** Decodes and checks a stored model; `path` is the JSON pointer of the model inside its container. */
export function decodeLsaModel(json: LsaModelJson, path = ''): LsaModel {
  const invalid = (field: string, reason: string) => new DomainError('INVALID_MODEL', { path: `${path}/${field}`, reason });

  if (json.kind !== 'lsa') throw invalid('kind', `expected kind "lsa", found ${JSON.stringify(json.kind)}`);
  if (json.version !== LSA_MODEL_VERSION) throw invalid('version', `model layout version ${json.version} is not supported; this build reads version ${LSA_MODEL_VERSION}, so refit the model`);
  if (json.tokenizer?.stopWords !== STOP_WORD_LIST || json.tokenizer.minWordLength !== MIN_WORD_LENGTH) {
    throw invalid('tokenizer', `the model was fitted with stop words "${json.tokenizer?.stopWords}" and minimum word length ${json.tokenizer?.minWordLength}, but this build uses "${STOP_WORD_LIST}" and ${MIN_WORD_LENGTH}, so refit the model`);
  }
  if (!Array.isArray(json.vocabulary) || !json.vocabulary.every((term) => typeof term === 'string')) throw invalid('vocabulary', 'expected an array of strings');

  const terms = json.vocabulary.length;
  const unlimited = { maxElements: Number.MAX_SAFE_INTEGER, allowVector: true };
  const idf = parseMatrix(json.idf, `${path}/idf`, unlimited).matrix;
  const components = parseMatrix(json.components, `${path}/components`, { maxElements: Number.MAX_SAFE_INTEGER }).matrix;
  const singularValues = parseMatrix(json.singularValues, `${path}/singularValues`, unlimited).matrix;
  if (idf.cols !== terms) throw invalid('idf', `expected ${terms} values, one per vocabulary term, found ${idf.cols}`);
  if (components.rows !== terms) throw invalid('components', `expected ${terms} rows, one per vocabulary term, found ${components.rows}`);
  if (components.cols !== singularValues.cols) throw invalid('components', `expected ${singularValues.cols} columns, one per singular value, found ${components.cols}`);

  return {
    kind: 'lsa',
    version: LSA_MODEL_VERSION,
    tokenizer: { bigrams: json.tokenizer.bigrams === true, stopWords: STOP_WORD_LIST, minWordLength: MIN_WORD_LENGTH },
    vocabulary: json.vocabulary,
    idf: idf.data,
    components,
    singularValues: singularValues.data,
    fit: json.fit,
  };
}
