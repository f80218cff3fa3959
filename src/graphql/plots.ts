/** GraphQL fields that return the server-side SVG plots, for dashboards that embed them inline. */

import type { FastifyInstance } from 'fastify';

import { attentionPlotService, spectrumPlotService } from '../services/plots.js';
import { present } from './compute-resolvers.js';

export const plotTypeDefs = /* GraphQL */ `
  extend type Query {
    "SVG of the singular values of matrix, or of the given values (descending)."
    spectrumSvg(matrix: Matrix, values: [Float!], logScale: Boolean, title: String): String!
    "SVG heatmap of attention weights (queries × keys)."
    attentionSvg(weights: Matrix!, rowLabels: [String!], columnLabels: [String!], title: String): String!
  }
`;

type Args = Record<string, unknown>;

export const plotResolvers = {
  Query: {
    spectrumSvg: (_: unknown, args: Args, { app }: { app: FastifyInstance }) => spectrumPlotService(app.linalg, present(args)),
    attentionSvg: (_: unknown, args: Args, { app }: { app: FastifyInstance }) => attentionPlotService(app.linalg, present(args)),
  },
};
