// Thin N-API binding over LAPACKE and CBLAS (OpenBLAS) for the native float64 engine.
//
// Every matrix crosses the boundary as a row-major typed array plus its dimensions, the layout of the compute
// layer's Dense type. LAPACK is column-major, and each routine bridges the two without per-element work in
// JavaScript: a row-major m×n buffer is the column-major n×m matrix Aᵀ, which SVD, LU and the symmetric
// eigensolver can take as it is; QR transposes in C++ (O(mn) against the O(mn·min(m, n)) factorisation).
//
// LAPACK's `info` is returned to JavaScript, which maps it onto the error catalogue. A negative `info` (an illegal
// argument) or an allocation failure is a bug or an exhausted machine and is thrown here as a plain Error.

#include <napi.h>

#include <cblas.h>
#include <lapacke.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

extern "C" {
void openblas_set_num_threads(int);
int openblas_get_num_threads(void);
char* openblas_get_config(void);
}

namespace {

struct MatrixView {
  const double* data;
  size_t length;
};

MatrixView Float64Input(const Napi::Env& env, const Napi::Value& value, size_t expected, const char* name) {
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
    throw Napi::TypeError::New(env, std::string(name) + " must be a Float64Array");
  }
  auto array = value.As<Napi::Float64Array>();
  if (array.ElementLength() != expected) {
    throw Napi::RangeError::New(env, std::string(name) + " has " + std::to_string(array.ElementLength()) +
                                         " elements, expected " + std::to_string(expected));
  }
  return {array.Data(), array.ElementLength()};
}

const float* Float32Input(const Napi::Env& env, const Napi::Value& value, size_t expected, const char* name) {
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    throw Napi::TypeError::New(env, std::string(name) + " must be a Float32Array");
  }
  auto array = value.As<Napi::Float32Array>();
  if (array.ElementLength() != expected) {
    throw Napi::RangeError::New(env, std::string(name) + " has " + std::to_string(array.ElementLength()) +
                                         " elements, expected " + std::to_string(expected));
  }
  return array.Data();
}

lapack_int Dimension(const Napi::Env& env, const Napi::Value& value, const char* name, int64_t min = 1) {
  if (!value.IsNumber()) throw Napi::TypeError::New(env, std::string(name) + " must be a number");
  int64_t dimension = value.As<Napi::Number>().Int64Value();
  if (dimension < min || dimension > INT32_MAX) {
    throw Napi::RangeError::New(env, std::string(name) + " is out of range: " + std::to_string(dimension));
  }
  return static_cast<lapack_int>(dimension);
}

// LAPACKE returns a negative info for an illegal argument and LAPACK_WORK_MEMORY_ERROR or
// LAPACK_TRANSPOSE_MEMORY_ERROR when it cannot allocate; neither depends on the values of the input.
void ThrowOnArgumentError(const Napi::Env& env, lapack_int info, const char* routine) {
  if (info == LAPACK_WORK_MEMORY_ERROR || info == LAPACK_TRANSPOSE_MEMORY_ERROR) {
    throw Napi::Error::New(env, std::string(routine) + " failed: out of memory");
  }
  if (info < 0) {
    throw Napi::Error::New(env, std::string(routine) + " rejected argument " + std::to_string(-info));
  }
}

// Writes the column-major rows×cols matrix `source` (leading dimension ld) into row-major `target`.
void ColumnMajorToRowMajor(const double* source, lapack_int ld, lapack_int rows, lapack_int cols, double* target) {
  for (lapack_int i = 0; i < rows; i++) {
    for (lapack_int j = 0; j < cols; j++) target[static_cast<size_t>(i) * cols + j] = source[static_cast<size_t>(j) * ld + i];
  }
}

// svd(a, m, n, jobz) with jobz 'N', 'S' (thin) or 'A' (full), by dgesdd.
//
// The row-major buffer of A (m×n) is the column-major Aᵀ (n×m). dgesdd gives Aᵀ = U'·Σ·V'ᵀ, so A = V'·Σ·U'ᵀ:
// U_A = V', whose column-major transpose VT' (k×m or m×m) is already U_A in row-major order, and V_A = U', which
// is transposed once. Returns { info, s, u?, v? } with u: m×ucols and v: n×vcols, both row-major.
Napi::Value Svd(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  lapack_int m = Dimension(env, info[1], "m");
  lapack_int n = Dimension(env, info[2], "n");
  MatrixView a = Float64Input(env, info[0], static_cast<size_t>(m) * n, "a");
  std::string jobz = info[3].As<Napi::String>().Utf8Value();
  if (jobz != "N" && jobz != "S" && jobz != "A") throw Napi::RangeError::New(env, "jobz must be N, S or A");

  lapack_int k = std::min(m, n);
  std::vector<double> work(a.data, a.data + a.length);
  auto s = Napi::Float64Array::New(env, k);
  Napi::Object result = Napi::Object::New(env);

  if (jobz == "N") {
    lapack_int status = LAPACKE_dgesdd(LAPACK_COL_MAJOR, 'N', n, m, work.data(), n, s.Data(), nullptr, 1, nullptr, 1);
    ThrowOnArgumentError(env, status, "dgesdd");
    result.Set("info", status);
    result.Set("s", s);
    return result;
  }

  // Thin: U' is n×k and VT' is k×m. Full: U' is n×n and VT' is m×m.
  bool full = jobz == "A";
  lapack_int uPrimeCols = full ? n : k;
  lapack_int vtPrimeRows = full ? m : k;
  std::vector<double> uPrime(static_cast<size_t>(n) * uPrimeCols);
  auto u = Napi::Float64Array::New(env, static_cast<size_t>(m) * vtPrimeRows);
  lapack_int status = LAPACKE_dgesdd(LAPACK_COL_MAJOR, jobz[0], n, m, work.data(), n, s.Data(), uPrime.data(), n,
                                     u.Data(), vtPrimeRows);
  ThrowOnArgumentError(env, status, "dgesdd");

  auto v = Napi::Float64Array::New(env, static_cast<size_t>(n) * uPrimeCols);
  ColumnMajorToRowMajor(uPrime.data(), n, n, uPrimeCols, v.Data());
  result.Set("info", status);
  result.Set("s", s);
  result.Set("u", u);
  result.Set("v", v);
  return result;
}

// qr(a, m, n, complete, pivoting) by dgeqrf or dgeqp3, then dorgqr.
//
// Returns { info, q, r, permutation }: q is m×qcols (k or m) and r is qcols×n, both row-major, and permutation[j]
// is the 0-based column of A at position j of A·P (the identity without pivoting).
Napi::Value Qr(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  lapack_int m = Dimension(env, info[1], "m");
  lapack_int n = Dimension(env, info[2], "n");
  MatrixView a = Float64Input(env, info[0], static_cast<size_t>(m) * n, "a");
  bool complete = info[3].As<Napi::Boolean>().Value();
  bool pivoting = info[4].As<Napi::Boolean>().Value();

  lapack_int k = std::min(m, n);
  lapack_int qCols = complete ? m : k;
  // Column-major m×width: A in the first n columns; dorgqr later needs qCols columns for the complete Q.
  lapack_int width = std::max(n, qCols);
  std::vector<double> work(static_cast<size_t>(m) * width, 0.0);
  for (lapack_int i = 0; i < m; i++) {
    for (lapack_int j = 0; j < n; j++) work[static_cast<size_t>(j) * m + i] = a.data[static_cast<size_t>(i) * n + j];
  }

  std::vector<double> tau(std::max<lapack_int>(k, 1));
  auto permutation = Napi::Int32Array::New(env, n);
  lapack_int status;
  if (pivoting) {
    std::vector<lapack_int> pivots(n, 0);
    status = LAPACKE_dgeqp3(LAPACK_COL_MAJOR, m, n, work.data(), m, pivots.data(), tau.data());
    ThrowOnArgumentError(env, status, "dgeqp3");
    for (lapack_int j = 0; j < n; j++) permutation[j] = pivots[j] - 1;
  } else {
    status = LAPACKE_dgeqrf(LAPACK_COL_MAJOR, m, n, work.data(), m, tau.data());
    ThrowOnArgumentError(env, status, "dgeqrf");
    for (lapack_int j = 0; j < n; j++) permutation[j] = j;
  }

  // R is the upper trapezoid of the first qCols rows; rows from k on are zero in the complete form.
  auto r = Napi::Float64Array::New(env, static_cast<size_t>(qCols) * n);
  for (lapack_int i = 0; i < k; i++) {
    for (lapack_int j = i; j < n; j++) r[static_cast<size_t>(i) * n + j] = work[static_cast<size_t>(j) * m + i];
  }

  status = LAPACKE_dorgqr(LAPACK_COL_MAJOR, m, qCols, k, work.data(), m, tau.data());
  ThrowOnArgumentError(env, status, "dorgqr");
  auto q = Napi::Float64Array::New(env, static_cast<size_t>(m) * qCols);
  ColumnMajorToRowMajor(work.data(), m, m, qCols, q.Data());

  Napi::Object result = Napi::Object::New(env);
  result.Set("info", status);
  result.Set("q", q);
  result.Set("r", r);
  result.Set("permutation", permutation);
  return result;
}

// eigh(a, n) by dsyevd on the lower triangle. A symmetric matrix is its own transpose, so the row-major buffer
// goes in as it is. Returns { info, values (ascending), vectors (n×n row-major, eigenvectors as columns) }.
Napi::Value Eigh(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  lapack_int n = Dimension(env, info[1], "n");
  MatrixView a = Float64Input(env, info[0], static_cast<size_t>(n) * n, "a");

  std::vector<double> work(a.data, a.data + a.length);
  auto values = Napi::Float64Array::New(env, n);
  lapack_int status = LAPACKE_dsyevd(LAPACK_COL_MAJOR, 'V', 'L', n, work.data(), n, values.Data());
  ThrowOnArgumentError(env, status, "dsyevd");

  auto vectors = Napi::Float64Array::New(env, static_cast<size_t>(n) * n);
  ColumnMajorToRowMajor(work.data(), n, n, n, vectors.Data());
  Napi::Object result = Napi::Object::New(env);
  result.Set("info", status);
  result.Set("values", values);
  result.Set("vectors", vectors);
  return result;
}

// slogdet(a, n) from dgetrf. det(Aᵀ) = det(A), so the row-major buffer goes in as it is.
// Returns { info, sign, logAbsDet }; info > 0 means an exactly zero pivot, reported as sign 0 and −Infinity.
Napi::Value Slogdet(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  lapack_int n = Dimension(env, info[1], "n");
  MatrixView a = Float64Input(env, info[0], static_cast<size_t>(n) * n, "a");

  std::vector<double> work(a.data, a.data + a.length);
  std::vector<lapack_int> pivots(n);
  lapack_int status = LAPACKE_dgetrf(LAPACK_COL_MAJOR, n, n, work.data(), n, pivots.data());
  ThrowOnArgumentError(env, status, "dgetrf");

  Napi::Object result = Napi::Object::New(env);
  result.Set("info", status);
  if (status > 0) {
    result.Set("sign", 0);
    result.Set("logAbsDet", -INFINITY);
    return result;
  }

  double sign = 1;
  double logAbsDet = 0;
  for (lapack_int i = 0; i < n; i++) {
    double pivot = work[static_cast<size_t>(i) * n + i];
    if (pivots[i] != i + 1) sign = -sign;
    if (pivot < 0) sign = -sign;
    logAbsDet += std::log(std::fabs(pivot));
  }
  result.Set("sign", sign);
  result.Set("logAbsDet", logAbsDet);
  return result;
}

// solve(a, n, b, nrhs) by dgesv: X with A·X = B, A: n×n, B and X: n×nrhs, row-major.
// Returns { info, x }; info > 0 means U(info, info) is exactly zero, so A is singular.
Napi::Value Solve(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  lapack_int n = Dimension(env, info[1], "n");
  lapack_int nrhs = Dimension(env, info[3], "nrhs");
  MatrixView a = Float64Input(env, info[0], static_cast<size_t>(n) * n, "a");
  MatrixView b = Float64Input(env, info[2], static_cast<size_t>(n) * nrhs, "b");

  std::vector<double> lu(a.data, a.data + a.length);
  std::vector<lapack_int> pivots(n);
  auto x = Napi::Float64Array::New(env, b.length);
  std::memcpy(x.Data(), b.data, b.length * sizeof(double));
  lapack_int status = LAPACKE_dgesv(LAPACK_ROW_MAJOR, n, nrhs, lu.data(), n, pivots.data(), x.Data(), nrhs);
  ThrowOnArgumentError(env, status, "dgesv");

  Napi::Object result = Napi::Object::New(env);
  result.Set("info", status);
  result.Set("x", x);
  return result;
}

// lstsq(a, m, n, b, nrhs, rcond) by dgelsd: the minimum-norm X minimising ‖A·X − B‖_F, A: m×n, B: m×nrhs,
// X: n×nrhs, row-major. Singular values below rcond·σmax count as zero (rcond < 0: machine precision).
// Returns { info, x, s, rank }; info > 0 means the SVD did not converge.
Napi::Value Lstsq(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  lapack_int m = Dimension(env, info[1], "m");
  lapack_int n = Dimension(env, info[2], "n");
  lapack_int nrhs = Dimension(env, info[4], "nrhs");
  MatrixView a = Float64Input(env, info[0], static_cast<size_t>(m) * n, "a");
  MatrixView b = Float64Input(env, info[3], static_cast<size_t>(m) * nrhs, "b");
  double rcond = info[5].As<Napi::Number>().DoubleValue();

  std::vector<double> work(a.data, a.data + a.length);
  // dgelsd overwrites B (max(m, n)×nrhs) with X in its first n rows.
  std::vector<double> rhs(static_cast<size_t>(std::max(m, n)) * nrhs, 0.0);
  std::memcpy(rhs.data(), b.data, b.length * sizeof(double));
  auto s = Napi::Float64Array::New(env, std::min(m, n));
  lapack_int rank = 0;
  lapack_int status = LAPACKE_dgelsd(LAPACK_ROW_MAJOR, m, n, nrhs, work.data(), n, rhs.data(), nrhs, s.Data(), rcond, &rank);
  ThrowOnArgumentError(env, status, "dgelsd");

  auto x = Napi::Float64Array::New(env, static_cast<size_t>(n) * nrhs);
  std::memcpy(x.Data(), rhs.data(), static_cast<size_t>(n) * nrhs * sizeof(double));
  Napi::Object result = Napi::Object::New(env);
  result.Set("info", status);
  result.Set("x", x);
  result.Set("s", s);
  result.Set("rank", rank);
  return result;
}

// cholesky(a, n) by dpotrf on the lower triangle: L with A = L·Lᵀ, n×n row-major, zeros above the diagonal.
// Returns { info, l }; info > 0 means the leading minor of that order is not positive definite.
Napi::Value Cholesky(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  lapack_int n = Dimension(env, info[1], "n");
  MatrixView a = Float64Input(env, info[0], static_cast<size_t>(n) * n, "a");

  auto l = Napi::Float64Array::New(env, a.length);
  std::memcpy(l.Data(), a.data, a.length * sizeof(double));
  lapack_int status = LAPACKE_dpotrf(LAPACK_ROW_MAJOR, 'L', n, l.Data(), n);
  ThrowOnArgumentError(env, status, "dpotrf");
  for (lapack_int i = 0; i < n; i++) {
    for (lapack_int j = i + 1; j < n; j++) l[static_cast<size_t>(i) * n + j] = 0;
  }

  Napi::Object result = Napi::Object::New(env);
  result.Set("info", status);
  result.Set("l", l);
  return result;
}

// dgemm(a, b, m, k, n): C = A·B with A: m×k, B: k×n, C: m×n, all row-major float64.
Napi::Value Dgemm(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  lapack_int m = Dimension(env, info[2], "m");
  lapack_int k = Dimension(env, info[3], "k");
  lapack_int n = Dimension(env, info[4], "n");
  MatrixView a = Float64Input(env, info[0], static_cast<size_t>(m) * k, "a");
  MatrixView b = Float64Input(env, info[1], static_cast<size_t>(k) * n, "b");

  auto c = Napi::Float64Array::New(env, static_cast<size_t>(m) * n);
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0, a.data, k, b.data, n, 0.0, c.Data(), n);
  return c;
}

// sgemm(a, b, m, k, n): the float32 counterpart of dgemm.
Napi::Value Sgemm(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  lapack_int m = Dimension(env, info[2], "m");
  lapack_int k = Dimension(env, info[3], "k");
  lapack_int n = Dimension(env, info[4], "n");
  const float* a = Float32Input(env, info[0], static_cast<size_t>(m) * k, "a");
  const float* b = Float32Input(env, info[1], static_cast<size_t>(k) * n, "b");

  auto c = Napi::Float32Array::New(env, static_cast<size_t>(m) * n);
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, a, k, b, n, 0.0f, c.Data(), n);
  return c;
}

// blasInfo(): the OpenBLAS build string and its thread count, for logs and tests.
Napi::Value BlasInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object result = Napi::Object::New(env);
  result.Set("config", std::string(openblas_get_config()));
  result.Set("threads", openblas_get_num_threads());
  return result;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  // Parallelism comes from the worker pool (one thread per core), so each LAPACK call runs on its calling thread.
  // The OpenBLAS setting is process-wide, and every worker that loads this module sets the same value.
  openblas_set_num_threads(1);

  exports.Set("svd", Napi::Function::New(env, Svd, "svd"));
  exports.Set("qr", Napi::Function::New(env, Qr, "qr"));
  exports.Set("eigh", Napi::Function::New(env, Eigh, "eigh"));
  exports.Set("slogdet", Napi::Function::New(env, Slogdet, "slogdet"));
  exports.Set("solve", Napi::Function::New(env, Solve, "solve"));
  exports.Set("lstsq", Napi::Function::New(env, Lstsq, "lstsq"));
  exports.Set("cholesky", Napi::Function::New(env, Cholesky, "cholesky"));
  exports.Set("dgemm", Napi::Function::New(env, Dgemm, "dgemm"));
  exports.Set("sgemm", Napi::Function::New(env, Sgemm, "sgemm"));
  exports.Set("blasInfo", Napi::Function::New(env, BlasInfo, "blasInfo"));
  return exports;
}

}  // namespace

NODE_API_MODULE(vectorspace_linalg, Init)
