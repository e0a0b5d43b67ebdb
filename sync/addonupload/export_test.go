package addonupload_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"patt/addon"
	"patt/addon/wowsim"
	"patt/fault"
	"patt/sync/addonupload"
)

// The addon's own output, through the simulator, decodes into an Export.
func TestDecodeWhatTheAddonWrites(t *testing.T) {
	c := wowsim.New(time.Date(2026, 11, 30, 20, 0, 0, 0, time.UTC))
	defer c.Close()
	c.Roster = []wowsim.Member{
		{FullName: "Trogmoon-Senjin", RankIndex: 0, RankName: "Guild Leader", Level: 80, Note: "GM", OfficerNote: "Discord: Trog", Online: true, GUID: "Player-3676-0ABCDEF1"},
		{FullName: "Shodoom-BleedingHollow", RankIndex: 3, Level: 70, LastOnline: &[4]int{0, 0, 1, 2}},
	}
	require.NoError(t, c.LoadAddon())
	require.NoError(t, c.Slash("/pattsync"))
	e, err := addonupload.DecodeSavedVariables(c.SavedVariables(addon.SavedVariable))
	require.NoError(t, err)
	require.NoError(t, e.Validate())
	require.Equal(t, 2, e.SchemaVersion)
	require.Equal(t, "Trogmoon", e.ExporterName)
	require.Equal(t, "Senjin", e.ExporterRealm)
	require.Len(t, e.Characters, 2)
	require.Equal(t, "Discord: Trog", *e.Characters[0].OfficerNote)
	require.Equal(t, 0, *e.Characters[0].Rank)
	require.Equal(t, "BleedingHollow", e.Characters[1].Realm)
	require.Equal(t, int64(26), *e.Characters[1].LastOnlineHours)
	require.Equal(t, 3, *e.Characters[1].Rank)

	c.OfficerNotes = false
	require.NoError(t, c.Slash("/pattsync"))
	e, err = addonupload.DecodeSavedVariables(c.SavedVariables(addon.SavedVariable))
	require.NoError(t, err)
	require.Nil(t, e.Characters[0].OfficerNote, "unreadable officer notes are absent, not empty")
}

func TestDecodeErrors(t *testing.T) {
	cases := []struct {
		src  string
		kind fault.Kind
		msg  string
	}{
		{"Other = {}", fault.KindInvalid, "no PATTSyncDB table"},
		{"PATTSyncDB = { totalExports = 0 }", fault.KindInvalid, "no export yet"},
		{"PATTSyncDB = { lastExport = { exportTime = 1 } }", fault.KindInvalid, "no characters list"},
		{"PATTSyncDB = { lastExport = { characters = { 5 } } }", fault.KindInvalid, "Character 1 is not a table"},
		{"PATTSyncDB = { lastExport = os.exit() }", fault.KindMalformed, "only data is allowed"},
		{"PATTSyncDB = {", fault.KindMalformed, "not valid Lua"},
	}
	for _, c := range cases {
		_, err := addonupload.DecodeSavedVariables([]byte(c.src))
		require.Error(t, err, c.src)
		require.Equal(t, c.kind, fault.KindOf(err), c.src)
		require.Contains(t, fault.MessageOf(err), c.msg, c.src)
	}
	// Schema 1 (the original addon): no schemaVersion, officer notes always there.
	e, err := addonupload.DecodeSavedVariables([]byte(`PATTSyncDB = { lastExport = { exportTime = 5, characters = { { name = "A", officerNote = "x" }, { name = "B" } } } }`))
	require.NoError(t, err)
	require.Equal(t, 1, e.SchemaVersion)
	require.Equal(t, "", *e.Characters[1].OfficerNote)

	_, err = addonupload.DecodeJSON([]byte(`{"characters": [`))
	require.Equal(t, fault.KindMalformed, fault.KindOf(err))
	require.Contains(t, fault.MessageOf(err), "not valid JSON")
	_, err = addonupload.DecodeJSON([]byte(`{"characters": "nope"}`))
	require.Contains(t, fault.MessageOf(err), `field "characters" has the wrong type (got a JSON string)`)
	e, err = addonupload.DecodeJSON([]byte(`{"characters":[{"name":"A","guild_note":"n","officer_note":"o"}],"addon_version":"1.0"}`))
	require.NoError(t, err)
	require.Equal(t, 1, e.SchemaVersion)
	require.Equal(t, "n", e.Characters[0].Note)
}
