package app_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/app"
	"patt/config"
	"patt/dbtest"
	"patt/models"
	"patt/sync/addonupload"
)

// The retention job clears raw upload bodies after 30 days and keeps the
// record.
func TestAddonUploadRetentionJob(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		cfg, err := config.Load(func(k string) string {
			return map[string]string{"PATT_DATA_DIR": t.TempDir(), "PATT_JWT_SECRET": "0123456789abcdef0123456789abcdef-test"}[k]
		})
		require.NoError(t, err)
		a, err := app.Assemble(cfg, db, slog.New(slog.NewTextHandler(io.Discard, nil)), "test")
		require.NoError(t, err)

		now := time.Now().UTC()
		require.NoError(t, db.Create(&models.Character{Name: "Trogmoon", RealmSlug: "senjin"}).Error)
		old := now.Add(-31 * 24 * time.Hour)
		e := &addonupload.Export{SchemaVersion: 2, ExportTime: old.Unix(), Characters: []addonupload.Member{{Name: "Trogmoon", Realm: "Senjin", Note: "n"}}}
		res, err := addonupload.Ingest(context.Background(), db, addonupload.Received{Uploader: addonupload.Uploader{Name: "t"}, Body: []byte("old body"), Export: e}, old)
		require.NoError(t, err)

		run, err := a.Jobs.RunAndWait(context.Background(), "addon-upload-retention")
		require.NoError(t, err)
		require.Contains(t, *run.Summary, "1 raw uploads cleared")
		var up models.AddonUpload
		require.NoError(t, db.First(&up, res.UploadID).Error)
		require.Nil(t, up.Raw)
		require.Equal(t, "t", up.UploaderName)
	})
}
