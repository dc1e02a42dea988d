package cli

import (
	"context"
	"fmt"
	"runtime"
)

func runVersion(_ context.Context, env *Env, args []string) error {
	fs, c := newFlagSet(env, "version", "version", false)
	if err := parse(fs, c, env, args, false); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "carbonbudget %s (%s, %s/%s)\n", Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return nil
}
