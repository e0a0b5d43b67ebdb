package main

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"patt/models"
)

// lockedBuffer collects a child process's output while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

var inviteLinkRe = regexp.MustCompile(`/register\?code=([A-Z2-9]{8})`)

func TestInviteCommand(t *testing.T) {
	bin, dir := buildBinary(t)
	env := cleanEnv("PATT_BASE_URL=https://patt.example")
	invite := func(args ...string) (string, error) {
		cmd := exec.Command(bin, append([]string{"invite"}, args...)...)
		cmd.Dir = dir
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		return string(out), err
	}

	out, err := invite("--player", "Trog", "--rank", "officer")
	require.NoError(t, err, out)
	m := regexp.MustCompile(`Invite code for Trog: ([A-Z2-9]{8})\n`).FindStringSubmatch(out)
	require.NotNil(t, m, out)
	first := m[1]
	require.Contains(t, out, "Registration link: https://patt.example/register?code="+first+"\n")
	require.Regexp(t, `Expires: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ`, out)

	out, err = invite("--player", "trog")
	require.NoError(t, err, out)
	second := inviteLinkRe.FindStringSubmatch(out)[1]
	require.NotEqual(t, first, second)

	out, err = invite("--player", "Mito")
	require.NoError(t, err, out)

	db, err := models.Open(filepath.Join(dir, "data", "patt.db"), nil)
	require.NoError(t, err)
	defer closeDB(db)
	var players []models.Player
	require.NoError(t, db.Preload("Rank").Order("id").Find(&players).Error)
	require.Len(t, players, 2, "the second invite for Trog reuses the player")
	require.Equal(t, "Trog", players[0].DisplayName)
	require.Equal(t, "Officer", players[0].Rank.Name)
	require.Equal(t, "admin_override", *players[0].GuildRankSource)
	require.Equal(t, "Initiate", players[1].Rank.Name, "default rank")
	var codes []models.InviteCode
	require.NoError(t, db.Where("player_id = ?", players[0].ID).Order("id").Find(&codes).Error)
	require.Len(t, codes, 2)
	require.True(t, codes[0].ExpiresAt.Before(time.Now()), "the new code revoked the first")
	require.WithinDuration(t, time.Now().Add(72*time.Hour), *codes[1].ExpiresAt, time.Minute)

	out, err = invite("--player", "X", "--rank", "Emperor")
	require.Error(t, err)
	require.Contains(t, out, `no guild rank named "Emperor"`)
	require.Equal(t, 2, err.(*exec.ExitError).ExitCode())
	out, err = invite()
	require.Error(t, err)
	require.Contains(t, out, "usage: patt invite")
}

// A fresh install logs one line with a registration link for the Guild
// Leader, and logs the same link again on restart until someone registers.
func TestServeOffersTheFirstInvite(t *testing.T) {
	bin, dir := buildBinary(t)
	serveOnce := func() (string, string) {
		addr := freeAddr(t)
		var logs lockedBuffer
		cmd := exec.Command(bin)
		cmd.Dir = dir
		cmd.Env = cleanEnv("PATT_ADDR="+addr, "PATT_LOG_FORMAT=text")
		cmd.Stdout, cmd.Stderr = &logs, &logs
		require.NoError(t, cmd.Start())
		t.Cleanup(func() { _ = cmd.Process.Kill() })
		base := "http://" + addr
		var buf bytes.Buffer
		deadline := time.Now().Add(20 * time.Second)
		for !strings.Contains(logs.String(), "patt is running") && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		waitHealthy(t, base, &buf)
		page := ""
		m := inviteLinkRe.FindAllStringSubmatch(logs.String(), -1)
		require.NotEmpty(t, m, logs.String())
		code := m[0][1]
		require.Equal(t, 1, strings.Count(logs.String(), "no accounts yet"), "exactly one line")
		require.Contains(t, logs.String(), "http://"+addr+"/register?code="+code)
		page = fetch(t, base+"/register?code="+code, "text/html")
		require.Contains(t, page, `value="`+code+`"`)
		require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
		_ = cmd.Wait()
		return code, logs.String()
	}
	code1, _ := serveOnce()
	code2, _ := serveOnce()
	require.Equal(t, code1, code2, "an open invite is reused, not replaced")

	db, err := models.Open(filepath.Join(dir, "data", "patt.db"), nil)
	require.NoError(t, err)
	defer closeDB(db)
	var p models.Player
	require.NoError(t, db.Preload("Rank").Where("display_name = ?", "Guild Leader").Take(&p).Error)
	require.Equal(t, 5, p.Rank.Level)
}
