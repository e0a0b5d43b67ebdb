package addon_test

import (
	"io/fs"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"patt/addon"
	"patt/addon/savedvars"
	"patt/addon/wowsim"
)

var start = time.Date(2026, 11, 30, 20, 15, 0, 0, time.UTC)

func roster() []wowsim.Member {
	return []wowsim.Member{
		{FullName: "Trogmoon-Senjin", RankName: "Guild Leader", RankIndex: 0, Level: 80, Class: "Druid", ClassFile: "DRUID",
			Zone: "Dornogal", Note: "GM / Mike", OfficerNote: "Discord: Trog", Online: true, AchievementPoints: 21450, GUID: "Player-3676-0ABCDEF1"},
		{FullName: "Shodoom-BleedingHollow", RankName: "Officer", RankIndex: 1, Level: 79, Class: "Shaman", ClassFile: "SHAMAN",
			Note: "alt of \"Rocket\"", OfficerNote: "", LastOnline: &[4]int{0, 0, 2, 4}, GUID: "Player-73-0F00BA12"},
		{FullName: "Oldtimer-Senjin", RankName: "Initiate", RankIndex: 4, Level: 70, Class: "Warrior", ClassFile: "WARRIOR",
			LastOnline: &[4]int{1, 2, 3, 4}, GUID: "Player-3676-01234567"},
	}
}

func client(t *testing.T) *wowsim.Client {
	t.Helper()
	c := wowsim.New(start)
	t.Cleanup(c.Close)
	c.Roster = roster()
	require.NoError(t, c.LoadAddon())
	return c
}

// exported reads the SavedVariables the client would write, through the
// same parser the site and companion use.
func exported(t *testing.T, c *wowsim.Client) *savedvars.Table {
	t.Helper()
	db, err := savedvars.ParseVariable(c.SavedVariables(addon.SavedVariable), addon.SavedVariable)
	require.NoError(t, err)
	return db
}

func TestTocNamesTheCurrentInterfaceAndTheSavedVariable(t *testing.T) {
	toc, err := fs.ReadFile(addon.Files, "PATTSync/PATTSync.toc")
	require.NoError(t, err)
	require.Regexp(t, regexp.MustCompile(`(?m)^## Interface: 12\d{4}\s*$`), string(toc))
	require.Contains(t, string(toc), "## SavedVariables: PATTSyncDB")
	require.Regexp(t, regexp.MustCompile(`(?m)^PATTSync\.lua\s*$`), string(toc))
}

func TestBareSlashCommandExportsTheRoster(t *testing.T) {
	c := client(t)
	require.NoError(t, c.Slash("/pattsync"))
	require.Equal(t, 1, c.RosterRequests)
	require.Contains(t, c.Output(), "Exported 3 members of Pull All The Things.")
	require.Contains(t, c.Output(), "/reload")

	db := exported(t, c)
	require.Equal(t, int64(2), db.Int("schemaVersion"))
	require.Equal(t, int64(1), db.Int("totalExports"))
	require.Equal(t, start.Unix(), db.Int("lastExportTime"))

	exp := db.Table("lastExport")
	require.NotNil(t, exp)
	require.Equal(t, int64(2), exp.Int("schemaVersion"))
	require.Equal(t, start.Unix(), exp.Int("exportTime"))
	require.Equal(t, "2026-11-30T20:15:00Z", exp.String("exportTimeISO"))
	require.Equal(t, "2.0.0", exp.String("addonVersion"))
	require.Equal(t, "Pull All The Things", exp.String("guildName"))
	require.Equal(t, "Senjin", exp.String("guildRealm"), "a guild on the player's realm gets the player's realm")
	require.Equal(t, "Trogmoon", exp.Table("exporter").String("name"))
	require.Equal(t, "Senjin", exp.Table("exporter").String("realm"))
	require.Equal(t, "Player-3676-0ABCDEF1", exp.Table("exporter").String("guid"))
	require.True(t, exp.Bool("officerNotesIncluded"))
	require.Equal(t, int64(3), exp.Int("memberCount"))

	chars := exp.Table("characters").Items()
	require.Len(t, chars, 3)
	gm, alt, old := chars[0].(*savedvars.Table), chars[1].(*savedvars.Table), chars[2].(*savedvars.Table)

	require.Equal(t, "Trogmoon", gm.String("name"))
	require.Equal(t, "Senjin", gm.String("realm"))
	require.Equal(t, "Player-3676-0ABCDEF1", gm.String("guid"))
	require.Equal(t, int64(0), gm.Int("rank"))
	require.Equal(t, "Guild Leader", gm.String("rankName"))
	require.Equal(t, int64(80), gm.Int("level"))
	require.Equal(t, "Druid", gm.String("class"))
	require.Equal(t, "DRUID", gm.String("classFile"))
	require.Equal(t, "Dornogal", gm.String("zone"))
	require.Equal(t, "GM / Mike", gm.String("note"))
	require.Equal(t, "Discord: Trog", gm.String("officerNote"))
	require.True(t, gm.Bool("isOnline"))
	require.Equal(t, "Online", gm.String("lastOnline"))
	require.Equal(t, int64(0), gm.Int("lastOnlineHours"))
	require.Equal(t, int64(21450), gm.Int("achievementPoints"))

	require.Equal(t, "Shodoom", alt.String("name"))
	require.Equal(t, "BleedingHollow", alt.String("realm"))
	require.Equal(t, `alt of "Rocket"`, alt.String("note"))
	v, present := alt.Lookup("officerNote")
	require.True(t, present, "an empty officer note is exported as \"\" when readable")
	require.Equal(t, "", v)
	require.False(t, alt.Bool("isOnline"))
	require.Equal(t, "2d 4h", alt.String("lastOnline"))
	require.Equal(t, int64(2*24+4), alt.Int("lastOnlineHours"))

	require.Equal(t, "1y 2m 3d", old.String("lastOnline"))
	require.Equal(t, int64(((12+2)*30+3)*24+4), old.Int("lastOnlineHours"))
}

// §17.M: the last-online strings.
func TestLastOnlineStrings(t *testing.T) {
	cases := []struct {
		last *[4]int
		want string
	}{
		{&[4]int{1, 2, 3, 4}, "1y 2m 3d"},
		{&[4]int{0, 2, 3, 4}, "2m 3d"},
		{&[4]int{0, 0, 3, 4}, "3d 4h"},
		{&[4]int{0, 0, 0, 4}, "4h"},
		{&[4]int{0, 0, 0, 0}, "0h"},
		{nil, ""},
	}
	for _, tc := range cases {
		c := wowsim.New(start)
		c.Roster = []wowsim.Member{{FullName: "A-Senjin", LastOnline: tc.last}}
		require.NoError(t, c.LoadAddon())
		require.NoError(t, c.Slash("/pattsync"))
		ch := exported(t, c).Table("lastExport").Table("characters").Items()[0].(*savedvars.Table)
		require.Equal(t, tc.want, ch.String("lastOnline"), "%v", tc.last)
		c.Close()
	}
}

func TestOfficerNotesLeftOutWhenUnreadable(t *testing.T) {
	c := wowsim.New(start)
	defer c.Close()
	c.Roster = roster()
	c.OfficerNotes = false
	require.NoError(t, c.LoadAddon())
	require.NoError(t, c.Slash("/pattsync"))
	exp := exported(t, c).Table("lastExport")
	require.False(t, exp.Bool("officerNotesIncluded"))
	for _, ch := range exp.Table("characters").Items() {
		_, present := ch.(*savedvars.Table).Lookup("officerNote")
		require.False(t, present, "no officer note at all, so the site keeps what it has")
	}
	require.Contains(t, c.Output(), "Officer notes were not included")
}

func TestExportingFlagCannotStick(t *testing.T) {
	c := client(t)
	c.AnswerRosterRequests = false
	require.NoError(t, c.Slash("/pattsync"))
	require.NoError(t, c.Slash("/pattsync"))
	require.Contains(t, c.Output(), "An export is already running.")
	require.Equal(t, 1, c.RosterRequests)

	require.NoError(t, c.Advance(14*time.Second))
	require.NotContains(t, c.Output(), "timed out")
	require.NoError(t, c.Advance(1*time.Second))
	require.Contains(t, c.Output(), "Export timed out")
	_, present := exported(t, c).Lookup("lastExport")
	require.False(t, present)

	// The flag is free again: the next export goes through.
	c.AnswerRosterRequests = true
	require.NoError(t, c.Slash("/pattsync"))
	require.Equal(t, 2, c.RosterRequests)
	require.Contains(t, c.Output(), "Exported 3 members")
}

// A timeout armed by an export that finished must not cut short a later one.
func TestStaleTimeoutIgnored(t *testing.T) {
	c := client(t)
	require.NoError(t, c.Slash("/pattsync")) // finishes at once, its timer stays armed
	c.AnswerRosterRequests = false
	require.NoError(t, c.Advance(10*time.Second))
	require.NoError(t, c.Slash("/pattsync")) // a second export, unanswered so far
	require.NoError(t, c.Advance(6*time.Second))
	require.NotContains(t, c.Output(), "timed out", "the first export's timer fired and must be ignored")
	require.NoError(t, c.Fire("GUILD_ROSTER_UPDATE"))
	require.Equal(t, int64(2), exported(t, c).Int("totalExports"))
}

func TestEmptyRosterRetriedThenGivesUp(t *testing.T) {
	c := client(t)
	c.EmptyRosterAnswers = 2
	require.NoError(t, c.Slash("/pattsync"))
	require.NoError(t, c.Advance(10*time.Second))
	require.Equal(t, 3, c.RosterRequests)
	require.Contains(t, c.Output(), "Exported 3 members")

	c2 := client(t)
	c2.EmptyRosterAnswers = 100
	require.NoError(t, c2.Slash("/pattsync"))
	require.NoError(t, c2.Advance(20*time.Second))
	require.Equal(t, 4, c2.RosterRequests, "first request plus three retries")
	require.Contains(t, c2.Output(), "Export failed: the guild roster stayed empty")
	c2.EmptyRosterAnswers = 0
	require.NoError(t, c2.Slash("/pattsync"))
	require.Contains(t, c2.Output(), "Exported 3 members", "the flag was cleared after giving up")
}

func TestHelpStatusDebugAndUnknown(t *testing.T) {
	c := client(t)
	require.NoError(t, c.Slash("/pattsync help"))
	require.Contains(t, c.Output(), "/pattsync - export the guild roster now")
	require.Contains(t, c.Output(), "/pattsync debug")
	require.Equal(t, 0, c.RosterRequests, "help does not export")

	require.NoError(t, c.Slash("/pattsync status"))
	require.Contains(t, c.Output(), "No exports yet.")

	require.NoError(t, c.Slash("/patt DEBUG"))
	require.Contains(t, c.Output(), "Debug messages on.")
	require.Contains(t, c.Output(), "[PATTSync debug] exporting=false")
	require.True(t, exported(t, c).Bool("debug"))
	require.NoError(t, c.Slash("/pattsync"))
	require.Contains(t, c.Output(), "[PATTSync debug] roster update: 3 members")
	require.NoError(t, c.Slash("/pattsync debug"))
	require.Contains(t, c.Output(), "Debug messages off.")

	require.NoError(t, c.Slash("/pattsync status"))
	require.Contains(t, c.Output(), "Last export 0 seconds ago, 3 members.")
	require.Contains(t, c.Output(), "Next automatic export in 6h 0m.")

	require.NoError(t, c.Slash("/pattsync frobnicate"))
	require.Contains(t, c.Output(), "Unknown command 'frobnicate'.")
}

func TestNotInGuild(t *testing.T) {
	c := client(t)
	c.InGuild = false
	require.NoError(t, c.Slash("/pattsync"))
	require.Contains(t, c.Output(), "You are not in a guild.")
	require.Equal(t, 0, c.RosterRequests)
}

func TestGuildFrameExportsAutomaticallyOncePerCooldown(t *testing.T) {
	c := client(t)
	_, err := c.L.GetGlobal("ToggleGuildFrame"), error(nil)
	require.NoError(t, err)
	call := func() { require.NoError(t, c.L.DoString(`ToggleGuildFrame()`)) }
	call()
	require.Equal(t, 1, c.RosterRequests)
	call()
	require.Equal(t, 1, c.RosterRequests, "second open within the window does nothing")
	require.NoError(t, c.Advance(6*time.Hour+time.Second))
	call()
	require.Equal(t, 2, c.RosterRequests, "after the cooldown the guild frame exports again")
}

// WoW reloads the SavedVariables before the addon: counters survive.
func TestSavedVariablesSurviveAReload(t *testing.T) {
	c := client(t)
	require.NoError(t, c.Slash("/pattsync"))
	file := c.SavedVariables(addon.SavedVariable)

	c2 := wowsim.New(start.Add(time.Hour))
	defer c2.Close()
	c2.Roster = roster()
	require.NoError(t, c2.LoadSavedVariables(file))
	require.NoError(t, c2.LoadAddon())
	require.NoError(t, c2.Slash("/pattsync"))
	db := exported(t, c2)
	require.Equal(t, int64(2), db.Int("totalExports"))
	require.Equal(t, start.Add(time.Hour).Unix(), db.Table("lastExport").Int("exportTime"))
}
