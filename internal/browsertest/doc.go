// Package browsertest drives the dashboard in headless Chromium (Debian's
// chromium package) through the DevTools protocol. It is a separate module
// so the browser driver never enters the pipeline binary; `make test` runs
// it after the main module's tests and it skips when Chromium is absent.
package browsertest
