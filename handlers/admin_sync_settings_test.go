package handlers

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/logtest"
	"patt/models"
	guildsync "patt/sync"
	"patt/sync/fakeblizzard"
)

func blizzardForm(id, secret, region, realm, guild string) url.Values {
	return url.Values{"client_id": {id}, "client_secret": {secret}, "region": {region}, "realm": {realm}, "guild": {guild}}
}

// Officers connect the guild's Blizzard client on /admin/sync: the secret
// is stored sealed, never shown back or logged, kept when the field is
// left empty; Test connection says plainly when Blizzard refuses the
// credentials or knows no such guild; a sync then runs with them.
func TestAdminSyncSettingsConnectAndTest(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		const secret = "s3cr3t-Value-Nobody-Sees-9Zq"
		fake := fakeblizzard.New("site-client", secret)
		t.Cleanup(fake.Close)
		fake.AddGuild(fakeblizzard.Generate(7, 5))
		s, officer, member := syncTestAppEnv(t, db, fake, false)
		logs := &logtest.Buffer{}
		s.Log = slog.New(slog.NewTextHandler(logs, nil))

		resp, body := officer.get("/admin/sync")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Contains(t, body, `data-source="none"`)

		resp, _ = member.postForm("/admin/sync/settings", blizzardForm("site-client", secret, "us", "Sen'jin", "Pull All The Things"))
		require.Equal(t, http.StatusForbidden, resp.StatusCode, "members cannot set the credentials")
		resp, _ = member.postForm("/admin/sync/settings/test", url.Values{})
		require.Equal(t, http.StatusForbidden, resp.StatusCode)

		// Bad input: 422 naming the fields; nothing saved, nothing echoed.
		resp, body = officer.postForm("/admin/sync/settings", blizzardForm("has space", "x y", "moon", "", "Pull All The Things"))
		require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		require.Contains(t, body, "A client ID is up to 100 characters without spaces.")
		require.Contains(t, body, "A client secret is up to 200 characters without spaces.")
		require.Contains(t, body, "Choose the region")
		require.Contains(t, body, "Enter the guild&#39;s realm")
		var n int64
		require.NoError(t, db.Model(&models.BlizzardSettings{}).Count(&n).Error)
		require.Zero(t, n)

		// A wrong secret: the test says Blizzard refused it (422).
		resp, body = officer.postForm("/admin/sync/settings/test", blizzardForm("site-client", "wrong-secret-123456", "us", "Sen'jin", "Pull All The Things"))
		require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		require.Contains(t, body, "Blizzard refused the client ID or secret")
		require.NotContains(t, body, "wrong-secret-123456")

		// Right credentials, wrong guild: 422 naming the guild and realm.
		resp, body = officer.postForm("/admin/sync/settings/test", blizzardForm("site-client", secret, "us", "Area 52", "Pull All The Things"))
		require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		require.Contains(t, body, "knows no guild")
		require.Contains(t, body, "area-52")

		// Save, then the secret is sealed at rest and never shown again.
		resp, _ = officer.postForm("/admin/sync/settings", blizzardForm(" site-client ", secret, "US", "sen'jin", "Pull All The Things"))
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		var row models.BlizzardSettings
		require.NoError(t, db.Take(&row).Error)
		require.Equal(t, "site-client", row.ClientID)
		require.Equal(t, "us", row.Region)
		require.Equal(t, "senjin", *row.RealmSlug)
		require.Equal(t, "Sen'jin", *row.RealmName, "the realm's display name from the realm map")
		require.Equal(t, "pull-all-the-things", *row.GuildSlug)
		require.NotContains(t, *row.SecretSealed, secret)
		require.True(t, strings.HasPrefix(*row.SecretSealed, "v1:"))
		_, body = officer.get("/admin/sync")
		require.Contains(t, body, `data-source="site"`)
		require.Contains(t, body, "ends …-9Zq")
		require.NotContains(t, body, secret)
		require.NotContains(t, logs.String(), secret, "the secret is never logged")

		// Test with the saved settings (empty form), then with an empty
		// secret field, which means the saved secret.
		resp, body = officer.postForm("/admin/sync/settings/test", url.Values{})
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		require.Contains(t, body, "Connected")
		require.Contains(t, body, "7 members")
		resp, body = officer.postForm("/admin/sync/settings/test", blizzardForm("site-client", "", "us", "Sen'jin", "Pull All The Things"))
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		require.NotContains(t, body, secret)

		// Saving again with the secret left empty keeps it.
		resp, _ = officer.postForm("/admin/sync/settings", blizzardForm("site-client", "", "us", "Sen'jin", "Pull All The Things"))
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		conn, err := guildsync.LoadConnection(context.Background(), db, s.Config)
		require.NoError(t, err)
		require.True(t, conn.Configured())
		require.Equal(t, guildsync.SourceSite, conn.Source)

		// A sync now runs with the saved credentials.
		resp, _ = officer.postForm("/admin/sync/run", url.Values{})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		require.Eventually(t, func() bool {
			var l models.SyncLog
			return db.Where("source = ?", guildsync.SourceBlizzard).Order("id DESC").Limit(1).Find(&l).Error == nil &&
				l.Status == guildsync.StatusSuccess && l.CharactersFound != nil && *l.CharactersFound == 7
		}, 20*time.Second, 20*time.Millisecond)
	})
}

// The environment's credentials win and the page says so; what officers
// saved stays, unused.
func TestAdminSyncSettingsEnvironmentWins(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		fake := fakeblizzard.New("cid", "csecret")
		t.Cleanup(fake.Close)
		s, officer, _ := syncTestApp(t, db, fake)
		resp, _ := officer.postForm("/admin/sync/settings", blizzardForm("other", "other-secret-1234", "eu", "Kel'Thas", "Some Guild"))
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		_, body := officer.get("/admin/sync")
		require.Contains(t, body, `data-source="environment"`)
		require.Contains(t, body, "they win over anything saved below")
		require.NotContains(t, body, "csecret")
		conn, err := guildsync.LoadConnection(context.Background(), db, s.Config)
		require.NoError(t, err)
		require.Equal(t, "cid", conn.ClientID)
		require.True(t, conn.SavedOnSite)
	})
}
