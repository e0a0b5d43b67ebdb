package schedule

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/fault"
)

// Issue 10 item 7: no text an officer types can end its line in a member's
// feed and forge a property or a whole event; URLs with control
// characters are refused at the door.
func TestCalendarFeedCannotBeForged(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		guild := mustZone(t, "America/New_York")
		now := utc("2025-03-05 12:00")
		p := seedPlayer(t, db, "Cal", 2, "America/New_York", "")

		for _, bad := range []string{
			"https://logs.example/r/1\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:Forged",
			"https://logs.example/r/1\nX",
			"https://logs.example/r/1 x",
			"https://logs.example/\u0000",
			"https://logs.example/\u202E",
		} {
			_, err := CreateRaidEvent(db, RaidEventInput{Title: ptr("Raid"), EventDate: ptr("2025-03-08"), StartTime: ptr("20:00"), LogURL: ptr(bad)}, guild, 0, now)
			require.Equal(t, fault.KindInvalid, fault.KindOf(err), "%q: %v", bad, err)
			require.Contains(t, fault.FieldsOf(err), "log_url")
		}

		forged := "Mythic\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:Forged\rDTSTART:19700101T000000Z\u2028X-EVIL:1\u000b;,\\"
		_, err := CreateRaidEvent(db, RaidEventInput{Title: ptr(forged), EventDate: ptr("2025-03-08"), StartTime: ptr("20:00"),
			Notes: ptr(forged), LogURL: ptr("https://logs.example/r/1")}, guild, 0, now)
		require.NoError(t, err)
		cal, err := CalendarFor(db, guild, now, "patt.test", p.ID, "https://patt.example")
		require.NoError(t, err)
		feed := cal.Render(now)
		require.Equal(t, 1, strings.Count(feed, "\r\nBEGIN:VEVENT\r\n"), "one event, none forged")
		require.Equal(t, 1, strings.Count(feed, "\r\nEND:VEVENT\r\n"))
		for _, line := range strings.Split(feed, "\r\n") {
			require.False(t, strings.HasPrefix(line, "SUMMARY:Forged") || strings.HasPrefix(line, "X-EVIL") ||
				strings.HasPrefix(line, "DTSTART:1970"), "forged line %q", line)
			require.NotContains(t, line, "\r")
			require.NotContains(t, line, "\n")
			require.NotContains(t, line, "\x00")
			require.NotContains(t, line, "\x0b")
		}
		require.Contains(t, unfold(feed), `SUMMARY:Mythic\nEND:VEVENT\nBEGIN:VEVENT\nSUMMARY:Forged\nDTSTART:19700101T000000Z\nX-EVIL:1\;\,\\`)
	})
}

func unfold(feed string) string { return strings.ReplaceAll(feed, "\r\n ", "") }
