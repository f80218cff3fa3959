/**
 * GraphQL types of the float64 linear-algebra operations. Field names and meanings match the REST replies
 * (README, "Conventions"); matrices use the `Matrix` scalar, which is the REST wire format.
 */

export const computeTypeDefs = /* GraphQL */ `
  "A matrix or vector in the REST wire format: an array of rows (or of numbers), or { shape, dtype, data } with base64 data."
  scalar Matrix

  enum MatrixFormat { json base64 }
  enum QrMode { reduced complete }
  enum Symmetrize { none lower upper average }
  enum VectorLayout { rows columns }
  enum GramSchmidtMethod { classical modified reorthogonalized }
  "Norm order as numpy.linalg.norm: fro, nuc, ONE (max column sum), TWO (largest singular value), inf (max row sum)."
  enum NormOrder { fro nuc ONE TWO inf }

  type Tolerance {
    value: Float!
    "default (σmax·max(m, n)·ε), rtol or atol."
    rule: String!
    rtol: Float
    atol: Float
  }

  type SvdOrthogonality { u: Float!, v: Float! }

  type SvdResult {
    shape: [Int!]!
    full: Boolean!
    u: Matrix!
    s: Matrix!
    v: Matrix!
    rank: Int
    truncationError: Float
    reconstructionError: Float!
    orthogonalityError: SvdOrthogonality!
    signRule: String!
    computeDtype: String!
  }

  type QrResult {
    shape: [Int!]!
    mode: QrMode!
    pivoting: Boolean!
    q: Matrix!
    r: Matrix!
    permutation: [Int!]!
    reconstructionError: Float!
    orthogonalityError: Float!
  }

  type EighResult {
    shape: [Int!]!
    eigenvalues: Matrix!
    eigenvectors: Matrix!
    order: String!
    symmetrize: Symmetrize!
    maxAsymmetry: Float!
    residual: Float!
    orthogonalityError: Float!
    signRule: String!
  }

  type RankResult {
    shape: [Int!]!
    rank: Int!
    tolerance: Tolerance!
    singularValues: [Float!]!
  }

  type NullspaceResult {
    shape: [Int!]!
    rank: Int!
    nullity: Int!
    basis: Matrix!
    tolerance: Tolerance!
    singularValues: [Float!]!
    residual: Float!
    orthogonalityError: Float!
  }

  type SubspaceBasis { dimension: Int!, ambientDimension: Int!, basis: Matrix! }
  type RankNullity { rankPlusNullity: Int!, cols: Int!, rankPlusLeftNullity: Int!, rows: Int!, holds: Boolean! }

  type SubspacesResult {
    shape: [Int!]!
    rank: Int!
    columnSpace: SubspaceBasis!
    rowSpace: SubspaceBasis!
    nullspace: SubspaceBasis!
    leftNullspace: SubspaceBasis!
    rankNullity: RankNullity!
    tolerance: Tolerance!
    singularValues: [Float!]!
    orthogonalityError: Float!
  }

  type GramSchmidtResult {
    layout: VectorLayout!
    method: GramSchmidtMethod!
    basis: Matrix!
    r: Matrix!
    kept: [Int!]!
    dropped: [Int!]!
    rank: Int!
    rtol: Float!
    orthogonalityError: Float!
    reconstructionError: Float!
  }

  type LstsqResult {
    shape: [Int!]!
    solution: Matrix!
    residuals: [Float!]!
    rank: Int!
    singularValues: [Float!]!
    tolerance: Tolerance!
  }

  type PinvResult {
    shape: [Int!]!
    pinv: Matrix!
    rank: Int!
    singularValues: [Float!]!
    tolerance: Tolerance!
    penroseError: Float!
  }

  type DetResult { shape: [Int!]!, det: Float, sign: Int!, logAbsDet: Float, outOfRange: String }
  type CondResult { shape: [Int!]!, cond: Float, singular: Boolean!, rank: Int!, singularValues: [Float!]! }
  type NormResult { shape: [Int!]!, norm: Float, overflow: Boolean! }

  type Query {
    svd(matrix: Matrix!, full: Boolean, rank: Int, format: MatrixFormat): SvdResult!
    qr(matrix: Matrix!, mode: QrMode, pivoting: Boolean, format: MatrixFormat): QrResult!
    eigh(matrix: Matrix!, symmetrize: Symmetrize, format: MatrixFormat): EighResult!
    rank(matrix: Matrix!, rtol: Float, atol: Float): RankResult!
    nullspace(matrix: Matrix!, rtol: Float, atol: Float, format: MatrixFormat): NullspaceResult!
    subspaces(matrix: Matrix!, rtol: Float, atol: Float, format: MatrixFormat): SubspacesResult!
    gramSchmidt(vectors: Matrix!, layout: VectorLayout!, method: GramSchmidtMethod, rtol: Float, dropDependent: Boolean, format: MatrixFormat): GramSchmidtResult!
    lstsq(matrix: Matrix!, b: Matrix!, rtol: Float, atol: Float, format: MatrixFormat): LstsqResult!
    pinv(matrix: Matrix!, rtol: Float, atol: Float, format: MatrixFormat): PinvResult!
    det(matrix: Matrix!): DetResult!
    cond(matrix: Matrix!, ord: NormOrder): CondResult!
    norm(matrix: Matrix!, ord: NormOrder): NormResult!
  }
`;
