package main

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSyncAndIdentityCommands(t *testing.T) {
	bin, dir := buildBinary(t)
	data := filepath.Join(dir, "data")
	run := func(args ...string) (string, string, error) {
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		cmd.Env = cleanEnv("PATT_DATA_DIR="+data, "PATT_LOG_FORMAT=text")
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		return out.String(), errOut.String(), err
	}
	out, errOut, err := run("demo")
	require.NoError(t, err, out+errOut)

	out, errOut, err = run("identity", "match", "--dry-run", "--json")
	require.NoError(t, err, errOut)
	var res struct {
		Links       []map[string]any `json:"links"`
		Suggestions []map[string]any `json:"suggestions"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &res), out)
	require.NotNil(t, res.Links)
	require.NotNil(t, res.Suggestions)

	out, errOut, err = run("sync", "integrity")
	require.NoError(t, err, out+errOut)
	require.Contains(t, out, "integrity-check: ok")
	require.Contains(t, out, "integrity:")

	out, errOut, err = run("sync", "roster")
	require.Error(t, err, "no Blizzard credentials")
	require.Contains(t, out+errOut, "BLIZZARD_CLIENT_ID")

	_, errOut, err = run("sync", "bogus")
	require.Error(t, err)
	require.Contains(t, errOut, "usage: patt sync")
}
