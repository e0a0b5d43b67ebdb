package schedule

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/fault"
	"patt/identity"
	"patt/models"
)

// Spec §10.6 (today = 2025-06-15), with the fixes: inactive and future
// seasons are ignored, start today counts, and a raid event takes the
// season of its own date.
func TestSeasonOn(t *testing.T) {
	type s struct {
		name, start string
		active      bool
	}
	cases := []struct {
		seasons []s
		want    string
	}{
		{[]s{{"S1", "2025-03-01", true}, {"S2", "2025-06-01", true}}, "S2"},
		{[]s{{"S1", "2025-03-01", true}, {"S2", "2025-07-01", true}}, "S1"},
		{[]s{{"S1", "2025-03-01", true}, {"S2", "2025-06-10", false}}, "S1"},
		{[]s{{"S", "2025-06-15", true}}, "S"},
		{nil, ""},
		{[]s{{"Older id", "2025-06-01", true}, {"Newer id", "2025-06-01", true}}, "Newer id"},
	}
	for _, c := range cases {
		dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
			for _, x := range c.seasons {
				require.NoError(t, db.Create(&models.RaidSeason{Name: x.name, StartDate: date(x.start), IsActive: x.active}).Error)
			}
			got, err := SeasonOn(db, date("2025-06-15"))
			require.NoError(t, err)
			if c.want == "" {
				require.Nil(t, got)
				return
			}
			require.NotNil(t, got)
			require.Equal(t, c.want, got.Name)
		})
	}
	// "today" is the guild's day: 2025-06-16 01:00 UTC is still the 15th in New York.
	require.Equal(t, date("2025-06-15"), Today(utc("2025-06-16 01:00"), mustZone(t, "America/New_York")))
}

// Officers create seasons (a name and a start, never changed later) and
// rename or deactivate them.
func TestSeasonEdits(t *testing.T) {
	today := models.Date{Year: 2025, Month: 6, Day: 15}
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		s, err := CreateSeason(db, "Liberation of Undermine", today, true)
		require.NoError(t, err)
		require.NotZero(t, s.ID)
		require.Equal(t, today, s.StartDate)
		_, err = CreateSeason(db, " ", today, true)
		require.True(t, fault.Is(err, fault.KindInvalid))
		up, err := UpdateSeason(db, s.ID, SeasonPatch{IsActive: identity.To(false)})
		require.NoError(t, err)
		require.False(t, up.IsActive)
		require.Equal(t, "Liberation of Undermine", up.Name)
		_, err = UpdateSeason(db, 99999, SeasonPatch{})
		require.True(t, fault.Is(err, fault.KindNotFound))
	})
}

// The season list (Reference Tables, raid events) is newest start first,
// the newer row first on the same start.
func TestListSeasonsNewestFirst(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		for _, x := range []struct{ name, start string }{
			{"Old", "2025-01-01"}, {"Newest", "2025-06-01"}, {"Middle", "2025-03-01"}, {"Newest too", "2025-06-01"},
		} {
			require.NoError(t, db.Create(&models.RaidSeason{Name: x.name, StartDate: date(x.start), IsActive: true}).Error)
		}
		list, err := ListSeasons(db)
		require.NoError(t, err)
		var names []string
		for _, s := range list {
			names = append(names, s.Name)
		}
		require.Equal(t, []string{"Newest too", "Newest", "Middle", "Old"}, names)
	})
}

// One active recurring event per weekday: the service says 409 and the
// database's partial unique index refuses a direct second insert.
func TestOneActiveRaidNightPerWeekday(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		fri, err := CreateRaidNight(db, RaidNightInput{Label: ptr("Heroic"), DayOfWeek: ptr(4)}, testNow)
		require.NoError(t, err)
		require.True(t, fri.IsActive)
		require.Equal(t, "21:00:00", fri.DefaultStartTime.String())
		require.Equal(t, 120, fri.DefaultDurationMinutes)

		_, err = CreateRaidNight(db, RaidNightInput{Label: ptr("Second"), DayOfWeek: ptr(4)}, testNow)
		require.ErrorIs(t, err, ErrDayTaken)
		require.Equal(t, "An active recurring event already exists for day_of_week=4", fault.MessageOf(err))

		dup := models.RecurringEvent{Label: "Sneaky", EventType: "raid", DayOfWeek: 4, DefaultStartTime: clock("20:00"), DefaultDurationMinutes: 60, RaidHelperTemplateID: "wowretail2", IsActive: true}
		err = db.Create(&dup).Error
		require.ErrorIs(t, err, gorm.ErrDuplicatedKey, "the database enforces it")
		// Two saves racing past the friendly check: the index's refusal is
		// still reported as ErrDayTaken (409), not as a 500.
		require.ErrorIs(t, mapSaveErr(err, 4), ErrDayTaken)

		// An inactive second row is fine; re-activating it is refused.
		off, err := CreateRaidNight(db, RaidNightInput{Label: ptr("Old"), DayOfWeek: ptr(4), IsActive: ptr(false)}, testNow)
		require.NoError(t, err)
		require.False(t, off.IsActive)
		_, err = UpdateRaidNight(db, off.ID, RaidNightInput{IsActive: ptr(true)}, testNow)
		require.ErrorIs(t, err, ErrDayTaken)
		// Moving it to a free day and activating it works.
		moved, err := UpdateRaidNight(db, off.ID, RaidNightInput{IsActive: ptr(true), DayOfWeek: ptr(1), DefaultStartTime: ptr("20:30")}, testNow)
		require.NoError(t, err)
		require.Equal(t, 1, moved.DayOfWeek)
		require.Equal(t, "20:30:00", moved.DefaultStartTime.String())

		// PATCH: an absent channel is left alone, null clears it.
		var in RaidNightInput
		require.NoError(t, json.Unmarshal([]byte(`{"discord_channel_id":"1234"}`), &in))
		withChan, err := UpdateRaidNight(db, moved.ID, in, testNow)
		require.NoError(t, err)
		require.Equal(t, "1234", *withChan.DiscordChannelID)
		in = RaidNightInput{}
		require.NoError(t, json.Unmarshal([]byte(`{"label":"Renamed"}`), &in))
		kept, err := UpdateRaidNight(db, moved.ID, in, testNow)
		require.NoError(t, err)
		require.Equal(t, "1234", *kept.DiscordChannelID)
		in = RaidNightInput{}
		require.NoError(t, json.Unmarshal([]byte(`{"discord_channel_id":null}`), &in))
		cleared, err := UpdateRaidNight(db, moved.ID, in, testNow)
		require.NoError(t, err)
		require.Nil(t, cleared.DiscordChannelID)

		_, err = UpdateRaidNight(db, 9999, RaidNightInput{}, testNow)
		require.ErrorIs(t, err, ErrNotFound)
		_, err = CreateRaidNight(db, RaidNightInput{Label: ptr("x"), DayOfWeek: ptr(7)}, testNow)
		require.Equal(t, fault.KindInvalid, fault.KindOf(err), "%v", err)
		_, err = CreateRaidNight(db, RaidNightInput{Label: ptr("x"), DayOfWeek: ptr(2), DefaultStartTime: ptr("9pm")}, testNow)
		require.Equal(t, fault.KindInvalid, fault.KindOf(err), "%v", err)
		_, err = CreateRaidNight(db, RaidNightInput{Label: ptr(" "), DayOfWeek: ptr(2)}, testNow)
		require.Equal(t, fault.KindInvalid, fault.KindOf(err), "%v", err)

		// Delete: refused while raid events point at it, else gone.
		guild := mustZone(t, "America/New_York")
		_, err = CreateRaidEvent(db, RaidEventInput{Title: ptr("Heroic"), EventDate: ptr("2025-01-17"), StartTime: ptr("21:00"), RecurringEventID: &fri.ID}, guild, 0, testNow)
		require.NoError(t, err)
		require.ErrorIs(t, DeleteRaidNight(db, fri.ID), ErrInUse)
		require.NoError(t, DeleteRaidNight(db, moved.ID))
		require.ErrorIs(t, DeleteRaidNight(db, moved.ID), ErrNotFound)
	})
}

// Raid events: guild-clock date and time stored as UTC (spec §10.3), the
// season by event date, partial updates.
func TestRaidEvents(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		guild := mustZone(t, "America/New_York")
		s1 := models.RaidSeason{Name: "S1", StartDate: date("2025-01-01"), IsActive: true}
		s2 := models.RaidSeason{Name: "S2", StartDate: date("2025-03-10"), IsActive: true}
		require.NoError(t, db.Create(&s1).Error)
		require.NoError(t, db.Create(&s2).Error)

		for _, c := range []struct{ date, utc, season string }{
			{"2025-01-17", "2025-01-18 02:00", "S1"},
			{"2025-03-14", "2025-03-15 01:00", "S2"},
			{"2025-11-07", "2025-11-08 02:00", "S2"},
		} {
			e, err := CreateRaidEvent(db, RaidEventInput{Title: ptr("Raid"), EventDate: ptr(c.date), StartTime: ptr("21:00")}, guild, 0, testNow)
			require.NoError(t, err)
			require.Equal(t, utc(c.utc), e.StartTimeUTC.UTC())
			require.Equal(t, 2*time.Hour, e.EndTimeUTC.Sub(e.StartTimeUTC))
			want := s1.ID
			if c.season == "S2" {
				want = s2.ID
			}
			require.Equal(t, want, *e.SeasonID, c.date)
		}
		e, err := CreateRaidEvent(db, RaidEventInput{Title: ptr("Raid"), EventDate: ptr("2025-01-17"), StartTime: ptr("21:00"), DurationMinutes: ptr(90)}, guild, 0, testNow)
		require.NoError(t, err)
		e, err = UpdateRaidEvent(db, e.ID, RaidEventInput{EventDate: ptr("2025-03-21")}, guild)
		require.NoError(t, err)
		require.Equal(t, utc("2025-03-22 01:00"), e.StartTimeUTC.UTC(), "keeps 21:00 on the guild clock across DST")
		require.Equal(t, 90*time.Minute, e.EndTimeUTC.Sub(e.StartTimeUTC))
		require.Equal(t, s2.ID, *e.SeasonID, "moved into S2")

		_, err = CreateRaidEvent(db, RaidEventInput{Title: ptr("X"), EventDate: ptr("17/01/2025"), StartTime: ptr("21:00")}, guild, 0, testNow)
		require.Equal(t, fault.KindInvalid, fault.KindOf(err), "%v", err)
		_, err = UpdateRaidEvent(db, 9999, RaidEventInput{}, guild)
		require.ErrorIs(t, err, ErrNotFound)
	})
}

// Spec §7.4: attendance % = attended / eligible, eligible = started events
// of the season on the player's declared weekdays; a noted absence is
// excused (left out); "—" with nothing eligible.
func TestSeasonAttendance(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		guild := mustZone(t, "America/New_York")
		now := utc("2025-02-20 12:00")
		season := models.RaidSeason{Name: "S", StartDate: date("2025-01-01"), IsActive: true}
		require.NoError(t, db.Create(&season).Error)
		fri := seedPlayer(t, db, "Fri", 2, "America/New_York", "")
		roo := seedPlayer(t, db, "Roo", 2, "Australia/Sydney", "")
		none := seedPlayer(t, db, "Nobody", 2, "America/New_York", "")
		_, err := SetWindow(db, fri.ID, 4, clock("20:00"), 3, now)
		require.NoError(t, err)
		_, err = SetWindow(db, roo.ID, 5, clock("10:00"), 4, now) // Sydney Saturday morning = Friday evening in NY
		require.NoError(t, err)

		var events []models.RaidEvent
		for _, d := range []string{"2025-01-03", "2025-01-10", "2025-01-17", "2025-01-24", "2025-01-28", "2025-02-28"} {
			e, err := CreateRaidEvent(db, RaidEventInput{Title: ptr("Raid"), EventDate: ptr(d), StartTime: ptr("21:00")}, guild, 0, now)
			require.NoError(t, err)
			events = append(events, e)
		}
		mark := func(e models.RaidEvent, p models.Player, m AttendanceMark) {
			_, err := SetAttendance(db, e.ID, p.ID, m, now)
			require.NoError(t, err)
		}
		mark(events[0], fri, AttendanceMark{Attended: ptr(true), SignedUp: ptr(true)})
		mark(events[1], fri, AttendanceMark{Attended: ptr(true)})
		mark(events[2], fri, AttendanceMark{NotedAbsence: ptr(true)}) // excused
		mark(events[4], fri, AttendanceMark{Attended: ptr(true)})     // a Tuesday: not credited
		mark(events[0], roo, AttendanceMark{Attended: ptr(true)})
		mark(events[5], roo, AttendanceMark{Attended: ptr(true)}) // future: not counted

		// Toggling twice keeps one row.
		mark(events[1], fri, AttendanceMark{SignedUp: ptr(true)})
		var n int64
		require.NoError(t, db.Model(&models.RaidAttendance{}).Where("event_id = ? AND player_id = ?", events[1].ID, fri.ID).Count(&n).Error)
		require.EqualValues(t, 1, n)

		rows, err := SeasonAttendance(db, season.ID, guild, now)
		require.NoError(t, err)
		by := map[string]PlayerAttendance{}
		for _, r := range rows {
			by[r.DisplayName] = r
		}
		require.Equal(t, 3, by["Fri"].Eligible, "4 started Fridays, one excused")
		require.Equal(t, 2, by["Fri"].Attended)
		require.Equal(t, 1, by["Fri"].Excused)
		require.Equal(t, "66.7%", by["Fri"].PctText)
		require.Equal(t, 4, by["Roo"].Eligible)
		require.Equal(t, "25.0%", by["Roo"].PctText)
		require.Nil(t, by["Nobody"].Pct)
		require.Equal(t, "—", by["Nobody"].PctText)
		_ = none

		_, err = SetAttendance(db, 9999, fri.ID, AttendanceMark{}, now)
		require.ErrorIs(t, err, ErrNotFound)
		_, err = SetAttendance(db, events[0].ID, 9999, AttendanceMark{}, now)
		require.ErrorIs(t, err, ErrNotFound)
	})
}

// The iCal feed parses with an independent parser and keeps the format
// rules: CRLF, lines ≤ 75 octets, escaped text, UID and DTSTAMP.
func TestCalendarFeed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		guild := mustZone(t, "America/New_York")
		now := utc("2025-03-05 12:00")
		p := seedPlayer(t, db, "Cal", 2, "America/New_York", "")
		tok, err := CalendarTokenFor(db, p.ID, now)
		require.NoError(t, err)
		again, err := CalendarTokenFor(db, p.ID, now)
		require.NoError(t, err)
		require.Equal(t, tok, again)
		found, err := PlayerByCalendarToken(db, tok)
		require.NoError(t, err)
		require.Equal(t, p.ID, found.ID)
		fresh, err := RegenerateCalendarToken(db, p.ID, now)
		require.NoError(t, err)
		require.NotEqual(t, tok, fresh)
		_, err = PlayerByCalendarToken(db, tok)
		require.ErrorIs(t, err, ErrNotFound, "the old URL stops working")

		night, err := CreateRaidNight(db, RaidNightInput{Label: ptr("Heroic; Night, Fun"), DayOfWeek: ptr(4), DefaultStartTime: ptr("21:00")}, now)
		require.NoError(t, err)
		long := strings.Repeat("Pull all the things — ünïcödé notes, ", 6) + "line\nbreak"
		_, err = CreateRaidEvent(db, RaidEventInput{Title: ptr("Mythic prog"), EventDate: ptr("2025-03-08"), StartTime: ptr("20:00"), Notes: &long}, guild, 0, now)
		require.NoError(t, err)
		_, err = CreateRaidEvent(db, RaidEventInput{Title: ptr("Heroic"), EventDate: ptr("2025-03-07"), StartTime: ptr("21:00"), RecurringEventID: &night.ID}, guild, 0, now)
		require.NoError(t, err)

		// The member answered the Friday raid.
		var fri models.RaidEvent
		require.NoError(t, db.Where("title = ?", "Heroic").Take(&fri).Error)
		_, err = SetSignup(db, fri.ID, p.ID, SignupInput{Status: "tentative", Note: "maybe late"}, SourceSite, now)
		require.NoError(t, err)

		cal, err := CalendarFor(db, guild, now, "patt.test", p.ID, "https://patt.example")
		require.NoError(t, err)
		cal.Name = "PATT raids"
		feed := cal.Render(now)

		for _, line := range strings.Split(strings.TrimSuffix(feed, "\r\n"), "\r\n") {
			require.LessOrEqual(t, len(line), 75, "folded at 75 octets: %q", line)
			require.NotContains(t, line, "\n")
		}
		parsed, err := ics.ParseCalendar(strings.NewReader(feed))
		require.NoError(t, err)
		vevents := parsed.Events()
		require.Len(t, vevents, 3, "two raid events + the weekly night as one series")
		byUID := map[string]*ics.VEvent{}
		for _, ev := range vevents {
			require.NotNil(t, ev.GetProperty(ics.ComponentPropertyDtstamp))
			byUID[ev.Id()] = ev
		}
		mythic := byUID["raid-event-1@patt.test"]
		require.NotNil(t, mythic)
		st, err := mythic.GetStartAt()
		require.NoError(t, err)
		require.Equal(t, utc("2025-03-09 01:00"), st.UTC())
		desc := mythic.GetProperty(ics.ComponentPropertyDescription).Value
		require.Contains(t, desc, "ünïcödé")
		require.Contains(t, desc, "You have not answered yet.")

		heroic := byUID[fmt.Sprintf("raid-event-%d@patt.test", fri.ID)]
		require.Equal(t, "Heroic (Tentative)", heroic.GetProperty(ics.ComponentPropertySummary).Value)
		require.Equal(t, "TENTATIVE", heroic.GetProperty(ics.ComponentPropertyStatus).Value)
		require.Equal(t, fmt.Sprintf("https://patt.example/raids/%d", fri.ID), heroic.GetProperty(ics.ComponentPropertyUrl).Value)
		st, err = heroic.GetStartAt()
		require.NoError(t, err)
		require.Equal(t, utc("2025-03-08 02:00"), st.UTC(), "Friday 21:00 EST")

		// The night: one weekly series on New York's clock, with a VTIMEZONE
		// whose offsets put 21:00 at 02:00Z in winter and 01:00Z in summer,
		// and the Friday that has its own event excluded.
		series := byUID[fmt.Sprintf("raid-night-%d@patt.test", night.ID)]
		require.NotNil(t, series)
		dt := series.GetProperty(ics.ComponentPropertyDtStart)
		require.Equal(t, "20250307T210000", dt.Value)
		require.Equal(t, []string{"America/New_York"}, dt.ICalParameters["TZID"])
		require.Equal(t, "FREQ=WEEKLY;BYDAY=FR", series.GetProperty(ics.ComponentPropertyRrule).Value)
		require.Equal(t, "20250307T210000", series.GetProperty(ics.ComponentPropertyExdate).Value)
		require.Equal(t, "PT120M", series.GetProperty(ics.ComponentPropertyDuration).Value)
		tzs := parsed.Timezones()
		require.Len(t, tzs, 1)
		require.Equal(t, "America/New_York", tzs[0].GetProperty(ics.ComponentPropertyTzid).Value)
		offsetAt := func(local string) string { // the offset the VTIMEZONE gives a local time
			best, off := "", ""
			for _, sub := range tzs[0].Components {
				var base *ics.ComponentBase
				switch c := sub.(type) {
				case *ics.Standard:
					base = &c.ComponentBase
				case *ics.Daylight:
					base = &c.ComponentBase
				default:
					continue
				}
				start := base.GetProperty(ics.ComponentPropertyDtStart).Value
				if start <= local && start > best {
					best, off = start, base.GetProperty(ics.ComponentProperty("TZOFFSETTO")).Value
				}
			}
			return off
		}
		require.Equal(t, "-0500", offsetAt("20250307T210000"))
		require.Equal(t, "-0400", offsetAt("20250314T210000"), "after spring forward: 21:00 EDT = 01:00Z")
		require.Equal(t, "-0500", offsetAt("20251107T210000"))
		require.Contains(t, feed, "BEGIN:DAYLIGHT\r\nDTSTART:20250309T020000\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\nTZNAME:EDT")
		require.Contains(t, feed, `SUMMARY:Heroic\; Night\, Fun`)
	})
}
