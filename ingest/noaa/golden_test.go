package noaa

import (
	"flag"
	"testing"

	"github.com/carbonbudget/carbonbudget/internal/golden"
)

var update = flag.Bool("update", false, "rewrite testdata golden files")

func checkGolden(t *testing.T, path string, v any) { golden.Check(t, path, v, *update) }
