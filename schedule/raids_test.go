package schedule

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/fault"
	"patt/models"
)

func seedNight(t *testing.T, db *gorm.DB, label string, day int, at string) models.RecurringEvent {
	t.Helper()
	n := models.RecurringEvent{Label: label, DayOfWeek: day, DefaultStartTime: clock(at), DefaultDurationMinutes: 120,
		IsActive: true, DisplayOnPublic: true, RaidHelperTemplateID: "wowretail2"}
	require.NoError(t, db.Create(&n).Error)
	return n
}

func eventsOf(t *testing.T, db *gorm.DB) []models.RaidEvent {
	t.Helper()
	var out []models.RaidEvent
	require.NoError(t, db.Order("start_time_utc").Find(&out).Error)
	return out
}

// A raid at 21:00 on the guild's clock stays at 21:00 across both DST
// changes, in both hemispheres: the UTC instant moves, the wall clock not.
func TestGenerateKeepsWallClockAcrossDST(t *testing.T) {
	cases := []struct {
		zone    string
		day     int // night's weekday
		now     string
		wantUTC []string // first starts, in order
	}{
		// New York, spring forward on Sun 2025-03-09: Fri 03-07 21:00 EST = 02:00Z, Fri 03-14 21:00 EDT = 01:00Z.
		{"America/New_York", 4, "2025-03-06 12:00", []string{"2025-03-08 02:00", "2025-03-15 01:00", "2025-03-22 01:00"}},
		// New York, fall back on Sun 2025-11-02.
		{"America/New_York", 4, "2025-10-30 12:00", []string{"2025-11-01 01:00", "2025-11-08 02:00", "2025-11-15 02:00"}},
		// Sydney, DST ends Sun 2025-04-06 (AEDT +11 → AEST +10): Wed 21:00.
		{"Australia/Sydney", 2, "2025-03-31 00:00", []string{"2025-04-02 10:00", "2025-04-09 11:00", "2025-04-16 11:00"}},
		// Sydney, DST starts Sun 2025-10-05 (AEST +10 → AEDT +11).
		{"Australia/Sydney", 2, "2025-09-29 00:00", []string{"2025-10-01 11:00", "2025-10-08 10:00", "2025-10-15 10:00"}},
	}
	for _, c := range cases {
		t.Run(c.zone+"/"+c.now, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
				zone := mustZone(t, c.zone)
				seedNight(t, db, "Heroic", c.day, "21:00")
				res, err := GenerateRaidEvents(db, zone, utc(c.now))
				require.NoError(t, err)
				got := eventsOf(t, db)
				require.Equal(t, len(got), res.Created)
				require.GreaterOrEqual(t, len(got), len(c.wantUTC))
				for i, want := range c.wantUTC {
					require.Equal(t, utc(want), got[i].StartTimeUTC.UTC(), "event %d", i)
					local := got[i].StartTimeUTC.In(zone)
					require.Equal(t, 21, local.Hour())
					require.Equal(t, 0, local.Minute())
					require.Equal(t, models.DateOf(local), got[i].EventDate)
					require.Equal(t, OriginGenerated, got[i].Origin)
					require.Equal(t, 2*time.Hour, got[i].EndTimeUTC.Sub(got[i].StartTimeUTC))
				}
			})
		})
	}
}

// Generation is idempotent by date, catches up after downtime exactly once,
// and never recreates a night an officer cancelled or already planned.
func TestGenerateIdempotentAndCatchesUp(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ny := mustZone(t, "America/New_York")
		fri := seedNight(t, db, "Heroic", 4, "21:00")
		seedNight(t, db, "Mythic", 1, "20:00")
		inactive := seedNight(t, db, "Old", 6, "20:00")
		require.NoError(t, db.Model(&inactive).Update("is_active", false).Error)

		now := utc("2025-01-13 15:00") // Monday
		res, err := GenerateRaidEvents(db, ny, now)
		require.NoError(t, err)
		// Tue 14, 21, 28, Feb 4; Fri 17, 24, 31 → 21 days ahead of Monday the 13th ends on Feb 3.
		require.Equal(t, 6, res.Created)

		again, err := GenerateRaidEvents(db, ny, now)
		require.NoError(t, err)
		require.Zero(t, again.Created, "a second pass creates nothing")

		// An officer cancels Fri 24th; a month of downtime follows.
		var e24 models.RaidEvent
		require.NoError(t, db.Where("recurring_event_id = ? AND event_date = ?", fri.ID, date("2025-01-24")).Take(&e24).Error)
		require.NoError(t, db.Model(&e24).Update("status", EventCancelled).Error)

		later := utc("2025-02-10 15:00")
		res, err = GenerateRaidEvents(db, ny, later)
		require.NoError(t, err)
		// Feb 10 → Mar 3: Tue 11, 18, 25; Fri 14, 21, 28 → 6 new (past missed nights are not invented).
		require.Equal(t, 6, res.Created)
		res, err = GenerateRaidEvents(db, ny, later)
		require.NoError(t, err)
		require.Zero(t, res.Created)

		var n int64
		require.NoError(t, db.Model(&models.RaidEvent{}).Where("recurring_event_id = ? AND event_date = ?", fri.ID, date("2025-01-24")).Count(&n).Error)
		require.EqualValues(t, 1, n)
		require.NoError(t, db.Model(&models.RaidEvent{}).Where("recurring_event_id = ?", inactive.ID).Count(&n).Error)
		require.Zero(t, n)

		// The database itself refuses a second generated row for a night and date.
		dup := models.RaidEvent{Title: "dup", EventDate: date("2025-02-14"), StartTimeUTC: utc("2025-02-15 02:00"), EndTimeUTC: utc("2025-02-15 04:00"),
			RecurringEventID: &fri.ID, Origin: OriginGenerated}
		require.Error(t, db.Omit("raid_helper_payload").Create(&dup).Error)
	})
}

type raider struct {
	player models.Player
	main   models.Character
	alt    models.Character
}

// seedRaider makes a player with a main (spec of role) and an alt (healer).
func seedRaider(t *testing.T, db *gorm.DB, name string, level int, role string) raider {
	t.Helper()
	p := seedPlayer(t, db, name, level, "America/New_York", role)
	main := models.Character{Name: name + "main", RealmSlug: "senjin", ActiveSpecID: p.MainSpecID}
	require.NoError(t, db.Create(&main).Error)
	var heal models.Specialization
	require.NoError(t, db.Joins("JOIN "+models.Table(db, &models.Role{})+" ro ON ro.id = default_role_id").
		Where("ro.name = ?", models.RoleHealer).Order(models.Table(db, &models.Specialization{})+".id").Take(&heal).Error)
	alt := models.Character{Name: name + "alt", RealmSlug: "senjin", ActiveSpecID: &heal.ID}
	require.NoError(t, db.Create(&alt).Error)
	for _, c := range []models.Character{main, alt} {
		require.NoError(t, db.Create(&models.PlayerCharacter{PlayerID: p.ID, CharacterID: c.ID}).Error)
	}
	require.NoError(t, db.Model(&p).Update("main_character_id", main.ID).Error)
	p.MainCharacterID = &main.ID
	return raider{p, main, alt}
}

func TestSignupRules(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ny := mustZone(t, "America/New_York")
		seedNight(t, db, "Heroic", 4, "21:00")
		now := utc("2025-01-13 15:00")
		_, err := GenerateRaidEvents(db, ny, now)
		require.NoError(t, err)
		ev := eventsOf(t, db)[0] // Fri 2025-01-17 21:00 EST = 01-18 02:00Z
		tank := seedRaider(t, db, "Tanky", 2, models.RoleTank)
		other := seedRaider(t, db, "Other", 2, models.RoleMeleeDPS)
		seedRaider(t, db, "Silent", 2, models.RoleRangedDPS)

		// Main preselected: no character → main with its role.
		s, err := SetSignup(db, ev.ID, tank.player.ID, SignupInput{Status: "signed"}, SourceSite, now)
		require.NoError(t, err)
		require.Equal(t, tank.main.ID, *s.CharacterID)
		require.Equal(t, "tank", *s.Role)
		require.Nil(t, s.PushedAt)

		// Changed: the alt, which heals; one row, not two.
		s, err = SetSignup(db, ev.ID, tank.player.ID, SignupInput{Status: "late", CharacterID: tank.alt.ID, Note: "20 min late"}, SourceSite, now.Add(time.Hour))
		require.NoError(t, err)
		require.Equal(t, tank.alt.ID, *s.CharacterID)
		require.Equal(t, "healer", *s.Role)
		require.Equal(t, "20 min late", *s.Note)
		var n int64
		require.NoError(t, db.Model(&models.RaidSignup{}).Where("event_id = ?", ev.ID).Count(&n).Error)
		require.EqualValues(t, 1, n)

		// Someone else's character, bad status, bad role → 422 on the field.
		_, err = SetSignup(db, ev.ID, tank.player.ID, SignupInput{Status: "signed", CharacterID: other.main.ID}, SourceSite, now)
		require.Equal(t, fault.KindInvalid, fault.KindOf(err))
		require.Equal(t, map[string]string{"character_id": "that character is not one of yours"}, fault.FieldsOf(err))
		_, err = SetSignup(db, ev.ID, tank.player.ID, SignupInput{Status: "maybe"}, SourceSite, now)
		require.Equal(t, fault.KindInvalid, fault.KindOf(err))
		_, err = SetSignup(db, ev.ID, tank.player.ID, SignupInput{Status: "signed", Role: "dps"}, SourceSite, now)
		require.Equal(t, fault.KindInvalid, fault.KindOf(err))

		// Absent with a note → noted absence on the sheet; signed → expected.
		_, err = SetSignup(db, ev.ID, other.player.ID, SignupInput{Status: "absent", Note: "work trip"}, SourceSite, now)
		require.NoError(t, err)
		var att models.RaidAttendance
		require.NoError(t, db.Where("event_id = ? AND player_id = ?", ev.ID, other.player.ID).Take(&att).Error)
		require.True(t, att.NotedAbsence)
		require.False(t, att.SignedUp)
		var att2 models.RaidAttendance
		require.NoError(t, db.Where("event_id = ? AND player_id = ?", ev.ID, tank.player.ID).Take(&att2).Error)
		require.True(t, att2.SignedUp)
		require.Equal(t, tank.alt.ID, *att2.CharacterID)

		// At the start and after: closed (409), nothing written.
		_, err = SetSignup(db, ev.ID, other.player.ID, SignupInput{Status: "signed"}, SourceSite, ev.StartTimeUTC)
		require.Equal(t, fault.KindConflict, fault.KindOf(err))
		got, err := SignupOf(db, ev.ID, other.player.ID)
		require.NoError(t, err)
		require.Equal(t, SignupAbsent, got.Status)

		// A cancelled raid takes no answers; a missing one is 404.
		require.NoError(t, db.Model(&models.RaidEvent{}).Where("id = ?", ev.ID).Update("status", EventCancelled).Error)
		_, err = SetSignup(db, ev.ID, other.player.ID, SignupInput{Status: "signed"}, SourceSite, now)
		require.Equal(t, fault.KindConflict, fault.KindOf(err))
		require.NoError(t, db.Model(&models.RaidEvent{}).Where("id = ?", ev.ID).Update("status", EventScheduled).Error)
		_, err = SetSignup(db, 99999, other.player.ID, SignupInput{Status: "signed"}, SourceSite, now)
		require.Equal(t, fault.KindNotFound, fault.KindOf(err))

		// The roster: by role against targets, who has not answered.
		r, err := RosterOf(db, ev.ID)
		require.NoError(t, err)
		require.Equal(t, 1, r.Coming)
		require.Equal(t, 2, r.Answered)
		require.Equal(t, "healer", r.Roles[1].Role)
		require.Equal(t, 4, r.Roles[1].Target)
		require.Len(t, r.Roles[1].Entries, 1)
		require.Equal(t, "Tankyalt", r.Roles[1].Entries[0].CharacterName)
		require.Len(t, r.Roles[0].Entries, 0)
		require.True(t, r.Roles[0].Short())
		require.Len(t, r.Absent, 1)
		require.Equal(t, []string{"Silent"}, r.NoAnswer)

		next, err := NextRaidsFor(db, tank.player.ID, now, 3)
		require.NoError(t, err)
		require.Len(t, next, 3)
		require.Equal(t, ev.ID, next[0].Event.ID)
		require.Equal(t, SignupLate, next[0].Signup.Status)
		require.Nil(t, next[1].Signup)
	})
}

// Auto-signup signs members up on the nights they usually raid, never on
// others, never over their own answer, and only once.
func TestAutoSignup(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ny := mustZone(t, "America/New_York")
		seedNight(t, db, "Heroic", 4, "21:00") // Friday
		seedNight(t, db, "Mythic", 1, "21:00") // Tuesday
		now := utc("2025-01-13 15:00")
		auto := seedRaider(t, db, "Auto", 2, models.RoleTank)
		initiate := seedRaider(t, db, "Newbie", 1, models.RoleHealer)
		manual := seedRaider(t, db, "Manual", 2, models.RoleMeleeDPS)
		for _, p := range []models.Player{auto.player, initiate.player} {
			require.NoError(t, db.Model(&p).Update("auto_invite_events", true).Error)
			// Fridays only, 20:00 for 4 h on their (New York) clock.
			_, err := SetWindow(db, p.ID, 4, clock("20:00"), 4, now)
			require.NoError(t, err)
		}
		_, err := SetWindow(db, manual.player.ID, 4, clock("20:00"), 4, now)
		require.NoError(t, err)

		events := eventsOfAfterGenerate(t, db, ny, now)
		var fri1 models.RaidEvent
		for _, e := range events {
			if e.EventDate == date("2025-01-17") {
				fri1 = e
			}
		}
		// Auto changes their mind on the first Friday before the next pass.
		_, err = SetSignup(db, fri1.ID, auto.player.ID, SignupInput{Status: "absent"}, SourceSite, now)
		require.NoError(t, err)
		res, err := GenerateRaidEvents(db, ny, now)
		require.NoError(t, err)
		require.Zero(t, res.AutoSignups, "nothing new to sign")

		var rows []models.RaidSignup
		require.NoError(t, db.Order("event_id").Find(&rows).Error)
		perPlayer := map[int][]models.RaidSignup{}
		for _, r := range rows {
			perPlayer[r.PlayerID] = append(perPlayer[r.PlayerID], r)
		}
		require.Len(t, perPlayer[auto.player.ID], 3, "three Fridays in the window")
		require.Len(t, perPlayer[initiate.player.ID], 3)
		require.Empty(t, perPlayer[manual.player.ID])
		for _, r := range perPlayer[initiate.player.ID] {
			require.Equal(t, SignupBench, r.Status)
		}
		for _, r := range perPlayer[auto.player.ID] {
			var e models.RaidEvent
			require.NoError(t, db.Take(&e, r.EventID).Error)
			require.Equal(t, 4, e.EventDate.DayOfWeek(), "Fridays only")
			if r.EventID == fri1.ID {
				require.Equal(t, SignupAbsent, r.Status)
				require.Equal(t, SourceSite, r.Source)
			} else {
				require.Equal(t, SignupSigned, r.Status)
				require.Equal(t, SourceAuto, r.Source)
				require.Equal(t, auto.main.ID, *r.CharacterID)
			}
		}
	})
}

func eventsOfAfterGenerate(t *testing.T, db *gorm.DB, zone *time.Location, now time.Time) []models.RaidEvent {
	t.Helper()
	_, err := GenerateRaidEvents(db, zone, now)
	require.NoError(t, err)
	return eventsOf(t, db)
}

// After the raid the sheet starts from the signups; the officer's
// corrections stand; the member's own page follows.
func TestAttendanceFromSignups(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ny := mustZone(t, "America/New_York")
		require.NoError(t, db.Create(&models.RaidSeason{Name: "S1", StartDate: date("2025-01-01"), IsActive: true}).Error)
		seedNight(t, db, "Heroic", 4, "21:00")
		now := utc("2025-01-13 12:00")
		_, err := GenerateRaidEvents(db, ny, now)
		require.NoError(t, err)
		ev := eventsOf(t, db)[0] // Fri 17th
		a := seedRaider(t, db, "Anna", 2, models.RoleTank)
		b := seedRaider(t, db, "Bert", 2, models.RoleHealer)
		c := seedRaider(t, db, "Cleo", 2, models.RoleMeleeDPS)
		for _, r := range []raider{a, b, c} {
			_, err := SetWindow(db, r.player.ID, 4, clock("20:00"), 4, now)
			require.NoError(t, err)
		}
		_, err = SetSignup(db, ev.ID, a.player.ID, SignupInput{Status: "signed"}, SourceSite, now)
		require.NoError(t, err)
		_, err = SetSignup(db, ev.ID, b.player.ID, SignupInput{Status: "signed"}, SourceSite, now)
		require.NoError(t, err)
		_, err = SetSignup(db, ev.ID, c.player.ID, SignupInput{Status: "absent", Note: "wedding"}, SourceSite, now)
		require.NoError(t, err)

		n, err := PrefillAttendance(db, ev.StartTimeUTC.Add(time.Hour)) // not over yet
		require.NoError(t, err)
		require.Zero(t, n)
		after := ev.EndTimeUTC.Add(time.Minute)
		n, err = PrefillAttendance(db, after)
		require.NoError(t, err)
		require.Equal(t, 2, n)
		// Bert did not come after all: the officer corrects, and stays corrected.
		_, err = SetAttendance(db, ev.ID, b.player.ID, AttendanceMark{Attended: ptr(false)}, after)
		require.NoError(t, err)
		n, err = PrefillAttendance(db, after.Add(time.Hour))
		require.NoError(t, err)
		require.Zero(t, n)

		lines, err := EventAttendance(db, ev.ID)
		require.NoError(t, err)
		got := map[string][2]bool{}
		for _, l := range lines {
			got[l.DisplayName] = [2]bool{l.Attended, l.NotedAbsence}
		}
		require.Equal(t, [2]bool{true, false}, got["Anna"])
		require.Equal(t, [2]bool{false, false}, got["Bert"])
		require.Equal(t, [2]bool{false, true}, got["Cleo"])

		mine, err := MyAttendanceOf(db, c.player.ID, ny, after)
		require.NoError(t, err)
		require.Equal(t, "S1", mine.Season.Name)
		require.Equal(t, 1, mine.Line.Excused)
		require.Equal(t, "—", mine.Line.PctText, "an excused absence is not held against her")
		require.Len(t, mine.Nights, 1)
		require.Equal(t, SignupAbsent, mine.Nights[0].Signup)
		require.True(t, mine.Nights[0].NotedAbsence)
		require.True(t, mine.Nights[0].Counts)
		mine, err = MyAttendanceOf(db, a.player.ID, ny, after)
		require.NoError(t, err)
		require.Equal(t, "100.0%", mine.Line.PctText)
	})
}
