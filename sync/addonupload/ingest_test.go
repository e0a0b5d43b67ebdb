package addonupload_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/fault"
	"patt/models"
	"patt/sync/addonupload"
)

var now = time.Date(2026, 11, 30, 21, 0, 0, 0, time.UTC)

func ptr[T any](v T) *T { return &v }

// seed makes the characters the uploads are matched against.
func seed(t *testing.T, db *gorm.DB) map[string]*models.Character {
	t.Helper()
	removed := now.Add(-48 * time.Hour)
	chars := map[string]*models.Character{
		"trog":      {Name: "Trogmoon", RealmSlug: "senjin", RealmName: ptr("Sen'jin"), Level: ptr(79), AddonNote: ptr("old note")},
		"shodoom":   {Name: "Shodoom", RealmSlug: "bleeding-hollow", RealmName: ptr("Bleeding Hollow"), BlizzardID: ptr(int64(0x0F00BA12))},
		"twin":      {Name: "Shodoom", RealmSlug: "senjin", AddonNote: ptr("the other Shodoom")},
		"bytguid":   {Name: "Renamedguy", RealmSlug: "senjin", AddonGUID: ptr("Player-3676-0000AAAA")},
		"gone":      {Name: "Leftguild", RealmSlug: "senjin", RemovedAt: &removed},
		"untouched": {Name: "Notinexport", RealmSlug: "senjin", AddonNote: ptr("keep me"), AddonOfficerNote: ptr("keep me too")},
	}
	for _, k := range []string{"trog", "shodoom", "twin", "bytguid", "gone", "untouched"} {
		require.NoError(t, db.Create(chars[k]).Error)
	}
	return chars
}

func reload(t *testing.T, db *gorm.DB, c *models.Character) models.Character {
	t.Helper()
	var out models.Character
	require.NoError(t, db.First(&out, c.ID).Error)
	return out
}

func rankID(t *testing.T, db *gorm.DB, wowIndex int) int {
	t.Helper()
	var r models.GuildRank
	require.NoError(t, db.Where("wow_rank_index = ?", wowIndex).First(&r).Error)
	return r.ID
}

func export(exportTime int64) *addonupload.Export {
	return &addonupload.Export{
		SchemaVersion: 2, ExportTime: exportTime, AddonVersion: "2.0.0", GuildName: "Pull All The Things", GuildRealm: "Senjin",
		ExporterName: "Trogmoon", ExporterRealm: "Senjin",
		Characters: []addonupload.Member{
			{Name: "Trogmoon", Realm: "Senjin", GUID: "Player-3676-0ABCDEF1", Rank: ptr(0), Level: 80, Note: "GM / Mike", OfficerNote: ptr("Discord: Trog"), IsOnline: true},
			{Name: "Shodoom", Realm: "BleedingHollow", GUID: "Player-73-0F00BA12", Rank: ptr(1), Level: 80, Note: "alt of Rocket", OfficerNote: ptr(""), LastOnlineHours: ptr(int64(52))},
			{Name: "Newname", Realm: "Senjin", GUID: "Player-3676-0000AAAA", Rank: ptr(3), Note: "renamed"},
			{Name: "Leftguild", Realm: "Senjin", Note: "back again"},
			{Name: "Stranger", Realm: "Senjin", Note: "nobody"},
			{Name: "Trogmoon", Realm: "OtherRealm", Note: "same name, other realm"},
		},
	}
}

func received(e *addonupload.Export, body string) addonupload.Received {
	return addonupload.Received{Uploader: addonupload.Uploader{Name: "tester"}, Body: []byte(body), Export: e}
}

func TestIngestWritesNotesRanksAndLastOnline(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		chars := seed(t, db)
		exportTime := now.Add(-10 * time.Minute).Unix()
		res, err := addonupload.Ingest(ctx, db, received(export(exportTime), "body-1"), now)
		require.NoError(t, err)

		require.Equal(t, addonupload.StatusApplied, res.Status)
		require.Equal(t, 6, res.Received)
		require.Equal(t, 4, res.Matched)
		require.Equal(t, 4, res.Updated)
		require.Equal(t, []string{"Stranger-Senjin", "Trogmoon-OtherRealm"}, res.NotFound, "never matched by name alone")
		require.True(t, res.Changed())
		by := map[int]addonupload.Change{}
		for _, c := range res.Changes {
			by[c.CharacterID] = c
		}
		require.Equal(t, "name_realm", by[chars["trog"].ID].MatchedBy)
		require.ElementsMatch(t, []string{"guild_note", "officer_note", "guid", "rank", "level"}, by[chars["trog"].ID].Fields)
		require.Equal(t, "blizzard_id", by[chars["shodoom"].ID].MatchedBy)
		require.Equal(t, "guid", by[chars["bytguid"].ID].MatchedBy)

		trog := reload(t, db, chars["trog"])
		require.Equal(t, "GM / Mike", *trog.AddonNote)
		require.Equal(t, "Discord: Trog", *trog.AddonOfficerNote)
		require.Equal(t, "Player-3676-0ABCDEF1", *trog.AddonGUID)
		require.Equal(t, 80, *trog.Level)
		require.Equal(t, rankID(t, db, 0), *trog.GuildRankID)
		require.WithinDuration(t, time.Unix(exportTime, 0), *trog.AddonLastOnlineAt, 0)
		require.WithinDuration(t, now, *trog.AddonLastSync, time.Second)

		sho := reload(t, db, chars["shodoom"])
		require.Equal(t, "alt of Rocket", *sho.AddonNote)
		require.Equal(t, rankID(t, db, 1), *sho.GuildRankID)
		require.WithinDuration(t, time.Unix(exportTime, 0).Add(-52*time.Hour), *sho.AddonLastOnlineAt, 0)
		require.Equal(t, "the other Shodoom", *reload(t, db, chars["twin"]).AddonNote, "same name on another realm untouched")

		require.Equal(t, "renamed", *reload(t, db, chars["bytguid"]).AddonNote)
		require.Equal(t, "back again", *reload(t, db, chars["gone"]).AddonNote, "a removed character still gets its notes")
		kept := reload(t, db, chars["untouched"])
		require.Equal(t, "keep me", *kept.AddonNote, "characters missing from the upload keep their notes")
		require.Equal(t, "keep me too", *kept.AddonOfficerNote)
		require.Nil(t, kept.AddonLastSync)

		var logs []models.SyncLog
		require.NoError(t, db.Where("source = ?", "addon_upload").Find(&logs).Error)
		require.Len(t, logs, 1)
		require.Equal(t, "success", logs[0].Status)
		require.Equal(t, 6, *logs[0].CharactersFound)
		require.Equal(t, 4, *logs[0].CharactersUpdated)

		var up models.AddonUpload
		require.NoError(t, db.First(&up, res.UploadID).Error)
		require.Equal(t, "body-1", *up.Raw)
		require.Equal(t, exportTime, up.ExportTime)
		require.Equal(t, "tester", up.UploaderName)
		require.Equal(t, logs[0].ID, *up.SyncLogID)
		var summary addonupload.Result
		require.NoError(t, json.Unmarshal(up.Summary, &summary))
		require.Equal(t, 4, summary.Updated)
	})
}

func TestSameExportTwiceChangesNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		chars := seed(t, db)
		exportTime := now.Add(-time.Hour).Unix()
		first, err := addonupload.Ingest(ctx, db, received(export(exportTime), "body"), now)
		require.NoError(t, err)
		before := reload(t, db, chars["trog"])

		// Same export, even with different bytes (another companion build).
		second, err := addonupload.Ingest(ctx, db, received(export(exportTime), "body, reformatted"), now.Add(time.Hour))
		require.NoError(t, err)
		require.Equal(t, addonupload.StatusDuplicate, second.Status)
		require.Equal(t, first.UploadID, second.UploadID)
		require.False(t, second.Changed())
		require.Equal(t, before, reload(t, db, chars["trog"]), "not even addon_last_sync moves")
		var n int64
		require.NoError(t, db.Model(&models.AddonUpload{}).Count(&n).Error)
		require.EqualValues(t, 1, n)
		require.NoError(t, db.Model(&models.SyncLog{}).Count(&n).Error)
		require.EqualValues(t, 1, n)

		// A later export with the same content: applied, nothing to report.
		third, err := addonupload.Ingest(ctx, db, received(export(exportTime+60), "body 3"), now.Add(2*time.Hour))
		require.NoError(t, err)
		require.Equal(t, addonupload.StatusApplied, third.Status)
		require.Equal(t, 0, third.Updated)
		require.Equal(t, 4, third.Unchanged)
		require.False(t, third.Changed())
	})
}

func TestOlderExportIsStale(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		chars := seed(t, db)
		_, err := addonupload.Ingest(ctx, db, received(export(now.Unix()), "new"), now)
		require.NoError(t, err)
		old := export(now.Add(-time.Hour).Unix())
		old.ExporterName = "Otherofficer"
		old.Characters[0].Note = "an older note"
		res, err := addonupload.Ingest(ctx, db, received(old, "old"), now)
		require.NoError(t, err)
		require.Equal(t, addonupload.StatusStale, res.Status)
		require.Equal(t, "GM / Mike", *reload(t, db, chars["trog"]).AddonNote)
		var up models.AddonUpload
		require.NoError(t, db.First(&up, res.UploadID).Error)
		require.Equal(t, addonupload.StatusStale, up.Status, "kept for audit")
	})
}

func TestUnreadableOfficerNotesAreKept(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		chars := seed(t, db)
		e := export(now.Unix())
		e.Characters = []addonupload.Member{{Name: "Notinexport", Realm: "Senjin", Note: "new public"}}
		_, err := addonupload.Ingest(context.Background(), db, received(e, "x"), now)
		require.NoError(t, err)
		c := reload(t, db, chars["untouched"])
		require.Equal(t, "new public", *c.AddonNote)
		require.Equal(t, "keep me too", *c.AddonOfficerNote)
	})
}

func TestValidation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		cases := []struct {
			edit  func(*addonupload.Export)
			field string
			msg   string
		}{
			{func(e *addonupload.Export) { e.SchemaVersion = 9 }, "schema_version", "Unknown export schema version 9"},
			{func(e *addonupload.Export) { e.Characters = nil }, "characters", "No character data provided"},
			{func(e *addonupload.Export) { e.ExportTime = 0 }, "export_time", "no export time"},
		}
		for _, c := range cases {
			e := export(now.Unix())
			c.edit(e)
			_, err := addonupload.Ingest(context.Background(), db, received(e, "x"), now)
			require.Error(t, err)
			require.Equal(t, fault.KindInvalid, fault.KindOf(err))
			require.Contains(t, fault.MessageOf(err), c.msg)
			require.Contains(t, fault.FieldsOf(err), c.field)
		}
		var n int64
		require.NoError(t, db.Model(&models.AddonUpload{}).Count(&n).Error)
		require.Zero(t, n)
	})
}

func TestStringsAreCleaned(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		chars := seed(t, db)
		e := export(now.Unix())
		e.Characters = []addonupload.Member{{Name: "Trogmoon", Realm: "Senjin", Note: "  nul\x00 and bad \xff utf8  "}}
		_, err := addonupload.Ingest(context.Background(), db, received(e, "x"), now)
		require.NoError(t, err)
		require.Equal(t, "nul and bad  utf8", *reload(t, db, chars["trog"]).AddonNote)
	})
}

func TestPruneRawKeepsTheRow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		seed(t, db)
		ctx := context.Background()
		old, err := addonupload.Ingest(ctx, db, received(export(now.Add(-40*24*time.Hour).Unix()), "old body"), now.Add(-40*24*time.Hour))
		require.NoError(t, err)
		fresh, err := addonupload.Ingest(ctx, db, received(export(now.Unix()), "fresh body"), now)
		require.NoError(t, err)
		n, err := addonupload.PruneRaw(ctx, db, now)
		require.NoError(t, err)
		require.EqualValues(t, 1, n)
		var a, b models.AddonUpload
		require.NoError(t, db.First(&a, old.UploadID).Error)
		require.NoError(t, db.First(&b, fresh.UploadID).Error)
		require.Nil(t, a.Raw)
		require.NotEmpty(t, a.Summary)
		require.Equal(t, "fresh body", *b.Raw)
	})
}

func TestRealmKey(t *testing.T) {
	for in, want := range map[string]string{
		"bleeding-hollow": "bleedinghollow", "Bleeding Hollow": "bleedinghollow", "BleedingHollow": "bleedinghollow",
		"Sen'jin": "senjin", "senjin": "senjin", "Aggra (Português)": "aggraportuguês",
	} {
		require.Equal(t, want, addonupload.RealmKey(in), in)
	}
}
