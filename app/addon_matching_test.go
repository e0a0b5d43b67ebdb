package app_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/app"
	"patt/app/jobs"
	"patt/config"
	"patt/dbtest"
	"patt/models"
	guildsync "patt/sync"
	"patt/sync/addonupload"
)

// An upload that changes notes starts the guild sync's identity matching on
// the job runner; an upload that changes nothing does not.
func TestAddonUploadStartsIdentityMatching(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		addr := freeAddr(t)
		env := map[string]string{"PATT_ADDR": addr, "PATT_DATA_DIR": t.TempDir(),
			"PATT_JWT_SECRET": "0123456789abcdef0123456789abcdef-test"}
		cfg, err := config.Load(func(k string) string { return env[k] })
		require.NoError(t, err)
		a, err := app.Assemble(cfg, db, slog.New(slog.NewTextHandler(io.Discard, nil)), "test")
		require.NoError(t, err)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- a.Run(ctx) }()
		t.Cleanup(func() { cancel(); <-done })
		require.Eventually(t, func() bool {
			res, err := http.Get(fmt.Sprintf("http://%s/healthz", addr))
			if err != nil {
				return false
			}
			res.Body.Close()
			return res.StatusCode == http.StatusOK
		}, 10*time.Second, 20*time.Millisecond)

		require.NoError(t, db.Create(&models.Character{Name: "Trogmoon", RealmSlug: "senjin"}).Error)
		_, key, err := addonupload.CreateUploader(ctx, db, "PC", nil, time.Now())
		require.NoError(t, err)
		post := func(exportTime int64, note string) string {
			body := fmt.Sprintf(`PATTSyncDB = { ["lastExport"] = { ["schemaVersion"] = 2, ["exportTime"] = %d, ["characters"] = { { ["name"] = "Trogmoon", ["realm"] = "Senjin", ["note"] = %q } } } }`, exportTime, note)
			req, err := http.NewRequest(http.MethodPost, fmt.Sprintf("http://%s/api/v1/guild/addon-upload", addr), strings.NewReader(body))
			require.NoError(t, err)
			req.Header.Set("X-API-Key", key)
			req.Header.Set("Content-Type", "text/x-lua")
			res, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			require.Equal(t, http.StatusOK, res.StatusCode, string(b))
			return string(b)
		}

		require.Contains(t, post(1764500000, "Discord: trog"), `"matching":"started"`)
		require.Eventually(t, func() bool {
			runs, err := jobs.Recent(db, guildsync.JobIdentity, 5)
			return err == nil && len(runs) == 1 && runs[0].Trigger == jobs.TriggerManual && runs[0].FinishedAt != nil
		}, 20*time.Second, 20*time.Millisecond, "the identity engine ran after the upload")

		require.Contains(t, post(1764500100, "Discord: trog"), `"matching":"not needed"`, "same notes: nothing to match")
		runs, err := jobs.Recent(db, guildsync.JobIdentity, 5)
		require.NoError(t, err)
		require.Len(t, runs, 1)
	})
}
