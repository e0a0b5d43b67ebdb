package handlers

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/app/jobs"
	"patt/dbtest"
	"patt/identity"
	"patt/schedule"
	"patt/seal"
)

// The hostile-input walk (issue 10 item 6): every registered route, as the
// Guild Leader (who gets past every rank check), is sent bodies and query
// strings full of NUL bytes, control characters, invalid UTF-8, integers
// beyond int32, wrong JSON types and very long text, in every field name the
// site reads. Whatever the route makes of them, it must never answer 5xx —
// a 5xx here is a value that reached the database unchecked (Postgres
// refuses NUL in text and 2147483648 in an INTEGER column).

// hostileFields are the input names the site reads (JSON keys and form
// fields); every hostile body sets all of them at once.
var hostileFields = []string{
	"active", "agent_chattiness", "agent_enabled", "auto_invite_events", "booking_ahead_days", "character_id",
	"class_id", "code", "colour", "compact", "confirm_password", "copy_from", "count_unverified", "current_password",
	"day", "day_of_week", "default_duration_minutes", "default_start_time", "description", "dir", "discord_channel_id",
	"discord_id", "discord_role_id", "discord_username", "display_name", "display_on_public", "duration",
	"duration_hours", "duration_minutes", "early_close_if_all_voted", "end", "entry_id", "event_date", "event_type",
	"field", "force", "from", "generated_ahead_days", "hours", "image_url", "is_active", "is_main", "label", "level",
	"log_url", "main_alt", "main_character_id", "main_spec_id", "min_rank_to_view", "min_rank_to_vote", "name",
	"new_password", "next", "note", "notes", "offspec_character_id", "offspec_spec_id", "open", "password",
	"password2", "picks", "picks_per_voter", "player_id", "public", "quote", "raid_channel_id",
	"raid_creator_discord_id", "raid_default_template_id", "raid_helper_api_key", "raid_helper_server_id",
	"raid_voice_channel_id", "rank", "rank_id", "realm", "realm_slug", "recurring_event_id", "return", "role",
	"scheduling_weight", "season_id", "sort_order", "spec_id", "start", "start_at", "start_date", "start_time",
	"status", "text", "timezone", "title", "type", "value", "week", "week_of", "q", "edit", "page", "tab",
	"0_available", "0_start", "0_hours",
}

// hostileJSON are JSON values; the ones the input layer lets through
// (wrong types, boundaries) reach the handlers and their domain code.
var hostileJSON = []string{
	`"a\u0000b"`, `"bell\u0007esc\u001b"`, `"line\nbreak\ttab"`, "\"bad \xff\xfe utf8\"",
	`2147483648`, `-2147483649`, `9223372036854775808`, `1e30`, `1.5`, `-1`, `0`, `2147483647`,
	`[]`, `{}`, `true`, `null`, `"x"`, `""`, `[1,2,"x"]`, `{"a":"\u0000"}`,
	`"` + strings.Repeat("long", 3000) + `"`, `"2147483648"`, `"99999999999999999999"`, `"‮evil"`,
}

// hostileForm are form and query values.
var hostileForm = []string{
	"a\x00b", "bell\x07esc\x1b", "bad \xff\xfe utf8", "2147483648", "-2147483649", "99999999999999999999",
	"1e30", "1.5", "-1", "0", "2147483647", "", "x", strings.Repeat("long", 3000), "‮evil", "2026-13-45",
	"25:99",
}

// hostileIDs fill path parameters besides the id of a row that exists.
var hostileIDs = []string{fmt.Sprint(matrixID), "2147483648", "99999999999999999999", "-1", "a%00b", "%ff"}

// skipHostile are routes that would end the walking session (they are
// covered by their own tests).
func skipHostile(method, path string) bool {
	return strings.Contains(path, "logout") || strings.Contains(path, "/sessions") || isAddonUpload(path) ||
		strings.HasPrefix(path, "/assets") || strings.Contains(path, "password")
}

func fillParamsWith(path, id string) string {
	return paramPattern.ReplaceAllStringFunc(path, func(p string) string {
		if p == "*" || p == "+" {
			return "x"
		}
		return id
	})
}

func hostileJSONBody(v string) string {
	var b strings.Builder
	b.WriteByte('{')
	for i, f := range hostileFields {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%q:%s", f, v)
	}
	b.WriteByte('}')
	return b.String()
}

func hostileValues(v string) url.Values {
	vals := url.Values{}
	for _, f := range hostileFields {
		vals.Set(f, v)
	}
	return vals
}

func TestHostileInputNeverAnswers5xx(t *testing.T) {
	if testing.Short() {
		t.Skip("walks every route with hostile input; skipped with -short")
	}
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		// A runner with no jobs: the job routes answer 404 for any name
		// instead of 503 for a site started without one.
		s.Jobs = jobs.New(db, s.Log, nil)
		// The Raid-Helper key box app.Assemble gives the site (its API key
		// is sealed at rest); the base URL is nowhere, so nothing is booked.
		keys, err := seal.New(s.Config.JWTSecret, schedule.KeyBoxPurpose)
		require.NoError(t, err)
		s.RaidHelper = schedule.RaidHelper{BaseURL: "http://127.0.0.1:1", Keys: keys}
		seedMatrixTargets(t, db)
		_, leader := seedMember(t, db, "Hostile Leader", identity.GuildLeaderLevel)
		b := newBrowser(t, app).loginAs(s, leader)
		require.NotEmpty(t, b.csrf)

		type route struct{ method, path string }
		seen := map[string]bool{}
		var routes []route
		for _, r := range app.GetRoutes(true) {
			switch r.Method {
			case http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
			default:
				continue
			}
			if skipHostile(r.Method, r.Path) || seen[r.Method+" "+r.Path] {
				continue
			}
			seen[r.Method+" "+r.Path] = true
			routes = append(routes, route{r.Method, r.Path})
		}
		// Deletes last, so the rows stay for the other routes as long as can be.
		sort.SliceStable(routes, func(i, j int) bool {
			di := routes[i].method == http.MethodDelete || strings.Contains(routes[i].path, "delete")
			dj := routes[j].method == http.MethodDelete || strings.Contains(routes[j].path, "delete")
			if di != dj {
				return !di
			}
			return routes[i].method+routes[i].path < routes[j].method+routes[j].path
		})
		require.Greater(t, len(routes), 50, "the routes are found")

		var failures []string
		requests := 0
		codes := map[int]int{}
		check := func(req *http.Request, what string) {
			req.Header.Set(csrfHeader, b.csrf)
			resp, body := b.send(req)
			requests++
			codes[resp.StatusCode]++
			// An integration that is off says so with 503 (the Discord bot
			// for a member sync): the service is missing, not the input.
			offline := resp.StatusCode == 503 && strings.Contains(body, "is not running")
			if resp.StatusCode >= 500 && !offline {
				failures = append(failures, fmt.Sprintf("%s → %d %.160q", what, resp.StatusCode, body))
			}
		}
		for _, r := range routes {
			hasParams := paramPattern.MatchString(r.path)
			ids := hostileIDs[:1]
			if hasParams {
				ids = hostileIDs
			}
			for _, id := range ids {
				target := fillParamsWith(r.path, id)
				jsonValues, formValues := hostileJSON, hostileForm
				if id != hostileIDs[0] {
					// A hostile id is the point: one plain body is enough.
					jsonValues, formValues = []string{`"x"`}, []string{"x"}
				}
				if r.method == http.MethodGet {
					for _, v := range formValues {
						if len(v) > 100 {
							continue // a request line that long is refused before any handler
						}
						u := target + "?" + hostileValues(v).Encode()
						check(httptest.NewRequest(r.method, u, nil), fmt.Sprintf("GET %s ?all=%.40q", target, v))
					}
					continue
				}
				for _, v := range jsonValues {
					req := httptest.NewRequest(r.method, target, strings.NewReader(hostileJSONBody(v)))
					req.Header.Set("Content-Type", "application/json")
					check(req, fmt.Sprintf("%s %s json all=%.40q", r.method, target, v))
				}
				for _, v := range formValues {
					req := httptest.NewRequest(r.method, target, strings.NewReader(hostileValues(v).Encode()))
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
					check(req, fmt.Sprintf("%s %s form all=%.40q", r.method, target, v))
				}
			}
		}
		t.Logf("%d routes, %d hostile requests, answers by status %v", len(routes), requests, codes)
		require.Empty(t, failures, "%d requests answered 5xx:\n%s", len(failures), strings.Join(failures, "\n"))
	})
}
