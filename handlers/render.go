package handlers

import (
	"bytes"
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v3"

	"patt/config"
)

// Layout names.
const (
	layoutPublic = "layouts/base"
	layoutAdmin  = "layouts/admin"
)

// Flash is the message bar above a page's content.
type Flash struct {
	Success, Error, Info string
}

// Page is the data every template receives: the per-request basics filled by
// render, plus the page's own values.
type Page struct {
	Title    string
	Viewer   *Viewer
	CSRF     string
	Guild    config.Guild
	Nav      []NavItem
	AdminNav []NavItem
	Flash    *Flash
	Path     string
	Year     int
	Status   int

	// Data is the page's own content.
	Data any
	// Content is the rendered page body placed inside a layout.
	Content template.HTML
}

// isHTMX reports whether htmx asked for this request (and so wants only the
// fragment, not the whole document). History restores want the full page.
func isHTMX(c fiber.Ctx) bool {
	return c.Get("HX-Request") == "true" && c.Get("HX-History-Restore-Request") != "true"
}

// render answers with the named page template: the bare fragment for an
// htmx request, the page inside the public layout otherwise. One template
// serves both, so a swap and a full load show the same markup.
func (s *Server) render(c fiber.Ctx, status int, name string, p *Page) error {
	return s.renderIn(c, status, name, layoutPublic, p)
}

// renderAdmin is render with the admin layout.
func (s *Server) renderAdmin(c fiber.Ctx, status int, name string, p *Page) error {
	return s.renderIn(c, status, name, layoutAdmin, p)
}

// renderFragment renders a partial without any layout, whoever asked.
func (s *Server) renderFragment(c fiber.Ctx, status int, name string, p *Page) error {
	s.fillPage(c, p)
	body, err := s.execute(name, p)
	if err != nil {
		return err
	}
	return sendHTML(c, status, body)
}

// renderIn renders the page body first and only then the layout around it,
// so a template error is a clean 500 and never half a page with status 200.
func (s *Server) renderIn(c fiber.Ctx, status int, name, layout string, p *Page) error {
	s.fillPage(c, p)
	c.Vary("HX-Request")
	body, err := s.execute(name, p)
	if err != nil {
		return err
	}
	if isHTMX(c) {
		return sendHTML(c, status, body)
	}
	p.Content = template.HTML(body)
	page, err := s.execute(layout, p)
	if err != nil {
		return err
	}
	return sendHTML(c, status, page)
}

func (s *Server) execute(name string, data any) ([]byte, error) {
	var buf bytes.Buffer
	if err := s.views.Render(&buf, name, data); err != nil {
		return nil, fmt.Errorf("render %s: %w", name, err)
	}
	return buf.Bytes(), nil
}

func sendHTML(c fiber.Ctx, status int, body []byte) error {
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Status(status).Send(body)
}

func (s *Server) fillPage(c fiber.Ctx, p *Page) {
	p.Viewer = viewerOf(c)
	p.CSRF = csrfToken(c)
	p.Guild = s.Config.Guild
	p.Path = c.Path()
	p.Year = s.Now().In(s.Config.GuildTimezone).Year()
	p.Nav = publicNav(p.Viewer, p.Path)
	p.Nav = s.withVoteNav(s.db(c), p.Viewer, p.Nav, p.Path)
	p.AdminNav = adminNav(p.Viewer, p.Path)
	if p.Flash == nil {
		p.Flash = flashFromQuery(c)
	}
}

// flashFromQuery shows a message a redirect asked for. Only known message
// codes are shown, so a crafted link cannot put arbitrary text in a trusted
// banner.
func flashFromQuery(c fiber.Ctx) *Flash {
	code := c.Query("flash")
	if code == "" {
		return nil
	}
	if msg, ok := flashMessages[code]; ok {
		if strings.HasPrefix(code, "err-") {
			return &Flash{Error: msg}
		}
		return &Flash{Success: msg}
	}
	return nil
}

// flashMessages maps the codes redirects may carry (?flash=…) to their
// text, every area's in one literal so nothing is added at start-up. Codes
// starting with "err-" show as errors.
var flashMessages = map[string]string{
	// accounts and /profile
	"logged-out":             "You have been logged out.",
	"profile-saved":          "Identity settings saved",
	"characters-saved":       "Character settings saved",
	"password-changed":       "Password updated successfully",
	"battlenet-linked":       "Battle.net linked: your characters in the guild are now proven yours.",
	"err-battlenet":          "The Battle.net sign-in did not work; please try again.",
	"err-battlenet-conflict": "Battle.net linked, but some of your characters belong to another player here; the officers have been asked to sort it out.",

	// Mito's corner
	"mito-added":     "Added. Mito approves.",
	"mito-saved":     "Saved.",
	"mito-deleted":   "Deleted.",
	"err-mito-empty": "Please write something first (at most 500 characters).",

	// campaigns (admin)
	"campaign-created":   "Campaign created. Add its entries, then activate it.",
	"campaign-updated":   "Campaign updated.",
	"campaign-live":      "Campaign is now live!",
	"campaign-scheduled": "Campaign scheduled: it opens by itself at its start time.",
	"err-campaign-ready": "This campaign is not ready to activate.",
	"campaign-closed":    "Campaign closed. Results calculated.",
	"entry-added":        "Entry added.",
	"entry-updated":      "Entry updated.",
	"entry-removed":      "Entry removed.",
	"entries-reordered":  "Entries reordered.",
	"err-campaign-state": "That action does not fit the campaign's current status.",

	// Player Manager and Reference Tables (admin)
	"pm-saved":               "Saved.",
	"pm-player-created":      "Player created.",
	"pm-player-deleted":      "Player deleted; their characters are unlinked.",
	"pm-character-linked":    "Character linked.",
	"pm-character-deleted":   "Character deleted.",
	"pm-character-confirmed": "Character confirmed.",
	"pm-invite-created":      "Invite code created.",
	"pm-invite-revoked":      "Invite code revoked.",
	"ref-saved":              "Saved!",
	"ref-season-created":     "Season created.",

	// background jobs (admin)
	"job-started": "Job started. Its run shows below when it ends.",

	// votes
	"ballot-changed": "Your ballot is changed. You can change it again until the vote closes.",

	// raid scheduling
	"availability-saved":   "Availability saved",
	"calendar-regenerated": "New calendar address made; the old one no longer works",
	"event-day-saved":      "Raid night saved",
	"raid-event-saved":     "Raid event saved",
	"signup-saved":         "Your answer is saved",
	"raid-helper-saved":    "Raid-Helper settings saved",
	"raid-helper-done":     "Done",

	// guild sync (admin_sync.go)
	"sync-started":       "Sync started. Progress shows below.",
	"blizzard-saved":     "Blizzard settings saved. Use Test connection to check them.",
	"err-sync-busy":      "A guild sync is already running; wait for it to finish.",
	"issue-resolve":      "Issue resolved.",
	"issue-dismiss":      "Issue dismissed; it will not be reported again.",
	"issue-accept":       "Link made.",
	"issue-reject":       "Suggestion rejected; it will not be suggested again.",
	"issue-run-started":  "Started. Refresh in a moment to see the results.",
	"err-issue-run-busy": "That job is already running.",
}

func templateFuncs(a *assetIndex) map[string]any {
	return map[string]any{
		"asset": a.URL,
		"upper": strings.ToUpper,
		"isoTime": func(t time.Time) string {
			return t.UTC().Format(time.RFC3339)
		},
		// plural writes a count with its noun: 1 vote, 2 votes.
		"plural": func(n int, one, many string) string {
			if n == 1 {
				return "1 " + one
			}
			return strconv.Itoa(n) + " " + many
		},
	}
}
