package handlers

import (
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"patt/browsertest"
	"patt/dbtest"
	"patt/models"
	"patt/schedule"
)

// A member answers from the home page's "Next raids" panel and then on the
// raid's page, at phone width (390 px), with htmx; an officer then sees the
// raid's roster by role on a desktop, with who has not answered.
func TestRaidSignupInBrowser(t *testing.T) {
	ctx := browsertest.New(t)
	db, _ := dbtest.Migrated(t, models.SQLite)
	app, s := testApp(t, db)
	// A winter Wednesday a few years ahead (cookies expire relative to
	// the app's clock; the browser keeps only unexpired ones).
	clock := time.Date(2031, 1, 15, 17, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return clock }
	base := browsertest.Serve(t, app)

	night := models.RecurringEvent{Label: "Heroic Raid Night", DayOfWeek: 4, DefaultStartTime: models.TimeOfDay{Hour: 21},
		DefaultDurationMinutes: 180, IsActive: true, DisplayOnPublic: true, RaidHelperTemplateID: "wowretail2"}
	require.NoError(t, db.Create(&night).Error)
	_, err := schedule.GenerateRaidEvents(db, s.Config.GuildTimezone, clock)
	require.NoError(t, err)
	next, err := schedule.UpcomingEvents(db, clock, 1)
	require.NoError(t, err)
	ev := next[0]
	id := strconv.Itoa(ev.ID)

	member, mu := seedMember(t, db, "Roo", 2)
	var tankSpec models.Specialization
	require.NoError(t, db.Joins("JOIN "+models.Table(db, &models.Role{})+" ro ON ro.id = default_role_id").
		Where("ro.name = ?", models.RoleTank).Order(models.Table(db, &models.Specialization{})+".id").Take(&tankSpec).Error)
	main := models.Character{Name: "Roostank", RealmSlug: "senjin", ActiveSpecID: &tankSpec.ID}
	require.NoError(t, db.Create(&main).Error)
	require.NoError(t, db.Create(&models.PlayerCharacter{PlayerID: member.ID, CharacterID: main.ID}).Error)
	require.NoError(t, db.Model(&member).Updates(map[string]any{"main_character_id": main.ID, "main_spec_id": tankSpec.ID}).Error)
	silent, _ := seedMember(t, db, "Quiet", 2)
	require.NoError(t, db.Model(&silent).Update("main_character_id", main.ID).Error)
	_, ou := seedMember(t, db, "Captain", 4)

	// Phone: the home page panel's quick answer.
	browserLogin(t, ctx, s, base, mu)
	require.NoError(t, chromedp.Run(ctx, chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(base+"/"), chromedp.WaitVisible("#next-raids", chromedp.ByQuery)))
	scheduleJS(t, ctx, `document.querySelector('#raid-row-`+id+` button[value=signed]').click()`)
	browsertest.WaitFor(t, ctx, "signed up from the panel", `document.querySelector('#raid-row-`+id+` .raid-status--signed') !== null`)
	var overflow bool
	require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(`document.documentElement.scrollWidth > window.innerWidth + 1`, &overflow)))
	require.False(t, overflow, "the home page fits 390 px")
	browsertest.Screenshot(t, ctx, "raids-home-panel-phone.png")

	// The raid's page: change to late with a note; the roster follows in place.
	require.NoError(t, chromedp.Run(ctx, chromedp.Navigate(base+"/raids/"+id), chromedp.WaitVisible("#raid-signup", chromedp.ByQuery)))
	scheduleJS(t, ctx, `window.__noReload = true`)
	scheduleJS(t, ctx, `document.querySelector('#raid-signup input[value=late]').click(); document.querySelector('#signup-note').value = '10 min late'; document.querySelector('#raid-signup button[type=submit]').click()`)
	browsertest.WaitFor(t, ctx, "answer saved", `document.querySelector('#raid-signup .flash--success') && document.querySelector('#raid-signup .flash--success').textContent.includes('Late')`)
	browsertest.WaitFor(t, ctx, "roster updated", `document.querySelector('.raid-role--tank').textContent.includes('Roo') && document.querySelector('.raid-role--tank').textContent.includes('10 min late')`)
	var noReload bool
	require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(`window.__noReload === true`, &noReload)))
	require.True(t, noReload, "saved with htmx, no page load")
	require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(`document.documentElement.scrollWidth > window.innerWidth + 1`, &overflow)))
	require.False(t, overflow, "the raid page fits 390 px")
	browsertest.Screenshot(t, ctx, "raid-page-phone.png")
	sig, err := schedule.SignupOf(db, ev.ID, member.ID)
	require.NoError(t, err)
	require.Equal(t, schedule.SignupLate, sig.Status)
	require.Equal(t, "10 min late", *sig.Note)

	// Desktop, as the officer: the roster against the targets.
	browserLogin(t, ctx, s, base, ou)
	require.NoError(t, chromedp.Run(ctx, chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(base+"/raids/"+id), chromedp.WaitVisible("#raid-roster", chromedp.ByQuery)))
	var tank, noAnswer string
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Text(".raid-role--tank .raid-role__count", &tank, chromedp.ByQuery),
		chromedp.Text(".raid-roster__noanswer", &noAnswer, chromedp.ByQuery)))
	require.Equal(t, "1 / 2", tank)
	require.Contains(t, noAnswer, "Quiet")
	browsertest.Screenshot(t, ctx, "raid-page-officer-desktop.png")
	require.NoError(t, chromedp.Run(ctx, chromedp.Navigate(base+"/admin/raid-helper"), chromedp.WaitVisible("#rh-raids", chromedp.ByQuery)))
	browsertest.Screenshot(t, ctx, "admin-raid-helper-desktop.png")
}

// An officer links an unknown Raid-Helper signer to a player on a phone
// (390 px): the likely player is preselected, one click links with htmx,
// the row leaves the list and the signup counts.
func TestLinkUnknownSignerInBrowser(t *testing.T) {
	ctx := browsertest.New(t)
	db, _ := dbtest.Migrated(t, models.SQLite)
	app, s := testApp(t, db)
	clock := time.Date(2031, 1, 15, 17, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return clock }
	base := browsertest.Serve(t, app)

	night := models.RecurringEvent{Label: "Heroic Raid Night", DayOfWeek: 4, DefaultStartTime: models.TimeOfDay{Hour: 21},
		DefaultDurationMinutes: 180, IsActive: true, DisplayOnPublic: true, RaidHelperTemplateID: "wowretail2"}
	require.NoError(t, db.Create(&night).Error)
	_, err := schedule.GenerateRaidEvents(db, s.Config.GuildTimezone, clock)
	require.NoError(t, err)
	next, err := schedule.UpcomingEvents(db, clock, 1)
	require.NoError(t, err)
	ev := next[0]
	nova, _ := seedMember(t, db, "Novastrasza", 2)
	seedMember(t, db, "Another Player", 2)
	entry := clock.Add(-time.Hour)
	u := models.RaidHelperUnknownSignup{EventID: ev.ID, DiscordID: "123456789012345678", Name: "Novastrasza", Status: schedule.SignupSigned,
		SeenAt: clock, ClassName: "Healer", SpecName: "Preservation", EntryTime: &entry}
	require.NoError(t, db.Create(&u).Error)
	_, ou := seedMember(t, db, "Captain", 4)

	browserLogin(t, ctx, s, base, ou)
	require.NoError(t, chromedp.Run(ctx, chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(base+"/admin/raid-helper"), chromedp.WaitVisible("#rh-unknown", chromedp.ByQuery)))
	row := "#rh-unknown-" + strconv.Itoa(u.ID)
	var chosen string
	require.NoError(t, chromedp.Run(ctx, chromedp.ScrollIntoView(row, chromedp.ByQuery), chromedp.Value(row+" select", &chosen, chromedp.ByQuery)))
	require.Equal(t, strconv.Itoa(nova.ID), chosen, "the player named like the signer is preselected")
	var overflow bool
	require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(`document.documentElement.scrollWidth > window.innerWidth + 1`, &overflow)))
	require.False(t, overflow, "the Raid-Helper page fits 390 px")
	browsertest.Screenshot(t, ctx, "rh-unknown-phone.png")

	scheduleJS(t, ctx, `window.__noReload = true`)
	require.NoError(t, chromedp.Run(ctx, chromedp.Click(row+" button[type=submit]", chromedp.ByQuery)))
	browsertest.WaitFor(t, ctx, "linked", `document.querySelector('#rh-link-message') && document.querySelector('#rh-link-message').textContent.includes('Linked to Novastrasza')`)
	var gone, noReload bool
	require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(`document.querySelector('`+row+`') === null`, &gone),
		chromedp.Evaluate(`window.__noReload === true`, &noReload)))
	require.True(t, gone, "the signer leaves the list")
	require.True(t, noReload, "linked with htmx, no page load")
	browsertest.Screenshot(t, ctx, "rh-unknown-linked-phone.png")
	sig, err := schedule.SignupOf(db, ev.ID, nova.ID)
	require.NoError(t, err)
	require.NotNil(t, sig)
	require.Equal(t, schedule.SignupSigned, sig.Status)
	require.Equal(t, "healer", *sig.Role)
}
