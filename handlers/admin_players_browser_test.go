package handlers

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"patt/auth"
	"patt/browsertest"
	"patt/dbtest"
	"patt/models"
)

// dragBetween drags the element matched by from onto the one matched by to,
// after scrolling both into view (measured together, so one scroll cannot
// move the other).
func dragBetween(t *testing.T, ctx context.Context, from, to string) {
	t.Helper()
	var pt []float64
	require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(fmt.Sprintf(`(() => {
		const a = document.querySelector(%q), b = document.querySelector(%q);
		a.scrollIntoView({block: 'nearest'}); b.scrollIntoView({block: 'nearest'});
		const ra = a.getBoundingClientRect(), rb = b.getBoundingClientRect();
		return [ra.left + ra.width / 2, ra.top + ra.height / 2, rb.left + rb.width / 2, rb.top + rb.height / 2]; })()`, from, to), &pt)))
	require.NoError(t, dragMouse(ctx, pt[0], pt[1], pt[2], pt[3]))
}

// dragMouse drags with real mouse events, moving in small steps as a hand
// does (SortableJS in fallback mode follows pointer events).
func dragMouse(ctx context.Context, x0, y0, x1, y1 float64) error {
	step := func(typ input.MouseType, x, y float64, buttons int64) chromedp.Action {
		return chromedp.ActionFunc(func(ctx context.Context) error {
			p := input.DispatchMouseEvent(typ, x, y).WithButtons(buttons)
			if typ != input.MouseMoved || buttons != 0 {
				p = p.WithButton(input.Left)
			}
			if typ == input.MousePressed || typ == input.MouseReleased {
				p = p.WithClickCount(1)
			}
			return p.Do(ctx)
		})
	}
	actions := []chromedp.Action{step(input.MouseMoved, x0, y0, 0), step(input.MousePressed, x0, y0, 1)}
	const n = 20
	for i := 1; i <= n; i++ {
		f := float64(i) / n
		actions = append(actions, step(input.MouseMoved, x0+(x1-x0)*f, y0+(y1-y0)*f, 1), chromedp.Sleep(15*time.Millisecond))
	}
	actions = append(actions, chromedp.Sleep(100*time.Millisecond), step(input.MouseReleased, x1, y1, 0))
	return chromedp.Run(ctx, actions...)
}

// An officer edits a rank's scheduling weight in place, then links a
// character to a player by dragging its chip onto the player's card.
func TestAdminIdentityToolsInBrowser(t *testing.T) {
	ctx := browsertest.New(t)
	db, _ := dbtest.Migrated(t, models.SQLite)
	app, s := testApp(t, db)
	base := browsertest.Serve(t, app)

	// The Guild Leader: the rank table below is theirs alone (security
	// rule); the Player Manager is any officer's.
	offPlayer, officer := seedMember(t, db, "Trogdor", 5)
	alpha, _ := seedMember(t, db, "Alphaplayer", 3)
	bravo := models.Player{DisplayName: "Bravoplayer", IsActive: true}
	require.NoError(t, db.Omit("Characters").Create(&bravo).Error)
	var mage, priest models.Class
	require.NoError(t, db.Where("name = ?", "Mage").Take(&mage).Error)
	require.NoError(t, db.Where("name = ?", "Priest").Take(&priest).Error)
	var frost models.Specialization
	require.NoError(t, db.Where("name = ? AND class_id = ?", "Frost", mage.ID).Take(&frost).Error)
	main := models.Character{Name: "Alphamage", RealmSlug: "senjin", ClassID: &mage.ID, ActiveSpecID: &frost.ID}
	loose := models.Character{Name: "Driftpriest", RealmSlug: "senjin", ClassID: &priest.ID}
	require.NoError(t, db.Create(&main).Error)
	require.NoError(t, db.Create(&loose).Error)
	require.NoError(t, db.Create(&models.PlayerCharacter{PlayerID: alpha.ID, CharacterID: main.ID}).Error)
	require.NoError(t, db.Model(&alpha).Update("main_character_id", main.ID).Error)
	require.NoError(t, db.Create(&models.DiscordUser{DiscordID: "4242", Username: "alpha_d", IsPresent: true}).Error)
	var vet models.GuildRank
	require.NoError(t, db.Where("level = 3").Take(&vet).Error)
	_, err := auth.CreateInvite(db, bravo.ID, &offPlayer.ID, time.Now(), 0)
	require.NoError(t, err)

	browserLogin(t, ctx, s, base, officer)

	// Reference Tables: Edit → weight 2 → Save → the saved row.
	row := fmt.Sprintf("#rank-%d", vet.ID)
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Navigate(base+"/admin/reference-tables"),
		chromedp.WaitVisible(row, chromedp.ByQuery),
		chromedp.Click(row+" a.btn", chromedp.ByQuery),
		chromedp.WaitVisible(row+`.row--editing input[name="scheduling_weight"]`, chromedp.ByQuery),
		chromedp.SetValue(row+` input[name="scheduling_weight"]`, "2", chromedp.ByQuery),
		chromedp.Click(row+` button[type="submit"]`, chromedp.ByQuery),
	))
	browsertest.WaitFor(t, ctx, "the saved rank row", fmt.Sprintf(`document.querySelector('%s.row--saved')`, row))
	var shown string
	require.NoError(t, chromedp.Run(ctx, chromedp.Text(row+" td:nth-child(4)", &shown, chromedp.ByQuery)))
	require.Equal(t, "2", shown)
	require.NoError(t, db.Take(&vet, vet.ID).Error)
	require.Equal(t, 2, vet.SchedulingWeight, "saved in the database")

	// A refused value shows in the row, not as a broken page.
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Click(row+" a.btn", chromedp.ByQuery),
		chromedp.WaitVisible(row+`.row--editing input[name="discord_role_id"]`, chromedp.ByQuery),
		chromedp.SetValue(row+` input[name="discord_role_id"]`, "not-a-snowflake", chromedp.ByQuery),
		chromedp.Click(row+` button[type="submit"]`, chromedp.ByQuery),
	))
	browsertest.WaitFor(t, ctx, "the refused row", fmt.Sprintf(`document.querySelector('%s.row--invalid .field-error')`, row))
	require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(`document.querySelector('.ref-classes').open = true`, nil)))
	browsertest.Screenshot(t, ctx, "admin_reference_tables.png")

	// Player Manager: drag the loose character onto Bravo's card.
	card := fmt.Sprintf("#player-%d", bravo.ID)
	chip := fmt.Sprintf("#char-%d", loose.ID)
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Navigate(base+"/admin/players"),
		chromedp.WaitVisible(card, chromedp.ByQuery),
		chromedp.WaitVisible(chip, chromedp.ByQuery),
	))
	browsertest.WaitFor(t, ctx, "SortableJS on the lists", `document.querySelector('#pm-chars-list').pattSortable`)
	var count string
	require.NoError(t, chromedp.Run(ctx, chromedp.Text("#pm-chars-count", &count, chromedp.ByQuery)))
	require.Equal(t, "(2 total, 1 unlinked)", count)
	alphaOffers := fmt.Sprintf(`document.querySelector('#player-%d .pm-link-char option[value="%d"]')`, alpha.ID, loose.ID)
	browsertest.WaitFor(t, ctx, "Alpha's card offering the loose character", alphaOffers)
	dragBetween(t, ctx, chip+" .item-card__name", card+" .pm-card__chars")
	browsertest.WaitFor(t, ctx, "the character on Bravo's card", fmt.Sprintf(`document.querySelector('%s .pm-chip[data-char-id="%d"]')`, card, loose.ID))
	browsertest.WaitFor(t, ctx, "the chip showing its owner", fmt.Sprintf(`document.querySelector('%s') && document.querySelector('%s').textContent.includes('Bravoplayer')`, chip, chip))
	// pm-changed refreshes what the swap did not touch: the header count and
	// the other cards' link selects.
	browsertest.WaitFor(t, ctx, "the characters count after the drop", `document.querySelector('#pm-chars-count').textContent === '(2 total, 0 unlinked)'`)
	browsertest.WaitFor(t, ctx, "Alpha's card no longer offering it", "!"+alphaOffers)

	// A chip button (no form of its own: form="pm-act") posts through htmx
	// with the CSRF header and swaps just the card, with no page load.
	offspec := fmt.Sprintf(`%s .pm-chip[data-char-id="%d"] button[value="offspec"]`, card, loose.ID)
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Evaluate(`window.pattNoReload = true`, nil),
		chromedp.Click(offspec, chromedp.ByQuery),
	))
	browsertest.WaitFor(t, ctx, "the off-spec badge on Bravo's card", fmt.Sprintf(`document.querySelector('%s .pm-chip[data-char-id="%d"] .pm-badge--offspec')`, card, loose.ID))
	var noReload bool
	require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(`window.pattNoReload === true`, &noReload)))
	require.True(t, noReload, "htmx swapped the card; the page did not reload")
	var bravoNow models.Player
	require.NoError(t, db.Take(&bravoNow, bravo.ID).Error)
	require.NotNil(t, bravoNow.OffspecCharacterID)
	require.Equal(t, loose.ID, *bravoNow.OffspecCharacterID)

	var link models.PlayerCharacter
	require.NoError(t, db.Where("character_id = ?", loose.ID).Take(&link).Error)
	require.Equal(t, bravo.ID, link.PlayerID, "the drop linked the character in the database")

	// Drag it from the card onto the unlink zone: unlinked again.
	dragBetween(t, ctx, fmt.Sprintf(`%s .pm-chip[data-char-id="%d"] .pm-chip__name`, card, loose.ID), `[data-drop-unlink="char"]`)
	browsertest.WaitFor(t, ctx, "the chip back to unlinked", fmt.Sprintf(`document.querySelector('%s').textContent.includes('Unlinked')`, chip))
	var n int64
	db.Model(&models.PlayerCharacter{}).Where("character_id = ?", loose.ID).Count(&n)
	require.Zero(t, n, "the drop on the unlink zone unlinked it")

	// And link it once more, for the picture.
	dragBetween(t, ctx, chip+" .item-card__name", card+" .pm-card__chars")
	browsertest.WaitFor(t, ctx, "the character on Bravo's card again", fmt.Sprintf(`document.querySelector('%s .pm-chip[data-char-id="%d"]')`, card, loose.ID))

	// Drag the Discord member onto Alpha's card: linked.
	dragBetween(t, ctx, `#pm-discord-list .pm-discord .item-card__name`, fmt.Sprintf(`#player-%d .pm-card__chars`, alpha.ID))
	browsertest.WaitFor(t, ctx, "Alpha's card showing the Discord link", fmt.Sprintf(`document.querySelector('#player-%d .item-card__meta').textContent.includes('@alpha_d')`, alpha.ID))
	var a models.Player
	require.NoError(t, db.Take(&a, alpha.ID).Error)
	require.NotNil(t, a.DiscordUserID, "the drop linked the Discord member")

	// Open one card's Manage section so the screenshot shows the forms.
	require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(fmt.Sprintf(`document.querySelector('#player-%d details').open = true`, alpha.ID), nil),
		chromedp.Evaluate(`document.querySelectorAll('.board__list').forEach(l => { l.scrollTop = 0; });
			document.querySelectorAll('*').forEach(e => { if (e.scrollTop) e.scrollTop = 0; });
			document.documentElement.style.scrollBehavior = 'auto'; window.scrollTo(0, 0)`, nil)))
	browsertest.WaitFor(t, ctx, "the board scrolled to the top", `window.scrollY === 0`)
	browsertest.Screenshot(t, ctx, "admin_player_manager.png")

	// Picking a rank in a card's select saves it as an override at once.
	var officerRank models.GuildRank
	require.NoError(t, db.Where("level = 4").Take(&officerRank).Error)
	require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(fmt.Sprintf(`(() => {
		const sel = document.querySelector('%s select[name="rank_id"]');
		sel.value = '%d'; sel.dispatchEvent(new Event('change', {bubbles: true})); })()`, card, officerRank.ID), nil)))
	browsertest.WaitFor(t, ctx, "Bravo's card showing Officer", fmt.Sprintf(`document.querySelector('%s .pm-card__badges').textContent.includes('Officer')`, card))
	var br models.Player
	require.NoError(t, db.Take(&br, bravo.ID).Error)
	require.Equal(t, officerRank.ID, *br.GuildRankID)

	// The column filter applies as the officer types (an htmx GET that swaps
	// the list).
	require.NoError(t, chromedp.Run(ctx, chromedp.SendKeys(`input[name="cq"]`, "drift", chromedp.ByQuery)))
	browsertest.WaitFor(t, ctx, "the filtered characters column",
		`document.querySelectorAll('#pm-chars-list .pm-char').length === 1 && document.querySelector('#pm-chars-list').textContent.includes('Driftpriest')`)

	// ◎ on Bravo's card: all three columns show Bravo and what is linked to
	// Bravo only, and the address says so; ◎ again shows everything.
	require.NoError(t, chromedp.Run(ctx, chromedp.Click(card+" .pm-focus", chromedp.ByQuery)))
	browsertest.WaitFor(t, ctx, "the board focused on Bravo", fmt.Sprintf(`document.querySelector('.pm-focus-bar') && !document.querySelector('#player-%d')
		&& document.querySelectorAll('#pm-players-list .pm-card').length === 1 && document.querySelector('%s.is-focused')
		&& document.querySelectorAll('#pm-chars-list .pm-char').length === 1 && document.querySelector('%s')
		&& document.querySelectorAll('#pm-discord-list .pm-discord').length === 0`, alpha.ID, card, chip))
	var search string
	require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(`location.search`, &search)))
	require.Equal(t, fmt.Sprintf("?focus=player:%d", bravo.ID), search)
	browsertest.WaitFor(t, ctx, "SortableJS on the new board", `document.querySelector('#pm-chars-list').pattSortable`)
	require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(`document.documentElement.style.scrollBehavior = 'auto'; window.scrollTo(0, 0)`, nil)))
	browsertest.WaitFor(t, ctx, "the page scrolled to the top", `window.scrollY === 0`)
	browsertest.Screenshot(t, ctx, "admin_player_manager_focus.png")
	require.NoError(t, chromedp.Run(ctx, chromedp.Click(card+" .pm-focus.is-active", chromedp.ByQuery)))
	browsertest.WaitFor(t, ctx, "the whole board again", fmt.Sprintf(`!document.querySelector('.pm-focus-bar') && document.querySelector('#player-%d')`, alpha.ID))
	require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(`location.search`, &search)))
	require.Empty(t, search)
}
