# Build of the native LAPACK engine (N-API, node-addon-api). It links Debian's LAPACKE and OpenBLAS
# (apt packages libopenblas-dev and liblapacke-dev). scripts/build-native.mjs runs it at `npm install` and
# never fails the install when the libraries are missing.
{
  "targets": [
    {
      "target_name": "vectorspace_linalg",
      "sources": ["src/binding.cc"],
      "dependencies": ["<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"],
      "cflags_cc": ["-O2", "-std=c++17"],
      "libraries": ["-llapacke", "-lopenblas"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
