package schedule

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/fault"
	"patt/identity"
	"patt/models"
	"patt/notify"
	"patt/raidhelper"
	"patt/raidhelper/rhfake"
	"patt/seal"
)

func rhSetup(t *testing.T, db *gorm.DB) (*rhfake.Server, RaidHelper) {
	t.Helper()
	f := rhfake.New("the-key", "111", "222")
	t.Cleanup(f.Close)
	rh := RaidHelper{BaseURL: f.BaseURL(), SiteURL: "https://patt.example", Keys: testKeys(t, "0123456789abcdef0123456789abcdef")}
	require.NoError(t, rh.SaveSettings(db, RaidHelperSettingsInput{APIKey: "the-key", ServerID: "111", CreatorID: "333", ChannelID: "222"}, testNow))
	return f, rh
}

func bookedEvents(t *testing.T, db *gorm.DB) []models.RaidEvent {
	t.Helper()
	var out []models.RaidEvent
	require.NoError(t, db.Where("rh_state = ?", RHBooked).Order("start_time_utc").Find(&out).Error)
	return out
}

// The coming week's raids are booked once each, at 21:00 New York time on
// both sides of the spring and autumn changes; the next passes add nothing.
func TestBookDueAcrossDST(t *testing.T) {
	cases := []struct {
		now1, now2 string
		want       []string // Raid-Helper start instants
	}{
		{"2025-03-06 12:00", "2025-03-10 12:00", []string{"2025-03-08 02:00", "2025-03-15 01:00"}},
		{"2025-10-30 12:00", "2025-11-03 12:00", []string{"2025-11-01 01:00", "2025-11-08 02:00"}},
	}
	for _, c := range cases {
		dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
			ny := mustZone(t, "America/New_York")
			f, rh := rhSetup(t, db)
			seedNight(t, db, "Heroic", 4, "21:00")
			rec := &notify.Recorder{}
			for _, now := range []string{c.now1, c.now1, c.now2, c.now2} {
				_, err := GenerateRaidEvents(db, ny, utc(now))
				require.NoError(t, err)
				_, err = rh.BookDue(context.Background(), db, rec, utc(now))
				require.NoError(t, err)
			}
			evs := f.Events()
			require.Len(t, evs, 2, "booked once each")
			for i, want := range c.want {
				require.Equal(t, utc(want).Unix(), evs[i].StartTime)
				require.Equal(t, 21, time.Unix(evs[i].StartTime, 0).In(ny).Hour())
				require.Equal(t, "333", evs[i].LeaderID)
				require.Contains(t, evs[i].Description, "https://patt.example/raids/")
			}
			booked := bookedEvents(t, db)
			require.Len(t, booked, 2)
			require.True(t, booked[0].AutoBooked)
			require.Equal(t, evs[0].ID, *booked[0].RaidHelperEventID)
			require.Len(t, rec.Sent(), 2, "one announcement per booking")
			require.Contains(t, rec.Sent()[0].Message.Content, "https://discord.com/channels/111/222/")
			log, err := BookingLog(db, 10)
			require.NoError(t, err)
			require.Len(t, log, 2)
			require.Equal(t, BookingOK, log[0].Status)
			require.Equal(t, "Heroic", log[0].EventTitle)
		})
	}
}

func TestBookDueWithoutSettingsDoesNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		f := rhfake.New("k", "111", "222")
		defer f.Close()
		seedNight(t, db, "Heroic", 4, "21:00")
		_, err := GenerateRaidEvents(db, mustZone(t, "America/New_York"), utc("2025-01-13 12:00"))
		require.NoError(t, err)
		res, err := RaidHelper{BaseURL: f.BaseURL()}.BookDue(context.Background(), db, nil, utc("2025-01-13 12:00"))
		require.NoError(t, err)
		require.True(t, res.Off)
		require.Empty(t, f.Calls())
		sync, err := RaidHelper{BaseURL: f.BaseURL()}.SyncSignups(context.Background(), db, 0, utc("2025-01-13 12:00"))
		require.NoError(t, err)
		require.True(t, sync.Off)
	})
}

// A failure (Raid-Helper down, or throttling) is logged on its raid and
// retried by the next pass; a week with the app down is caught up once.
func TestBookingFailuresRetryAndCatchUp(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ny := mustZone(t, "America/New_York")
		f, rh := rhSetup(t, db)
		seedNight(t, db, "Heroic", 4, "21:00")
		seedNight(t, db, "Mythic", 1, "20:00")
		ctx := context.Background()
		now := utc("2025-01-13 12:00") // Monday: Tue 14th and Fri 17th are due
		_, err := GenerateRaidEvents(db, ny, now)
		require.NoError(t, err)

		f.FailNext(http.StatusBadGateway, 1)
		f.RateLimit(1)
		res, err := rh.BookDue(ctx, db, nil, now)
		require.Error(t, err)
		require.Equal(t, 2, res.Failed)
		log, err := BookingLog(db, 10)
		require.NoError(t, err)
		require.Len(t, log, 2)
		for _, l := range log {
			require.Equal(t, BookingErr, l.Status)
			require.NotNil(t, l.Error)
		}
		require.Contains(t, *log[0].Error+*log[1].Error, "429")
		require.Contains(t, *log[0].Error+*log[1].Error, "502")
		f.RateLimit(-1)

		res, err = rh.BookDue(ctx, db, nil, now.Add(10*time.Minute))
		require.NoError(t, err)
		require.Equal(t, 2, res.Booked)

		// Down for ten days: the first pass after generates and books what
		// is due, exactly once.
		later := now.Add(10 * 24 * time.Hour)
		for i := 0; i < 2; i++ {
			_, err = GenerateRaidEvents(db, ny, later)
			require.NoError(t, err)
			_, err = rh.BookDue(ctx, db, nil, later)
			require.NoError(t, err)
		}
		// Due after the 23rd: Fri 24, Tue 28, Fri 31 (till the 30th 12:00 → Tue 28 and Fri 24).
		var starts []int64
		for _, e := range f.Events() {
			starts = append(starts, e.StartTime)
		}
		require.Equal(t, []int64{utc("2025-01-15 01:00").Unix(), utc("2025-01-18 02:00").Unix(),
			utc("2025-01-25 02:00").Unix(), utc("2025-01-29 01:00").Unix()}, starts)
		require.Equal(t, 4+2, f.CallsTo("POST /api/v2/servers/111/channels/222/event"), "2 failed + 4 booked")
	})
}

// Two instances running the pass at once book each raid once.
func TestTwoInstancesBookOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		f, rh := rhSetup(t, db)
		seedNight(t, db, "Heroic", 4, "21:00")
		seedNight(t, db, "Mythic", 1, "20:00")
		now := utc("2025-01-13 12:00")
		_, err := GenerateRaidEvents(db, mustZone(t, "America/New_York"), now)
		require.NoError(t, err)
		f.SetLatency(30 * time.Millisecond)
		var wg sync.WaitGroup
		for i := 0; i < 2; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := rh.BookDue(context.Background(), db, nil, now)
				require.NoError(t, err)
			}()
		}
		wg.Wait()
		require.Len(t, f.Events(), 2)
		require.Equal(t, 2, f.CallsTo("POST /api/v2/servers/"))
	})
}

// A crash between Raid-Helper's answer and the save leaves "pending"; the
// next pass finds the event in Raid-Helper instead of booking it twice.
func TestPendingAfterCrashIsAdopted(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		f, rh := rhSetup(t, db)
		seedNight(t, db, "Heroic", 4, "21:00")
		now := utc("2025-01-13 12:00")
		_, err := GenerateRaidEvents(db, mustZone(t, "America/New_York"), now)
		require.NoError(t, err)
		e := eventsOf(t, db)[0]
		c := raidhelper.New(f.BaseURL(), "the-key", "111", nil)
		created, err := c.CreateEvent(context.Background(), raidhelper.EventInput{ChannelID: "222", Title: e.Title, Start: e.StartTimeUTC, Duration: time.Hour})
		require.NoError(t, err)
		require.NoError(t, db.Model(&e).Updates(map[string]any{"rh_state": RHPending, "rh_state_at": now.Add(-time.Hour)}).Error)

		res, err := rh.BookDue(context.Background(), db, nil, now)
		require.NoError(t, err)
		require.Equal(t, 1, res.Adopted)
		require.Len(t, f.Events(), 1)
		var got models.RaidEvent
		require.NoError(t, db.Take(&got, e.ID).Error)
		require.Equal(t, created.EventID, *got.RaidHelperEventID)
		require.Equal(t, RHBooked, got.RHState)
	})
}

func TestOfficerBookRebookCancel(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ny := mustZone(t, "America/New_York")
		f, rh := rhSetup(t, db)
		ctx := context.Background()
		now := utc("2025-01-13 12:00")
		e, err := CreateRaidEvent(db, RaidEventInput{Title: ptr("Alt run"), EventDate: ptr("2025-01-25"), StartTime: ptr("20:00")}, ny, 0, now)
		require.NoError(t, err)
		require.Empty(t, f.Calls(), "manual events are booked by hand only")
		_, err = rh.BookDue(ctx, db, nil, now.Add(10*24*time.Hour))
		require.NoError(t, err)
		require.Empty(t, f.Events())

		require.NoError(t, rh.Book(ctx, db, e.ID, 0, now))
		require.Len(t, f.Events(), 1)
		_, err = UpdateRaidEvent(db, e.ID, RaidEventInput{StartTime: ptr("21:30"), Title: ptr("Alt run (later)")}, ny)
		require.NoError(t, err)
		require.NoError(t, rh.Book(ctx, db, e.ID, 0, now))
		ev := f.Events()[0]
		require.Equal(t, "Alt run (later)", ev.Title)
		require.Equal(t, utc("2025-01-26 02:30").Unix(), ev.StartTime)
		require.Equal(t, 1, f.CallsTo("PATCH /api/v2/events/"))

		// Raid-Helper refuses the delete: nothing changes here.
		f.FailNext(http.StatusInternalServerError, 1)
		require.Error(t, rh.Cancel(ctx, db, e.ID, 0, now))
		got, _ := RaidEventByID(db, e.ID)
		require.Equal(t, EventScheduled, got.Status)
		require.Equal(t, RHBooked, got.RHState)

		require.NoError(t, rh.Cancel(ctx, db, e.ID, 0, now))
		require.Empty(t, f.Events())
		got, _ = RaidEventByID(db, e.ID)
		require.Equal(t, EventCancelled, got.Status)
		require.Equal(t, RHCancelled, got.RHState)
		require.Equal(t, fault.KindConflict, fault.KindOf(rh.Book(ctx, db, e.ID, 0, now)))
		require.Equal(t, fault.KindConflict, fault.KindOf(rh.Cancel(ctx, db, e.ID, 0, now)))
		require.Equal(t, fault.KindNotFound, fault.KindOf(rh.Book(ctx, db, 99999, 0, now)))

		log, err := BookingLog(db, 10)
		require.NoError(t, err)
		actions := []string{}
		for _, l := range log {
			actions = append(actions, l.Action+"/"+l.Status)
		}
		require.Equal(t, []string{"cancel/ok", "cancel/failed", "update/ok", "create/ok"}, actions)
	})
}

func linkDiscord(t *testing.T, db *gorm.DB, p models.Player, id string) {
	t.Helper()
	du := models.DiscordUser{DiscordID: id, Username: "u" + id, IsPresent: true}
	require.NoError(t, db.Create(&du).Error)
	require.NoError(t, db.Model(&p).Update("discord_user_id", du.ID).Error)
}

// Signup vectors both ways: site → Raid-Helper, Raid-Helper → site, an
// unknown signer, a change on either side (the later wins), a change after
// the start (ignored), and a re-import that changes nothing.
func TestSignupsFlowBothWays(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ny := mustZone(t, "America/New_York")
		f, rh := rhSetup(t, db)
		ctx := context.Background()
		seedNight(t, db, "Heroic", 4, "21:00")
		now := utc("2025-01-13 12:00")
		clock := now
		f.SetClock(func() time.Time { return clock })
		_, err := GenerateRaidEvents(db, ny, now)
		require.NoError(t, err)
		_, err = rh.BookDue(ctx, db, nil, now)
		require.NoError(t, err)
		e := bookedEvents(t, db)[0]
		rhID := *e.RaidHelperEventID

		site := seedRaider(t, db, "Sita", 2, models.RoleTank)
		rhOnly := seedRaider(t, db, "Rhea", 2, models.RoleHealer)
		flip := seedRaider(t, db, "Flip", 2, models.RoleMeleeDPS)
		keep := seedRaider(t, db, "Keep", 2, models.RoleRangedDPS)
		for i, r := range []raider{site, rhOnly, flip, keep} {
			linkDiscord(t, db, r.player, []string{"555", "666", "777", "888"}[i])
		}

		_, err = SetSignup(db, e.ID, site.player.ID, SignupInput{Status: "signed"}, SourceSite, now)
		require.NoError(t, err)
		_, err = SetSignup(db, e.ID, flip.player.ID, SignupInput{Status: "absent", Note: "maybe"}, SourceSite, now)
		require.NoError(t, err)
		f.SignUpAs(rhID, "666", "Rhea", "Tentative", "Tentative", now.Add(time.Minute))
		f.SignUpAs(rhID, "777", "Flip", "Tank", "Protection", now.Add(time.Hour)) // later than the site's absent
		f.SignUpAs(rhID, "888", "Keep", "Bench", "Bench", now.Add(-time.Hour))    // earlier than the site's answer below
		f.SignUpAs(rhID, "999", "Stranger", "Ranged", "Fire", now)
		_, err = SetSignup(db, e.ID, keep.player.ID, SignupInput{Status: "late", Note: "15 min"}, SourceSite, now)
		require.NoError(t, err)

		clock = now.Add(2 * time.Hour)
		res, err := rh.SyncSignups(ctx, db, 0, now.Add(2*time.Hour))
		require.NoError(t, err)
		require.Equal(t, 2, res.Imported, "Rhea new, Flip changed in Raid-Helper")
		require.Equal(t, 1, res.Unknown)
		require.Equal(t, 2, res.Pushed, "Sita's and Keep's answers go to Raid-Helper")

		got := func(p models.Player) models.RaidSignup {
			s, err := SignupOf(db, e.ID, p.ID)
			require.NoError(t, err)
			require.NotNil(t, s, p.DisplayName)
			return *s
		}
		require.Equal(t, SignupTentative, got(rhOnly.player).Status)
		require.Equal(t, SourceRaidHelper, got(rhOnly.player).Source)
		fl := got(flip.player)
		require.Equal(t, SignupSigned, fl.Status)
		require.Equal(t, "tank", *fl.Role)
		require.Equal(t, SourceRaidHelper, fl.Source)
		require.Equal(t, SignupLate, got(keep.player).Status, "the site's later answer wins")
		require.Equal(t, SourceSite, got(keep.player).Source)

		rhe, _ := f.Event(rhID)
		classes, specs := map[string]string{}, map[string]string{}
		for _, s := range rhe.SignUps {
			classes[s.UserID], specs[s.UserID] = s.ClassName, s.SpecName
		}
		require.Equal(t, "Tank", classes["555"])
		require.Equal(t, "Blood", specs["555"], "Sita's main is a blood death knight")
		require.Equal(t, "Late", classes["888"])
		require.Equal(t, "Balance", specs["888"], "a status class still names the spec")

		unknown, err := UnknownSigners(db, now)
		require.NoError(t, err)
		require.Len(t, unknown, 1)
		require.Equal(t, "999", unknown[0].DiscordID)
		require.Equal(t, "Stranger", unknown[0].Name)

		// Re-import: nothing changes, no duplicates.
		clock = now.Add(3 * time.Hour)
		res, err = rh.SyncSignups(ctx, db, 0, now.Add(3*time.Hour))
		require.NoError(t, err)
		require.Zero(t, res.Imported)
		require.Zero(t, res.Pushed)
		var n int64
		require.NoError(t, db.Model(&models.RaidSignup{}).Where("event_id = ?", e.ID).Count(&n).Error)
		require.EqualValues(t, 4, n)
		require.NoError(t, db.Model(&models.RaidHelperUnknownSignup{}).Count(&n).Error)
		require.EqualValues(t, 1, n)

		// A change in Raid-Helper after the start is not taken.
		f.SignUpAs(rhID, "666", "Rhea", "Absence", "Absence", e.StartTimeUTC.Add(time.Minute))
		res, err = rh.SyncSignups(ctx, db, e.ID, e.StartTimeUTC.Add(-time.Minute))
		require.NoError(t, err)
		require.Zero(t, res.Imported)
		require.Equal(t, SignupTentative, got(rhOnly.player).Status)
	})
}

// Booking that keeps failing for a raid less than a day away is told to
// officers once, in the raid channel, with the last error.
func TestUnbookedRaidAlertsOfficersOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		f, rh := rhSetup(t, db)
		seedNight(t, db, "Heroic", 4, "21:00")
		now := utc("2025-01-13 12:00")
		_, err := GenerateRaidEvents(db, mustZone(t, "America/New_York"), now)
		require.NoError(t, err)
		rec := &notify.Recorder{}
		f.FailNext(http.StatusBadGateway, 10)
		res, err := rh.BookDue(context.Background(), db, rec, now)
		require.Error(t, err)
		require.Zero(t, res.Alerted, "four days ahead: no alarm yet")
		require.Empty(t, rec.Sent())
		dayBefore := utc("2025-01-17 03:00")
		alerted := 0
		for i := 0; i < 3; i++ {
			res, err = rh.BookDue(context.Background(), db, rec, dayBefore.Add(time.Duration(i)*10*time.Minute))
			require.Error(t, err)
			alerted += res.Alerted
		}
		require.Equal(t, 1, alerted)
		require.Len(t, rec.Sent(), 1, "told once")
		require.Equal(t, "222", rec.Sent()[0].ChannelID)
		require.Contains(t, rec.Sent()[0].Message.Content, "not booked in Raid-Helper")
		require.Contains(t, rec.Sent()[0].Message.Content, "502")
	})
}

// A night moved from 21:00 to 20:00 moves its generated raids that have not
// started, and booked ones are updated in Raid-Helper by the next pass; an
// officer's edit of a booked raid goes there too; a generated raid cannot
// be moved to another day (the night would bring its date back).
func TestChangesFollowIntoRaidHelper(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ny := mustZone(t, "America/New_York")
		f, rh := rhSetup(t, db)
		ctx := context.Background()
		night := seedNight(t, db, "Heroic", 4, "21:00")
		now := utc("2025-01-13 12:00")
		_, err := GenerateRaidEvents(db, ny, now)
		require.NoError(t, err)
		_, err = rh.BookDue(ctx, db, nil, now)
		require.NoError(t, err)
		require.Len(t, f.Events(), 1)

		_, err = UpdateRaidNight(db, night.ID, RaidNightInput{DefaultStartTime: ptr("20:00")}, now)
		require.NoError(t, err)
		_, err = GenerateRaidEvents(db, ny, now)
		require.NoError(t, err)
		for _, e := range eventsOf(t, db) {
			require.Equal(t, 20, e.StartTimeUTC.In(ny).Hour(), e.EventDate.String())
		}
		res, err := rh.BookDue(ctx, db, nil, now.Add(time.Minute))
		require.NoError(t, err)
		require.Equal(t, 1, res.Updated)
		require.Equal(t, utc("2025-01-18 01:00").Unix(), f.Events()[0].StartTime, "20:00 EST")

		first := eventsOf(t, db)[0]
		_, err = UpdateRaidEvent(db, first.ID, RaidEventInput{Title: ptr("Heroic — Gallywix")}, ny)
		require.NoError(t, err)
		res, err = rh.BookDue(ctx, db, nil, now.Add(2*time.Minute))
		require.NoError(t, err)
		require.Equal(t, 1, res.Updated)
		require.Equal(t, "Heroic — Gallywix", f.Events()[0].Title)
		res, err = rh.BookDue(ctx, db, nil, now.Add(3*time.Minute))
		require.NoError(t, err)
		require.Zero(t, res.Updated, "updated once")

		second := eventsOf(t, db)[1]
		_, err = UpdateRaidEvent(db, second.ID, RaidEventInput{EventDate: ptr("2025-01-25")}, ny)
		require.Equal(t, fault.KindInvalid, fault.KindOf(err))
		require.Contains(t, fault.FieldsOf(err), "event_date")
	})
}

// specChar creates a character of a class playing a spec, owned by p.
func specChar(t *testing.T, db *gorm.DB, p models.Player, name, class, spec string) models.Character {
	t.Helper()
	var cls models.Class
	require.NoError(t, db.Where("name = ?", class).Take(&cls).Error)
	var sp models.Specialization
	require.NoError(t, db.Where("name = ? AND class_id = ?", spec, cls.ID).Take(&sp).Error)
	c := models.Character{Name: name, RealmSlug: "senjin", ClassID: &cls.ID, ActiveSpecID: &sp.ID}
	require.NoError(t, db.Create(&c).Error)
	require.NoError(t, db.Create(&models.PlayerCharacter{PlayerID: p.ID, CharacterID: c.ID}).Error)
	return c
}

// Signups carry class and spec both ways (spec §8.3): a site answer goes
// to Raid-Helper under the role class with the template's name of the
// spec the chosen character plays in that role; a Raid-Helper signup's
// spec name picks the member's character of that class.
func TestSignupClassAndSpecBothWays(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ny := mustZone(t, "America/New_York")
		f, rh := rhSetup(t, db)
		ctx := context.Background()
		seedNight(t, db, "Heroic", 4, "21:00")
		now := utc("2025-01-13 12:00")
		clock := now
		f.SetClock(func() time.Time { return clock })
		_, err := GenerateRaidEvents(db, ny, now)
		require.NoError(t, err)
		_, err = rh.BookDue(ctx, db, nil, now)
		require.NoError(t, err)
		e := bookedEvents(t, db)[0]
		rhID := *e.RaidHelperEventID

		pal := seedPlayer(t, db, "Lumen", 2, "America/New_York", "")
		palMain := specChar(t, db, pal, "Lumen", "Paladin", "Holy")
		require.NoError(t, db.Model(&pal).Update("main_character_id", palMain.ID).Error)
		pal.MainCharacterID = &palMain.ID
		linkDiscord(t, db, pal, "501")
		mix := seedPlayer(t, db, "Mixa", 2, "America/New_York", "")
		mage := specChar(t, db, mix, "Mixamage", "Mage", "Frost")
		dk := specChar(t, db, mix, "Mixadk", "Death Knight", "Frost")
		require.NoError(t, db.Model(&mix).Update("main_character_id", mage.ID).Error)
		mix.MainCharacterID = &mage.ID
		linkDiscord(t, db, mix, "502")

		inRH := func(uid string) rhfake.SignUp {
			ev, _ := f.Event(rhID)
			for _, s := range ev.SignUps {
				if s.UserID == uid {
					return s
				}
			}
			t.Fatalf("no Raid-Helper signup of %s", uid)
			return rhfake.SignUp{}
		}
		sync := func(at time.Time) SyncResult {
			clock = at
			res, err := rh.SyncSignups(ctx, db, 0, at)
			require.NoError(t, err)
			return res
		}

		// The holy paladin signs up: Healer / Holy1 (not the priest's Holy).
		_, err = SetSignup(db, e.ID, pal.ID, SignupInput{Status: "signed"}, SourceSite, now)
		require.NoError(t, err)
		require.Equal(t, 1, sync(now.Add(time.Minute)).Pushed)
		require.Equal(t, "Healer", inRH("501").ClassName)
		require.Equal(t, "Holy1", inRH("501").SpecName)
		// The same paladin offers to tank: Tank / Protection1.
		_, err = SetSignup(db, e.ID, pal.ID, SignupInput{Status: "signed", Role: "tank"}, SourceSite, now.Add(2*time.Minute))
		require.NoError(t, err)
		require.Equal(t, 1, sync(now.Add(3*time.Minute)).Pushed)
		require.Equal(t, "Tank", inRH("501").ClassName)
		require.Equal(t, "Protection1", inRH("501").SpecName)
		// On the death knight alt: Melee / Frost1; absent keeps naming it.
		_, err = SetSignup(db, e.ID, mix.ID, SignupInput{Status: "signed", CharacterID: dk.ID}, SourceSite, now.Add(4*time.Minute))
		require.NoError(t, err)
		require.Equal(t, 1, sync(now.Add(5*time.Minute)).Pushed)
		require.Equal(t, "Melee", inRH("502").ClassName)
		require.Equal(t, "Frost1", inRH("502").SpecName)
		_, err = SetSignup(db, e.ID, mix.ID, SignupInput{Status: "absent", CharacterID: dk.ID, Note: "away"}, SourceSite, now.Add(6*time.Minute))
		require.NoError(t, err)
		require.Equal(t, 1, sync(now.Add(7*time.Minute)).Pushed)
		require.Equal(t, "Absence", inRH("502").ClassName)
		require.Equal(t, "Frost1", inRH("502").SpecName)

		// Back from Raid-Helper: Ranged / Frost is the mage, Melee / Frost1
		// the death knight.
		f.SignUpAs(rhID, "502", "Mixa", "Ranged", "Frost", now.Add(time.Hour))
		require.Equal(t, 1, sync(now.Add(61*time.Minute)).Imported)
		s, err := SignupOf(db, e.ID, mix.ID)
		require.NoError(t, err)
		require.Equal(t, SignupSigned, s.Status)
		require.Equal(t, mage.ID, *s.CharacterID)
		require.Equal(t, "ranged", *s.Role)
		f.SignUpAs(rhID, "502", "Mixa", "Melee", "Frost1", now.Add(2*time.Hour))
		require.Equal(t, 1, sync(now.Add(121*time.Minute)).Imported)
		s, err = SignupOf(db, e.ID, mix.ID)
		require.NoError(t, err)
		require.Equal(t, dk.ID, *s.CharacterID)
		require.Equal(t, "melee", *s.Role)
		var att models.RaidAttendance
		require.NoError(t, db.Where("event_id = ? AND player_id = ?", e.ID, mix.ID).Take(&att).Error)
		require.Equal(t, dk.ID, *att.CharacterID, "the attendance sheet follows the character")
		// Holy1 back is the paladin's Holy, a healer.
		f.SignUpAs(rhID, "501", "Lumen", "Healer", "Holy1", now.Add(3*time.Hour))
		require.Equal(t, 1, sync(now.Add(181*time.Minute)).Imported)
		s, err = SignupOf(db, e.ID, pal.ID)
		require.NoError(t, err)
		require.Equal(t, palMain.ID, *s.CharacterID)
		require.Equal(t, "healer", *s.Role)
	})
}

// A configured voice channel goes with every booking and re-booking; none
// configured sends none.
func TestVoiceChannelGoesToRaidHelper(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		f, rh := rhSetup(t, db)
		ctx := context.Background()
		seedNight(t, db, "Heroic", 4, "21:00")
		now := utc("2025-01-13 12:00")
		_, err := GenerateRaidEvents(db, mustZone(t, "America/New_York"), now)
		require.NoError(t, err)
		_, err = rh.BookDue(ctx, db, nil, now)
		require.NoError(t, err)
		first := bookedEvents(t, db)[0]
		ev, _ := f.Event(*first.RaidHelperEventID)
		require.Empty(t, ev.VoiceChannel())

		require.NoError(t, rh.SaveSettings(db, RaidHelperSettingsInput{ServerID: "111", CreatorID: "333", ChannelID: "222", VoiceChannelID: "444"}, now))
		require.NoError(t, rh.Book(ctx, db, first.ID, 0, now))
		ev, _ = f.Event(*first.RaidHelperEventID)
		require.Equal(t, "444", ev.VoiceChannel(), "re-booking sends the voice channel")
		_, err = GenerateRaidEvents(db, mustZone(t, "America/New_York"), now.Add(7*24*time.Hour))
		require.NoError(t, err)
		_, err = rh.BookDue(ctx, db, nil, now.Add(7*24*time.Hour))
		require.NoError(t, err)
		booked := bookedEvents(t, db)
		last, _ := f.Event(*booked[len(booked)-1].RaidHelperEventID)
		require.Equal(t, "444", last.VoiceChannel())
	})
}

func testKeys(t *testing.T, secret string) *seal.Box {
	t.Helper()
	b, err := seal.New([]byte(secret), KeyBoxPurpose)
	require.NoError(t, err)
	return b
}

// Spec §8.1 fix: the API key is sealed at rest with a key derived from the
// app's secret; a key saved in plain text before is sealed at start-up and
// keeps working; after a change of secret the error says what to do, and
// no call goes out with a garbled key.
func TestAPIKeySealedAtRest(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		f, rh := rhSetup(t, db)
		ctx := context.Background()
		stored := func() string {
			var cfg models.DiscordConfig
			require.NoError(t, db.Take(&cfg).Error)
			return deref(cfg.RaidHelperAPIKey)
		}
		require.True(t, seal.IsSealed(stored()))
		require.NotContains(t, stored(), "the-key")
		n, err := rh.TestConnection(ctx, db)
		require.NoError(t, err)
		require.Zero(t, n)
		require.Equal(t, "the-key", f.Calls()[0].Authorization, "the opened key goes to Raid-Helper")

		// A plaintext left from before: used as is, then sealed once.
		require.NoError(t, db.Model(&models.DiscordConfig{}).Where("1 = 1").Update("raid_helper_api_key", "the-key").Error)
		_, err = rh.TestConnection(ctx, db)
		require.NoError(t, err)
		sealed, err := rh.SealStoredKey(db)
		require.NoError(t, err)
		require.True(t, sealed)
		require.True(t, seal.IsSealed(stored()))
		sealed, err = rh.SealStoredKey(db)
		require.NoError(t, err)
		require.False(t, sealed, "already sealed")
		_, err = rh.TestConnection(ctx, db)
		require.NoError(t, err)

		// Another secret: unreadable, said clearly, nothing sent.
		moved := rh
		moved.Keys = testKeys(t, "a different app secret, 32 bytes+")
		calls := len(f.Calls())
		_, err = moved.TestConnection(ctx, db)
		require.Equal(t, fault.KindConflict, fault.KindOf(err))
		require.Contains(t, fault.MessageOf(err), "cannot be decrypted")
		require.Contains(t, fault.MessageOf(err), "PATT_JWT_SECRET")
		_, err = moved.BookDue(ctx, db, nil, testNow)
		require.Equal(t, fault.KindConflict, fault.KindOf(err))
		require.Equal(t, calls, len(f.Calls()))
		st, err := moved.LoadSettings(db)
		require.NoError(t, err)
		require.True(t, st.KeySet)
		require.True(t, st.KeyUnreadable)
		st, err = rh.LoadSettings(db)
		require.NoError(t, err)
		require.False(t, st.KeyUnreadable)

		// No box, no saving: a key is never written in plain text.
		err = RaidHelper{}.SaveSettings(db, RaidHelperSettingsInput{APIKey: "new", ServerID: "111"}, testNow)
		require.Error(t, err)
		require.True(t, seal.IsSealed(stored()))
		// Too long to fit the column once sealed: refused by name.
		err = rh.SaveSettings(db, RaidHelperSettingsInput{APIKey: strings.Repeat("k", 101), ServerID: "111"}, testNow)
		require.Equal(t, "must be at most 100 characters", fault.FieldsOf(err)["raid_helper_api_key"])
		require.LessOrEqual(t, rh.Keys.SealedLen(100), 200)
	})
}

// An officer links an unknown Raid-Helper signer to a player in one click:
// the Discord account is linked (created if the Discord sync has not seen
// it), the signer's answer counts at once with its class and spec, the
// signer leaves the list, and the next sync matches them by Discord id.
// A player linked to another account, or above the officer, is refused.
func TestLinkUnknownSigner(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ny := mustZone(t, "America/New_York")
		f, rh := rhSetup(t, db)
		ctx := context.Background()
		seedNight(t, db, "Heroic", 4, "21:00")
		now := utc("2025-01-13 12:00")
		clock := now
		f.SetClock(func() time.Time { return clock })
		_, err := GenerateRaidEvents(db, ny, now)
		require.NoError(t, err)
		_, err = rh.BookDue(ctx, db, nil, now)
		require.NoError(t, err)
		e := bookedEvents(t, db)[0]
		rhID := *e.RaidHelperEventID

		officer := seedPlayer(t, db, "Offi", 4, "America/New_York", "")
		newbie := seedPlayer(t, db, "Nova", 2, "America/New_York", "")
		dk := specChar(t, db, newbie, "Novadk", "Death Knight", "Frost")
		require.NoError(t, db.Model(&newbie).Update("main_character_id", dk.ID).Error)
		linked := seedPlayer(t, db, "Linda", 2, "America/New_York", "")
		linkDiscord(t, db, linked, "600")
		boss := seedPlayer(t, db, "Bossy", 5, "America/New_York", "")

		f.SignUpAs(rhID, "999", "Novadk", "Melee", "Frost1", now.Add(time.Minute))
		f.SignUpAs(rhID, "998", "Someone", "Tentative", "Holy", now.Add(time.Minute))
		clock = now.Add(time.Hour)
		res, err := rh.SyncSignups(ctx, db, 0, clock)
		require.NoError(t, err)
		require.Equal(t, 2, res.Unknown)
		list, err := UnknownSigners(db, clock)
		require.NoError(t, err)
		require.Len(t, list, 2)
		var nova UnknownSigner
		for _, u := range list {
			if u.DiscordID == "999" {
				nova = u
			}
		}
		require.Equal(t, "Melee", nova.ClassName)
		require.Equal(t, "Frost1", nova.SpecName)

		cands, err := LinkCandidates(db)
		require.NoError(t, err)
		require.Equal(t, newbie.ID, SuggestFor(cands, "Novadk"), "matched by character name")
		for _, c := range cands {
			require.NotEqual(t, linked.ID, c.ID, "a player already linked is not offered")
		}

		by := identity.By(officer.ID)
		_, err = LinkUnknownSigner(db, by, nova.ID, linked.ID)
		require.Equal(t, fault.KindConflict, fault.KindOf(err))
		require.Contains(t, fault.MessageOf(err), "already linked")
		_, err = LinkUnknownSigner(db, by, nova.ID, boss.ID)
		require.Equal(t, fault.KindForbidden, fault.KindOf(err), "only players below the officer")
		_, err = LinkUnknownSigner(db, by, nova.ID, 0)
		require.Equal(t, fault.KindInvalid, fault.KindOf(err))
		var n int64
		require.NoError(t, db.Model(&models.RaidSignup{}).Count(&n).Error)
		require.Zero(t, n, "refusals leave nothing behind")

		got, err := LinkUnknownSigner(db, by, nova.ID, newbie.ID)
		require.NoError(t, err)
		require.Equal(t, LinkResult{Player: "Nova", Imported: 1}, got)
		s, err := SignupOf(db, e.ID, newbie.ID)
		require.NoError(t, err)
		require.NotNil(t, s)
		require.Equal(t, SignupSigned, s.Status)
		require.Equal(t, "melee", *s.Role)
		require.Equal(t, dk.ID, *s.CharacterID)
		require.Equal(t, SourceRaidHelper, s.Source)
		var att models.RaidAttendance
		require.NoError(t, db.Where("event_id = ? AND player_id = ?", e.ID, newbie.ID).Take(&att).Error)
		require.True(t, att.SignedUp, "counted on the attendance sheet")
		var p models.Player
		require.NoError(t, db.Preload("DiscordUser").Take(&p, newbie.ID).Error)
		require.Equal(t, "999", p.DiscordUser.DiscordID)
		list, err = UnknownSigners(db, clock)
		require.NoError(t, err)
		require.Len(t, list, 1)
		require.Equal(t, "998", list[0].DiscordID)
		_, err = LinkUnknownSigner(db, by, nova.ID, newbie.ID)
		require.Equal(t, fault.KindConflict, fault.KindOf(err), "linked already")

		// The next sync knows them: nothing new, nothing duplicated.
		clock = now.Add(2 * time.Hour)
		res, err = rh.SyncSignups(ctx, db, 0, clock)
		require.NoError(t, err)
		require.Equal(t, 1, res.Unknown)
		require.Zero(t, res.Imported)
		require.Zero(t, res.Pushed)
		require.NoError(t, db.Model(&models.RaidSignup{}).Where("event_id = ?", e.ID).Count(&n).Error)
		require.EqualValues(t, 1, n)
		// A signer who leaves Raid-Helper leaves the list at the next sync.
		f.RemoveSignUp(rhID, "998")
		res, err = rh.SyncSignups(ctx, db, 0, clock)
		require.NoError(t, err)
		require.Zero(t, res.Unknown)
		list, err = UnknownSigners(db, clock)
		require.NoError(t, err)
		require.Empty(t, list)
	})
}
