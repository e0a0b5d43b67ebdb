package main

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// A newcomer runs `patt demo` then `patt`; a second `patt demo` refuses
// the now populated database unless --force.
func TestDemoCommand(t *testing.T) {
	bin, dir := buildBinary(t)
	data := filepath.Join(dir, "data")
	run := func(args ...string) (string, error) {
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		cmd.Env = cleanEnv("PATT_DATA_DIR=" + data)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		return out.String(), err
	}
	out, err := run("demo")
	require.NoError(t, err, out)
	require.Regexp(t, `demo guild ready: 45 players, \d{3} characters`, out)

	out, err = run("demo")
	require.Error(t, err)
	require.Contains(t, out, "already has players")
	require.Contains(t, out, "--force")

	out, err = run("demo", "--force", "--seed", "3")
	require.NoError(t, err, out)

	out, err = run("demo", "--bogus")
	require.Error(t, err)
	require.Contains(t, out, "usage: patt demo")
}
