// Package crashpoint names the points of publishing where a crash leaves
// the output directory between two consistent states: a month staged but
// not committed, committed but not recorded in the ledger, recorded but
// the tables not rebuilt, one table rebuilt and the next not.
//
// Production code calls At at each point and nothing happens. The crash
// tests (scheduler/publish, and the end-to-end tests of cmd/carbonbudget,
// which run the real command in a child process) set Hook to kill the
// process there, then check that the next command restores agreement
// between the months, the tables and the API.
package crashpoint

// Hook, when set, is called with the name of every point reached. Only
// tests set it, before any goroutine that publishes starts.
var Hook func(point string)

// At marks a crash point.
func At(point string) {
	if Hook != nil {
		Hook(point)
	}
}
