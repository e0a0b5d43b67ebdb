package handlers

import (
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"patt/browsertest"
	"patt/dbtest"
	"patt/identity"
	"patt/models"
)

// Issue 11 item 1 in a real browser, on a phone (390 px) and a desktop:
// the officer sees a member's own character marked unverified on its
// owner's card and confirms it with one click (htmx swaps the card); a
// refused add-character form, the officer's and the member's, comes back
// in place with what was typed and the message beside the field; no page
// is wider than the screen.
func TestConfirmAndRefusedFormsInBrowser(t *testing.T) {
	ctx := browsertest.New(t)
	db, _ := dbtest.Migrated(t, models.SQLite)
	app, s := testApp(t, db)
	base := browsertest.Serve(t, app)
	me, member := seedMember(t, db, "Jay", 2)
	_, officer := seedMember(t, db, "Offy", 4)
	mage, frost := classAndSpec(t, db, "Mage", "Frost")
	for _, width := range []int64{390, 1366} {
		label := map[int64]string{390: "phone", 1366: "desktop"}[width]
		name := map[int64]string{390: "Jaina", 1366: "Antonidas"}[width]
		ch, err := identity.AddOwnCharacter(db, me.ID, identity.NewCharacter{Name: name, Realm: "Proudmoore", ClassID: mage, SpecID: frost}, s.Now())
		require.NoError(t, err)
		card := "#player-" + strconv.Itoa(me.ID)

		browserLogin(t, ctx, s, base, officer)
		require.NoError(t, chromedp.Run(ctx,
			chromedp.EmulateViewport(width, 900),
			chromedp.Navigate(base+"/admin/players"),
			chromedp.WaitVisible(card+" .pm-unverified", chromedp.ByQuery),
		))
		var badgeText string
		require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(`document.querySelector('`+card+` .pm-unverified').closest('li').textContent`, &badgeText)))
		require.Contains(t, badgeText, name)
		checkFitsScreen(t, ctx, width)
		browsertest.Screenshot(t, ctx, "pm-unverified-"+label+".png")

		scheduleJS(t, ctx, `document.querySelector('`+card+` .pm-mini--confirm').click()`)
		browsertest.WaitFor(t, ctx, "the card swapped, confirmed", `document.querySelector('`+card+`') && !document.querySelector('`+card+` .pm-unverified') && document.querySelector('`+card+`').textContent.includes('`+name+`')`)
		var link models.PlayerCharacter
		require.NoError(t, db.Where("character_id = ?", ch.ID).Take(&link).Error)
		require.False(t, identity.Unverified(link))

		// The officer's form, refused: in place, values kept.
		scheduleJS(t, ctx, `document.querySelector('#pm-add-char').open = true`)
		require.NoError(t, chromedp.Run(ctx,
			chromedp.WaitVisible("#pm-add-name", chromedp.ByQuery),
			chromedp.SendKeys("#pm-add-name", "Thr4ll", chromedp.ByQuery),
			chromedp.SendKeys("#pm-add-realm", "Area 52", chromedp.ByQuery),
			chromedp.SetValue("#pm-add-class", strconv.Itoa(mage), chromedp.ByQuery),
		))
		scheduleJS(t, ctx, `document.querySelector('#pm-add-char button[type=submit]').click()`)
		browsertest.WaitFor(t, ctx, "the officer's form with its error", `document.querySelector('#pm-add-name-error') && document.querySelector('#pm-add-name').value === 'Thr4ll' && document.querySelector('#pm-add-realm').value === 'Area 52' && document.querySelector('#pm-add-class').value === '`+strconv.Itoa(mage)+`' && document.querySelector('#pm-add-char').open`)
		var path string
		require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(`location.pathname`, &path)))
		require.Equal(t, "/admin/players", path, "no error page: the board stays")
		checkFitsScreen(t, ctx, width)
		browsertest.Screenshot(t, ctx, "pm-add-char-refused-"+label+".png")

		// The member's form on /profile, refused the same way.
		browserLogin(t, ctx, s, base, member)
		require.NoError(t, chromedp.Run(ctx,
			chromedp.Navigate(base+"/profile"),
			chromedp.WaitVisible("#add-character summary", chromedp.ByQuery),
		))
		scheduleJS(t, ctx, `document.querySelector('#add-character').open = true`)
		require.NoError(t, chromedp.Run(ctx,
			chromedp.WaitVisible("#add-char-name", chromedp.ByQuery),
			chromedp.SendKeys("#add-char-name", "K4el", chromedp.ByQuery),
			chromedp.SendKeys("#add-char-realm", "Sen'jin", chromedp.ByQuery),
			chromedp.SetValue("#add-char-class", strconv.Itoa(mage), chromedp.ByQuery),
			chromedp.SendKeys("#add-char-level", "70", chromedp.ByQuery),
		))
		scheduleJS(t, ctx, `document.querySelector('#add-character button[type=submit]').click()`)
		browsertest.WaitFor(t, ctx, "the member's form with its error", `document.querySelector('#add-char-name-error') && document.querySelector('#add-char-name').value === 'K4el' && document.querySelector('#add-char-realm').value === "Sen'jin" && document.querySelector('#add-char-level').value === '70' && document.querySelector('#add-character').open`)
		checkFitsScreen(t, ctx, width)
		browsertest.Screenshot(t, ctx, "profile-add-char-refused-"+label+".png")
	}
}
