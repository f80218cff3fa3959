/**
 * Resolvers of the linear-algebra queries: each one calls the service the REST route calls, so validation,
 * compute and reply shape are shared.
 */

import type { FastifyInstance } from 'fastify';
import { GraphQLJSON } from 'graphql-scalars';
import { GraphQLScalarType } from 'graphql';

import {
  condService,
  detService,
  eighService,
  gramSchmidtService,
  lstsqService,
  normService,
  nullspaceService,
  pinvService,
  qrService,
  rankService,
  subspacesService,
  svdService,
  type OrdInput,
} from '../services/linalg.js';

interface Context {
  app: FastifyInstance;
}

type Args = Record<string, unknown>;

const GRAPHQL_ORDERS: Record<string, OrdInput> = { fro: 'fro', nuc: 'nuc', inf: 'inf', ONE: 1, TWO: 2 };

/** Drops arguments the client left out or set to null, so services apply their defaults. */
export function present<T>(args: Args): T {
  return Object.fromEntries(Object.entries(args).filter(([, value]) => value !== null && value !== undefined)) as T;
}

function withOrder(args: Args): Args {
  return args.ord === undefined || args.ord === null ? args : { ...args, ord: GRAPHQL_ORDERS[args.ord as string] };
}

export const MatrixScalar = new GraphQLScalarType({
  ...GraphQLJSON.toConfig(),
  name: 'Matrix',
  description: 'A matrix or vector in the REST wire format.',
});

export const computeResolvers = {
  Matrix: MatrixScalar,
  Query: {
    svd: (_: unknown, args: Args, { app }: Context) => svdService(app.linalg, present(args)),
    qr: (_: unknown, args: Args, { app }: Context) => qrService(app.linalg, present(args)),
    eigh: (_: unknown, args: Args, { app }: Context) => eighService(app.linalg, present(args)),
    rank: (_: unknown, args: Args, { app }: Context) => rankService(app.linalg, present(args)),
    nullspace: (_: unknown, args: Args, { app }: Context) => nullspaceService(app.linalg, present(args)),
    subspaces: (_: unknown, args: Args, { app }: Context) => subspacesService(app.linalg, present(args)),
    gramSchmidt: (_: unknown, args: Args, { app }: Context) => gramSchmidtService(app.linalg, present(args)),
    lstsq: (_: unknown, args: Args, { app }: Context) => lstsqService(app.linalg, present(args)),
    pinv: (_: unknown, args: Args, { app }: Context) => pinvService(app.linalg, present(args)),
    det: (_: unknown, args: Args, { app }: Context) => detService(app.linalg, present(args)),
    cond: (_: unknown, args: Args, { app }: Context) => condService(app.linalg, present(withOrder(args))),
    norm: (_: unknown, args: Args, { app }: Context) => normService(app.linalg, present(withOrder(args))),
  },
};
