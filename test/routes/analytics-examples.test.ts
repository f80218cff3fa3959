import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';

import { makeApp, post } from '../helpers.js';

let app: FastifyInstance;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let paths: Record<string, any>;
beforeAll(async () => {
  app = await makeApp();
  paths = (await app.inject({ method: 'GET', url: '/docs/json' })).json().paths;
});
afterAll(async () => {
  await app.close();
});

const ROUTES = [
  '/v1/bases/independence',
  '/v1/bases/basis',
  '/v1/bases/coordinates',
  '/v1/bases/dimension',
  '/v1/bases/change-of-basis',
  '/v1/subspaces/membership',
  '/v1/subspaces/projection',
  '/v1/subspaces/sum',
  '/v1/subspaces/intersection',
  '/v1/subspaces/direct-sum',
  '/v1/subspaces/angles',
  '/v1/linear-maps/compose',
  '/v1/linear-maps/inverse',
  '/v1/linear-maps/kernel-image',
  '/v1/linear-maps/linearity',
  '/v1/inner-products/vectors',
  '/v1/inner-products/matrices',
  '/v1/inner-products/cosine-similarity',
  '/v1/analytics/superposition',
  '/v1/analytics/pca',
];

describe('OpenAPI examples', () => {
  it.each(ROUTES)('%s documents an example that succeeds', async (route) => {
    const example = paths[route]?.post?.requestBody?.content?.['application/json']?.example;
    expect(example).toBeDefined();
    const reply = await post(app, route, example);
    expect(reply.status).toBe(200);
  });
});
