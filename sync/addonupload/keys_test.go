package addonupload_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/fault"
	"patt/models"
	"patt/sync/addonupload"
)

func TestUploaderKeys(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		u, key, err := addonupload.CreateUploader(ctx, db, "  Trog's PC ", nil, now)
		require.NoError(t, err)
		require.Equal(t, "Trog's PC", u.Name)
		require.Regexp(t, `^pattk_[0-9a-f]{8}_[0-9a-f]{48}$`, key)
		require.Equal(t, key[:14], u.KeyPrefix)

		var stored models.AddonUploader
		require.NoError(t, db.First(&stored, u.ID).Error)
		require.NotContains(t, stored.KeyHash, key[15:], "only a hash is stored")
		require.Len(t, stored.KeyHash, 64)

		who, err := addonupload.Authenticate(ctx, db, "", key, now.Add(time.Minute))
		require.NoError(t, err)
		require.Equal(t, u.ID, *who.ID)
		require.Equal(t, "Trog's PC", who.Name)
		require.NoError(t, db.First(&stored, u.ID).Error)
		require.WithinDuration(t, now.Add(time.Minute), *stored.LastUsedAt, time.Second)

		for _, wrong := range []string{"", key[:len(key)-1] + "x", key[:14], "pattk_", "legacy"} {
			_, err := addonupload.Authenticate(ctx, db, "", wrong, now)
			require.Equal(t, fault.KindUnauthenticated, fault.KindOf(err), "%q", wrong)
			require.Contains(t, fault.MessageOf(err), "Invalid API key")
		}

		// The legacy single key still works when configured.
		who, err = addonupload.Authenticate(ctx, db, "legacy-secret", "legacy-secret", now)
		require.NoError(t, err)
		require.Nil(t, who.ID)
		require.Equal(t, addonupload.LegacyUploaderName, who.Name)

		_, err = addonupload.RevokeUploader(ctx, db, u.ID, now)
		require.NoError(t, err)
		_, err = addonupload.Authenticate(ctx, db, "", key, now)
		require.Equal(t, fault.KindUnauthenticated, fault.KindOf(err), "a revoked key no longer works")
		_, err = addonupload.RevokeUploader(ctx, db, u.ID, now)
		require.NoError(t, err, "revoking twice is harmless")
		_, err = addonupload.RevokeUploader(ctx, db, 9999, now)
		require.Equal(t, fault.KindNotFound, fault.KindOf(err))

		_, _, err = addonupload.CreateUploader(ctx, db, "   ", nil, now)
		require.Equal(t, fault.KindInvalid, fault.KindOf(err))

		_, key2, err := addonupload.CreateUploader(ctx, db, "Second", nil, now)
		require.NoError(t, err)
		list, err := addonupload.ListUploaders(ctx, db)
		require.NoError(t, err)
		require.Len(t, list, 2)
		require.Equal(t, "Second", list[0].Name, "live keys first")
		require.NotEqual(t, key, key2)
	})
}
