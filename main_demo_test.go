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

	// The demo can be built as of a chosen instant (a DST week, say); it
	// says so, and production refuses the fake clock.
	cmd := exec.Command(bin, "demo", "--force")
	cmd.Dir = dir
	cmd.Env = cleanEnv("PATT_DATA_DIR="+data, "PATT_FAKE_NOW=2027-03-10T18:00:00Z")
	fake, err := cmd.CombinedOutput()
	require.NoError(t, err, string(fake))
	require.Contains(t, string(fake), "FAKE CLOCK: PATT_FAKE_NOW is set; the demo guild is built as of 2027-03-10T18:00:00Z")
	cmd = exec.Command(bin, "demo", "--force")
	cmd.Dir = dir
	cmd.Env = cleanEnv("PATT_DATA_DIR="+data, "PATT_FAKE_NOW=2027-03-10T18:00:00Z", "PATT_ENV=production",
		"PATT_JWT_SECRET=0123456789abcdef0123456789abcdef")
	fake, err = cmd.CombinedOutput()
	require.Error(t, err)
	require.Contains(t, string(fake), "PATT_FAKE_NOW")
	require.Contains(t, string(fake), "refused in production")

	out, err = run("demo", "--bogus")
	require.Error(t, err)
	require.Contains(t, out, "usage: patt demo")
}
