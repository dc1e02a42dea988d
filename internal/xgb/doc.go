// Package xgb is a small cgo binding to the XGBoost 1.7 C API (Debian
// libxgboost-dev): dense float32 matrices, training with early stopping,
// in-place prediction, and models saved and loaded as XGBoost JSON, the
// format Python's xgboost reads, so a scientist can open our model files.
//
// Conventions:
//   - Matrices are row-major float32 with NaN as the missing value.
//   - C memory is freed by an explicit Free (DMatrix) or Close (Booster);
//     there are no finalizers, because the Go collector does not see the
//     C heap and would run them late or never.
//   - XGBoost keeps its last error and its result buffers (predictions,
//     saved models, evaluation strings) in thread-local storage, so every
//     call that reads them runs with the goroutine locked to its OS thread
//     and copies the result before unlocking.
//   - Errors carry the operation and XGBoost's message without its C++
//     stack trace.
//
// Only the parameters listed in Params and ExtraParamNames are accepted:
// XGBoost's SetParam silently ignores misspelled names.
package xgb
